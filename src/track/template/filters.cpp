#include "filters.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "operators.hpp"
#include "python_format.hpp"
#include "rally_helpers.hpp"
#include "strings.hpp"
#include "utf8.hpp"

namespace rally::track::templating {

std::vector<std::optional<Value>> bind_args(const std::string& callee, const CallArgs& args,
                                            std::initializer_list<const char*> params) {
  std::vector<const char*> names(params);
  std::vector<std::optional<Value>> bound(names.size());
  if (args.positional.size() > names.size())
    throw TemplateError(callee + "() takes at most " + std::to_string(names.size()) + " argument(s) (" +
                        std::to_string(args.positional.size()) + " given)");
  for (std::size_t i = 0; i < args.positional.size(); ++i) bound[i] = args.positional[i];
  for (const auto& [key, value] : args.keywords) {
    const auto& name = key;  // clang 14 cannot capture a structured binding
    auto it = std::find_if(names.begin(), names.end(), [&](const char* n) { return name == n; });
    if (it == names.end()) throw TemplateError(callee + "() got an unexpected keyword argument '" + key + "'");
    auto& slot = bound[static_cast<std::size_t>(it - names.begin())];
    if (slot) throw TemplateError(callee + "() got multiple values for argument '" + key + "'");
    slot = value;
  }
  return bound;
}

namespace {

constexpr const char* kFilters[] = {"default", "d",      "tojson", "int",   "float",   "length",
                                    "count",   "string", "lower",  "upper", "replace", "join",
                                    "round",   "abs",    "first",  "last",  "list",    "trim"};
constexpr const char* kTests[] = {"defined", "undefined", "none",  "number",  "string", "integer", "float",
                                  "boolean", "true",      "false", "mapping", "even",   "odd",     "divisibleby"};

std::int64_t require_int(const std::optional<Value>& v, const char* what) {
  if (!v->is_int() && !v->is_bool())
    throw TemplateError(std::string(what) + " must be an integer, not " + type_name(*v));
  return int_of(*v);
}

// Python's int(x) for a float: truncation; NaN and infinities cannot convert.
std::optional<std::int64_t> int_of_float(double d) {
  if (std::isnan(d)) return std::nullopt;  // ValueError: Jinja's int filter falls back to its default
  if (std::isinf(d)) throw TemplateError("cannot convert float infinity to integer");
  double t = std::trunc(d);
  if (t >= 9223372036854775808.0 || t < -9223372036854775808.0)
    throw TemplateError("the integer " + float_repr(t) + " exceeds 64 bits");
  return static_cast<std::int64_t>(t);
}

Value filter_int(const Value& v, const CallArgs& args) {
  auto a = bind_args("int", args, {"default", "base"});
  Value fallback = a[0] ? *a[0] : Value(0);
  std::int64_t base = a[1] ? require_int(a[1], "base") : 10;
  if (v.is_undefined()) fail_undefined(v);
  if (v.is_string()) {
    // int(s, base), else int(float(s)) ("42.23" gives 42), else the default.
    if (base == 0 || (base >= 2 && base <= 36)) {
      if (auto i = parse_python_int(v.as_string(), static_cast<int>(base))) return *i;
    }
    if (auto d = parse_python_float(v.as_string())) {
      if (auto i = int_of_float(*d)) return *i;
    }
    return fallback;
  }
  if (v.is_int() || v.is_bool()) return int_of(v);
  if (v.is_float()) {
    if (auto i = int_of_float(v.as_float())) return *i;
  }
  return fallback;
}

Value filter_float(const Value& v, const CallArgs& args) {
  auto a = bind_args("float", args, {"default"});
  if (v.is_undefined()) fail_undefined(v);
  if (v.is_float()) return v;
  if (v.is_int() || v.is_bool()) return static_cast<double>(int_of(v));
  if (v.is_string()) {
    if (auto d = parse_python_float(v.as_string())) return *d;
  }
  return a[0] ? *a[0] : Value(0.0);
}

Value length_of(const Value& v) {
  switch (v.kind()) {
    case Kind::undefined:
      return 0;
    case Kind::string:
      return static_cast<std::int64_t>(utf8::length(v.as_string()));
    case Kind::sequence:
      return static_cast<std::int64_t>(v.as_sequence().items.size());
    case Kind::dict:
      return static_cast<std::int64_t>(v.as_dict().size());
    default:
      throw TemplateError("object of type '" + type_name(v) + "' has no len()");
  }
}

// Python's round(x, ndigits) for a float: correctly rounded, ties to even on the exact
// binary value; printf's %.*f rounds exactly that way.
double round_float(double x, std::int64_t ndigits) {
  if (!std::isfinite(x)) return x;
  if (ndigits < 0) throw TemplateError("round() with a negative precision on a float is not supported");
  if (ndigits > 340) return x;
  std::vector<char> buf(400);
  std::snprintf(buf.data(), buf.size(), "%.*f", static_cast<int>(ndigits), x);
  return std::strtod(buf.data(), nullptr);
}

std::int64_t round_int(std::int64_t v, std::int64_t ndigits) {
  if (ndigits >= 0) return v;
  if (ndigits < -18) return 0;
  std::int64_t m = 1;
  for (std::int64_t k = 0; k < -ndigits; ++k) m *= 10;
  std::int64_t q = v / m, r = v % m;
  if (r < 0) {
    r += m;
    --q;
  }
  if (2 * r > m || (2 * r == m && (q % 2 != 0))) ++q;  // ties to even, as Python
  std::int64_t out = 0;
  if (__builtin_mul_overflow(q, m, &out)) throw TemplateError("integer overflow in round()");
  return out;
}

Value filter_round(const Value& v, const CallArgs& args) {
  auto a = bind_args("round", args, {"precision", "method"});
  std::int64_t precision = a[0] ? require_int(a[0], "round() precision") : 0;
  std::string method = a[1] ? to_str(*a[1]) : "common";
  if (method != "common" && method != "ceil" && method != "floor")
    throw TemplateError("method must be common, ceil or floor");
  if (v.is_undefined()) throw TemplateError("type Undefined doesn't define __round__ method");
  if (!v.is_number()) throw TemplateError("type " + type_name(v) + " doesn't define __round__ method");
  if (method == "common") {
    if (v.is_float()) return round_float(v.as_float(), precision);
    return round_int(int_of(v), precision);
  }
  // Jinja: math.ceil/floor(value * 10**precision) / 10**precision, a float.
  if (precision < 0 || precision > 22)
    throw TemplateError("round() with method '" + method + "' supports precisions 0 to 22");
  double scale = std::pow(10.0, static_cast<double>(precision));
  double scaled = v.is_float() ? v.as_float() * scale : static_cast<double>(int_of(v)) * scale;
  if (!std::isfinite(scaled)) throw TemplateError("cannot convert float infinity to integer");
  double whole = method == "ceil" ? std::ceil(scaled) : std::floor(scaled);
  if (std::fabs(whole) > 9007199254740992.0)
    throw TemplateError("round() of a value this large is not supported");  // int / int would not be exact
  return whole / scale;
}

Value filter_tojson(const Value& v, const CallArgs& args) {
  auto a = bind_args("tojson", args, {"indent"});
  if (!a[0] || a[0]->is_none()) return Value::markup(to_json(v));
  if (a[0]->is_string()) return Value::markup(to_json(v, 0, &a[0]->as_string()));
  std::int64_t indent = require_int(a[0], "tojson() indent");
  if (indent > 1000) throw TemplateError("tojson() indent is too large");
  return Value::markup(to_json(v, static_cast<int>(std::max<std::int64_t>(0, indent))));  // negative: like 0
}

Value filter_first_last(const Value& v, bool first) {
  if (v.kind() != Kind::undefined && v.kind() != Kind::sequence && v.kind() != Kind::dict && !v.is_string())
    throw TemplateError("'" + type_name(v) + "' object is not " + (first ? "iterable" : "reversible"));
  auto items = iterate(v);
  if (items.empty())
    return Value::undefined(first ? "No first item, sequence was empty." : "No last item, sequence was empty.");
  return first ? items.front() : items.back();
}

}  // namespace

bool filter_exists(std::string_view name, Environment env) {
  if (name == "days_ago") return env == Environment::track;
  return std::any_of(std::begin(kFilters), std::end(kFilters), [&](const char* f) { return name == f; });
}

bool test_exists(std::string_view name) {
  return std::any_of(std::begin(kTests), std::end(kTests), [&](const char* t) { return name == t; });
}

Value apply_filter(const std::string& name, const Value& v, const CallArgs& args) {
  if (name == "default" || name == "d") {
    auto a = bind_args(name, args, {"default_value", "boolean"});
    bool boolean = a[1] && truthy(*a[1]);
    if (v.is_undefined() || (boolean && !truthy(v))) return a[0] ? *a[0] : Value("");
    return v;
  }
  if (name == "tojson") return filter_tojson(v, args);
  if (name == "int") return filter_int(v, args);
  if (name == "float") return filter_float(v, args);
  if (name == "length" || name == "count") {
    bind_args(name, args, {});
    return length_of(v);
  }
  if (name == "string") {
    bind_args(name, args, {});
    return v.is_string() ? v : Value(to_str(v));
  }
  if (name == "lower" || name == "upper") {
    bind_args(name, args, {});
    return ascii_case(to_str(v), name == "upper");
  }
  if (name == "trim") {
    auto a = bind_args(name, args, {"chars"});
    return strip(to_str(v), a[0] && !a[0]->is_none() ? &*a[0] : nullptr, true, true);
  }
  if (name == "replace") {
    auto a = bind_args(name, args, {"old", "new", "count"});
    if (!a[0] || !a[1]) throw TemplateError("replace() missing required argument: 'old' and 'new'");
    std::int64_t count = a[2] && !a[2]->is_none() ? require_int(a[2], "replace() count") : -1;
    return replace(to_str(v), to_str(*a[0]), to_str(*a[1]), count);
  }
  if (name == "join") {
    auto a = bind_args(name, args, {"d", "attribute"});
    if (a[1] && !a[1]->is_none()) throw TemplateError("join(attribute=...) is not supported");
    std::string sep = a[0] ? to_str(*a[0]) : "";
    std::string out;
    bool first = true;
    for (const auto& item : iterate(v)) {
      if (!first) out += sep;
      first = false;
      out += to_str(item);
    }
    return out;
  }
  if (name == "round") return filter_round(v, args);
  if (name == "abs") {
    bind_args(name, args, {});
    if (v.is_float()) return std::fabs(v.as_float());
    if (v.is_int() || v.is_bool()) {
      if (int_of(v) == std::numeric_limits<std::int64_t>::min()) throw TemplateError("integer overflow in abs()");
      return int_of(v) < 0 ? -int_of(v) : int_of(v);
    }
    throw TemplateError("bad operand type for abs(): '" + type_name(v) + "'");
  }
  if (name == "first" || name == "last") {
    bind_args(name, args, {});
    return filter_first_last(v, name == "first");
  }
  if (name == "list") {
    bind_args(name, args, {});
    return Value::list(iterate(v));
  }
  if (name == "days_ago") return days_ago(v, args);
  throw TemplateError("unknown filter '" + name + "'");
}

bool apply_test(const std::string& name, const Value& v, const CallArgs& args) {
  bool takes_arg = name == "divisibleby";
  auto a = bind_args(name, args,
                     takes_arg ? std::initializer_list<const char*>{"num"} : std::initializer_list<const char*>{});
  if (name == "defined") return !v.is_undefined();
  if (name == "undefined") return v.is_undefined();
  if (name == "none") return v.is_none();
  if (name == "number") return v.is_number();
  if (name == "string") return v.is_string();
  if (name == "integer") return v.is_int();
  if (name == "float") return v.is_float();
  if (name == "boolean") return v.is_bool();
  if (name == "true") return v.is_bool() && v.as_bool();
  if (name == "false") return v.is_bool() && !v.as_bool();
  if (name == "mapping") return v.kind() == Kind::dict;
  if (name == "even") return equals(binary(BinaryOp::mod, v, Value(2)), Value(0));
  if (name == "odd") return equals(binary(BinaryOp::mod, v, Value(2)), Value(1));
  if (name == "divisibleby") {
    if (!a[0]) throw TemplateError("divisibleby() missing required argument: 'num'");
    return equals(binary(BinaryOp::mod, v, *a[0]), Value(0));
  }
  throw TemplateError("unknown test '" + name + "'");
}

}  // namespace rally::track::templating
