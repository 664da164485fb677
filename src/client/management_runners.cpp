// Runners of raw requests, sleeps, pipelines, cluster settings, templates and data streams.

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "rally/common/clock.hpp"

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

namespace {

// Sends one prepared request with `body` and judges it; true when it failed.
boost::asio::awaitable<bool> send_body(ClientContext& client, OperationResult& result, http::verb verb,
                                       const std::string& target, const std::string& body,
                                       bool accept_not_found = false) {
  set_request(client, verb, target);
  request_body(client) = body;
  auto exchange = co_await send(client, result);
  co_return http_failed(exchange, result, response_body(client), accept_not_found);
}

}  // namespace

boost::asio::awaitable<OperationResult> run_raw_request(const track::RawRequestParams& p, ClientContext& client) {
  OperationResult result;
  auto verb = http::string_to_verb(p.method);
  co_await send_body(client, result, verb, with_query(p.path, p.request_params), p.body);
  co_return result;
}

// Rally's sleep: no request; its service time is the time slept.
boost::asio::awaitable<OperationResult> run_sleep(const track::SleepParams& p, ClientContext& client) {
  OperationResult result;
  auto start = monotonic_ns();
  boost::asio::steady_timer timer(
      co_await boost::asio::this_coro::executor,
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(p.duration_s)));
  co_await timer.async_wait(boost::asio::use_awaitable);
  (void)client;
  result.service_time = monotonic_ns() - start;
  co_return result;
}

boost::asio::awaitable<OperationResult> run_put_pipeline(const track::PutPipelineParams& p, ClientContext& client) {
  OperationResult result;
  co_await send_body(client, result, http::verb::put, with_query("/_ingest/pipeline/" + p.id, p.request_params),
                     p.body);
  co_return result;
}

boost::asio::awaitable<OperationResult> run_put_settings(const track::PutSettingsParams& p, ClientContext& client) {
  OperationResult result;
  co_await send_body(client, result, http::verb::put, with_query("/_cluster/settings", p.request_params), p.body);
  co_return result;
}

boost::asio::awaitable<OperationResult> run_create_templates(const track::TemplateParams& p, const char* path,
                                                             ClientContext& client) {
  OperationResult result;
  result.weight = p.templates.size();
  for (const auto& t : p.templates) {
    auto target = with_query(std::string(path) + "/" + t.name, p.request_params);
    if (co_await send_body(client, result, http::verb::put, target, t.body)) co_return result;
  }
  co_return result;
}

// Rally: a missing template is not an error (only-if-exists); with delete-matching-indices,
// the indices of the template's pattern go too. Weight: the deletions that happened.
boost::asio::awaitable<OperationResult> run_delete_templates(const track::TemplateParams& p, const char* path,
                                                             ClientContext& client) {
  OperationResult result;
  std::uint64_t deleted = 0;
  for (const auto& t : p.templates) {
    auto target = with_query(std::string(path) + "/" + t.name, p.request_params);
    if (co_await send_body(client, result, http::verb::delete_, target, "", true)) co_return result;
    if (result.http_status != 404) ++deleted;
    if (t.delete_matching_indices && !t.index_pattern.empty()) {
      if (co_await send_body(client, result, http::verb::delete_, "/" + t.index_pattern, "", true)) co_return result;
      ++deleted;
    }
  }
  result.weight = deleted;
  co_return result;
}

namespace {
// PUT or DELETE of every data stream named; deleting one that does not exist is no error.
boost::asio::awaitable<OperationResult> for_each_data_stream(const track::DataStreamParams& p, ClientContext& client,
                                                             http::verb verb) {
  OperationResult result;
  result.weight = p.data_streams.size();
  for (const auto& name : p.data_streams) {
    auto target = with_query("/_data_stream/" + name, p.request_params);
    if (co_await send_body(client, result, verb, target, "", verb == http::verb::delete_)) co_return result;
  }
  co_return result;
}
}  // namespace

boost::asio::awaitable<OperationResult> run_create_data_streams(const track::DataStreamParams& p,
                                                                ClientContext& client) {
  return for_each_data_stream(p, client, http::verb::put);
}

boost::asio::awaitable<OperationResult> run_delete_data_streams(const track::DataStreamParams& p,
                                                                ClientContext& client) {
  return for_each_data_stream(p, client, http::verb::delete_);
}

}  // namespace rally::client::detail
