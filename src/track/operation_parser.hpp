#pragma once

#include <map>
#include <string>

#include "rally/track/track.hpp"

#include "json_node.hpp"

namespace rally::track {

// Turns operation definitions into typed Operations, validating every parameter once.
// The families of operation types are parsed in their own files: admin_operation_parser.cpp
// (templates, data streams, raw requests) and search_operation_parser.cpp (searches, points
// in time, composite).
class OperationParser {
 public:
  OperationParser(const JsonNode& root, const Track& track);

  [[nodiscard]] Operation named(const JsonNode& reference) const;
  [[nodiscard]] Operation inline_operation(const JsonNode& node) const;

 private:
  // The open-point-in-time names of the composite being parsed, in order; null outside one.
  using PitNames = std::vector<std::string>;

  [[nodiscard]] Operation parse(const JsonNode& node, PitNames* composite = nullptr) const;
  [[nodiscard]] std::string default_index(const JsonNode& node) const;
  [[nodiscard]] SearchParams parse_search(const JsonNode& node, OperationType type, const PitNames* composite) const;
  [[nodiscard]] CompositeParams parse_composite(const JsonNode& node) const;
  [[nodiscard]] std::vector<CompositeElement> parse_stream(const JsonNode& list, PitNames& pits) const;

  const Track& track_;
  std::map<std::string, Operation> named_;
};

}  // namespace rally::track
