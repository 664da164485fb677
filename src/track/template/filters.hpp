#pragma once

// Jinja's filters, tests, attribute and item access, and the methods and functions the
// subset supports, with Jinja 3.1's semantics (the version Rally pins).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "value.hpp"

namespace rally::track::templating {

// Rally renders track files and index body files in different Jinja environments: only
// the track's has `now` and the `days_ago` filter, and only it can include files.
enum class Environment : std::uint8_t { track, index_body };

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;
};

// Binds arguments to parameter names as a Python call does; missing ones are nullopt.
std::vector<std::optional<Value>> bind_args(const std::string& callee, const CallArgs& args,
                                            std::initializer_list<const char*> params);

bool filter_exists(std::string_view name, Environment env);
bool test_exists(std::string_view name);

Value apply_filter(const std::string& name, const Value& input, const CallArgs& args);
bool apply_test(const std::string& name, const Value& input, const CallArgs& args);

// Jinja's environment.getattr / getitem: an attribute falls back to an item and the
// other way round; what neither finds is undefined. A Python method reached this way (not
// called) is an error, since printing it would show a memory address.
Value get_attribute(const Value& obj, const std::string& attr);
Value get_item(const Value& obj, const Value& key);

// obj.method(args) for the supported str and dict methods and loop.cycle().
Value call_method(const Value& obj, const std::string& method, const CallArgs& args);

// Calls a global function (range) or a rally.helpers macro.
Value call_builtin(Builtin fn, const CallArgs& args);

}  // namespace rally::track::templating
