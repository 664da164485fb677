#include <map>

#include <nlohmann/json.hpp>

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

namespace {

// The top-level "errors" flag, read from the start of the response without parsing it:
// true/false, or nothing when it is not among the first bytes.
std::optional<bool> errors_flag(std::string_view response) {
  auto head = response.substr(0, 256);
  auto at = head.find("\"errors\"");
  if (at == std::string_view::npos) return std::nullopt;
  auto rest = head.substr(at + 8);
  std::size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == ':' || rest[i] == '\n' || rest[i] == '\t')) ++i;
  rest.remove_prefix(i);
  if (rest.substr(0, 5) == "false") return false;
  if (rest.substr(0, 4) == "true") return true;
  return std::nullopt;
}

// Rally's bulk error accounting: every item with an error is a failed document; the
// description names the error types and how often each occurred, and the first reason.
void count_item_failures(const nlohmann::json& json, std::uint64_t docs, OperationResult& result) {
  std::uint64_t failed = 0;
  std::map<std::string, std::uint64_t> by_type;
  std::string first_reason;
  if (json.contains("items") && json["items"].is_array()) {
    for (const auto& item : json["items"]) {
      if (!item.is_object()) continue;
      for (const auto& [action, outcome] : item.items()) {
        if (!outcome.is_object() || !outcome.contains("error")) continue;
        ++failed;
        const auto& error = outcome["error"];
        std::string type = error.is_object() ? error.value("type", "unknown") : "unknown";
        ++by_type[type + (outcome.contains("status") ? " (HTTP " + outcome["status"].dump() + ")" : "")];
        if (first_reason.empty()) first_reason = error.is_object() ? error.value("reason", error.dump()) : error.dump();
      }
    }
  }
  if (failed == 0) failed = docs;  // "errors": true without failed items: nothing can be trusted
  result.success = false;
  result.error = metrics::ErrorClass::bulk_items;
  result.failed_weight = failed;
  std::string types;
  std::uint64_t most = 0;
  for (const auto& [type, n] : by_type) {
    types += (types.empty() ? "" : ", ") + std::to_string(n) + " x " + type;
    if (n > most) {
      most = n;
      result.error_kind = "bulk items: " + type;
    }
  }
  if (result.error_kind.empty()) result.error_kind = "bulk items";
  result.error_description = std::to_string(failed) + " of " + std::to_string(docs) + " documents failed" +
                             (types.empty() ? "" : " (" + types + ")") +
                             (first_reason.empty() ? "" : "; first: " + first_reason);
}

}  // namespace

boost::asio::awaitable<OperationResult> run_bulk(const track::BulkParams& p, ClientContext& client) {
  OperationResult result;
  std::uint64_t docs = client.bulk_docs;
  if (!client.retrying || docs == 0) {
    set_request(client, http::verb::post,
                p.pipeline.empty() ? std::string("/_bulk") : with_query("/_bulk", {{"pipeline", p.pipeline}}),
                ContentType::ndjson);
    request_body(client).clear();
    // The body is scatter/gather buffers over the mapped corpus; a retry sends it again.
    docs = client.bulk ? client.bulk->next(p.bulk_size, client.request.pieces) : 0;
    client.bulk_docs = docs;
  }
  if (docs == 0) {
    result.exhausted = true;
    co_return result;
  }
  result.weight = docs;
  auto exchange = co_await send(client, result);
  const auto& response = response_body(client);
  if (http_failed(exchange, result, response)) {
    result.failed_weight = docs;
    co_return result;
  }
  // Unless detailed results are asked for, only the top-level "errors" flag is read, and the
  // response is parsed only when there are errors.
  if (!p.detailed_results && errors_flag(response) == false) co_return result;
  auto json = nlohmann::json::parse(response, nullptr, false);
  if (!json.is_object() || !json.contains("errors") || !json["errors"].is_boolean()) {
    // Nothing in it can be trusted: every document of the bulk counts as failed.
    malformed_response(client, result, json.is_discarded() ? "not JSON" : "bulk response without an 'errors' flag");
    result.failed_weight = docs;
    co_return result;
  }
  if (json["errors"].get<bool>()) count_item_failures(json, docs, result);
  co_return result;
}

}  // namespace rally::client::detail
