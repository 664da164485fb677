#include "rally/client/runner.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
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
  set_request(client.request, http::verb::post,
              p.pipeline.empty() ? std::string("/_bulk") : with_query("/_bulk", {{"pipeline", p.pipeline}}),
              "application/x-ndjson");
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

void set_search_body(const track::SearchParams& p, ClientContext& client) {
  auto& body = client.request.body();
  if (!client.terms) {
    body = p.body;
    return;
  }
  const auto& t = *client.terms;
  body = t.prefix;
  if (t.random_max > 0) {
    auto span = t.random_max - t.random_min + 1;
    body += t.needs_comma ? ",\"" : "\"";
    body += std::to_string(t.random_min + client.random.next() % span);
    body += '"';
  }
  body += t.suffix;
}

// Rally's search with pages: a scroll, one page per request, then the scroll is cleared.
// Weight is the number of pages read, unit "pages".
boost::asio::awaitable<OperationResult> run_scroll(const track::SearchParams& p, ClientContext& client) {
  OperationResult result;
  auto params = p.request_params;
  params.emplace_back("scroll", "10m");
  params.emplace_back("size", std::to_string(p.results_per_page));
  set_request(client.request, http::verb::post, with_query("/" + p.index + "/_search", params), "application/json");
  set_search_body(p, client);
  std::uint64_t pages = 0;
  std::string scroll_id;
  for (;;) {
    auto exchange = co_await send(client, result);
    if (http_failed(exchange, result, client.connection.body())) break;
    ++pages;
    auto json = nlohmann::json::parse(client.connection.body(), nullptr, false);
    std::size_t hits = 0;
    if (json.is_object() && json.contains("hits") && json["hits"].contains("hits")) hits = json["hits"]["hits"].size();
    if (json.is_object() && json.contains("_scroll_id")) scroll_id = json["_scroll_id"].get<std::string>();
    if (pages >= p.pages || hits < p.results_per_page || scroll_id.empty()) break;
    set_request(client.request, http::verb::post, "/_search/scroll", "application/json");
    client.request.body() = nlohmann::json{{"scroll", "10m"}, {"scroll_id", scroll_id}}.dump();
  }
  if (!scroll_id.empty()) {
    OperationResult ignored;  // clearing is housekeeping: it neither fails nor times the task
    set_request(client.request, http::verb::delete_, "/_search/scroll", "application/json");
    client.request.body() = nlohmann::json{{"scroll_id", nlohmann::json::array({scroll_id})}}.dump();
    co_await send(client, ignored);
  }
  result.weight = pages;
  co_return result;
}

boost::asio::awaitable<OperationResult> run_search(const track::SearchParams& p, ClientContext& client) {
  if (p.pages > 0) co_return co_await run_scroll(p, client);
  OperationResult result;
  set_request(client.request, http::verb::post, with_query("/" + p.index + "/_search", p.request_params),
              "application/json");
  set_search_body(p, client);
  auto exchange = co_await send(client, result);
  http_failed(exchange, result, client.connection.body());
  co_return result;
}

// A request without a body (GET by default, or POST for actions such as force-merge).
boost::asio::awaitable<OperationResult> run_bodyless(const std::string& target, ClientContext& client,
                                                     http::verb verb = http::verb::get) {
  OperationResult result;
  set_request(client.request, verb, target, "application/json");
  client.request.body().clear();
  auto exchange = co_await send(client, result);
  http_failed(exchange, result, client.connection.body());
  co_return result;
}

boost::asio::awaitable<OperationResult> run_force_merge(const track::ForceMergeParams& p, ClientContext& client) {
  auto params = p.request_params;
  if (p.max_num_segments) params.emplace_back("max_num_segments", std::to_string(*p.max_num_segments));
  auto path = p.index.empty() ? std::string("/_forcemerge") : "/" + p.index + "/_forcemerge";
  co_return co_await run_bodyless(with_query(path, params), client, http::verb::post);
}

// Follows a dotted path ("_all.total.merges.current") into a JSON document.
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

boost::asio::awaitable<OperationResult> run_index_stats(const track::IndexStatsParams& p, ClientContext& client) {
  auto result = co_await run_bodyless(with_query("/" + p.index + "/_stats", p.request_params), client);
  if (!result.success || p.condition_path.empty()) co_return result;
  auto json = nlohmann::json::parse(client.connection.body(), nullptr, false);
  const auto* actual = at_path(json, p.condition_path);
  if (!actual || *actual != p.expected_value) {
    result.success = false;
    result.error = metrics::ErrorClass::http;
    result.error_description = "index stats: " + p.condition_path + " is " + (actual ? actual->dump() : "missing") +
                               ", expected " + p.expected_value.dump();
  }
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
    case OperationType::force_merge:
      co_return co_await run_force_merge(std::get<track::ForceMergeParams>(operation.params), client);
    case OperationType::index_stats:
      co_return co_await run_index_stats(std::get<track::IndexStatsParams>(operation.params), client);
    case OperationType::node_stats:
      co_return co_await run_bodyless(
          with_query("/_nodes/stats", std::get<track::NodeStatsParams>(operation.params).request_params), client);
  }
  OperationResult unknown;
  unknown.success = false;
  unknown.error_description = "unknown operation type";
  co_return unknown;
}

TermsBody make_terms_body(const std::string& body, const track::TermsFromCorpus& spec,
                          const std::vector<std::string>& terms) {
  // The array gets the corpus terms and a marker; the body is split at the marker.
  static const std::string marker = "\u0001rally-random-term\u0001";
  auto json = nlohmann::json::parse(body);
  auto& array = json.at(nlohmann::json::json_pointer(spec.into));
  for (const auto& term : terms) array.push_back(term);
  array.push_back(marker);
  auto text = json.dump();
  auto quoted = nlohmann::json(marker).dump();
  auto at = text.find(quoted);
  TermsBody out;
  out.prefix = text.substr(0, at);
  out.suffix = text.substr(at + quoted.size());
  // Drop the comma that separated the marker from the terms; the random term brings its own.
  out.needs_comma = !out.prefix.empty() && out.prefix.back() == ',';
  if (out.needs_comma) out.prefix.pop_back();
  out.random_min = spec.random_term_min;
  out.random_max = spec.random_term_max;
  return out;
}

boost::asio::awaitable<OperationResult> run_with_retries(const track::Operation& operation, ClientContext& client) {
  const auto& retry = operation.retry;
  Nanos service_time = 0;
  for (std::uint64_t attempt = 0;; ++attempt) {
    auto result = co_await run_operation(operation, client);
    service_time += result.service_time;
    result.service_time = service_time;
    if (result.success || result.exhausted) co_return result;
    bool timed_out = result.error == metrics::ErrorClass::timeout;
    bool retryable = timed_out ? retry.on_timeout : (retry.on_error || retry.until_success);
    bool attempts_left = retry.until_success || attempt < retry.retries;
    bool cancelled = client.cancelled && *client.cancelled;
    if (!retryable || !attempts_left || result.connect_failed || cancelled) co_return result;
    boost::asio::steady_timer wait(
        co_await boost::asio::this_coro::executor,
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(retry.wait_period_s)));
    co_await wait.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace rally::client
