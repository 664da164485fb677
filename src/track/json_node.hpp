#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rally::track {

using Json = nlohmann::json;

// Parses JSON text; a syntax error becomes a RallyError naming file, line and column.
Json parse_json(const std::string& text, const std::string& file);

// A JSON value with the file and JSON path it came from, so that every validation
// error can say exactly where it is ("track.json: challenges[0].schedule[2].clients: ...").
class JsonNode {
 public:
  JsonNode(const Json& value, std::string file, std::string path)
      : value_(&value), file_(std::move(file)), path_(std::move(path)) {}

  [[nodiscard]] const Json& value() const { return *value_; }
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  [[noreturn]] void fail(const std::string& what) const;

  [[nodiscard]] bool has(const char* key) const;
  [[nodiscard]] JsonNode child(const char* key) const;  // must exist
  [[nodiscard]] std::optional<JsonNode> find(const char* key) const;
  [[nodiscard]] JsonNode at(std::size_t i) const;
  [[nodiscard]] std::vector<JsonNode> elements() const;  // must be an array

  [[nodiscard]] std::string as_string() const;
  [[nodiscard]] std::uint64_t as_uint(std::uint64_t min = 0) const;
  [[nodiscard]] bool as_bool() const;
  [[nodiscard]] double as_double(double min = 0) const;  // any JSON number >= min

  [[nodiscard]] std::string string_or(const char* key, std::string fallback) const;
  [[nodiscard]] std::string required_string(const char* key) const;
  [[nodiscard]] std::optional<std::uint64_t> optional_uint(const char* key, std::uint64_t min = 0) const;
  [[nodiscard]] bool bool_or(const char* key, bool fallback) const;
  [[nodiscard]] std::optional<double> optional_double(const char* key, double min = 0) const;

 private:
  const Json* value_;
  std::string file_;
  std::string path_;
};

std::string describe(const Json& value);

}  // namespace rally::track
