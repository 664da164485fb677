#include "rally/metrics/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "rally/common/errors.hpp"
#include "rally/common/text.hpp"
#include "rally/metrics/report.hpp"

namespace rally::metrics {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

std::string percentile_key(const char* family, double p) { return std::string(family) + ".p" + format_number(p); }

void add_percentiles(std::vector<ComparisonRow>& rows, const std::string& task, const std::vector<Percentile>& base,
                     const std::vector<Percentile>& cont, const char* label, const char* family) {
  for (const auto& b : base) {
    auto c = std::find_if(cont.begin(), cont.end(), [&](const Percentile& p) { return p.percentile == b.percentile; });
    if (c == cont.end()) continue;
    rows.push_back({format_number(b.percentile) + "th percentile " + label, percentile_key(family, b.percentile), task,
                    b.value_ms, c->value_ms, "ms", Better::lower});
  }
}

void compare_task(std::vector<ComparisonRow>& rows, const TaskResult& b, const TaskResult& c) {
  if (b.throughput && c.throughput) {
    const auto& u = b.throughput_unit;
    rows.push_back(
        {"Min Throughput", "throughput.min", b.task, b.throughput->min, c.throughput->min, u, Better::higher});
    rows.push_back(
        {"Mean Throughput", "throughput.mean", b.task, b.throughput->mean, c.throughput->mean, u, Better::higher});
    rows.push_back({"Median Throughput", "throughput.median", b.task, b.throughput->median, c.throughput->median, u,
                    Better::higher});
    rows.push_back(
        {"Max Throughput", "throughput.max", b.task, b.throughput->max, c.throughput->max, u, Better::higher});
  }
  add_percentiles(rows, b.task, b.latency, c.latency, "latency", "latency");
  add_percentiles(rows, b.task, b.service_time, c.service_time, "service time", "service_time");
  add_percentiles(rows, b.task, b.processing_time, c.processing_time, "processing time", "processing_time");
  rows.push_back({"error rate", "error_rate", b.task, b.error_rate, c.error_rate, "%", Better::lower});
}

const TaskResult* find_task(const std::vector<TaskResult>& results, const std::string& task) {
  auto it = std::find_if(results.begin(), results.end(), [&](const TaskResult& r) { return r.task == task; });
  return it == results.end() ? nullptr : &*it;
}

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// Parses a whole string as a finite number; none otherwise.
std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// The canonical metric name, or none if `name` is not one.
std::optional<std::string> canonical_metric(const std::string& name) {
  static const std::set<std::string> plain = {"throughput.min", "throughput.mean", "throughput.median",
                                              "throughput.max", "error_rate"};
  if (plain.count(name)) return name;
  for (const char* family : {"latency", "service_time", "processing_time"}) {
    auto prefix = std::string(family) + ".p";
    if (name.rfind(prefix, 0) != 0) continue;
    auto p = parse_number(name.substr(prefix.size()));
    if (!p || *p <= 0 || *p > 100) return std::nullopt;
    return percentile_key(family, *p);
  }
  return std::nullopt;
}

std::string signed_number(double value) {
  if (value == 0) return "0";
  return (value > 0 ? "+" : "") + format_number(value);
}

std::vector<std::string> cells_of(const ComparisonRow& row) {
  return {row.metric,
          row.task,
          format_number(row.baseline),
          format_number(row.contender),
          signed_number(row.diff()),
          row.unit,
          diff_percent_text(row),
          change_text(row.change())};
}

const std::vector<std::string> headers = {"Metric", "Task", "Baseline", "Contender",
                                          "Diff",   "Unit", "Diff %",   "Change"};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::string diff_percent_text(const ComparisonRow& row) {
  auto pct = row.diff_percent();
  if (!pct) return "n/a";
  if (*pct == 0) return "0.00%";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.2f%%", *pct);
  return buf;
}

std::string change_text(Change change) {
  switch (change) {
    case Change::improvement:
      return "better";
    case Change::regression:
      return "worse";
    case Change::unchanged:
      break;
  }
  return "";
}

std::optional<double> ComparisonRow::diff_percent() const {
  if (baseline == 0) return contender == 0 ? std::optional<double>(0.0) : std::nullopt;
  return diff() / std::fabs(baseline) * 100;
}

double ComparisonRow::regression_percent() const {
  auto pct = diff_percent();
  if (!pct) pct = diff() > 0 ? infinity : -infinity;
  return better == Better::higher ? -*pct : *pct;
}

Change ComparisonRow::change() const {
  auto r = regression_percent();
  return r > 0 ? Change::regression : r < 0 ? Change::improvement : Change::unchanged;
}

Comparison compare_results(const std::vector<TaskResult>& baseline, const std::vector<TaskResult>& contender) {
  Comparison out;
  for (const auto& b : baseline) {
    const auto* c = find_task(contender, b.task);
    if (!is_reported(b) && (c == nullptr || !is_reported(*c))) continue;
    if (c == nullptr) {
      out.only_in_baseline.push_back(b.task);
      continue;
    }
    compare_task(out.rows, b, *c);
  }
  for (const auto& c : contender) {
    if (is_reported(c) && find_task(baseline, c.task) == nullptr) out.only_in_contender.push_back(c.task);
  }
  return out;
}

std::vector<RegressionThreshold> parse_regression_thresholds(const std::string& spec) {
  std::vector<RegressionThreshold> out;
  std::size_t start = 0;
  while (start <= spec.size()) {
    auto end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    auto entry = trim(spec.substr(start, end - start));
    start = end + 1;
    if (entry.empty()) continue;
    auto colon = entry.rfind(':');
    const std::string allowed =
        "throughput.min, throughput.mean, throughput.median, throughput.max, latency.pN, service_time.pN, "
        "processing_time.pN (N a percentile such as 50, 90, 99, 99.9, 100) or error_rate";
    if (colon == std::string::npos) {
      throw RallyError("fail-on-regression: [" + entry + "] is not METRIC:PERCENT (e.g. latency.p99:10)");
    }
    auto metric = canonical_metric(trim(entry.substr(0, colon)));
    if (!metric) {
      throw RallyError("fail-on-regression: [" + trim(entry.substr(0, colon)) + "] is not a metric; use " + allowed);
    }
    auto percent_text = trim(entry.substr(colon + 1));
    if (!percent_text.empty() && percent_text.back() == '%') percent_text.pop_back();
    auto percent = parse_number(percent_text);
    if (!percent || *percent < 0) {
      throw RallyError("fail-on-regression: the threshold of " + *metric + " [" + entry.substr(colon + 1) +
                       "] is not a percentage >= 0");
    }
    for (const auto& t : out) {
      if (t.metric == *metric) throw RallyError("fail-on-regression: " + *metric + " is given twice");
    }
    out.push_back({*metric, *percent});
    if (end == spec.size()) break;
  }
  if (out.empty()) throw RallyError("fail-on-regression: no METRIC:PERCENT given (e.g. latency.p99:10)");
  return out;
}

std::vector<Regression> find_regressions(const Comparison& comparison,
                                         const std::vector<RegressionThreshold>& thresholds) {
  std::vector<Regression> out;
  for (const auto& row : comparison.rows) {
    for (const auto& t : thresholds) {
      if (t.metric == row.key && row.regression_percent() > t.percent) out.push_back({row, t.percent});
    }
  }
  return out;
}

std::vector<std::string> unchecked_metrics(const Comparison& comparison,
                                           const std::vector<RegressionThreshold>& thresholds) {
  std::vector<std::string> out;
  for (const auto& t : thresholds) {
    bool seen = std::any_of(comparison.rows.begin(), comparison.rows.end(),
                            [&](const ComparisonRow& row) { return row.key == t.metric; });
    if (!seen) out.push_back(t.metric);
  }
  return out;
}

std::string describe(const Regression& regression) {
  const auto& row = regression.row;
  return "regression: " + row.key + " of task '" + row.task + "': baseline " + format_number(row.baseline) + " " +
         row.unit + ", contender " + format_number(row.contender) + " " + row.unit + ", " + diff_percent_text(row) +
         " (threshold " + format_number(regression.threshold_percent) + "%)";
}

std::string format_comparison_markdown(const Comparison& comparison) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : comparison.rows) rows.push_back(cells_of(row));
  std::string out = markdown_table(headers, rows);
  if (!comparison.only_in_baseline.empty()) {
    out += "\nTasks only in the baseline: " + join(comparison.only_in_baseline) + "\n";
  }
  if (!comparison.only_in_contender.empty()) {
    out += "\nTasks only in the contender: " + join(comparison.only_in_contender) + "\n";
  }
  return out;
}

std::string format_comparison_csv(const Comparison& comparison) {
  std::string out = csv_line(headers);
  for (const auto& row : comparison.rows) out += csv_line(cells_of(row));
  return out;
}

}  // namespace rally::metrics
