#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "rally/common/race_config.hpp"
#include "rally/metrics/report.hpp"
#include "rally/metrics/store_config.hpp"
#include "rally/metrics/store_documents.hpp"
#include "rally/metrics/task_result.hpp"

namespace rally::race {

// The race's optional Elasticsearch/OpenSearch metrics store (rally.ini [reporting],
// docs/metrics-store.md). During the race it only notes when each task's results arrived; at
// the end it writes Rally's race, results and metrics documents in bulk requests, all within
// the configured timeout. Writing never fails the race: any failure is one [WARNING].
class MetricsStore {
 public:
  using Clock = std::function<double()>;  // wall clock, epoch seconds

  MetricsStore();  // in-memory: writes nothing
  explicit MetricsStore(metrics::StoreConfig config, Clock clock = {});

  // The store the rally.ini at `path` configures (none when the file does not exist). Throws
  // RallyError naming the file, line and key of a bad setting.
  static MetricsStore from_rally_ini(const std::string& path);

  [[nodiscard]] bool enabled() const { return config_.enabled; }
  [[nodiscard]] const metrics::StoreConfig& config() const { return config_; }

  // A step's results arrived: the wall-clock window of its tasks, for the documents' times.
  void on_task_finished(const std::vector<metrics::TaskResult>& results);

  // Writes the documents of `report` to the store. Never throws. On success one [INFO] line on
  // `out`; on any failure one [WARNING] on `err` naming the store and what failed.
  void publish(const metrics::RaceReport& report, const RaceConfig& race, std::ostream& out,
               std::ostream& err) const noexcept;

  // What the documents say besides the report (their times, environment, track params).
  [[nodiscard]] metrics::StoreContext context(const RaceConfig& race) const;

 private:
  metrics::StoreConfig config_;
  Clock clock_;
  std::map<std::string, metrics::TaskWindow> windows_;
};

}  // namespace rally::race
