#include "value.hpp"

#include <limits>

#include "python_format.hpp"
#include "utf8.hpp"

namespace rally::track::templating {

namespace {
constexpr std::size_t kIndexThreshold = 12;  // below this a linear scan beats hashing
}

void Dict::set(const std::string& key, Value value) {
  if (auto i = position(key); i != npos) {
    entries_[i].second = std::move(value);  // Python keeps the first position of a repeated key
    return;
  }
  entries_.emplace_back(key, std::move(value));
  if (!index_.empty()) {
    index_.emplace(key, entries_.size() - 1);
  } else if (entries_.size() > kIndexThreshold) {
    for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
  }
}

std::size_t Dict::position(std::string_view key) const {
  if (!index_.empty()) {
    auto it = index_.find(std::string(key));
    return it == index_.end() ? npos : it->second;
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].first == key) return i;
  }
  return npos;
}

const Value* Dict::find(std::string_view key) const {
  auto i = position(key);
  return i == npos ? nullptr : &entries_[i].second;
}

Value Value::list(std::vector<Value> items, SeqKind kind) {
  auto seq = std::make_shared<Sequence>();
  seq->kind = kind;
  seq->items = std::move(items);
  return Value(SeqPtr(std::move(seq)));
}

const std::string& Value::undefined_hint() const {
  static const std::string generic = "value is undefined";
  const auto& u = std::get<Undefined>(data_);
  return u.hint ? *u.hint : generic;
}

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Kind::undefined:
    case Kind::none:
      return false;
    case Kind::boolean:
      return v.as_bool();
    case Kind::integer:
      return v.as_int() != 0;
    case Kind::floating:
      return v.as_float() != 0.0;  // NaN is truthy in Python, and NaN != 0.0
    case Kind::string:
      return !v.as_string().empty();
    case Kind::sequence:
      return !v.as_sequence().items.empty();
    case Kind::dict:
      return v.as_dict().size() != 0;
    case Kind::loop:
    case Kind::builtin:
      return true;
  }
  return false;
}

std::string type_name(const Value& v) {
  switch (v.kind()) {
    case Kind::undefined:
      return "Undefined";
    case Kind::none:
      return "NoneType";
    case Kind::boolean:
      return "bool";
    case Kind::integer:
      return "int";
    case Kind::floating:
      return "float";
    case Kind::string:
      return v.as_string_value().markup ? "Markup" : "str";
    case Kind::dict:
      return "dict";
    case Kind::loop:
      return "LoopContext";
    case Kind::builtin:
      return v.as_builtin() == Builtin::helpers ? "TemplateModule" : "function";
    case Kind::sequence:
      switch (v.as_sequence().kind) {
        case SeqKind::list:
          return "list";
        case SeqKind::tuple:
          return "tuple";
        case SeqKind::range:
          return "range";
        case SeqKind::dict_keys:
          return "dict_keys";
        case SeqKind::dict_values:
          return "dict_values";
        case SeqKind::dict_items:
          return "dict_items";
      }
  }
  return "object";
}

void fail_undefined(const Value& v) { throw TemplateError(v.undefined_hint()); }

std::vector<Value> iterate(const Value& v) {
  switch (v.kind()) {
    case Kind::undefined:
      return {};
    case Kind::sequence:
      return v.as_sequence().items;
    case Kind::dict: {
      std::vector<Value> keys;
      keys.reserve(v.as_dict().size());
      for (const auto& [k, _] : v.as_dict().entries()) keys.emplace_back(k);
      return keys;
    }
    case Kind::string: {
      std::vector<Value> chars;
      for (auto& c : utf8::characters(v.as_string())) chars.emplace_back(std::move(c));
      return chars;
    }
    default:
      throw TemplateError("'" + type_name(v) + "' object is not iterable");
  }
}

namespace {

std::string join_repr(const std::vector<Value>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += to_repr(items[i]);
  }
  return out;
}

std::string sequence_repr(const Sequence& seq) {
  switch (seq.kind) {
    case SeqKind::list:
      return "[" + join_repr(seq.items) + "]";
    case SeqKind::tuple:
      return "(" + join_repr(seq.items) + (seq.items.size() == 1 ? ",)" : ")");
    case SeqKind::range:
      return "range(" + std::to_string(seq.start) + ", " + std::to_string(seq.stop) +
             (seq.step == 1 ? "" : ", " + std::to_string(seq.step)) + ")";
    case SeqKind::dict_keys:
      return "dict_keys([" + join_repr(seq.items) + "])";
    case SeqKind::dict_values:
      return "dict_values([" + join_repr(seq.items) + "])";
    case SeqKind::dict_items:
      return "dict_items([" + join_repr(seq.items) + "])";
  }
  return {};
}

}  // namespace

std::string to_str(const Value& v) {
  switch (v.kind()) {
    case Kind::undefined:
      return {};
    case Kind::string:
      return v.as_string();
    default:
      return to_repr(v);
  }
}

std::string to_repr(const Value& v) {
  switch (v.kind()) {
    case Kind::undefined:
      return "Undefined";
    case Kind::none:
      return "None";
    case Kind::boolean:
      return v.as_bool() ? "True" : "False";
    case Kind::integer:
      return std::to_string(v.as_int());
    case Kind::floating:
      return float_repr(v.as_float());
    case Kind::string: {
      auto r = string_repr(v.as_string());
      return v.as_string_value().markup ? "Markup(" + r + ")" : r;
    }
    case Kind::sequence:
      return sequence_repr(v.as_sequence());
    case Kind::dict: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, val] : v.as_dict().entries()) {
        if (!first) out += ", ";
        first = false;
        out += string_repr(k) + ": " + to_repr(val);
      }
      return out + "}";
    }
    case Kind::loop:
    case Kind::builtin:
      // Python would print an object address; nothing a track could rely on.
      throw TemplateError("cannot print the " + type_name(v) + " object");
  }
  return {};
}

namespace {

template <class Json>
Value convert(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return Value::none();
    case Json::value_t::boolean:
      return Value(j.template get<bool>());
    case Json::value_t::number_integer:
      return Value(j.template get<std::int64_t>());
    case Json::value_t::number_unsigned: {
      auto u = j.template get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw TemplateError("the track parameter value " + std::to_string(u) + " exceeds the supported integer range");
      return Value(static_cast<std::int64_t>(u));
    }
    case Json::value_t::number_float:
      return Value(j.template get<double>());
    case Json::value_t::string:
      return Value(j.template get<std::string>());
    case Json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(convert(e));
      return Value::list(std::move(items));
    }
    case Json::value_t::object: {
      auto dict = std::make_shared<Dict>();
      for (auto it = j.begin(); it != j.end(); ++it) dict->set(it.key(), convert(it.value()));
      return Value(DictPtr(std::move(dict)));
    }
    default:
      throw TemplateError(std::string("unsupported JSON value of type ") + j.type_name());
  }
}

}  // namespace

Value from_json(const nlohmann::json& j) { return convert(j); }
Value from_json(const nlohmann::ordered_json& j) { return convert(j); }

}  // namespace rally::track::templating
