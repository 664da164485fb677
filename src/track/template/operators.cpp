#include "operators.hpp"

#include <cmath>
#include <limits>
#include <optional>

namespace rally::track::templating {

namespace {

struct Number {
  bool is_float = false;
  std::int64_t i = 0;
  double d = 0;
  [[nodiscard]] double as_double() const { return is_float ? d : static_cast<double>(i); }
};

std::optional<Number> number(const Value& v) {
  if (v.is_bool() || v.is_int()) return Number{false, int_of(v), 0};
  if (v.is_float()) return Number{true, 0, v.as_float()};
  return std::nullopt;
}

[[noreturn]] void unsupported(BinaryOp op, const Value& a, const Value& b) {
  throw TemplateError(std::string("unsupported operand type(s) for ") + symbol(op) + ": '" + type_name(a) + "' and '" +
                      type_name(b) + "'");
}

[[noreturn]] void overflow() {
  throw TemplateError("integer overflow: the result exceeds 64 bits (Python would switch to a big integer)");
}

void check_undefined(const Value& a, const Value& b) {
  if (a.is_undefined()) fail_undefined(a);
  if (b.is_undefined()) fail_undefined(b);
}

// Python compares an int and a float exactly, not by converting the int.
int compare_int_double(std::int64_t i, double d) {
  if (std::isnan(d)) return 2;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  double t = std::trunc(d);
  auto ti = static_cast<std::int64_t>(t);
  if (i != ti) return i < ti ? -1 : 1;
  double frac = d - t;
  return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

// <0, 0, >0, or 2 when unordered (NaN).
int compare_numbers(const Number& a, const Number& b) {
  if (!a.is_float && !b.is_float) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  if (a.is_float && b.is_float) {
    if (std::isnan(a.d) || std::isnan(b.d)) return 2;
    return a.d < b.d ? -1 : (a.d > b.d ? 1 : 0);
  }
  if (!a.is_float) return compare_int_double(a.i, b.d);
  int r = compare_int_double(b.i, a.d);
  return r == 2 ? 2 : -r;
}

bool holds(CompareOp op, int order) {
  if (order == 2) return op == CompareOp::ne;
  switch (op) {
    case CompareOp::eq:
      return order == 0;
    case CompareOp::ne:
      return order != 0;
    case CompareOp::lt:
      return order < 0;
    case CompareOp::le:
      return order <= 0;
    case CompareOp::gt:
      return order > 0;
    case CompareOp::ge:
      return order >= 0;
    default:
      return false;
  }
}

Value repeat(const Value& seq, std::int64_t times) {
  bool markup = seq.is_string() && seq.as_string_value().markup;  // Markup * n stays Markup
  if (times <= 0) return seq.is_string() ? Value(String{"", markup}) : Value::list({}, seq.as_sequence().kind);
  std::size_t unit = seq.is_string() ? seq.as_string().size() : seq.as_sequence().items.size();
  if (unit != 0 && static_cast<std::uint64_t>(times) > (64u << 20) / unit)
    throw TemplateError("the repetition is too large");
  if (seq.is_string()) {
    std::string out;
    for (std::int64_t k = 0; k < times; ++k) out += seq.as_string();
    return Value(String{std::move(out), markup});
  }
  std::vector<Value> items;
  for (std::int64_t k = 0; k < times; ++k)
    items.insert(items.end(), seq.as_sequence().items.begin(), seq.as_sequence().items.end());
  return Value::list(std::move(items), seq.as_sequence().kind);
}

Value float_op(BinaryOp op, double x, double y) {
  switch (op) {
    case BinaryOp::add:
      return x + y;
    case BinaryOp::sub:
      return x - y;
    case BinaryOp::mul:
      return x * y;
    case BinaryOp::div:
      if (y == 0) throw TemplateError("float division by zero");
      return x / y;
    case BinaryOp::floordiv:
    case BinaryOp::mod: {
      if (y == 0) throw TemplateError(op == BinaryOp::mod ? "float modulo" : "float floor division by zero");
      // CPython's float_divmod, so that signs and rounding agree.
      double mod = std::fmod(x, y);
      double div = (x - mod) / y;
      if (mod != 0) {
        if ((y < 0) != (mod < 0)) {
          mod += y;
          div -= 1.0;
        }
      } else {
        mod = std::copysign(0.0, y);
      }
      if (op == BinaryOp::mod) return mod;
      if (div == 0) return std::copysign(0.0, x / y);
      double floordiv = std::floor(div);
      if (div - floordiv > 0.5) floordiv += 1.0;
      return floordiv;
    }
    case BinaryOp::pow: {
      if (y == 0) return 1.0;
      if (x == 0 && y < 0) throw TemplateError("0.0 cannot be raised to a negative power");
      if (x < 0 && std::isfinite(y) && y != std::floor(y))
        throw TemplateError("a negative number raised to a fractional power is complex, which is not supported");
      double r = std::pow(x, y);
      if (std::isinf(r) && std::isfinite(x) && std::isfinite(y))
        throw TemplateError("(34, 'Numerical result out of range')");
      return r;
    }
  }
  return 0.0;
}

Value int_op(BinaryOp op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  switch (op) {
    case BinaryOp::add:
      if (__builtin_add_overflow(a, b, &r)) overflow();
      return r;
    case BinaryOp::sub:
      if (__builtin_sub_overflow(a, b, &r)) overflow();
      return r;
    case BinaryOp::mul:
      if (__builtin_mul_overflow(a, b, &r)) overflow();
      return r;
    case BinaryOp::div: {
      if (b == 0) throw TemplateError("division by zero");
      constexpr std::int64_t exact = std::int64_t{1} << 53;
      if (a > exact || a < -exact || b > exact || b < -exact)
        throw TemplateError("true division of integers beyond 2**53 is not supported (it could round differently)");
      return static_cast<double>(a) / static_cast<double>(b);
    }
    case BinaryOp::floordiv: {
      if (b == 0) throw TemplateError("integer division or modulo by zero");
      if (a == std::numeric_limits<std::int64_t>::min() && b == -1) overflow();
      std::int64_t q = a / b;
      if (a % b != 0 && ((a < 0) != (b < 0))) --q;
      return q;
    }
    case BinaryOp::mod: {
      if (b == 0) throw TemplateError("integer modulo by zero");
      if (b == -1) return std::int64_t{0};
      std::int64_t m = a % b;
      if (m != 0 && ((m < 0) != (b < 0))) m += b;
      return m;
    }
    case BinaryOp::pow: {
      if (b < 0) {
        if (a == 0) throw TemplateError("0.0 cannot be raised to a negative power");
        return std::pow(static_cast<double>(a), static_cast<double>(b));
      }
      if (a == 0 || a == 1) return b == 0 ? std::int64_t{1} : a;
      if (a == -1) return (b % 2 == 0) ? std::int64_t{1} : std::int64_t{-1};
      if (b >= 64) overflow();
      std::int64_t result = 1;
      for (std::int64_t k = 0; k < b; ++k) {
        if (__builtin_mul_overflow(result, a, &result)) overflow();
      }
      return result;
    }
  }
  return r;
}

bool sequence_equals(const Sequence& a, const Sequence& b) {
  if (a.items.size() != b.items.size()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    if (!equals(a.items[i], b.items[i])) return false;
  }
  return true;
}

bool is_view(SeqKind k) { return k == SeqKind::dict_keys || k == SeqKind::dict_values || k == SeqKind::dict_items; }

}  // namespace

void check_hashable(const Value& v) {
  if (v.kind() == Kind::dict ||
      (v.kind() == Kind::sequence && v.as_sequence().kind != SeqKind::tuple && v.as_sequence().kind != SeqKind::range))
    throw TemplateError("unhashable type: '" + type_name(v) + "'");
  if (v.is_seq(SeqKind::tuple)) {
    for (const auto& e : v.as_sequence().items) check_hashable(e);
  }
}

const char* symbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::add:
      return "+";
    case BinaryOp::sub:
      return "-";
    case BinaryOp::mul:
      return "*";
    case BinaryOp::div:
      return "/";
    case BinaryOp::floordiv:
      return "//";
    case BinaryOp::mod:
      return "%";
    case BinaryOp::pow:
      return "** or pow()";
  }
  return "?";
}

