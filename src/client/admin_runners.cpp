#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "rally/common/clock.hpp"

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

boost::asio::awaitable<OperationResult> run_bodyless(std::string target, ClientContext& client, http::verb verb) {
  OperationResult result;
  set_request(client, verb, target);
  request_body(client).clear();
  auto exchange = co_await send(client, result);
  http_failed(exchange, result, response_body(client));
  co_return result;
}

boost::asio::awaitable<OperationResult> run_force_merge(const track::ForceMergeParams& p, ClientContext& client) {
  auto params = p.request_params;
  if (p.max_num_segments) params.emplace_back("max_num_segments", std::to_string(*p.max_num_segments));
  auto path = p.index.empty() ? std::string("/_forcemerge") : "/" + p.index + "/_forcemerge";
  if (!p.polling) co_return co_await run_bodyless(with_query(path, params), client, http::verb::post);

  // Rally's polling mode: start the merge with a short timeout (the operation's
  // request-timeout, else 1 s); a timeout means it still runs. Then poll the tasks API every
  // poll-period until no force-merge task is left.
  auto start = monotonic_ns();
  auto saved_timeout = client.timeout;
  if (client.timeout.count() == 0) client.timeout = std::chrono::seconds(1);
  auto result = co_await run_bodyless(with_query(path, params), client, http::verb::post);
  client.timeout = std::chrono::milliseconds(0);  // the polls take the client's own timeout
  bool running = result.error == metrics::ErrorClass::timeout;
  if (!result.success && !running) {
    client.timeout = saved_timeout;
    co_return result;
  }
  result = OperationResult{};
  while (running) {
    boost::asio::steady_timer wait(
        co_await boost::asio::this_coro::executor,
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(p.poll_period_s)));
    co_await wait.async_wait(boost::asio::use_awaitable);
    if (client.cancelled && *client.cancelled) break;
    result = co_await run_bodyless("/_tasks?actions=indices:admin/forcemerge*", client);
    if (!result.success) break;
    auto json = nlohmann::json::parse(response_body(client), nullptr, false);
    const auto* nodes = at_path(json, "nodes");
    running = nodes && nodes->is_object() && !nodes->empty();
  }
  client.timeout = saved_timeout;
  // The merge's duration is what the sample measures, not the polls'.
  result.service_time = monotonic_ns() - start;
  co_return result;
}

boost::asio::awaitable<OperationResult> run_index_stats(const track::IndexStatsParams& p, ClientContext& client) {
  auto result = co_await run_bodyless(with_query("/" + p.index + "/_stats", p.request_params), client);
  if (!result.success || p.condition_path.empty()) co_return result;
  auto json = nlohmann::json::parse(response_body(client), nullptr, false);
  const auto* actual = at_path(json, p.condition_path);
  if (!actual || *actual != p.expected_value) {
    result.success = false;
    result.error = metrics::ErrorClass::http;
    result.error_kind = "index stats condition not met: " + p.condition_path;
    result.error_description = "index stats: " + p.condition_path + " is " + (actual ? actual->dump() : "missing") +
                               ", expected " + p.expected_value.dump();
  }
  co_return result;
}

boost::asio::awaitable<OperationResult> run_create_index(const track::CreateIndexParams& p, ClientContext& client) {
  OperationResult result;
  result.weight = p.indices.size();
  for (const auto& index : p.indices) {
    set_request(client, http::verb::put, with_query("/" + index.name, p.request_params));
    request_body(client) = index.body;
    auto exchange = co_await send(client, result);
    if (http_failed(exchange, result, response_body(client))) co_return result;
  }
  co_return result;
}

boost::asio::awaitable<OperationResult> run_delete_index(const track::DeleteIndexParams& p, ClientContext& client) {
  OperationResult result;
  result.weight = p.indices.size();
  for (const auto& index : p.indices) {
    set_request(client, http::verb::delete_, with_query("/" + index, p.request_params));
    request_body(client).clear();
    auto exchange = co_await send(client, result);
    // Deleting an index that does not exist is not an error (Rally's only-if-exists).
    if (http_failed(exchange, result, response_body(client), true)) co_return result;
  }
  co_return result;
}

namespace {
int status_rank(const std::string& status) {
  return status == "green" ? 3 : status == "yellow" ? 2 : status == "red" ? 1 : 0;
}

}  // namespace

boost::asio::awaitable<OperationResult> run_cluster_health(const track::ClusterHealthParams& p, ClientContext& client) {
  OperationResult result;
  std::string path = p.index.empty() ? "/_cluster/health" : "/_cluster/health/" + p.index;
  set_request(client, http::verb::get, with_query(path, p.request_params));
  request_body(client).clear();
  auto exchange = co_await send(client, result);
  const auto& body = response_body(client);
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
      result.error_kind = "cluster health without a status";
      result.error_description = "cluster health response without a status";
    }
    co_return result;
  }
  if (!p.expected_status.empty() && status_rank(status) < status_rank(p.expected_status)) {
    result.success = false;
    result.error = metrics::ErrorClass::http;
    result.error_kind = "cluster health " + status;
    result.error_description = "cluster health is " + status + ", expected " + p.expected_status;
  }
  co_return result;
}

boost::asio::awaitable<OperationResult> run_refresh(const track::RefreshParams& p, ClientContext& client) {
  OperationResult result;
  set_request(client, http::verb::post, p.index.empty() ? "/_refresh" : "/" + p.index + "/_refresh");
  request_body(client).clear();
  auto exchange = co_await send(client, result);
  http_failed(exchange, result, response_body(client));
  co_return result;
}

}  // namespace rally::client::detail
