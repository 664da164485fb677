// Attribute and item access, method calls and global functions (filters.hpp).

#include <algorithm>
#include <initializer_list>

#include "filters.hpp"
#include "operators.hpp"
#include "rally_helpers.hpp"
#include "strings.hpp"
#include "utf8.hpp"

namespace rally::track::templating {

namespace {

bool listed(const std::string& name, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == n; });
}

// Python's attributes of the types values can have; reaching one of them without calling
// a supported method would give a bound method, which no track can mean.
bool python_attribute(const Value& v, const std::string& name) {
  switch (v.kind()) {
    case Kind::string:
      return listed(name,
                    {"capitalize", "casefold",     "center",       "count",   "encode",     "endswith",    "expandtabs",
                     "find",       "format",       "format_map",   "index",   "isalnum",    "isalpha",     "isascii",
                     "isdecimal",  "isdigit",      "isidentifier", "islower", "isnumeric",  "isprintable", "isspace",
                     "istitle",    "isupper",      "join",         "ljust",   "lower",      "lstrip",      "maketrans",
                     "partition",  "removeprefix", "removesuffix", "replace", "rfind",      "rindex",      "rjust",
                     "rpartition", "rsplit",       "rstrip",       "split",   "splitlines", "startswith",  "strip",
                     "swapcase",   "title",        "translate",    "upper",   "zfill"});
    case Kind::dict:
      return listed(name, {"clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault",
                           "update", "values"});
    case Kind::sequence:
      switch (v.as_sequence().kind) {
        case SeqKind::list:
          return listed(name, {"append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove",
                               "reverse", "sort"});
        case SeqKind::tuple:
          return listed(name, {"count", "index"});
        case SeqKind::range:
          return listed(name, {"count", "index", "start", "stop", "step"});
        default:
          return listed(name, {"isdisjoint", "mapping"});
      }
    case Kind::integer:
    case Kind::boolean:
    case Kind::floating:
      return listed(name, {"as_integer_ratio", "bit_count", "bit_length", "conjugate", "denominator", "from_bytes",
                           "imag", "numerator", "real", "to_bytes", "is_integer", "fromhex", "hex"});
    default:
      return false;
  }
}

[[noreturn]] void unsupported_attribute(const Value& v, const std::string& name) {
  throw TemplateError("'" + type_name(v) + "." + name + "' is not supported by this template engine");
}

// Jinja's object_type_repr, used in its "has no attribute" messages.
std::string object_type(const Value& v) { return v.is_none() ? "None" : type_name(v) + " object"; }

Value no_attribute(const Value& obj, const std::string& name) {
  return Value::undefined("'" + object_type(obj) + "' has no attribute '" + name + "'");
}

Value no_element(const Value& obj, const Value& key) {
  return Value::undefined(object_type(obj) + " has no element " + to_repr(key));
}

Value loop_attribute(const LoopState& loop, const std::string& name) {
  auto index0 = static_cast<std::int64_t>(loop.index0);
  auto length = static_cast<std::int64_t>(loop.items->size());
  if (name == "index0") return index0;
  if (name == "index") return index0 + 1;
  if (name == "revindex0") return length - index0 - 1;
  if (name == "revindex") return length - index0;
  if (name == "first") return index0 == 0;
  if (name == "last") return index0 == length - 1;
  if (name == "length") return length;
  if (name == "depth") return 1;
  if (name == "depth0") return 0;
  if (name == "previtem")
    return index0 == 0 ? Value::undefined("there is no previous item") : (*loop.items)[loop.index0 - 1];
  if (name == "nextitem")
    return index0 + 1 >= length ? Value::undefined("there is no next item") : (*loop.items)[loop.index0 + 1];
  if (name == "cycle" || name == "changed")
    throw TemplateError("'loop." + name + "' is a method; this template engine supports only calling loop.cycle()");
  return Value::undefined("'LoopContext object' has no attribute '" + name + "'");
}

Value index_sequence(const Value& obj, const std::vector<Value>& items, std::int64_t i, const Value& key) {
  auto n = static_cast<std::int64_t>(items.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) return no_element(obj, key);
  return items[static_cast<std::size_t>(i)];
}

