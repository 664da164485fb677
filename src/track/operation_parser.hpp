#pragma once

#include <map>
#include <string>

#include "rally/track/track.hpp"

#include "json_node.hpp"

namespace rally::track {

// Turns operation definitions into typed Operations, validating every parameter once.
class OperationParser {
 public:
  OperationParser(const JsonNode& root, const Track& track);

  [[nodiscard]] Operation named(const JsonNode& reference) const;
  [[nodiscard]] Operation inline_operation(const JsonNode& node) const;

 private:
  [[nodiscard]] Operation parse(const JsonNode& node) const;
  [[nodiscard]] std::string default_index(const JsonNode& node) const;

  const Track& track_;
  std::map<std::string, Operation> named_;
};

}  // namespace rally::track
