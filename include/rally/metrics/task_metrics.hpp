#pragma once

#include <cstdint>
#include <map>
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
};

// The coordinator's view of every task: the merge of all Workers' intervals.
class TaskMetrics {
 public:
  // Merges one UpdateSamples blob; false if it is corrupt (nothing is merged then).
  [[nodiscard]] bool merge(std::string_view blob);
  void merge(const TaskInterval& interval);

  // step_start: the monotonic time the step was driven to start at.
  [[nodiscard]] TaskResult result(std::uint32_t step, std::uint32_t task, const TaskIdentity& identity,
                                  Nanos step_start) const;
  // Normal-phase requests so far, for progress lines.
  [[nodiscard]] std::uint64_t requests(std::uint32_t step, std::uint32_t task) const;

 private:
  std::map<std::pair<std::uint32_t, std::uint32_t>, TaskInterval> tasks_;
};

// Rally's throughput: at every whole second after the normal phase starts, the
// cumulative weight so far divided by the time since the start, plus a final point at
// the last request's end. Returns the series in units per second.
std::vector<double> throughput_series(const TaskInterval& merged, Nanos step_start);

}  // namespace rally::metrics
