#include "runner_support.hpp"

namespace rally::client::detail {

std::string describe_http_error(unsigned status, const std::string& body) {
  std::string text = "HTTP " + std::to_string(status);
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("error")) {
    const auto& error = json["error"];
    if (error.is_object()) {
      if (error.contains("type") && error["type"].is_string()) text += " " + error["type"].get<std::string>();
      if (error.contains("reason") && error["reason"].is_string()) text += ": " + error["reason"].get<std::string>();
    } else if (error.is_string()) {
      text += " " + error.get<std::string>();
    }
  }
  return text;
}

void set_request(ClientContext& client, http::verb verb, std::string_view target, ContentType type) {
  auto& req = client.request;
  req.method(verb);
  req.target(target);
  req.version(11);
  req.set(http::field::content_type, type == ContentType::ndjson ? "application/x-ndjson" : "application/json");
  req.set(http::field::accept, "application/json");
}

std::string& request_body(ClientContext& client) { return client.request.body(); }

const std::string& response_body(const ClientContext& client) { return client.connection.body(); }

boost::asio::awaitable<Exchange> send(ClientContext& client, OperationResult& result) {
  auto exchange = co_await client.connection.exchange(client.request, client.timeout);
  result.service_time += exchange.service_time;
  if (exchange.ec) {
    result.success = false;
    result.connect_failed = exchange.connect_failed;
    result.error = exchange.ec == beast::error::timeout ? metrics::ErrorClass::timeout : metrics::ErrorClass::transport;
    result.error_description = (exchange.connect_failed ? "cannot connect to " : "request to ") +
                               client.connection.target().to_string() + " failed: " + exchange.ec.message();
  } else {
    result.http_status = exchange.status;
  }
  co_return exchange;
}

bool http_failed(const Exchange& exchange, OperationResult& result, const std::string& body, bool accept_not_found) {
  if (exchange.ec) return true;
  if (exchange.status < 400 || (accept_not_found && exchange.status == 404)) return false;
  result.success = false;
  result.error = metrics::ErrorClass::http;
  result.error_description = describe_http_error(exchange.status, body);
  return true;
}

SiblingClient::SiblingClient(ClientContext& parent)
    : connection(parent.connection.executor(), parent.connection.target(), parent.connection.timeouts()),
      context{connection, {}, {}} {
  context.cancelled = parent.cancelled;
  context.timeout = parent.timeout;
  context.assertions = parent.assertions;
}

std::unique_ptr<SiblingClient> open_sibling(ClientContext& client) { return std::make_unique<SiblingClient>(client); }

const nlohmann::json* at_path(const nlohmann::json& doc, const std::string& path) {
  const nlohmann::json* node = &doc;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('.', start);
    if (end == std::string::npos) end = path.size();
    auto key = path.substr(start, end - start);
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
    start = end + 1;
  }
  return node;
}

}  // namespace rally::client::detail
