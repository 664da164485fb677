#include "rally/metrics/task_metrics.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rally/metrics/task_result.hpp"

namespace rally::metrics {
namespace {

constexpr Nanos kS = ns_per_s;
constexpr Nanos kMs = ns_per_ms;

// A normal phase from `start` to `end`, with the given weight completing in each second
// of the step's clock (seconds relative to `step_start`, starting at `first_second`).
TaskInterval synthetic(Nanos start, Nanos end, const std::vector<std::uint64_t>& weight_per_second,
                       std::int64_t first_second = 0) {
  TaskInterval t;
  t.first_normal_start = start;
  t.last_normal_end = end;
  for (std::size_t i = 0; i < weight_per_second.size(); ++i) {
    if (weight_per_second[i] == 0) continue;
    t.buckets.push_back(SecondBucket{first_second + static_cast<std::int64_t>(i), 1, weight_per_second[i]});
    t.normal_requests += 1;
    t.normal_weight += weight_per_second[i];
  }
  return t;
}

TEST(ThroughputSeries, SteadyHundredPerSecond) {
  auto t = synthetic(0, 5 * kS, {100, 100, 100, 100, 100});
  auto series = throughput_series(t, 0);
  // Checkpoints at 1, 2, 3 and 4 s, then the final point total / duration.
  EXPECT_EQ(series, (std::vector<double>{100, 100, 100, 100, 100}));
}

TEST(ThroughputSeries, DoesNotDependOnTheClockOrigin) {
  const Nanos origin = 123'456 * kS + 789;
  auto t = synthetic(origin, origin + 5 * kS, {100, 100, 100, 100, 100});
  EXPECT_EQ(throughput_series(t, origin), (std::vector<double>{100, 100, 100, 100, 100}));
}

TEST(ThroughputSeries, CumulativeWeightOverTimeSinceTheStart) {
  auto t = synthetic(0, 4 * kS, {100, 300, 200, 400});
  auto series = throughput_series(t, 0);
  ASSERT_EQ(series.size(), 4u);
  EXPECT_DOUBLE_EQ(series[0], 100.0);      // 100 / 1 s
  EXPECT_DOUBLE_EQ(series[1], 400.0 / 2);  // (100 + 300) / 2 s
  EXPECT_DOUBLE_EQ(series[2], 600.0 / 3);
  EXPECT_DOUBLE_EQ(series[3], 1000.0 / 4);  // final: total / duration
}

TEST(ThroughputSeries, FirstCheckpointIsAWholeSecondAfterTheStart) {
  // The normal phase starts 0.5 s into the step: the first checkpoint at 1 s would be
  // only 0.5 s in, so the first one is at 2 s (1.5 s after the start).
  auto t = synthetic(500 * kMs, 3500 * kMs, {50, 100, 100, 30});
  auto series = throughput_series(t, 0);
  ASSERT_EQ(series.size(), 3u);
  EXPECT_DOUBLE_EQ(series[0], 150.0 / 1.5);
  EXPECT_DOUBLE_EQ(series[1], 250.0 / 2.5);
  EXPECT_DOUBLE_EQ(series[2], 280.0 / 3.0);
}

TEST(ThroughputSeries, CheckpointExactlyOneSecondAfterTheStartCounts) {
  auto t = synthetic(1 * kS, 3 * kS, {0, 10, 20}, 0);  // starts at 1 s of the step
  auto series = throughput_series(t, 0);
  EXPECT_EQ(series, (std::vector<double>{10.0, 30.0 / 2}));
}

TEST(ThroughputSeries, ShortTaskHasOnlyTheFinalPoint) {
  auto t = synthetic(200 * kMs, 700 * kMs, {40});
  EXPECT_EQ(throughput_series(t, 0), (std::vector<double>{40.0 / 0.5}));
}

TEST(ThroughputSeries, EmptyWithoutRequestsOrWithoutDuration) {
  TaskInterval none;
  EXPECT_TRUE(throughput_series(none, 0).empty());
  auto instant = synthetic(2 * kS, 2 * kS, {0, 0, 5});
  EXPECT_TRUE(throughput_series(instant, 0).empty());
}

TEST(PercentilesForSampleSize, RallysRule) {
  using V = std::vector<double>;
  EXPECT_EQ(percentiles_for_sample_size(0), V{});
  EXPECT_EQ(percentiles_for_sample_size(1), (V{100}));
  EXPECT_EQ(percentiles_for_sample_size(2), (V{50, 100}));
  EXPECT_EQ(percentiles_for_sample_size(9), (V{50, 100}));
  EXPECT_EQ(percentiles_for_sample_size(10), (V{50, 90, 100}));
  EXPECT_EQ(percentiles_for_sample_size(99), (V{50, 90, 100}));
  EXPECT_EQ(percentiles_for_sample_size(100), (V{50, 90, 99, 100}));
  EXPECT_EQ(percentiles_for_sample_size(999), (V{50, 90, 99, 100}));
  EXPECT_EQ(percentiles_for_sample_size(1000), (V{50, 90, 99, 99.9, 100}));
  EXPECT_EQ(percentiles_for_sample_size(9999), (V{50, 90, 99, 99.9, 100}));
  EXPECT_EQ(percentiles_for_sample_size(10000), (V{50, 90, 99, 99.9, 99.99, 100}));
  EXPECT_EQ(percentiles_for_sample_size(5'000'000), (V{50, 90, 99, 99.9, 99.99, 100}));
}

RequestSample request(Nanos start, Nanos end, Nanos latency, bool success = true, std::uint64_t weight = 1) {
  RequestSample s;
  s.request_start = start;
  s.end = end;
  s.latency = latency;
  s.service_time = latency;
  s.processing_time = latency;
  s.weight = weight;
  s.success = success;
  if (!success) s.error = ErrorClass::http;
  return s;
}

const TaskIdentity kIdentity{"index-append", "bulk-op", "bulk", true, "docs/s", std::nullopt};
constexpr Nanos kStep = 50 * kS;

std::vector<double> percentile_points(const std::vector<Percentile>& ps) {
  std::vector<double> out;
  for (const auto& p : ps) out.push_back(p.percentile);
  return out;
}

TEST(TaskMetricsResult, CountsErrorRateDurationAndIdentity) {
  TaskInterval t;
  t.record(request(kStep + 0, kStep + 500 * kMs, 5 * kMs, true, 100), kStep);
  t.record(request(kStep + 500 * kMs, kStep + 1500 * kMs, 5 * kMs, false, 100), kStep);
  t.record(request(kStep + 1500 * kMs, kStep + 2500 * kMs, 5 * kMs, true, 100), kStep);
  t.record(request(kStep + 2500 * kMs, kStep + 4000 * kMs, 5 * kMs, true, 100), kStep);
  RequestSample warmup = request(kStep - kS, kStep - 1, kMs);
  warmup.type = SampleType::warmup;
  t.record(warmup, kStep);
  TaskMetrics metrics;
  metrics.merge(t);

  auto r = metrics.result(0, 0, kIdentity, kStep);
  EXPECT_EQ(r.task, "index-append");
  EXPECT_EQ(r.operation, "bulk-op");
  EXPECT_EQ(r.operation_type, "bulk");
  EXPECT_EQ(r.throughput_unit, "docs/s");
  EXPECT_TRUE(r.include_in_reporting);
  EXPECT_EQ(r.requests, 4u);
  EXPECT_EQ(r.warmup_requests, 1u);
  EXPECT_EQ(r.failed_requests, 1u);
  EXPECT_EQ(r.total_weight, 400u);
  EXPECT_DOUBLE_EQ(r.error_rate, 25.0);
  EXPECT_DOUBLE_EQ(r.duration_s, 4.0);
  EXPECT_EQ(r.errors_by_class, (std::map<std::string, std::uint64_t>{{"http", 1}}));
  EXPECT_EQ(metrics.requests(0, 0), 4u);

  // Completions per second: 100, 100, 100, 100 (the last at exactly 4 s, bucket 4);
  // checkpoints at 1, 2, 3 s give 100, 100, 100, the final point 400 / 4 s = 100.
  ASSERT_TRUE(r.throughput.has_value());
  EXPECT_DOUBLE_EQ(r.throughput->min, 100.0);
  EXPECT_DOUBLE_EQ(r.throughput->max, 100.0);
}

TEST(TaskMetricsResult, ThroughputStatisticsOfTheSeries) {
  TaskMetrics metrics;
  // Series (see ThroughputSeries.CumulativeWeightOverTimeSinceTheStart): 100, 200, 200, 250.
  auto t = synthetic(kStep, kStep + 4 * kS, {100, 300, 200, 400});
  metrics.merge(t);
  auto r = metrics.result(0, 0, kIdentity, kStep);
  ASSERT_TRUE(r.throughput.has_value());
  EXPECT_DOUBLE_EQ(r.throughput->min, 100.0);
  EXPECT_DOUBLE_EQ(r.throughput->mean, (100.0 + 200 + 200 + 250) / 4);
  EXPECT_DOUBLE_EQ(r.throughput->median, 200.0);
  EXPECT_DOUBLE_EQ(r.throughput->max, 250.0);
}

TEST(TaskMetricsResult, MedianOfAnOddSeries) {
  TaskMetrics metrics;
  metrics.merge(synthetic(kStep, kStep + 3 * kS, {300, 0, 30}));  // 300, 150, 110
  auto r = metrics.result(0, 0, kIdentity, kStep);
  ASSERT_TRUE(r.throughput.has_value());
  EXPECT_DOUBLE_EQ(r.throughput->median, 150.0);
  EXPECT_DOUBLE_EQ(r.throughput->min, 110.0);
  EXPECT_DOUBLE_EQ(r.throughput->max, 300.0);
}

class PercentilesBySampleCount : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(PercentilesBySampleCount, ResultShowsThePercentilesTheSampleSizeAllows) {
  const auto n = GetParam();
  TaskInterval t;
  for (std::uint64_t i = 0; i < n; ++i) {
    t.record(request(kStep + static_cast<Nanos>(i) * kMs, kStep + static_cast<Nanos>(i + 1) * kMs,
                     static_cast<Nanos>(i + 1) * kMs),
             kStep);
  }
  TaskMetrics metrics;
  metrics.merge(t);
  auto r = metrics.result(0, 0, kIdentity, kStep);
  const auto expected = percentiles_for_sample_size(n);
  EXPECT_EQ(percentile_points(r.latency), expected);
  EXPECT_EQ(percentile_points(r.service_time), expected);
  EXPECT_EQ(percentile_points(r.processing_time), expected);
  // Latencies are 1..n ms: the 100th percentile is the largest, the median near n/2 (HDR: 0.1%).
  EXPECT_NEAR(r.latency.back().value_ms, static_cast<double>(n), static_cast<double>(n) * 1e-3);
  if (n >= 2) {
    EXPECT_NEAR(r.latency.front().value_ms, static_cast<double>((n + 1) / 2), static_cast<double>(n) * 1e-3);
  }
}

INSTANTIATE_TEST_SUITE_P(SampleSizes, PercentilesBySampleCount,
                         ::testing::Values(1, 2, 9, 10, 99, 100, 999, 1000, 9999, 10000));

TEST(TaskMetricsResult, UnknownTaskGivesAnEmptyResult) {
  TaskMetrics metrics;
  auto r = metrics.result(4, 2, TaskIdentity{"t", "o", "refresh", false, "ops/s", std::nullopt}, 0);
  EXPECT_EQ(r.task, "t");
  EXPECT_FALSE(r.include_in_reporting);
  EXPECT_EQ(r.throughput_unit, "ops/s");
  EXPECT_EQ(r.requests, 0u);
  EXPECT_FALSE(r.throughput.has_value());
  EXPECT_TRUE(r.latency.empty());
  EXPECT_DOUBLE_EQ(r.error_rate, 0.0);
  EXPECT_EQ(metrics.requests(4, 2), 0u);
}

TEST(TaskMetricsMerge, BlobsFromSeveralWorkersAddUpPerTask) {
  auto worker = [](std::uint32_t task, Nanos offset) {
    std::vector<TaskInterval> v(1);
    v[0].step = 1;
    v[0].task = task;
    v[0].record(request(kStep + offset, kStep + offset + 100 * kMs, 100 * kMs), kStep);
    return encode_intervals(v);
  };
  TaskMetrics metrics;
  ASSERT_TRUE(metrics.merge(worker(0, 0)));
  ASSERT_TRUE(metrics.merge(worker(0, 2 * kS)));
  ASSERT_TRUE(metrics.merge(worker(1, 0)));
  EXPECT_EQ(metrics.requests(1, 0), 2u);
  EXPECT_EQ(metrics.requests(1, 1), 1u);
  auto r = metrics.result(1, 0, kIdentity, kStep);
  EXPECT_DOUBLE_EQ(r.duration_s, 2.1);

  auto blob = worker(0, 0);
  EXPECT_FALSE(metrics.merge(std::string_view(blob).substr(0, blob.size() - 1)));
  EXPECT_EQ(metrics.requests(1, 0), 2u);  // nothing merged
}

}  // namespace
}  // namespace rally::metrics
