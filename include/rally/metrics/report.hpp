#pragma once

#include <string>
#include <vector>

#include "rally/metrics/task_result.hpp"

namespace rally::metrics {

struct ReportLine {
  std::string metric;
  std::string task;
  std::string value;
  std::string unit;
};

// Rally's summary rows, per reported task: throughput, latency, service time and
// processing time percentiles, error rate. Administrative tasks appear only if they failed.
std::vector<ReportLine> report_lines(const std::vector<TaskResult>& results);

std::string format_markdown(const std::vector<ReportLine>& lines);
std::string format_csv(const std::vector<ReportLine>& lines);

// The "Final Score" banner a race prints above its report, as Rally's.
std::string final_score_banner();

// Numbers as Rally's tables show them (six significant digits).
std::string format_number(double value);

}  // namespace rally::metrics
