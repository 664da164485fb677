#include "rally/client/runner.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client {

namespace {

using track::OperationType;
using namespace detail;

void append_encoded(std::string& out, const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',' || c == '*') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
}

}  // namespace

void append_query(std::string& target, const track::RequestParams& params) {
  char sep = target.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : params) {
    target += sep;
    append_encoded(target, key);
    target += '=';
    append_encoded(target, value);
    sep = '&';
  }
}

std::string with_query(std::string path, const track::RequestParams& params) {
  append_query(path, params);
  return path;
}

namespace {

boost::asio::awaitable<OperationResult> unknown_operation() {
  OperationResult unknown;
  unknown.success = false;
  unknown.error_description = "unknown operation type";
  co_return unknown;
}

// Not a coroutine itself: it hands over the runner's awaitable, so a request costs no frame here.
boost::asio::awaitable<OperationResult> dispatch(const track::Operation& operation, ClientContext& client) {
  const auto& params = operation.params;
  switch (operation.type) {
    case OperationType::bulk:
      return run_bulk(std::get<track::BulkParams>(params), client);
    case OperationType::search:
    case OperationType::scroll_search:
      return run_search(std::get<track::SearchParams>(params), client);
    case OperationType::paginated_search:
      return run_paginated_search(std::get<track::SearchParams>(params), client);
    case OperationType::create_index:
      return run_create_index(std::get<track::CreateIndexParams>(params), client);
    case OperationType::delete_index:
      return run_delete_index(std::get<track::DeleteIndexParams>(params), client);
    case OperationType::cluster_health:
      return run_cluster_health(std::get<track::ClusterHealthParams>(params), client);
    case OperationType::refresh:
      return run_refresh(std::get<track::RefreshParams>(params), client);
    case OperationType::force_merge:
      return run_force_merge(std::get<track::ForceMergeParams>(params), client);
    case OperationType::index_stats:
      return run_index_stats(std::get<track::IndexStatsParams>(params), client);
    case OperationType::node_stats:
      return run_bodyless(with_query("/_nodes/stats", std::get<track::NodeStatsParams>(params).request_params), client);
    case OperationType::raw_request:
      return run_raw_request(std::get<track::RawRequestParams>(params), client);
    case OperationType::sleep:
      return run_sleep(std::get<track::SleepParams>(params), client);
    case OperationType::put_pipeline:
      return run_put_pipeline(std::get<track::PutPipelineParams>(params), client);
    case OperationType::put_settings:
      return run_put_settings(std::get<track::PutSettingsParams>(params), client);
    case OperationType::create_index_template:
      return run_create_templates(std::get<track::TemplateParams>(params), "/_template", client);
    case OperationType::delete_index_template:
      return run_delete_templates(std::get<track::TemplateParams>(params), "/_template", client);
    case OperationType::create_composable_template:
      return run_create_templates(std::get<track::TemplateParams>(params), "/_index_template", client);
    case OperationType::delete_composable_template:
      return run_delete_templates(std::get<track::TemplateParams>(params), "/_index_template", client);
    case OperationType::create_component_template:
      return run_create_templates(std::get<track::TemplateParams>(params), "/_component_template", client);
    case OperationType::delete_component_template:
      return run_delete_templates(std::get<track::TemplateParams>(params), "/_component_template", client);
    case OperationType::create_data_stream:
      return run_create_data_streams(std::get<track::DataStreamParams>(params), client);
    case OperationType::delete_data_stream:
      return run_delete_data_streams(std::get<track::DataStreamParams>(params), client);
    case OperationType::open_point_in_time:
      return run_open_point_in_time(operation, client);
    case OperationType::close_point_in_time:
      return run_close_point_in_time(std::get<track::ClosePointInTimeParams>(params), client);
    case OperationType::composite:
      return run_composite(std::get<track::CompositeParams>(params), client);
  }
  return unknown_operation();
}

}  // namespace

boost::asio::awaitable<OperationResult> run_operation(const track::Operation& operation, ClientContext& client) {
  client.request.headers = operation.headers.empty() ? nullptr : &operation.headers;
  auto result = co_await dispatch(operation, client);
  check_assertions(operation, client, result);
  co_return result;
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
    client.retrying = attempt > 0;
    auto result = co_await run_operation(operation, client);
    service_time += result.service_time;
    result.service_time = service_time;
    if (result.success || result.exhausted) co_return result;
    // Rally: timeouts and connection errors (reset, closed, cut short) follow retry-on-timeout;
    // errors in an answer (HTTP status, bulk items, malformed) follow retry-on-error.
    bool network = result.error == metrics::ErrorClass::timeout || result.error == metrics::ErrorClass::transport;
    bool retryable = network ? retry.on_timeout : (retry.on_error || retry.until_success);
    bool attempts_left = retry.until_success || attempt < retry.retries;
    bool cancelled = client.cancelled && *client.cancelled;
    if (!retryable || !attempts_left || result.connect_failed || result.fatal || cancelled) co_return result;
    boost::asio::steady_timer wait(
        co_await boost::asio::this_coro::executor,
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(retry.wait_period_s)));
    co_await wait.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace rally::client