const char* symbol(CompareOp op) {
  switch (op) {
    case CompareOp::eq:
      return "==";
    case CompareOp::ne:
      return "!=";
    case CompareOp::lt:
      return "<";
    case CompareOp::le:
      return "<=";
    case CompareOp::gt:
      return ">";
    case CompareOp::ge:
      return ">=";
    case CompareOp::in:
      return "in";
    case CompareOp::not_in:
      return "not in";
  }
  return "?";
}

Value binary(BinaryOp op, const Value& a, const Value& b) {
  check_undefined(a, b);
  auto x = number(a);
  auto y = number(b);
  if (x && y) {
    if (x->is_float || y->is_float) return float_op(op, x->as_double(), y->as_double());
    return int_op(op, x->i, y->i);
  }
  if (a.is_string() && b.is_string() && op == BinaryOp::add) {
    if (a.as_string_value().markup || b.as_string_value().markup)
      throw TemplateError("'+' on the output of tojson escapes HTML in Jinja; use '~' to concatenate");
    return a.as_string() + b.as_string();
  }
  if (op == BinaryOp::add && a.kind() == Kind::sequence && b.kind() == Kind::sequence &&
      a.as_sequence().kind == b.as_sequence().kind && a.is_list_or_tuple()) {
    auto items = a.as_sequence().items;
    items.insert(items.end(), b.as_sequence().items.begin(), b.as_sequence().items.end());
    return Value::list(std::move(items), a.as_sequence().kind);
  }
  if (op == BinaryOp::mul) {
    auto repeatable = [](const Value& v) { return v.is_string() || v.is_list_or_tuple(); };
    if (repeatable(a) && (b.is_int() || b.is_bool())) return repeat(a, int_of(b));
    if (repeatable(b) && (a.is_int() || a.is_bool())) return repeat(b, int_of(a));
  }
  if (op == BinaryOp::mod && a.is_string()) throw TemplateError("string formatting with '%' is not supported");
  unsupported(op, a, b);
}

