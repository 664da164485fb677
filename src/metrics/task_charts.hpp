#pragma once

#include "rally/metrics/task_result.hpp"

#include "svg_chart.hpp"

// The charts the HTML report draws for a task, as data (the tests look at them) before SVG.
namespace rally::metrics {

// The series colours; nothing else on the report page uses them (the integration test finds
// the charts in a screenshot by them).
inline constexpr const char* colour_window_throughput = "#9ecae1";
inline constexpr const char* colour_cumulative_throughput = "#ff7f0e";
inline constexpr const char* colour_latency = "#2ca02c";
inline constexpr const char* colour_service_time = "#d62728";
inline constexpr const char* colour_processing_time = "#9467bd";

// Throughput over time: the weight that completed in each second of the normal phase (a
// one-second window, drawn as a filled step over that second; a second without any is 0) and
// Rally's cumulative throughput, a line through the end of each second.
LineChart throughput_chart(const TaskResult& result);

// Latency, service time and processing time by percentile, one group of bars per percentile
// any of them has.
BarChart percentile_chart(const TaskResult& result);

}  // namespace rally::metrics
