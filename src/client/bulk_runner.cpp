#include <nlohmann/json.hpp>

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

boost::asio::awaitable<OperationResult> run_bulk(const track::BulkParams& p, ClientContext& client) {
  OperationResult result;
  auto& body = request_body(client);
  auto docs = client.bulk ? client.bulk->next(p.bulk_size, body) : 0;
  if (docs == 0) {
    result.exhausted = true;
    co_return result;
  }
  result.weight = docs;
  set_request(client, http::verb::post,
              p.pipeline.empty() ? std::string("/_bulk") : with_query("/_bulk", {{"pipeline", p.pipeline}}),
              ContentType::ndjson);
  auto exchange = co_await send(client, result);
  const auto& response = response_body(client);
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

}  // namespace rally::client::detail