Value call_range(const CallArgs& args) {
  if (!args.keywords.empty()) throw TemplateError("range() takes no keyword arguments");
  if (args.positional.empty() || args.positional.size() > 3)
    throw TemplateError("range expected 1 to 3 arguments, got " + std::to_string(args.positional.size()));
  std::vector<std::int64_t> n;
  for (const auto& v : args.positional) {
    if (!v.is_int() && !v.is_bool())
      throw TemplateError("'" + type_name(v) + "' object cannot be interpreted as an integer");
    n.push_back(int_of(v));
  }
  std::int64_t start = n.size() > 1 ? n[0] : 0;
  std::int64_t stop = n.size() > 1 ? n[1] : n[0];
  std::int64_t step = n.size() > 2 ? n[2] : 1;
  if (step == 0) throw TemplateError("range() arg 3 must not be zero");
  auto seq = std::make_shared<Sequence>();
  seq->kind = SeqKind::range;
  seq->start = start;
  seq->stop = stop;
  seq->step = step;
  constexpr std::size_t kMaxItems = 10'000'000;
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (seq->items.size() >= kMaxItems) throw TemplateError("range() with more than 10000000 items is not supported");
    seq->items.emplace_back(i);
    if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
  }
  return Value(SeqPtr(std::move(seq)));
}

Value string_method(const std::string& s, const std::string& method, const CallArgs& args) {
  if (method == "lower" || method == "upper") {
    bind_args(method, args, {});
    return ascii_case(s, method == "upper");
  }
  if (method == "strip" || method == "lstrip" || method == "rstrip") {
    auto a = bind_args(method, args, {"chars"});
    const Value* chars = a[0] && !a[0]->is_none() ? &*a[0] : nullptr;
    return strip(s, chars, method != "rstrip", method != "lstrip");
  }
  if (method == "split") {
    auto a = bind_args(method, args, {"sep", "maxsplit"});
    std::int64_t maxsplit = -1;
    if (a[1]) {
      if (!a[1]->is_int() && !a[1]->is_bool()) throw TemplateError("maxsplit must be an integer");
      maxsplit = int_of(*a[1]);
    }
    return split(s, a[0] ? &*a[0] : nullptr, maxsplit);
  }
  if (method == "startswith" || method == "endswith") {
    auto a = bind_args(method, args, {"prefix"});
    if (!a[0]) throw TemplateError(method + "() takes at least 1 argument (0 given)");
    std::vector<Value> options = a[0]->is_seq(SeqKind::tuple) ? a[0]->as_sequence().items : std::vector<Value>{*a[0]};
    for (const auto& o : options) {
      if (!o.is_string()) throw TemplateError(method + " first arg must be str or a tuple of str, not " + type_name(o));
      const std::string& p = o.as_string();
      bool hit = p.size() <= s.size() && (method == "startswith" ? s.compare(0, p.size(), p) == 0
                                                                 : s.compare(s.size() - p.size(), p.size(), p) == 0);
      if (hit) return true;
    }
    return false;
  }
  if (method == "replace") {
    auto a = bind_args(method, args, {"old", "new", "count"});
    if (!a[0] || !a[1] || !a[0]->is_string() || !a[1]->is_string())
      throw TemplateError("replace() takes two str arguments");
    std::int64_t count = -1;
    if (a[2]) {
      if (!a[2]->is_int() && !a[2]->is_bool()) throw TemplateError("replace() count must be an integer");
      count = int_of(*a[2]);
    }
    return replace(s, a[0]->as_string(), a[1]->as_string(), count);
  }
  throw TemplateError("the method 'str." + method + "()' is not supported by this template engine");
}

Value dict_method(const Value& obj, const std::string& method, const CallArgs& args) {
  const Dict& d = obj.as_dict();
  if (method == "items" || method == "keys" || method == "values") {
    bind_args(method, args, {});
    std::vector<Value> out;
    out.reserve(d.size());
    for (const auto& [k, v] : d.entries()) {
      if (method == "keys") {
        out.emplace_back(k);
      } else if (method == "values") {
        out.push_back(v);
      } else {
        out.push_back(Value::list({Value(k), v}, SeqKind::tuple));
      }
    }
    SeqKind kind = method == "items"  ? SeqKind::dict_items
                   : method == "keys" ? SeqKind::dict_keys
                                      : SeqKind::dict_values;
    return Value::list(std::move(out), kind);
  }
  if (method == "get") {
    if (!args.keywords.empty()) throw TemplateError("dict.get() takes no keyword arguments");
    if (args.positional.empty() || args.positional.size() > 2)
      throw TemplateError("get expected 1 or 2 arguments, got " + std::to_string(args.positional.size()));
    const Value& key = args.positional[0];
    check_hashable(key);
    if (key.is_string()) {
      if (const Value* v = d.find(key.as_string())) return *v;
    }
    return args.positional.size() > 1 ? args.positional[1] : Value::none();
  }
  throw TemplateError("the method 'dict." + method + "()' is not supported by this template engine");
}

}  // namespace

