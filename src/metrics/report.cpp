#include "rally/metrics/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rally::metrics {

std::string format_number(double value) {
  char buf[64];
  // From 999999.5 on, six significant digits round to 1e+06 and beyond: print the
  // whole number instead of an exponent.
  if (std::fabs(value) >= 999'999.5) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", value);
  }
  return buf;
}

std::string final_score_banner() {
  return "\n------------------------------------------------------\n"
         "    _______             __   _____\n"
         "   / ____(_)___  ____ _/ /  / ___/_________  ________\n"
         "  / /_  / / __ \\/ __ `/ /   \\__ \\/ ___/ __ \\/ ___/ _ \\\n"
         " / __/ / / / / / /_/ / /   ___/ / /__/ /_/ / /  /  __/\n"
         "/_/   /_/_/ /_/\\__,_/_/   /____/\\___/\\____/_/   \\___/\n"
         "------------------------------------------------------\n\n";
}

namespace {

std::string percentile_label(double p) {
  std::string text = format_number(p);
  return text + "th percentile";
}

void add_percentiles(std::vector<ReportLine>& out, const TaskResult& r, const std::vector<Percentile>& ps,
                     const char* what) {
  for (const auto& p : ps) {
    out.push_back({percentile_label(p.percentile) + " " + what, r.task, format_number(p.value_ms), "ms"});
  }
}

}  // namespace

std::vector<ReportLine> report_lines(const std::vector<TaskResult>& results) {
  std::vector<ReportLine> out;
  for (const auto& r : results) {
    if (!r.include_in_reporting && r.failed_requests == 0) continue;
    if (r.throughput) {
      out.push_back({"Min Throughput", r.task, format_number(r.throughput->min), r.throughput_unit});
      out.push_back({"Mean Throughput", r.task, format_number(r.throughput->mean), r.throughput_unit});
      out.push_back({"Median Throughput", r.task, format_number(r.throughput->median), r.throughput_unit});
      out.push_back({"Max Throughput", r.task, format_number(r.throughput->max), r.throughput_unit});
    }
    add_percentiles(out, r, r.latency, "latency");
    add_percentiles(out, r, r.service_time, "service time");
    add_percentiles(out, r, r.processing_time, "processing time");
    out.push_back({"error rate", r.task, format_number(r.error_rate), "%"});
  }
  return out;
}

std::string format_markdown(const std::vector<ReportLine>& lines) {
  const char* headers[] = {"Metric", "Task", "Value", "Unit"};
  std::size_t w[4];
  for (int i = 0; i < 4; ++i) w[i] = std::string(headers[i]).size();
  for (const auto& l : lines) {
    w[0] = std::max(w[0], l.metric.size());
    w[1] = std::max(w[1], l.task.size());
    w[2] = std::max(w[2], l.value.size());
    w[3] = std::max(w[3], l.unit.size());
  }
  auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::string s = "|";
    const std::string* cells[] = {&a, &b, &c, &d};
    for (int i = 0; i < 4; ++i) s += " " + std::string(w[i] - cells[i]->size(), ' ') + *cells[i] + " |";
    return s + "\n";
  };
  std::string out = row(headers[0], headers[1], headers[2], headers[3]);
  out += "|";
  for (auto width : w) out += std::string(width + 1, '-') + ":|";
  out += "\n";
  for (const auto& l : lines) out += row(l.metric, l.task, l.value, l.unit);
  return out;
}

std::string format_csv(const std::vector<ReportLine>& lines) {
  auto quote = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string out = "Metric,Task,Value,Unit\n";
  for (const auto& l : lines)
    out += quote(l.metric) + "," + quote(l.task) + "," + quote(l.value) + "," + quote(l.unit) + "\n";
  return out;
}

}  // namespace rally::metrics
