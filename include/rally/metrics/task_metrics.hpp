#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "rally/metrics/sample_collector.hpp"
#include "rally/metrics/task_result.hpp"

namespace rally::metrics {

struct TaskIdentity {
  std::string task;
  std::string operation;
  std::string operation_type;
  bool include_in_reporting = true;
  std::string throughput_unit = "ops/s";
  std::optional<double> target_throughput;  // ops/s over all clients
};

// When a task earns a verdict (Verdict in task_result.hpp).
struct VerdictPolicy {
  double target_shortfall = 0.05;     // achieved more than 5% below the target
  double saturated_cpu_percent = 90;  // Workers' io threads busy for most of the task...
  double saturated_loop_lag_ms = 10;  // ...or the event loop's p99 lag this late
};

// The coordinator's view of every task: the merge of all Workers' intervals.
class TaskMetrics {
 public:
  // Merges one UpdateSamples blob; false if it is corrupt (nothing is merged then).
  [[nodiscard]] bool merge(std::string_view blob);
  void merge(const TaskInterval& interval);

  // step_start: the monotonic time the step was driven to start at.
  [[nodiscard]] TaskResult result(std::uint32_t step, std::uint32_t task, const TaskIdentity& identity,
                                  Nanos step_start, const VerdictPolicy& policy = {}) const;
  // Drops what was merged for `step`, once its results are taken.
  void forget(std::uint32_t step) {
    std::erase_if(tasks_, [step](const auto& entry) { return entry.first.first == step; });
  }
  // Normal-phase requests so far, for progress lines.
  [[nodiscard]] std::uint64_t requests(std::uint32_t step, std::uint32_t task) const;

 private:
  std::map<std::pair<std::uint32_t, std::uint32_t>, TaskInterval> tasks_;
};

// Rally's throughput: at every whole second after the normal phase starts, the
// cumulative weight so far divided by the time since the start, plus a final point at
// the last request's end. Returns the series in units per second.
std::vector<double> throughput_series(const TaskInterval& merged, Nanos step_start);

// The task's seconds from its first to its last completion (empty seconds included), each
// with Rally's cumulative throughput at its end where the series has a point there.
std::vector<SecondStats> per_second_series(const TaskInterval& merged, Nanos step_start);

// The verdicts `result` earns under `policy`.
std::vector<Verdict> verdicts_for(const TaskResult& result, const VerdictPolicy& policy);

}  // namespace rally::metrics