Value get_attribute(const Value& obj, const std::string& attr) {
  if (obj.is_undefined()) fail_undefined(obj);
  if (attr.rfind("__", 0) == 0) throw TemplateError("access to '" + attr + "' is not supported");
  switch (obj.kind()) {
    case Kind::loop:
      return loop_attribute(obj.as_loop(), attr);
    case Kind::builtin:
      if (obj.as_builtin() == Builtin::helpers) {
        if (attr == "exists_set_param") return Builtin::exists_set_param;
        if (attr == "collect") return Builtin::collect;
        return Value::undefined("the template 'rally.helpers' does not export the requested name '" + attr + "'");
      }
      unsupported_attribute(obj, attr);
    case Kind::dict:
      if (python_attribute(obj, attr))
        throw TemplateError("'dict." + attr + "' is a method; this template engine supports only calling it");
      if (const Value* v = obj.as_dict().find(attr)) return *v;
      return no_attribute(obj, attr);
    default:
      if (python_attribute(obj, attr)) unsupported_attribute(obj, attr);
      return no_attribute(obj, attr);
  }
}

Value get_item(const Value& obj, const Value& key) {
  if (obj.is_undefined()) fail_undefined(obj);
  bool int_key = key.is_int() || key.is_bool();
  switch (obj.kind()) {
    case Kind::dict:
      if (key.is_string()) {
        if (const Value* v = obj.as_dict().find(key.as_string())) return *v;
        return get_attribute(obj, key.as_string());  // Jinja falls back to the attribute
      }
      return no_element(obj, key);
    case Kind::sequence:
      if (int_key && obj.as_sequence().kind != SeqKind::dict_keys && obj.as_sequence().kind != SeqKind::dict_values &&
          obj.as_sequence().kind != SeqKind::dict_items)
        return index_sequence(obj, obj.as_sequence().items, int_of(key), key);
      break;
    case Kind::string:
      if (int_key) {
        auto chars = utf8::characters(obj.as_string());
        std::vector<Value> items(chars.begin(), chars.end());
        return index_sequence(obj, items, int_of(key), key);
      }
      break;
    default:
      break;
  }
  if (key.is_string()) return get_attribute(obj, key.as_string());
  return no_element(obj, key);
}

Value call_method(const Value& obj, const std::string& method, const CallArgs& args) {
  if (obj.is_undefined()) fail_undefined(obj);
  switch (obj.kind()) {
    case Kind::string:
      if (python_attribute(obj, method)) return string_method(obj.as_string(), method, args);
      break;
    case Kind::dict:
      if (python_attribute(obj, method)) return dict_method(obj, method, args);
      break;
    case Kind::loop:
      if (method == "cycle") {
        if (!args.keywords.empty()) throw TemplateError("loop.cycle() takes no keyword arguments");
        if (args.positional.empty()) throw TemplateError("no items for cycling given");
        return args.positional[obj.as_loop().index0 % args.positional.size()];
      }
      break;
    default:
      if (python_attribute(obj, method))
        throw TemplateError("the method '" + type_name(obj) + "." + method +
                            "()' is not supported by this template engine");
      break;
  }
  Value callee = get_attribute(obj, method);
  if (callee.kind() == Kind::builtin) return call_builtin(callee.as_builtin(), args);
  if (callee.is_undefined()) fail_undefined(callee);
  throw TemplateError("'" + type_name(callee) + "' object is not callable");
}

Value call_builtin(Builtin fn, const CallArgs& args) {
  switch (fn) {
    case Builtin::range:
      return call_range(args);
    case Builtin::exists_set_param:
      return exists_set_param(args);
    case Builtin::collect:
      throw TemplateError(
          "rally.collect() is only supported as {{ rally.collect(parts=\"GLOB\") }} on one line, which is "
          "replaced by the matching files before rendering");
    case Builtin::helpers:
      throw TemplateError("'TemplateModule' object is not callable");
    case Builtin::glob:
      throw TemplateError("the Rally function 'glob()' is not supported by this template engine");
    case Builtin::dict:
      throw TemplateError("the Jinja function 'dict()' is not supported by this template engine");
    case Builtin::lipsum:
      throw TemplateError("the Jinja function 'lipsum()' is not supported by this template engine");
    case Builtin::cycler:
      throw TemplateError("the Jinja function 'cycler()' is not supported by this template engine");
    case Builtin::joiner:
      throw TemplateError("the Jinja function 'joiner()' is not supported by this template engine");
    case Builtin::namespace_:
      throw TemplateError("the Jinja function 'namespace()' is not supported by this template engine");
  }
  throw TemplateError("not callable");
}

}  // namespace rally::track::templating
