#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "rally/common/race_config.hpp"
#include "rally/metrics/report.hpp"
#include "rally/metrics/task_result.hpp"
#include "rally/race/metrics_store.hpp"
#include "rally/track/track.hpp"

namespace rally::race {

struct ClusterDescription {
  std::string distribution;
  std::string version;
};

struct PreparationResult {
  ClusterDescription cluster;
  std::vector<std::string> notes;  // e.g. that a corpus was synthetic: shown in the report
  std::string load_drivers;        // JSON array of the daemons raced with; empty: none
};

// Rally's BenchmarkCoordinator: loads the track, collects task results, and at the end
// prints the report and stores the race. Plain logic; BenchmarkActor drives it.
class BenchmarkCoordinator {
 public:
  BenchmarkCoordinator(const RaceConfig& config, std::ostream& out, std::ostream& err);

  // Loads and validates the track. Throws RallyError on any problem with it.
  const track::Track& setup();
  void on_preparation_complete(const PreparationResult& preparation);
  void on_benchmark_started() { started_ = true; }
  // A load-driver host was lost and the race went on: the report and race.json say so.
  void on_degraded(const std::string& note);
  void on_task_finished(const std::vector<metrics::TaskResult>& results);
  // Rally's cluster rows, from the target's stats at the start and the end.
  void on_cluster_metrics(std::vector<metrics::ClusterMetric> metrics) { cluster_metrics_ = std::move(metrics); }
  // Prints the report, writes the report file and race.json. Returns the exit code.
  int on_benchmark_complete();
  // Reports the failure; stores the race marked failed if any load was sent.
  int on_benchmark_failure(const std::string& reason);
  // SIGINT or SIGTERM: stores the results so far marked interrupted if any load was sent.
  // Returns exit_interrupted (130).
  int on_interrupted(const std::string& signal);

  [[nodiscard]] const std::vector<metrics::TaskResult>& results() const { return results_; }

 private:
  std::string store_race(const std::string& status, const std::string& failure);
  [[nodiscard]] metrics::RaceReport race_report(const std::string& status) const;
  // --baseline/--fail-on-regression: exit_error when this race regressed against it.
  int check_baseline();

  const RaceConfig& config_;
  std::ostream& out_;
  std::ostream& err_;
  std::optional<track::Track> track_;
  ClusterDescription cluster_;
  std::vector<std::string> notes_;
  std::string load_drivers_;
  std::vector<std::string> degraded_;
  bool started_ = false;
  std::vector<metrics::TaskResult> results_;
  std::vector<metrics::ClusterMetric> cluster_metrics_;
  MetricsStore metrics_store_;  // rally.ini [reporting]: written at the end, never failing the race
};

}  // namespace rally::race
