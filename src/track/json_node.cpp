#include "json_node.hpp"

#include <algorithm>

#include "rally/common/errors.hpp"
#include "rally/common/redaction.hpp"

namespace rally::track {

Json parse_json(const std::string& text, const std::string& file) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is the 1-based offset of the character the parser stopped at.
    std::size_t offset = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    std::size_t line =
        1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
    auto line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    std::size_t column = line_start == std::string::npos || offset == 0 ? offset + 1 : offset - line_start;
    std::string what = e.what();
    auto colon = what.find(": ", what.find("column"));
    if (colon != std::string::npos) what = what.substr(colon + 2);
    // Not what the parser last read: in a rendered track that may be part of a secret_* value
    // (a cut secret, which rally::redact cannot recognise). Line and column say where.
    if (auto last_read = what.find("; last read"); last_read != std::string::npos) what.erase(last_read);
    throw RallyError(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": invalid JSON: " + what);
  } catch (const Json::out_of_range& e) {
    // A number too large for a double ("number overflow parsing '1e999'"): no offset is given,
    // so the line is that of the number's first appearance.
    std::string what = e.what();
    what = what.substr(what.find("] ") == std::string::npos ? 0 : what.find("] ") + 2);
    auto quote = what.find('\'');
    auto end = quote == std::string::npos ? std::string::npos : what.find('\'', quote + 1);
    auto at = end == std::string::npos ? std::string::npos : text.find(what.substr(quote + 1, end - quote - 1));
    auto line = at == std::string::npos
                    ? std::string()
                    : ":" + std::to_string(1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    throw RallyError(file + line + ": invalid JSON: " + what);
  }
}

std::string describe(const Json& value) {
  auto text = redact(value.dump());  // before it is cut: a cut secret would not be found later
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return std::string(value.type_name()) + " " + text;
}

void JsonNode::fail(const std::string& what) const {
  throw RallyError(file_ + ": " + (path_.empty() ? "(top level)" : path_) + ": " + what);
}

bool JsonNode::has(const char* key) const { return value_->is_object() && value_->contains(key); }

std::optional<JsonNode> JsonNode::find(const char* key) const {
  if (!value_->is_object()) fail("expected an object but got " + describe(*value_));
  auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return JsonNode(*it, file_, path_.empty() ? key : path_ + "." + key);
}

JsonNode JsonNode::child(const char* key) const {
  auto node = find(key);
  if (!node) fail(std::string("the property '") + key + "' is required");
  return *node;
}

JsonNode JsonNode::at(std::size_t i) const {
  return JsonNode((*value_)[i], file_, path_ + "[" + std::to_string(i) + "]");
}

std::vector<JsonNode> JsonNode::elements() const {
  if (!value_->is_array()) fail("expected an array but got " + describe(*value_));
  std::vector<JsonNode> out;
  for (std::size_t i = 0; i < value_->size(); ++i) out.push_back(at(i));
  return out;
}

std::string JsonNode::as_string() const {
  if (!value_->is_string()) fail("expected a string but got " + describe(*value_));
  return value_->get<std::string>();
}

std::uint64_t JsonNode::as_uint(std::uint64_t min) const {
  bool negative = value_->is_number_integer() && !value_->is_number_unsigned() && value_->get<std::int64_t>() < 0;
  if (!value_->is_number_integer() || negative || value_->get<std::uint64_t>() < min)
    fail("expected an integer >= " + std::to_string(min) + " but got " + describe(*value_));
  return value_->get<std::uint64_t>();
}

double JsonNode::as_double(double min) const {
  if (!value_->is_number() || value_->get<double>() < min)
    fail("expected a number >= " + nlohmann::json(min).dump() + " but got " + describe(*value_));
  return value_->get<double>();
}

std::optional<double> JsonNode::optional_double(const char* key, double min) const {
  auto node = find(key);
  if (!node) return std::nullopt;
  return node->as_double(min);
}

bool JsonNode::as_bool() const {
  if (!value_->is_boolean()) fail("expected true or false but got " + describe(*value_));
  return value_->get<bool>();
}

std::string JsonNode::string_or(const char* key, std::string fallback) const {
  auto node = find(key);
  return node ? node->as_string() : std::move(fallback);
}

std::string JsonNode::required_string(const char* key) const {
  auto s = child(key).as_string();
  if (s.empty()) child(key).fail("must not be empty");
  return s;
}

std::optional<std::uint64_t> JsonNode::optional_uint(const char* key, std::uint64_t min) const {
  auto node = find(key);
  if (!node) return std::nullopt;
  return node->as_uint(min);
}

bool JsonNode::bool_or(const char* key, bool fallback) const {
  auto node = find(key);
  return node ? node->as_bool() : fallback;
}

}  // namespace rally::track
