#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rally/metrics/report.hpp"

namespace rally::metrics {

// When a task ran by the coordinator's wall clock, in epoch seconds.
struct TaskWindow {
  double step_start_s = 0;  // when its step began (estimated, see docs/metrics-store.md)
  double end_s = 0;         // when the coordinator received its results
};

// What the store's documents say besides the report.
struct StoreContext {
  std::string environment = "local";  // rally.ini [system] env.name
  std::string rally_version;
  std::string track_params = "{}";                 // a JSON object (RaceConfig::track_params)
  double race_start_s = 0;                         // relative-time counts from here (RaceConfig::race_epoch)
  double race_end_s = 0;                           // the time of cluster-level metrics and of tasks without a window
  std::map<std::string, TaskWindow> task_windows;  // by task name
};

struct StoreDocument {
  std::string index;
  std::string id;  // empty: the store picks one
  nlohmann::json source;
};

// Rally's documents for one race, in its monthly indices (rally-<kind>-YYYY-MM of the race
// timestamp).
struct StoreDocuments {
  std::vector<StoreDocument> races;    // the race (id: the race id)
  std::vector<StoreDocument> results;  // per reported task and metric, and per cluster row
  std::vector<StoreDocument> metrics;  // per-second throughput, time summaries, cluster rows

  [[nodiscard]] std::size_t size() const { return races.size() + results.size() + metrics.size(); }
};

// Rally's race timestamp format: "2024-05-01T12:00:00Z" becomes "20240501T120000Z".
std::string rally_timestamp(const std::string& iso_timestamp);

// "rally-<kind>-YYYY-MM" for the month of the race timestamp (or of `fallback_epoch_s` when the
// timestamp is not ISO 8601).
std::string store_index(const std::string& kind, const std::string& race_timestamp, double fallback_epoch_s);

// The races, results and metrics documents of `report` (docs/metrics-store.md says what each
// holds and how it differs from Rally's). A failed race's results are marked "active": false.
StoreDocuments build_store_documents(const RaceReport& report, const StoreContext& context);

}  // namespace rally::metrics
