#pragma once

// What every operation runner uses to build a request, send it and judge the answer.
// Runners see only these functions, never the connection's internals.

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "rally/client/runner.hpp"

namespace rally::client::detail {

// Prepares the client's request: method, path with query string, content type. The body is
// left as it was; set it with request_body().
void set_request(ClientContext& client, http::verb verb, std::string_view target, ContentType type = ContentType::json);
std::string& request_body(ClientContext& client);

// Sends the client's prepared request; adds its service time to `result` and, on a
// transport failure or timeout, marks `result` failed with its class and description.
boost::asio::awaitable<Exchange> send(ClientContext& client, OperationResult& result);

// The body of the last response; valid until the next send.
const std::string& response_body(const ClientContext& client);

// True when the exchange failed: a transport error (already recorded by send) or an HTTP
// status >= 400 (recorded here as an api error with status, type and reason).
bool http_failed(const Exchange& exchange, OperationResult& result, const std::string& body,
                 bool accept_not_found = false);

// Marks `result` failed as a malformed answer: a 2xx whose body is not what the API returns.
// `what` says how ("not JSON", "no 'errors' flag"); the description names the target, the
// request and the start of the body.
void malformed_response(const ClientContext& client, OperationResult& result, std::string_view what);

// Whether a body could be a JSON object: '{' ... '}' around it, whitespace aside. Cheap (no
// parsing, no allocation): what an answer is checked with when it is not parsed.
bool looks_like_json_object(std::string_view body);

// "HTTP 404 index_not_found_exception", for counting errors by kind.
std::string http_error_kind(unsigned status, const std::string& body);

// "HTTP 404 index_not_found_exception: no such index [x]" from an Elasticsearch error body.
std::string describe_http_error(unsigned status, const std::string& body);

// A second client on its own connection to the same target, for the concurrent streams of a
// composite operation. Same timeouts and options as `client`; the connection opens lazily.
struct SiblingClient {
  explicit SiblingClient(ClientContext& parent);
  std::unique_ptr<Connection> connection;
  ClientContext context;
};
std::unique_ptr<SiblingClient> open_sibling(ClientContext& client);

// Follows a dotted path ("_all.total.merges.current") into a JSON document; null if absent.
const nlohmann::json* at_path(const nlohmann::json& doc, const std::string& path);

}  // namespace rally::client::detail
