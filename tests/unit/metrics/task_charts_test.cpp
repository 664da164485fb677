#include "metrics/task_charts.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rally::metrics {
namespace {

using ::testing::ElementsAre;

TEST(TaskCharts, ThroughputFromThePerSecondSeries) {
  TaskResult r;
  r.throughput_unit = "docs/s";
  r.per_second = {SecondStats{2, 5, 500, 0, {}, std::nullopt}, SecondStats{3, 6, 600, 0, {}, 550.0},
                  SecondStats{4, 4, 400, 0, {}, 500.0}};
  auto chart = throughput_chart(r);
  EXPECT_EQ(chart.y_label, "docs/s");
  EXPECT_EQ(chart.x_from, 0);
  ASSERT_EQ(chart.series.size(), 2u);
  const auto& window = chart.series[0];
  EXPECT_EQ(window.style, SeriesStyle::steps);  // each second from its start to its end
  EXPECT_EQ(window.step, 1);
  ASSERT_EQ(window.points.size(), 3u);
  EXPECT_EQ(window.points[0].x, 2);
  EXPECT_EQ(window.points[0].y, 500);
  EXPECT_EQ(window.points[2].x, 4);
  EXPECT_EQ(window.points[2].y, 400);
  const auto& cumulative = chart.series[1];
  EXPECT_EQ(cumulative.style, SeriesStyle::line);
  ASSERT_EQ(cumulative.points.size(), 2u);  // none for the first second
  EXPECT_EQ(cumulative.points[0].x, 4);     // at the end of second 3
  EXPECT_EQ(cumulative.points[0].y, 550);
  EXPECT_EQ(window.colour, colour_window_throughput);
  EXPECT_EQ(cumulative.colour, colour_cumulative_throughput);
}

TEST(TaskCharts, SecondsWithoutRequestsAreZero) {
  TaskResult r;
  r.per_second = {SecondStats{5, 1, 10, 0, {}, 10.0}, SecondStats{2, 1, 20, 0, {}, std::nullopt},
                  SecondStats{9000, 1, 30, 0, {}, 1.0}};
  const auto chart = throughput_chart(r);
  const auto& window = chart.series[0].points;
  std::vector<std::pair<double, double>> points;
  for (const auto& p : window) points.emplace_back(p.x, p.y);
  // In order of seconds; 3 and 4 had none; the gap of hours before 9000 is not filled in.
  EXPECT_THAT(points, ElementsAre(std::pair{2.0, 20.0}, std::pair{3.0, 0.0}, std::pair{4.0, 0.0}, std::pair{5.0, 10.0},
                                  std::pair{9000.0, 30.0}));
}

TEST(TaskCharts, PercentilesOfAllThreeTimesInOneAxis) {
  TaskResult r;
  r.latency = {{50, 2}, {90, 3}, {99.9, 9}, {100, 12}};
  r.service_time = {{50, 1.5}, {90, 2.5}, {100, 11}};
  auto chart = percentile_chart(r);
  EXPECT_THAT(chart.categories, ElementsAre("p50", "p90", "p99.9", "p100"));
  ASSERT_EQ(chart.series.size(), 2u);  // no processing time: no series for it
  EXPECT_EQ(chart.series[0].name, "latency");
  EXPECT_EQ(chart.series[0].values[2], 9);
  EXPECT_EQ(chart.series[1].name, "service time");
  EXPECT_FALSE(chart.series[1].values[2].has_value());
  EXPECT_EQ(chart.series[1].values[3], 11);

  r.processing_time = {{50, 2.5}, {99, 10}};
  chart = percentile_chart(r);
  EXPECT_THAT(chart.categories, ElementsAre("p50", "p90", "p99", "p99.9", "p100"));
  ASSERT_EQ(chart.series.size(), 3u);
  EXPECT_EQ(chart.series[2].colour, colour_processing_time);
  EXPECT_EQ(chart.series[2].values[2], 10);
}

TEST(TaskCharts, NoSamplesNoData) {
  TaskResult r;
  EXPECT_TRUE(throughput_chart(r).series[0].points.empty());
  EXPECT_EQ(throughput_chart(r).empty_text, "no samples in the normal phase");
  EXPECT_TRUE(percentile_chart(r).categories.empty());
  r.requests = 10;  // measured, but stored without its seconds (an older race)
  EXPECT_EQ(throughput_chart(r).empty_text, "no per-second series stored for this task");
}

}  // namespace
}  // namespace rally::metrics
