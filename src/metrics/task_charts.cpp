#include "task_charts.hpp"

#include <algorithm>
#include <cmath>

#include "rally/metrics/report.hpp"

namespace rally::metrics {

namespace {

// Seconds without requests are filled in as zeros, up to this many in a row (a series that jumps
// a day is drawn across, not as 86,400 zeros).
constexpr double max_filled_gap = 3600;

}  // namespace

LineChart throughput_chart(const TaskResult& result) {
  LineChart chart;
  chart.title = "Throughput over time";
  chart.x_label = "seconds since the task started";
  chart.y_label = result.throughput_unit;
  chart.x_unit = "s";
  chart.y_unit = result.throughput_unit;
  chart.x_from = 0;
  // A race stored before rally recorded per-second series has requests but no seconds.
  chart.empty_text =
      result.requests > 0 ? "no per-second series stored for this task" : "no samples in the normal phase";
  LineSeries window{"per second (1 s window)", colour_window_throughput, {}, SeriesStyle::steps, 1};
  LineSeries cumulative{"Rally's throughput (cumulative)", colour_cumulative_throughput, {}};
  auto seconds = result.per_second;
  std::stable_sort(seconds.begin(), seconds.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& s : seconds) {
    const auto at = static_cast<double>(s.second);
    // The series lists only seconds in which requests ended: the others between them had none.
    if (!window.points.empty() && at - window.points.back().x <= max_filled_gap) {
      for (double gap = window.points.back().x + 1; gap < at; ++gap) window.points.push_back({gap, 0});
    }
    window.points.push_back({at, static_cast<double>(s.weight)});
    // Rally's throughput is the average up to the end of the second.
    if (s.cumulative_throughput) cumulative.points.push_back({at + 1, *s.cumulative_throughput});
  }
  chart.series = {std::move(window), std::move(cumulative)};
  return chart;
}

BarChart percentile_chart(const TaskResult& result) {
  BarChart chart;
  chart.title = "Latency percentiles";
  chart.x_label = "percentile";
  chart.y_label = "ms";
  chart.unit = "ms";
  chart.empty_text = "no samples";
  std::vector<double> percentiles;
  for (const auto* values : {&result.latency, &result.service_time, &result.processing_time}) {
    for (const auto& p : *values) {
      if (std::isfinite(p.percentile)) percentiles.push_back(p.percentile);
    }
  }
  std::sort(percentiles.begin(), percentiles.end());
  percentiles.erase(std::unique(percentiles.begin(), percentiles.end()), percentiles.end());
  for (double p : percentiles) chart.categories.push_back("p" + format_number(p));
  auto series = [&](const char* name, const char* colour, const std::vector<Percentile>& values) {
    BarSeries s{name, colour, std::vector<std::optional<double>>(percentiles.size())};
    for (const auto& v : values) {
      auto at = std::lower_bound(percentiles.begin(), percentiles.end(), v.percentile);
      if (at != percentiles.end() && *at == v.percentile)
        s.values[static_cast<std::size_t>(at - percentiles.begin())] = v.value_ms;
    }
    return s;
  };
  chart.series.push_back(series("latency", colour_latency, result.latency));
  chart.series.push_back(series("service time", colour_service_time, result.service_time));
  if (!result.processing_time.empty())
    chart.series.push_back(series("processing time", colour_processing_time, result.processing_time));
  return chart;
}

}  // namespace rally::metrics
