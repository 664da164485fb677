// Rally's assertions (--enable-assertions): a property of the runner's meta-data or of the
// response compared with an expected value; a failure ends the race.

#include <nlohmann/json.hpp>

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

namespace {

bool holds(const nlohmann::json& actual, track::AssertionCondition condition, const nlohmann::json& expected) {
  using track::AssertionCondition;
  if (condition == AssertionCondition::eq) return actual == expected;
  bool numbers = actual.is_number() && expected.is_number();
  bool strings = actual.is_string() && expected.is_string();
  if (!numbers && !strings) return false;
  switch (condition) {
    case AssertionCondition::gt:
      return expected < actual;
    case AssertionCondition::ge:
      return !(actual < expected);
    case AssertionCondition::lt:
      return actual < expected;
    case AssertionCondition::le:
      return !(expected < actual);
    default:
      return false;
  }
}

bool sends_requests(track::OperationType type) {
  return type != track::OperationType::sleep && type != track::OperationType::composite;
}

}  // namespace

void check_assertions(const track::Operation& op, ClientContext& client, OperationResult& result) {
  if (!client.assertions || op.assertions.empty() || !result.success) return;
  nlohmann::json meta = result.meta.is_object() ? result.meta : nlohmann::json::object();
  meta["weight"] = result.weight;
  meta["success"] = result.success;
  nlohmann::json response;
  bool parsed = false;
  for (const auto& a : op.assertions) {
    const auto* actual = at_path(meta, a.property);
    if (!actual && sends_requests(op.type)) {
      if (!parsed) response = nlohmann::json::parse(response_body(client), nullptr, false);
      parsed = true;
      actual = at_path(response, a.property);
    }
    if (actual && holds(*actual, a.condition, a.value)) continue;
    result.success = false;
    result.fatal = true;
    result.error = metrics::ErrorClass::http;
    result.error_kind = "assertion failed: " + a.property;
    result.error_description = "assertion failed: expected [" + a.property + "] in [" + op.name + "] to be " +
                               std::string(track::to_string(a.condition)) + " [" + a.value.dump() + "] but was [" +
                               (actual ? actual->dump() : std::string("missing")) + "]";
    return;
  }
}

}  // namespace rally::client::detail
