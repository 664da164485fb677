#include <cstdint>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/metrics/task_metrics.hpp"
#include "rally/metrics/task_result.hpp"

namespace rally::metrics {
namespace {

using ::testing::HasSubstr;

constexpr Nanos kS = ns_per_s;
constexpr Nanos kMs = ns_per_ms;

RequestSample throttled_request(Nanos start, Nanos end, Nanos lag) {
  RequestSample s;
  s.request_start = start;
  s.end = end;
  s.latency = end - start + lag;
  s.service_time = end - start;
  s.processing_time = end - start;
  s.throttled = true;
  s.schedule_lag = lag;
  s.bytes = 100;
  return s;
}

// `n` requests spread evenly over `seconds`, each `lag` late.
TaskMetrics evenly(std::uint64_t n, double seconds, Nanos lag) {
  TaskInterval t;
  for (std::uint64_t i = 0; i < n; ++i) {
    auto start = static_cast<Nanos>(static_cast<double>(i) * seconds * kS / static_cast<double>(n));
    t.record(throttled_request(start, start + kMs, lag), 0);
  }
  TaskMetrics metrics;
  metrics.merge(t);
  return metrics;
}

TaskIdentity search_with_target(double target) { return {"search", "search", "search", true, "ops/s", target}; }

TEST(Verdicts, TargetMetWithinFivePercentIsNotFlagged) {
  auto r = evenly(960, 10, 0).result(0, 0, search_with_target(100), 0);  // ~96 ops/s
  EXPECT_NEAR(r.achieved_ops_per_s, 96, 0.3);                            // n requests over (n-1) gaps
  EXPECT_TRUE(r.verdicts.empty());
}

TEST(Verdicts, TargetMissedByMoreThanFivePercentSaysByHowMuchAndTheLag) {
  auto r = evenly(900, 10, 40 * kMs).result(0, 0, search_with_target(100), 0);  // ~90 ops/s
  ASSERT_EQ(r.verdicts.size(), 1u);
  EXPECT_EQ(r.verdicts[0].kind, "target-throughput-missed");
  EXPECT_THAT(r.verdicts[0].message, HasSubstr("of the target 100.00 ops/s"));
  EXPECT_THAT(r.verdicts[0].message, HasSubstr("% short"));
  EXPECT_THAT(r.verdicts[0].message, HasSubstr("40.0"));  // the schedule lag p50, ms
  ASSERT_FALSE(r.schedule_lag.empty());
  EXPECT_NEAR(r.schedule_lag.front().value_ms, 40, 0.1);
}

TEST(Verdicts, UnthrottledTasksHaveNoTargetVerdictAndNoScheduleLag) {
  TaskIdentity id{"search", "search", "search", true, "ops/s", std::nullopt};
  auto r = evenly(10, 10, 0).result(0, 0, id, 0);
  EXPECT_TRUE(r.verdicts.empty());
  EXPECT_TRUE(r.schedule_lag.empty());
  EXPECT_FALSE(r.histograms.count("schedule_lag"));
}

TEST(Verdicts, DriverSaturationByCpuOrLoopLag) {
  TaskResult r;
  r.driver_load = DriverLoad{50, 70, {{50, 0.1}, {99, 2}, {100, 5}}};
  EXPECT_TRUE(verdicts_for(r, {}).empty());
  r.driver_load->cpu_mean_percent = 93;
  auto v = verdicts_for(r, {});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].kind, "driver-saturated");
  EXPECT_THAT(v[0].message, HasSubstr("93%"));
  r.driver_load->cpu_mean_percent = 40;
  r.driver_load->loop_lag = {{50, 1}, {99, 25}, {100, 60}};
  v = verdicts_for(r, {});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_THAT(v[0].message, HasSubstr("lag p99 25.00 ms while its io threads were busy only 40%"));
  r.driver_load->loop_lag = {{50, 1}, {90, 20}, {100, 60}};  // under 100 samples: no p99, no verdict
  EXPECT_TRUE(verdicts_for(r, {}).empty());
}

TEST(Verdicts, DriverLoadComesFromTheWorkersIntervals) {
  TaskInterval a, b;
  a.record(throttled_request(0, kMs, 0), 0);
  b.record(throttled_request(kS, kS + kMs, 0), 0);
  a.load.cpu_ns = 900 * kMs, a.load.wall_ns = 1000 * kMs, a.load.max_busy_ppm = 990'000;
  b.load.cpu_ns = 100 * kMs, b.load.wall_ns = 1000 * kMs, b.load.max_busy_ppm = 150'000;
  TaskMetrics metrics;
  metrics.merge(a);
  metrics.merge(b);
  auto r = metrics.result(0, 0, search_with_target(1), 0);
  ASSERT_TRUE(r.driver_load.has_value());
  EXPECT_DOUBLE_EQ(r.driver_load->cpu_mean_percent, 50);
  EXPECT_DOUBLE_EQ(r.driver_load->cpu_max_percent, 99);
}

TEST(PerSecondSeries, EverySecondFromFirstToLastWithRallysCumulativeValue) {
  TaskInterval t;
  // Requests ending in seconds 0, 0, 2 (second 1 is empty) of the step's clock.
  t.record(throttled_request(100 * kMs, 200 * kMs, 0), 0);
  t.record(throttled_request(300 * kMs, 400 * kMs, 0), 0);
  auto failed = throttled_request(2100 * kMs, 2500 * kMs, 0);
  failed.success = false;
  failed.error = ErrorClass::timeout;
  t.record(failed, 0);
  auto series = per_second_series(t, 0);
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].second, 0);
  EXPECT_EQ(series[0].ops, 2u);
  EXPECT_EQ(series[0].bytes, 200u);
  EXPECT_EQ(series[1].ops, 0u);
  EXPECT_EQ(series[2].errors, (std::map<std::string, std::uint64_t>{{"timeout", 1}}));
  // The phase began at 0.1 s: the first checkpoint is at 2 s (the end of second 1).
  EXPECT_FALSE(series[0].cumulative_throughput.has_value());
  ASSERT_TRUE(series[1].cumulative_throughput.has_value());
  EXPECT_DOUBLE_EQ(*series[1].cumulative_throughput, 2 / 1.9);
  EXPECT_FALSE(series[2].cumulative_throughput.has_value());  // the last end comes before 3 s
}

TEST(PerSecondSeries, EmptyWithoutNormalRequests) { EXPECT_TRUE(per_second_series(TaskInterval{}, 0).empty()); }

TEST(TaskResultHistograms, StoredSoThatOtherPercentilesCanBeComputed) {
  auto r = evenly(1000, 10, 2 * kMs).result(0, 0, search_with_target(100), 0);
  auto latency = r.histogram("latency");
  ASSERT_TRUE(latency.has_value());
  EXPECT_EQ(latency->total_count(), 1000u);
  EXPECT_TRUE(r.histogram("schedule_lag").has_value());
  EXPECT_FALSE(r.histogram("nothing").has_value());
}

}  // namespace
}  // namespace rally::metrics
