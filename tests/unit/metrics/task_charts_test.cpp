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
  const auto& window = chart.series[0].points;
  ASSERT_EQ(window.size(), 3u);
  EXPECT_EQ(window[0].x, 3);  // the end of second 2
  EXPECT_EQ(window[0].y, 500);
  EXPECT_EQ(window[2].x, 5);
  EXPECT_EQ(window[2].y, 400);
  const auto& cumulative = chart.series[1].points;
  ASSERT_EQ(cumulative.size(), 2u);  // none for the first second
  EXPECT_EQ(cumulative[0].x, 4);
  EXPECT_EQ(cumulative[0].y, 550);
  EXPECT_EQ(chart.series[0].colour, colour_window_throughput);
  EXPECT_EQ(chart.series[1].colour, colour_cumulative_throughput);
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
