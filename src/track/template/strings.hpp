#pragma once

// Python's str methods and number parsing, as the filters and methods of the subset use
// them. All work on code points, as Python does.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "value.hpp"

namespace rally::track::templating {

// str.lower()/str.upper(); non-ASCII letters would need Unicode case tables, so text with
// non-ASCII characters is an error rather than a silently different result.
std::string ascii_case(const std::string& s, bool upper);

// str.strip/lstrip/rstrip(chars); `chars` null strips whitespace.
std::string strip(const std::string& s, const Value* chars, bool left, bool right);

// str.replace(old, new, count); count < 0 replaces all.
std::string replace(const std::string& s, const std::string& old, const std::string& repl, std::int64_t count);

// str.split(sep, maxsplit); `sep` null splits on runs of whitespace.
Value split(const std::string& s, const Value* sep, std::int64_t maxsplit);

// Python's int(text, base) (base 0 or 2..36) and float(text); nullopt where Python raises
// ValueError. An int beyond 64 bits throws TemplateError: Python would return a big int.
std::optional<std::int64_t> parse_python_int(std::string_view text, int base);
std::optional<double> parse_python_float(std::string_view text);

}  // namespace rally::track::templating
