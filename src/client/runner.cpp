#include "rally/client/runner.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

namespace rally::client {

namespace {

using track::OperationType;

std::string percent_encode(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',' || c == '*') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

// "HTTP 404 index_not_found_exception: no such index [x]" from an Elasticsearch error body.
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

void set_request(Request& req, http::verb verb, std::string target, const char* content_type) {
  req.method(verb);
  req.target(target);
  req.version(11);
  req.set(http::field::content_type, content_type);
  req.set(http::field::accept, "application/json");
}

// Sends the client's prepared request; fills the common parts of the result.
boost::asio::awaitable<Exchange> send(ClientContext& client, OperationResult& result) {
  auto exchange = co_await client.connection.exchange(client.request);
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

bool http_failed(const Exchange& exchange, OperationResult& result, const std::string& body,
                 bool accept_not_found = false) {
  if (exchange.ec) return true;
  if (exchange.status < 400 || (accept_not_found && exchange.status == 404)) return false;
  result.success = false;
  result.error = metrics::ErrorClass::http;
  result.error_description = describe_http_error(exchange.status, body);
  return true;
}

boost::asio::awaitable<OperationResult> run_bulk(const track::BulkParams& p, ClientContext& client) {
  OperationResult result;
  auto& body = client.request.body();
  auto docs = client.bulk ? client.bulk->next(p.bulk_size, body) : 0;
  if (docs == 0) {
    result.exhausted = true;
    co_return result;
  }
  result.weight = docs;
  set_request(client.request, http::verb::post, "/_bulk", "application/x-ndjson");
  auto exchange = co_await send(client, result);
  const auto& response = client.connection.body();
  if (http_failed(exchange, result, response)) {
    result.failed_weight = docs;
    co_return result;
  }
  // Only the top-level "errors" flag is read unless there are errors.
  auto head = std::string_view(response).substr(0, 128);
  if (head.find("\"errors\":false") != std::string_view::npos) co_return result;
  auto json = nlohmann::json::parse(response, nullptr, false);
  if (!json.is_object() || !json.contains("errors")) {
    result.success = false;
    result.error = metrics::ErrorClass::bulk_items;
    result.failed_weight = docs;
    result.error_description = "bulk response without an 'errors' flag";
    co_return result;
  }
  if (!json["errors"].get<bool>()) co_return result;
  std::uint64_t failed = 0;
  std::string first_error;
  for (const auto& item : json["items"]) {
    for (const auto& [action, outcome] : item.items()) {
      if (outcome.contains("error")) {
        ++failed;
        if (first_error.empty()) first_error = outcome["error"].dump();
      }
    }
  }
  result.success = false;
  result.error = metrics::ErrorClass::bulk_items;
  result.failed_weight = failed;
  result.error_description =
      std::to_string(failed) + " of " + std::to_string(docs) + " documents failed, first: " + first_error;
  co_return result;
}

boost::asio::awaitable<OperationResult> run_search(const track::SearchParams& p, ClientContext& client) {
  OperationResult result;
  set_request(client.request, http::verb::post, with_query("/" + p.index + "/_search", p.request_params),
              "application/json");
  client.request.body() = p.body;
  auto exchange = co_await send(client, result);
  http_failed(exchange, result, client.connection.body());
  co_return result;
}

boost::asio::awaitable<OperationResult> run_create_index(const track::CreateIndexParams& p, ClientContext& client) {
  OperationResult result;
  result.weight = p.indices.size();
  for (const auto& index : p.indices) {
    set_request(client.request, http::verb::put, with_query("/" + index.name, p.request_params), "application/json");
    client.request.body() = index.body;
    auto exchange = co_await send(client, result);
    if (http_failed(exchange, result, client.connection.body())) co_return result;
  }
  co_return result;
}

boost::asio::awaitable<OperationResult> run_delete_index(const track::DeleteIndexParams& p, ClientContext& client) {
  OperationResult result;
  result.weight = p.indices.size();
  for (const auto& index : p.indices) {
    set_request(client.request, http::verb::delete_, with_query("/" + index, p.request_params), "application/json");
    client.request.body().clear();
    auto exchange = co_await send(client, result);
    // Deleting an index that does not exist is not an error (Rally's only-if-exists).
    if (http_failed(exchange, result, client.connection.body(), true)) co_return result;
  }
  co_return result;
}

int status_rank(const std::string& status) {
  return status == "green" ? 3 : status == "yellow" ? 2 : status == "red" ? 1 : 0;
}

boost::asio::awaitable<OperationResult> run_cluster_health(const track::ClusterHealthParams& p, ClientContext& client) {
  OperationResult result;
  std::string path = p.index.empty() ? "/_cluster/health" : "/_cluster/health/" + p.index;
  set_request(client.request, http::verb::get, with_query(path, p.request_params), "application/json");
  client.request.body().clear();
  auto exchange = co_await send(client, result);
  const auto& body = client.connection.body();
  // A wait that times out answers 408 with the health in the body: judged by status below.
  if (exchange.ec) co_return result;
  auto json = nlohmann::json::parse(body, nullptr, false);
  std::string status = json.is_object() && json.contains("status") && json["status"].is_string()
                           ? json["status"].get<std::string>()
                           : "";
  if (status.empty()) {
    http_failed(exchange, result, body);
    if (result.success) {
      result.success = false;
      result.error = metrics::ErrorClass::http;
      result.error_description = "cluster health response without a status";
    }
    co_return result;
  }
  if (!p.expected_status.empty() && status_rank(status) < status_rank(p.expected_status)) {
    result.success = false;
    result.error = metrics::ErrorClass::http;
    result.error_description = "cluster health is " + status + ", expected " + p.expected_status;
  }
  co_return result;
}

boost::asio::awaitable<OperationResult> run_refresh(const track::RefreshParams& p, ClientContext& client) {
  OperationResult result;
  set_request(client.request, http::verb::post, p.index.empty() ? "/_refresh" : "/" + p.index + "/_refresh",
              "application/json");
  client.request.body().clear();
  auto exchange = co_await send(client, result);
  http_failed(exchange, result, client.connection.body());
  co_return result;
}

}  // namespace

std::string with_query(std::string path, const track::RequestParams& params) {
  char sep = '?';
  for (const auto& [key, value] : params) {
    path += sep;
    path += percent_encode(key);
    path += '=';
    path += percent_encode(value);
    sep = '&';
  }
  return path;
}

boost::asio::awaitable<OperationResult> run_operation(const track::Operation& operation, ClientContext& client) {
  switch (operation.type) {
    case OperationType::bulk:
      co_return co_await run_bulk(std::get<track::BulkParams>(operation.params), client);
    case OperationType::search:
      co_return co_await run_search(std::get<track::SearchParams>(operation.params), client);
    case OperationType::create_index:
      co_return co_await run_create_index(std::get<track::CreateIndexParams>(operation.params), client);
    case OperationType::delete_index:
      co_return co_await run_delete_index(std::get<track::DeleteIndexParams>(operation.params), client);
    case OperationType::cluster_health:
      co_return co_await run_cluster_health(std::get<track::ClusterHealthParams>(operation.params), client);
    case OperationType::refresh:
      co_return co_await run_refresh(std::get<track::RefreshParams>(operation.params), client);
  }
  OperationResult unknown;
  unknown.success = false;
  unknown.error_description = "unknown operation type";
  co_return unknown;
}

}  // namespace rally::client
