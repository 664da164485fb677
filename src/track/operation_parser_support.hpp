#pragma once

// Helpers shared by the operation parser's files (one per family of operation types).

#include <string>

#include "rally/track/track.hpp"

#include "json_node.hpp"

namespace rally::track::detail {

// A string, number or boolean as text (request params, headers).
std::string scalar_to_string(const JsonNode& node);
// The operation's `request-params` object as query parameters.
RequestParams parse_request_params(const JsonNode& op);
// The JSON object at `key`, compact; fails unless it is an object.
std::string object_body(const JsonNode& body);
// The object at `node`; fails unless it is one.
const Json& expect_object(const JsonNode& node);

TemplateParams parse_create_templates(const JsonNode& node, const Track& track, OperationType type);
TemplateParams parse_delete_templates(const JsonNode& node, const Track& track, OperationType type);
DataStreamParams parse_data_streams(const JsonNode& node, const Track& track);
RawRequestParams parse_raw_request(const JsonNode& node);
std::vector<Assertion> parse_assertions(const JsonNode& node);

}  // namespace rally::track::detail
