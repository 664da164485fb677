#include "rally/metrics/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rally/common/text.hpp"

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

// Nearest-rank percentile of a small series (Rally's throughput samples).
double series_percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::vector<double> cumulative_series(const TaskResult& r) {
  std::vector<double> values;
  for (const auto& s : r.per_second) {
    if (s.cumulative_throughput) values.push_back(*s.cumulative_throughput);
  }
  return values;
}

std::vector<Percentile> recompute(const TaskResult& r, const std::string& name, const std::vector<Percentile>& stored,
                                  const ReportOptions& options) {
  if (auto h = r.histogram(name)) {
    auto wanted = options.show == ShowInReport::available
                      ? percentiles_for_sample_size(h->total_count(), options.latency_percentiles)
                      : (h->empty() ? std::vector<double>{} : options.latency_percentiles);
    std::vector<Percentile> out;
    for (double p : wanted) out.push_back({p, static_cast<double>(h->value_at_percentile(p)) / 1e6});
    return out;
  }
  // No histogram (a race stored by an older rally): only the percentiles it has.
  std::vector<Percentile> out;
  for (const auto& p : stored) {
    if (std::find(options.latency_percentiles.begin(), options.latency_percentiles.end(), p.percentile) !=
        options.latency_percentiles.end())
      out.push_back(p);
  }
  return out;
}

}  // namespace

TaskResult with_percentiles(const TaskResult& result, const ReportOptions& options) {
  TaskResult r = result;
  r.latency = recompute(result, "latency", result.latency, options);
  r.service_time = recompute(result, "service_time", result.service_time, options);
  r.processing_time = recompute(result, "processing_time", result.processing_time, options);
  r.schedule_lag = recompute(result, "schedule_lag", result.schedule_lag, options);
  return r;
}

std::vector<ReportLine> report_lines(const std::vector<TaskResult>& results, const ReportOptions& options,
                                     const std::vector<ClusterMetric>& cluster) {
  std::vector<ReportLine> out;
  const bool all = options.show == ShowInReport::all;
  for (const auto& c : cluster) out.push_back({c.label, "", format_number(c.value), c.unit});
  for (const auto& result : results) {
    if (!is_reported(result)) continue;
    auto r = with_percentiles(result, options);
    if (r.throughput) {
      out.push_back({"Min Throughput", r.task, format_number(r.throughput->min), r.throughput_unit});
      out.push_back({"Mean Throughput", r.task, format_number(r.throughput->mean), r.throughput_unit});
      out.push_back({"Median Throughput", r.task, format_number(r.throughput->median), r.throughput_unit});
      out.push_back({"Max Throughput", r.task, format_number(r.throughput->max), r.throughput_unit});
    } else if (all) {
      for (const char* m : {"Min Throughput", "Mean Throughput", "Median Throughput", "Max Throughput"})
        out.push_back({m, r.task, "", r.throughput_unit});
    }
    auto series = cumulative_series(r);
    for (double p : options.throughput_percentiles) {
      auto label = percentile_label(p) + " Throughput";
      if (!series.empty()) {
        out.push_back({label, r.task, format_number(series_percentile(series, p)), r.throughput_unit});
      } else if (all) {
        out.push_back({label, r.task, "", r.throughput_unit});
      }
    }
    add_percentiles(out, r, r.latency, "latency");
    add_percentiles(out, r, r.service_time, "service time");
    add_percentiles(out, r, r.processing_time, "processing time");
    out.push_back({"error rate", r.task, format_number(r.error_rate), "%"});
  }
  return out;
}

std::string markdown_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w;
  for (const auto& h : headers) w.push_back(h.size());
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < w.size() && i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  }
  auto row = [&](const std::vector<std::string>& cells) {
    std::string s = "|";
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::string& cell = i < cells.size() ? cells[i] : std::string();
      s += " " + std::string(w[i] - cell.size(), ' ') + cell + " |";
    }
    return s + "\n";
  };
  std::string out = row(headers);
  out += "|";
  for (auto width : w) out += std::string(width + 1, '-') + ":|";
  out += "\n";
  for (const auto& r : rows) out += row(r);
  return out;
}

std::string format_markdown(const std::vector<ReportLine>& lines) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(lines.size());
  for (const auto& l : lines) rows.push_back({l.metric, l.task, l.value, l.unit});
  return markdown_table({"Metric", "Task", "Value", "Unit"}, rows);
}

std::string format_csv(const std::vector<ReportLine>& lines) {
  std::string out = "Metric,Task,Value,Unit\n";
  for (const auto& l : lines) out += csv_line({l.metric, l.task, l.value, l.unit});
  return out;
}

}  // namespace rally::metrics
