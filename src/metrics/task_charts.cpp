#include "task_charts.hpp"

#include <algorithm>
#include <cmath>

#include "rally/metrics/report.hpp"

namespace rally::metrics {

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
  LineSeries window{"per second (1 s window)", colour_window_throughput, {}};
  LineSeries cumulative{"Rally's throughput (cumulative)", colour_cumulative_throughput, {}};
  for (const auto& s : result.per_second) {
    // A second's requests are those that ended in it: plotted at its end.
    const double end = static_cast<double>(s.second + 1);
    window.points.push_back({end, static_cast<double>(s.weight)});
    if (s.cumulative_throughput) cumulative.points.push_back({end, *s.cumulative_throughput});
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
