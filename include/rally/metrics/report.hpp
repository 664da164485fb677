#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rally/common/race_config.hpp"
#include "rally/metrics/task_result.hpp"

namespace rally::metrics {

struct ReportLine {
  std::string metric;
  std::string task;
  std::string value;
  std::string unit;
};

// Rally's --show-in-report: `available` shows the rows with values and the percentiles with
// enough samples; `all-percentiles` also percentiles with too few samples; `all` also rows
// without a value (shown empty).
enum class ShowInReport { available, all_percentiles, all };

struct ReportOptions {
  ShowInReport show = ShowInReport::available;
  std::vector<double> latency_percentiles = default_percentiles();  // --latency-percentiles
  std::vector<double> throughput_percentiles;                       // --throughput-percentiles
};

// The options as the CLI parsed them (--show-in-report was checked there).
ReportOptions report_options(const ReportConfig& config);

// A cluster-level row from the target's statistics at the end of the race (Rally's
// cumulative indexing/merge/refresh/flush times of primary shards, segment count, store size).
struct ClusterMetric {
  std::string key;    // Rally's metrics-store name, e.g. "indexing_total_time"
  std::string label;  // the report's row, e.g. "Cumulative indexing time of primary shards"
  double value = 0;
  std::string unit;  // e.g. "min", "GB", ""
};

void to_json(nlohmann::json& j, const ClusterMetric& m);
void from_json(const nlohmann::json& j, ClusterMetric& m);

// Rally's summary rows: the cluster rows, then per reported task throughput, latency,
// service time and processing time percentiles, error rate. Administrative tasks appear only
// if they failed.
std::vector<ReportLine> report_lines(const std::vector<TaskResult>& results, const ReportOptions& options = {},
                                     const std::vector<ClusterMetric>& cluster = {});

std::string format_markdown(const std::vector<ReportLine>& lines);
// A markdown table with right-aligned columns, as Rally's tables.
std::string markdown_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows);
// "3 of 10,000 requests failed (http: 2, timeout: 1); 12 documents failed"
std::string error_summary(const TaskResult& result);
// The errors of the reported tasks by class and kind, as a markdown table; empty when none.
std::string format_errors_markdown(const std::vector<TaskResult>& results);
// The verdicts of the tasks, one "[WARNING] task: message" line each.
std::string format_verdicts(const std::vector<TaskResult>& results);
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

// Everything a report shows: the race, its tasks, its cluster rows.
struct RaceReport {
  ReportMeta meta;
  std::vector<TaskResult> results;
  std::vector<ClusterMetric> cluster;
};

// The report as JSON for tools (schema "rally-report/1", docs/report-json.md): the race and,
// per reported task, throughput, latency/service/processing time percentiles in ms, error
// rate, requests and errors by class and kind. Stable key order; numbers unrounded.
std::string format_json(const RaceReport& report, const ReportOptions& options = {});

// The report as one self-contained HTML page (no scripts or resources from elsewhere): the
// summary table, verdicts, and per task charts of throughput over time and of latency and
// service time percentiles.
std::string format_html(const RaceReport& report, const ReportOptions& options = {});

// Renders `report` in `format` (markdown, csv, json, html). Percentiles are recomputed from
// the stored histograms when `options` asks for other ones than the results hold.
std::string render_report(const RaceReport& report, const std::string& format, const ReportOptions& options = {});

// The task's percentiles per `options` (from its histograms when stored), verdicts kept.
TaskResult with_percentiles(const TaskResult& result, const ReportOptions& options);

// The "Final Score" banner a race prints above its report, as Rally's.
std::string final_score_banner();

// Numbers as Rally's tables show them (six significant digits).
std::string format_number(double value);

}  // namespace rally::metrics
