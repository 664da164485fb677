#pragma once

#include <string>
#include <utility>
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

// What a JSON report says about the race besides its tasks.
struct ReportMeta {
  std::string race_id;
  std::string race_timestamp;
  std::string status = "success";
  std::string track;
  std::string challenge;
  std::string distribution;
  std::string distribution_version;
  std::vector<std::pair<std::string, std::string>> user_tags;
  std::vector<std::string> notes;
};

// The report as JSON for tools (schema "rally-report/1", docs/report-json.md): the race and,
// per reported task, throughput, latency/service/processing time percentiles in ms, error
// rate, requests and errors by class and kind. Stable key order; numbers unrounded.
std::string format_json(const std::vector<TaskResult>& results, const ReportMeta& meta);

// The "Final Score" banner a race prints above its report, as Rally's.
std::string final_score_banner();

// Numbers as Rally's tables show them (six significant digits).
std::string format_number(double value);

}  // namespace rally::metrics
