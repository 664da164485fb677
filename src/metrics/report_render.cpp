#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/text.hpp"
#include "rally/metrics/report.hpp"

namespace rally::metrics {

void to_json(nlohmann::json& j, const ClusterMetric& m) {
  j = nlohmann::json{{"metric", m.key}, {"name", m.label}, {"value", m.value}, {"unit", m.unit}};
}

void from_json(const nlohmann::json& j, ClusterMetric& m) {
  m.key = j.at("metric").get<std::string>();
  m.label = j.at("name").get<std::string>();
  m.value = j.at("value").get<double>();
  m.unit = j.at("unit").get<std::string>();
}

ReportOptions report_options(const ReportConfig& config) {
  ReportOptions options;
  options.show = config.show == "all"               ? ShowInReport::all
                 : config.show == "all-percentiles" ? ShowInReport::all_percentiles
                                                    : ShowInReport::available;
  options.latency_percentiles = config.latency_percentiles;
  options.throughput_percentiles = config.throughput_percentiles;
  return options;
}

std::string error_summary(const TaskResult& r) {
  std::string text = with_thousands(r.failed_requests) + " of " + with_thousands(r.requests) + " requests failed";
  const char* sep = " (";
  for (const auto& [error_class, count] : r.errors_by_class) {
    text += sep + error_class + ": " + with_thousands(count);
    sep = ", ";
  }
  if (!r.errors_by_class.empty()) text += ")";
  if (r.failed_weight > 0 && r.throughput_unit == "docs/s")
    text += "; " + with_thousands(r.failed_weight) + " documents failed";
  return text;
}

std::string format_errors_markdown(const std::vector<TaskResult>& results) {
  std::vector<std::vector<std::string>> rows;
  std::string summary;
  for (const auto& r : results) {
    if (!is_reported(r) || r.failed_requests == 0) continue;
    for (const auto& [kind, count] : r.errors_by_kind) rows.push_back({r.task, kind, with_thousands(count)});
    summary += r.task + ": " + error_summary(r) + "\n";
  }
  if (summary.empty()) return {};
  return "Errors:\n\n" + markdown_table({"Task", "Error", "Requests"}, rows) + "\n" + summary;
}

std::string format_verdicts(const std::vector<TaskResult>& results) {
  std::string out;
  for (const auto& r : results) {
    if (!is_reported(r)) continue;
    for (const auto& v : r.verdicts) out += "[WARNING] " + r.task + ": " + v.message + "\n";
  }
  return out;
}

std::string render_report(const RaceReport& report, const std::string& format, const ReportOptions& options) {
  if (format == "json") return format_json(report, options);
  if (format == "html") return format_html(report, options);
  auto lines = report_lines(report.results, options, report.cluster);
  if (format == "csv") return format_csv(lines);
  if (format != "markdown") throw RallyError("unknown report format '" + format + "' (markdown, csv, json, html)");
  std::string out = format_markdown(lines);
  if (auto errors = format_errors_markdown(report.results); !errors.empty()) out += "\n" + errors;
  if (auto verdicts = format_verdicts(report.results); !verdicts.empty()) out += "\n" + verdicts;
  return out;
}

}  // namespace rally::metrics
