#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rally/metrics/store_config.hpp"

namespace rally::metrics {

// An index template for one kind of store document, put with the legacy _template API under
// Rally's names (rally-metrics, rally-races, rally-results), as Rally does without data streams.
struct StoreTemplate {
  std::string name;  // e.g. "rally-metrics"
  nlohmann::json body;
};

// The three templates: string fields as keywords, @timestamp as epoch milliseconds,
// race-timestamp in Rally's basic format, values as numbers; the shard and replica counts from
// rally.ini when it sets them.
std::vector<StoreTemplate> store_templates(const StoreConfig& config);

}  // namespace rally::metrics
