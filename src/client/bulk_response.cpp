// Reading a bulk response: the "errors" flag, and Rally's accounting of failed items.

#include "bulk_response.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

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
  if (failed == 0) failed = docs;   // "errors": true without failed items: nothing can be trusted
  failed = std::min(failed, docs);  // more failed items than documents sent: an answer to something else
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

const char* evaluate_bulk_response(std::string_view response, std::uint64_t docs, bool detailed_results,
                                   OperationResult& result) {
  // Unless detailed results are asked for, only the top-level "errors" flag is read, and the
  // response is parsed only when there are errors.
  if (!detailed_results && errors_flag(response) == false) return nullptr;
  auto json = nlohmann::json::parse(response, nullptr, false);
  if (json.is_discarded()) return "not JSON";
  if (!json.is_object() || !json.contains("errors") || !json["errors"].is_boolean())
    return "bulk response without an 'errors' flag";
  if (json["errors"].get<bool>()) count_item_failures(json, docs, result);
  return nullptr;
}

}  // namespace rally::client::detail
