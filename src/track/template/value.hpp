#pragma once

// The values a template computes with. They model the Python objects Jinja works on closely
// enough that printing, comparing and serializing them gives exactly Python's result: ints
// and floats stay apart, tuples and ranges remember what they are, dicts keep insertion order.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace rally::track::templating {

// A failure while evaluating an expression. It carries no location: the evaluator adds the
// file and line of the expression that failed and turns it into a RallyError.
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Value;

// Jinja's Undefined. The hint is the message Jinja raises when the value is used in a way
// an undefined value cannot be ("'x' is undefined", "'dict object' has no attribute 'y'").
struct Undefined {
  std::shared_ptr<const std::string> hint;
};
struct NoneType {};

struct String {
  std::string text;
  // tojson returns markupsafe.Markup; Markup + str escapes the str, which this subset refuses.
  bool markup = false;
};

// Python's sequence flavours: they print differently (tuple (1, 2), range(0, 3),
// dict_items([...])) and only lists and tuples are JSON serializable.
enum class SeqKind : std::uint8_t { list, tuple, range, dict_keys, dict_values, dict_items };

struct Sequence;
class Dict;
struct LoopState;

// Callables and objects that are not data.
enum class Builtin : std::uint8_t {
  range,
  helpers,           // the module `{% import "rally.helpers" as rally %}` binds
  exists_set_param,  // rally.helpers macros
  collect,
  glob,  // Rally's helper behind the collect macro; not supported on its own
  dict,  // Jinja globals this subset does not support
  lipsum,
  cycler,
  joiner,
  namespace_,
};

using SeqPtr = std::shared_ptr<const Sequence>;
using DictPtr = std::shared_ptr<const Dict>;
using LoopPtr = std::shared_ptr<const LoopState>;

enum class Kind : std::uint8_t { undefined, none, boolean, integer, floating, string, sequence, dict, loop, builtin };

class Value {
 public:
  Value() : data_(Undefined{}) {}
  Value(bool b) : data_(b) {}                                   // NOLINT(google-explicit-constructor)
  Value(std::int64_t i) : data_(i) {}                           // NOLINT(google-explicit-constructor)
  Value(int i) : data_(std::int64_t{i}) {}                      // NOLINT(google-explicit-constructor)
  Value(double d) : data_(d) {}                                 // NOLINT(google-explicit-constructor)
  Value(std::string s) : data_(String{std::move(s), false}) {}  // NOLINT(google-explicit-constructor)
  Value(const char* s) : data_(String{s, false}) {}             // NOLINT(google-explicit-constructor)
  Value(String s) : data_(std::move(s)) {}                      // NOLINT(google-explicit-constructor)
  Value(SeqPtr s) : data_(std::move(s)) {}                      // NOLINT(google-explicit-constructor)
  Value(DictPtr d) : data_(std::move(d)) {}                     // NOLINT(google-explicit-constructor)
  Value(LoopPtr l) : data_(std::move(l)) {}                     // NOLINT(google-explicit-constructor)
  Value(Builtin b) : data_(b) {}                                // NOLINT(google-explicit-constructor)

  static Value undefined(std::string hint) { return Value(Undefined{std::make_shared<std::string>(std::move(hint))}); }
  static Value none() { return Value(NoneType{}); }
  static Value markup(std::string s) { return Value(String{std::move(s), true}); }
  static Value list(std::vector<Value> items, SeqKind kind = SeqKind::list);

  [[nodiscard]] Kind kind() const { return static_cast<Kind>(data_.index()); }
  [[nodiscard]] bool is_undefined() const { return kind() == Kind::undefined; }
  [[nodiscard]] bool is_none() const { return kind() == Kind::none; }
  [[nodiscard]] bool is_string() const { return kind() == Kind::string; }
  [[nodiscard]] bool is_int() const { return kind() == Kind::integer; }
  [[nodiscard]] bool is_float() const { return kind() == Kind::floating; }
  [[nodiscard]] bool is_bool() const { return kind() == Kind::boolean; }
  // Python's numbers.Number: bool is an int subclass.
  [[nodiscard]] bool is_number() const { return is_int() || is_float() || is_bool(); }

  [[nodiscard]] bool as_bool() const { return std::get<bool>(data_); }
  [[nodiscard]] std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
  [[nodiscard]] double as_float() const { return std::get<double>(data_); }
  [[nodiscard]] const String& as_string_value() const { return std::get<String>(data_); }
  [[nodiscard]] const std::string& as_string() const { return std::get<String>(data_).text; }
  [[nodiscard]] const Sequence& as_sequence() const { return *std::get<SeqPtr>(data_); }
  [[nodiscard]] const Dict& as_dict() const { return *std::get<DictPtr>(data_); }
  [[nodiscard]] const LoopState& as_loop() const { return *std::get<LoopPtr>(data_); }
  [[nodiscard]] Builtin as_builtin() const { return std::get<Builtin>(data_); }
  [[nodiscard]] const std::string& undefined_hint() const;

  // A sequence of the given flavour (list, tuple, ...).
  [[nodiscard]] bool is_seq(SeqKind k) const;
  [[nodiscard]] bool is_list_or_tuple() const { return is_seq(SeqKind::list) || is_seq(SeqKind::tuple); }

 private:
  explicit Value(Undefined u) : data_(std::move(u)) {}
  explicit Value(NoneType n) : data_(n) {}
  std::variant<Undefined, NoneType, bool, std::int64_t, double, String, SeqPtr, DictPtr, LoopPtr, Builtin> data_;
};

struct Sequence {
  SeqKind kind = SeqKind::list;
  std::vector<Value> items;
  std::int64_t start = 0, stop = 0, step = 1;  // for range: how it prints
};

inline bool Value::is_seq(SeqKind k) const { return kind() == Kind::sequence && as_sequence().kind == k; }

// A dict with string keys (the only keys this subset allows) in insertion order.
class Dict {
 public:
  void set(const std::string& key, Value value);
  [[nodiscard]] const Value* find(std::string_view key) const;
  [[nodiscard]] const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  [[nodiscard]] std::size_t position(std::string_view key) const;

  std::vector<std::pair<std::string, Value>> entries_;
  std::unordered_map<std::string, std::size_t> index_;  // built once the dict grows
};

// Jinja's `loop` object for one iteration.
struct LoopState {
  std::size_t index0 = 0;
  std::shared_ptr<const std::vector<Value>> items;
};

// Python's truth value (Undefined is falsy).
bool truthy(const Value& v);

// Python's type name, for error messages ("int", "str", "dict", "Undefined", ...).
std::string type_name(const Value& v);

// Raises the error Jinja raises when an undefined value is used (UndefinedError).
[[noreturn]] void fail_undefined(const Value& v);

// Python's int(x) where x is a bool or an int; the caller checks is_int() || is_bool().
inline std::int64_t int_of(const Value& v) { return v.is_bool() ? (v.as_bool() ? 1 : 0) : v.as_int(); }

// Python's iter(): the elements of a list, tuple, range or view, the keys of a dict, the
// characters of a string; an undefined value iterates as empty.
std::vector<Value> iterate(const Value& v);

// Python's str() and repr().
std::string to_str(const Value& v);
std::string to_repr(const Value& v);

// JSON (from --track-params) to template values: objects become dicts in the order the JSON
// value iterates them, arrays become lists.
Value from_json(const nlohmann::json& j);
Value from_json(const nlohmann::ordered_json& j);

}  // namespace rally::track::templating
