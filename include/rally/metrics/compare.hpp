#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rally/metrics/task_result.hpp"

namespace rally::metrics {

// Throughput is better higher; latency, service time, processing time and error rate lower.
enum class Better : std::uint8_t { higher, lower };
enum class Change : std::uint8_t { unchanged, improvement, regression };

// One metric of one task in two races, as Rally's compare shows it.
struct ComparisonRow {
  std::string metric;  // the report's label: "Mean Throughput", "99th percentile latency"
  std::string key;     // the name --fail-on-regression uses: "throughput.mean", "latency.p99"
  std::string task;
  double baseline = 0;
  double contender = 0;
  std::string unit;
  Better better = Better::lower;

  [[nodiscard]] double diff() const { return contender - baseline; }
  // The difference relative to the baseline; none when the baseline is 0 and the
  // contender is not (0 -> 0 is 0%).
  [[nodiscard]] std::optional<double> diff_percent() const;
  // How far the change goes the worse way, in percent of the baseline: positive for a
  // regression, negative for an improvement. From a zero baseline any change is infinite.
  [[nodiscard]] double regression_percent() const;
  [[nodiscard]] Change change() const;
};

// "+5.20%", "0.00%" when both are 0, "n/a" from a zero baseline.
std::string diff_percent_text(const ComparisonRow& row);
// "better", "worse", or empty when unchanged.
std::string change_text(Change change);

struct Comparison {
  std::vector<ComparisonRow> rows;  // the baseline's task order, then its rows in report order
  std::vector<std::string> only_in_baseline;
  std::vector<std::string> only_in_contender;
};

// Compares the reported tasks (report_lines' rule: admin tasks only if they failed) that both
// races ran, by task name. A metric is compared when both races have it: throughput when both
// measured it, a percentile when both had enough samples for it; error rate always.
Comparison compare_results(const std::vector<TaskResult>& baseline, const std::vector<TaskResult>& contender);

// --fail-on-regression=METRIC:PERCENT[,...]: METRIC is one of throughput.min, throughput.mean,
// throughput.median, throughput.max, latency.pN, service_time.pN, processing_time.pN (N a
// percentile such as 50, 90, 99, 99.9, 100) and error_rate; PERCENT >= 0.
struct RegressionThreshold {
  std::string metric;  // canonical: "latency.p99.9"
  double percent = 0;
};

// Throws RallyError saying which entry is wrong and what is allowed.
std::vector<RegressionThreshold> parse_regression_thresholds(const std::string& spec);

struct Regression {
  ComparisonRow row;
  double threshold_percent = 0;
};

// The rows whose metric has a threshold and whose regression_percent() exceeds it.
std::vector<Regression> find_regressions(const Comparison& comparison,
                                         const std::vector<RegressionThreshold>& thresholds);

// The thresholds whose metric appears in no row: nothing was checked for them.
std::vector<std::string> unchecked_metrics(const Comparison& comparison,
                                           const std::vector<RegressionThreshold>& thresholds);

// "regression: latency.p99 of task 'match-all': baseline 10 ms, contender 12 ms, +20.00% (threshold 10%)"
std::string describe(const Regression& regression);

// Columns Metric, Task, Baseline, Contender, Diff, Unit, Diff %, Change ("better", "worse" or
// empty); markdown adds the tasks that only one race ran below the table.
std::string format_comparison_markdown(const Comparison& comparison);
std::string format_comparison_csv(const Comparison& comparison);

// N-way compare: one baseline against several contenders, each compared as above.
struct NamedComparison {
  std::string contender;  // the contender's race id
  Comparison comparison;
};

// One table, a row per task and metric any contender shares with the baseline: Metric, Task,
// Unit, Baseline, then per contender its value and "Diff %" with better/worse (empty where
// that contender lacks the row). Contenders are headed by the first 8 characters of their id.
std::string format_multi_comparison_markdown(const std::vector<NamedComparison>& comparisons);
std::string format_multi_comparison_csv(const std::vector<NamedComparison>& comparisons);

}  // namespace rally::metrics