Value negate(const Value& v) {
  if (v.is_undefined()) fail_undefined(v);
  if (v.is_float()) return -v.as_float();
  if (v.is_int() || v.is_bool()) {
    if (int_of(v) == std::numeric_limits<std::int64_t>::min()) overflow();
    return -int_of(v);
  }
  throw TemplateError("bad operand type for unary -: '" + type_name(v) + "'");
}

Value unary_plus(const Value& v) {
  if (v.is_undefined()) fail_undefined(v);
  if (v.is_float()) return v;
  if (v.is_int() || v.is_bool()) return int_of(v);
  throw TemplateError("bad operand type for unary +: '" + type_name(v) + "'");
}

bool equals(const Value& a, const Value& b) {
  if (a.is_undefined() || b.is_undefined()) return a.is_undefined() && b.is_undefined();
  auto x = number(a);
  auto y = number(b);
  if (x && y) return compare_numbers(*x, *y) == 0;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::none:
      return true;
    case Kind::string:
      return a.as_string() == b.as_string();
    case Kind::sequence: {
      const auto& s = a.as_sequence();
      const auto& t = b.as_sequence();
      if (is_view(s.kind) || is_view(t.kind)) throw TemplateError("comparing dict views is not supported");
      return s.kind == t.kind && sequence_equals(s, t);
    }
    case Kind::dict: {
      const auto& d = a.as_dict();
      const auto& e = b.as_dict();
      if (d.size() != e.size()) return false;
      for (const auto& [k, v] : d.entries()) {
        const Value* other = e.find(k);
        if (!other || !equals(v, *other)) return false;
      }
      return true;
    }
    case Kind::builtin:
      return a.as_builtin() == b.as_builtin();
    default:
      return false;
  }
}

bool compare(CompareOp op, const Value& a, const Value& b) {
  switch (op) {
    case CompareOp::eq:
      return equals(a, b);
    case CompareOp::ne:
      return !equals(a, b);
    case CompareOp::in:
      return contains(b, a);
    case CompareOp::not_in:
      return !contains(b, a);
    default:
      break;
  }
  check_undefined(a, b);
  auto x = number(a);
  auto y = number(b);
  if (x && y) return holds(op, compare_numbers(*x, *y));
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());  // any sign, any magnitude: 2 must not read as unordered
    return holds(op, c < 0 ? -1 : (c > 0 ? 1 : 0));
  }
  if (a.kind() == Kind::sequence && b.kind() == Kind::sequence && a.is_list_or_tuple() &&
      a.as_sequence().kind == b.as_sequence().kind) {
    // Python: the first pair of elements that differ decides; else the lengths do.
    const auto& s = a.as_sequence().items;
    const auto& t = b.as_sequence().items;
    for (std::size_t i = 0; i < s.size() && i < t.size(); ++i) {
      if (!equals(s[i], t[i])) return compare(op, s[i], t[i]);
    }
    return holds(op, s.size() < t.size() ? -1 : (s.size() > t.size() ? 1 : 0));
  }
  throw TemplateError(std::string("'") + symbol(op) + "' not supported between instances of '" + type_name(a) +
                      "' and '" + type_name(b) + "'");
}

bool contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case Kind::undefined:
      return false;
    case Kind::string:
      if (!item.is_string())
        throw TemplateError("'in <string>' requires string as left operand, not " + type_name(item));
      return container.as_string().find(item.as_string()) != std::string::npos;
    case Kind::dict:
      if (item.is_string()) return container.as_dict().find(item.as_string()) != nullptr;
      check_hashable(item);
      return false;  // this subset's dict keys are all strings
    case Kind::sequence:
      for (const auto& e : container.as_sequence().items) {
        if (equals(item, e)) return true;
      }
      return false;
    default:
      throw TemplateError("argument of type '" + type_name(container) + "' is not iterable");
  }
}

}  // namespace rally::track::templating
