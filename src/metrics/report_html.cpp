#include <string>
#include <vector>

#include "rally/common/text.hpp"
#include "rally/metrics/report.hpp"

#include "markup.hpp"
#include "task_charts.hpp"

namespace rally::metrics {

namespace {

// Inline, so the file needs nothing else to be read; system fonts only.
constexpr const char* style = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; background: #fff;
       margin: 20px; max-width: 1140px; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #ccd3db; }
h3 { font-size: 16px; margin: 24px 0 8px; }
h3 small { color: #666; font-weight: normal; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e3e7ec; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #ccd3db; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.first-of-task td { border-top: 1px solid #ccd3db; }
table.race th { color: #555; font-weight: 600; }
.failed { color: #b00020; font-weight: bold; }
.banner { background: #fde7ea; border: 1px solid #b00020; padding: 8px 12px; margin: 10px 0; }
.verdict { background: #fff4d6; border: 1px solid #e6b422; border-left: 6px solid #e6b422; padding: 8px 12px;
           margin: 6px 0; font-size: 14px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin: 8px 0; }
svg.chart { border: 1px solid #e3e7ec; background: #fff; }
.note { color: #555; font-size: 13px; }
footer { margin-top: 32px; color: #777; font-size: 12px; }
)";

std::string esc(const std::string& text) { return escape_markup(text); }

std::string row(const std::vector<std::string>& cells, const std::vector<bool>& numeric = {},
                const std::string& css_class = "") {
  std::string out = css_class.empty() ? "<tr>" : "<tr class=\"" + css_class + "\">";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const bool num = i < numeric.size() && numeric[i];
    out += (num ? "<td class=\"num\">" : "<td>") + esc(cells[i]) + "</td>";
  }
  return out + "</tr>\n";
}

std::string header_row(const std::vector<std::string>& cells) {
  std::string out = "<thead><tr>";
  for (const auto& c : cells) out += "<th>" + esc(c) + "</th>";
  return out + "</tr></thead>\n";
}

std::string race_section(const ReportMeta& meta) {
  std::string out = "<section id=\"race\">\n<h1>Race " + esc(meta.race_id) + "</h1>\n";
  if (meta.status != "success") {
    out += "<div class=\"banner\"><span class=\"failed\">This race " + esc(meta.status) +
           ".</span> The results are those of the tasks up to the failure.</div>\n";
  }
  std::string tags;
  for (const auto& [key, value] : meta.user_tags) tags += (tags.empty() ? "" : ", ") + key + "=" + value;
  auto item = [](const std::string& name, const std::string& value, const std::string& css_class = "") {
    std::string cell = css_class.empty() ? "<td>" : "<td class=\"" + css_class + "\">";
    return "<tr><th>" + esc(name) + "</th>" + cell + esc(value) + "</td></tr>\n";
  };
  out += "<table class=\"race\">\n";
  out += item("Race ID", meta.race_id);
  out += item("Race timestamp", meta.race_timestamp);
  out += item("Track", meta.track);
  out += item("Challenge", meta.challenge);
  out +=
      item("Cluster", meta.distribution + (meta.distribution_version.empty() ? "" : " " + meta.distribution_version));
  out += item("Status", meta.status, meta.status == "success" ? "" : "failed");
  if (!tags.empty()) out += item("User tags", tags);
  out += "</table>\n";
  if (!meta.notes.empty()) {
    out += "<ul class=\"notes\">\n";
    for (const auto& note : meta.notes) out += "<li>" + esc(note) + "</li>\n";
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

std::string verdicts_section(const std::vector<TaskResult>& results) {
  std::string items;
  for (const auto& r : results) {
    if (!is_reported(r)) continue;
    for (const auto& v : r.verdicts) {
      items += "<div class=\"verdict\" data-kind=\"" + esc(v.kind) + "\"><strong>" + esc(r.task) +
               "</strong>: " + esc(v.message) + "</div>\n";
    }
  }
  if (items.empty()) return {};
  return "<section id=\"verdicts\">\n<h2>Verdicts</h2>\n" + items + "</section>\n";
}

std::string summary_section(const RaceReport& report, const ReportOptions& options) {
  std::string out = "<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n" +
                    header_row({"Metric", "Task", "Value", "Unit"}) + "<tbody>\n";
  std::string last_task;
  bool first = true;
  for (const auto& l : report_lines(report.results, options, report.cluster)) {
    const bool new_task = !first && l.task != last_task;
    out += row({l.metric, l.task, l.value, l.unit}, {false, false, true, false}, new_task ? "first-of-task" : "");
    last_task = l.task;
    first = false;
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string errors_section(const std::vector<TaskResult>& results) {
  std::string out;
  for (const auto& r : results) {
    if (!is_reported(r) || (r.failed_requests == 0 && r.errors_by_kind.empty())) continue;
    out += "<h3>" + esc(r.task) + "</h3>\n<p>" + esc(error_summary(r)) + ".</p>\n";
    if (!r.errors_by_kind.empty()) {
      out += "<table class=\"errors\">\n" + header_row({"Error", "Requests"}) + "<tbody>\n";
      for (const auto& [kind, count] : r.errors_by_kind) out += row({kind, with_thousands(count)}, {false, true});
      out += "</tbody>\n</table>\n";
    }
  }
  if (out.empty()) return {};
  return "<section id=\"errors\">\n<h2>Errors</h2>\n" + out + "</section>\n";
}

std::string percentiles_text(const std::vector<Percentile>& values) {
  std::string out;
  for (const auto& p : values)
    out += (out.empty() ? "" : ", ") + std::string("p") + format_number(p.percentile) + " " + format_number(p.value_ms);
  return out + " ms";
}

// What the summary rows do not say about the task: its size, pace and the driver's load.
std::string task_facts(const TaskResult& r) {
  std::vector<std::pair<std::string, std::string>> facts;
  facts.emplace_back("Operation", r.operation + " (" + r.operation_type + ")");
  facts.emplace_back("Requests", with_thousands(r.requests) + " (warmup " + with_thousands(r.warmup_requests) +
                                     ", failed " + with_thousands(r.failed_requests) + ")");
  const std::string unit = r.throughput_unit.size() > 2 && r.throughput_unit.ends_with("/s")
                               ? r.throughput_unit.substr(0, r.throughput_unit.size() - 2)
                               : "";
  facts.emplace_back("Total weight", with_thousands(r.total_weight) + (unit.empty() ? "" : " " + unit));
  facts.emplace_back("Duration", format_number(r.duration_s) + " s");
  if (r.target_throughput) {
    facts.emplace_back("Target throughput", format_number(*r.target_throughput) + " ops/s, achieved " +
                                                format_number(r.achieved_ops_per_s) + " ops/s");
  }
  if (!r.schedule_lag.empty()) facts.emplace_back("Schedule lag", percentiles_text(r.schedule_lag));
  if (r.driver_load) {
    std::string load = "CPU " + format_number(r.driver_load->cpu_mean_percent) + "% mean, " +
                       format_number(r.driver_load->cpu_max_percent) + "% max";
    if (!r.driver_load->loop_lag.empty()) load += "; event loop lag " + percentiles_text(r.driver_load->loop_lag);
    facts.emplace_back("Driver load", load);
  }
  std::string out = "<table class=\"facts\">\n";
  for (const auto& [name, value] : facts) out += "<tr><th>" + esc(name) + "</th><td>" + esc(value) + "</td></tr>\n";
  return out + "</table>\n";
}

std::string tasks_section(const std::vector<TaskResult>& results, const ReportOptions& options) {
  std::string out;
  int number = 0;
  for (const auto& result : results) {
    if (!is_reported(result)) continue;
    const auto r = with_percentiles(result, options);
    out += "<section class=\"task\" id=\"task-" + std::to_string(++number) + "\">\n<h3>" + esc(r.task) + " <small>" +
           esc(r.operation_type) + "</small></h3>\n";
    for (const auto& v : r.verdicts) out += "<div class=\"verdict\">" + esc(v.message) + "</div>\n";
    out += task_facts(r);
    out += "<div class=\"charts\">\n" + render_svg(throughput_chart(r)) + render_svg(percentile_chart(r)) + "</div>\n";
    out += "</section>\n";
  }
  if (out.empty()) return {};
  return "<section id=\"tasks\">\n<h2>Tasks</h2>\n" + out + "</section>\n";
}

}  // namespace

std::string format_html(const RaceReport& report, const ReportOptions& options) {
  const auto& meta = report.meta;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>rally race " +
      esc(meta.race_id) + " (" + esc(meta.track) + ", " + esc(meta.challenge) + ")</title>\n<style>" + style +
      "</style>\n</head>\n<body>\n";
  out += race_section(meta);
  out += verdicts_section(report.results);
  out += summary_section(report, options);
  out += errors_section(report.results);
  out += tasks_section(report.results, options);
  out +=
      "<footer>Generated by rally. Charts: throughput per second of the normal phase and Rally's cumulative "
      "throughput; latency, service time and processing time by percentile.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace rally::metrics
