#include "rally/metrics/sample_collector.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rally::metrics {
namespace {

constexpr Nanos kStepStart = 100 * ns_per_s;  // an arbitrary monotonic time
constexpr Nanos kMs = ns_per_ms;

RequestSample sample(Nanos start_after_step, Nanos end_after_step, std::uint64_t weight = 1,
                     SampleType type = SampleType::normal) {
  RequestSample s;
  s.type = type;
  s.request_start = kStepStart + start_after_step;
  s.end = kStepStart + end_after_step;
  s.latency = end_after_step - start_after_step;
  s.service_time = s.latency / 2;
  s.processing_time = s.latency;
  s.weight = weight;
  return s;
}

RequestSample failed(Nanos start_after_step, Nanos end_after_step, ErrorClass error) {
  auto s = sample(start_after_step, end_after_step);
  s.success = false;
  s.error = error;
  s.failed_weight = 1;
  return s;
}

std::vector<std::int64_t> seconds_of(const TaskInterval& t) {
  std::vector<std::int64_t> out;
  for (const auto& b : t.buckets) out.push_back(b.second);
  return out;
}

std::size_t idx(ErrorClass e) { return static_cast<std::size_t>(e); }

TEST(TaskInterval, WarmupIsCountedButNotMeasured) {
  TaskInterval t;
  t.record(sample(0, 5 * kMs, 10, SampleType::warmup), kStepStart);
  EXPECT_EQ(t.warmup_requests, 1u);
  EXPECT_EQ(t.normal_requests, 0u);
  EXPECT_EQ(t.normal_weight, 0u);
  EXPECT_TRUE(t.latency.empty());
  EXPECT_TRUE(t.service_time.empty());
  EXPECT_TRUE(t.processing_time.empty());
  EXPECT_TRUE(t.buckets.empty());
  EXPECT_EQ(t.first_normal_start, 0);
  EXPECT_FALSE(t.empty());
}

TEST(TaskInterval, NormalSamplesFillHistogramsAndTotals) {
  TaskInterval t;
  t.record(sample(10 * kMs, 30 * kMs, 100), kStepStart);
  t.record(sample(5 * kMs, 45 * kMs, 50), kStepStart);
  EXPECT_EQ(t.normal_requests, 2u);
  EXPECT_EQ(t.normal_weight, 150u);
  EXPECT_EQ(t.failed_requests, 0u);
  EXPECT_EQ(t.latency.total_count(), 2u);
  EXPECT_EQ(t.latency.min(), 20 * kMs);
  EXPECT_EQ(t.latency.max(), 40 * kMs);
  EXPECT_EQ(t.service_time.max(), 20 * kMs);
  EXPECT_EQ(t.processing_time.total_count(), 2u);
  EXPECT_EQ(t.first_normal_start, kStepStart + 5 * kMs);  // the earliest start, not the first seen
  EXPECT_EQ(t.last_normal_end, kStepStart + 45 * kMs);
}

TEST(TaskInterval, FailuresAreCountedByClass) {
  TaskInterval t;
  t.record(failed(0, kMs, ErrorClass::http), kStepStart);
  t.record(failed(0, kMs, ErrorClass::http), kStepStart);
  t.record(failed(0, kMs, ErrorClass::timeout), kStepStart);
  t.record(sample(0, kMs), kStepStart);
  EXPECT_EQ(t.normal_requests, 4u);
  EXPECT_EQ(t.failed_requests, 3u);
  EXPECT_EQ(t.failed_weight, 3u);
  EXPECT_EQ(t.errors_by_class[idx(ErrorClass::http)], 2u);
  EXPECT_EQ(t.errors_by_class[idx(ErrorClass::timeout)], 1u);
  EXPECT_EQ(t.errors_by_class[idx(ErrorClass::transport)], 0u);
  EXPECT_EQ(t.latency.total_count(), 4u);  // failed requests are measured too
}

TEST(TaskInterval, BucketsByCompletionSecondRelativeToStepStart) {
  TaskInterval t;
  t.record(sample(0, 999 * kMs, 1), kStepStart);   // second 0
  t.record(sample(0, 1000 * kMs, 2), kStepStart);  // second 1
  t.record(sample(0, 1999 * kMs, 4), kStepStart);  // second 1
  t.record(sample(0, 3500 * kMs, 8), kStepStart);  // second 3, second 2 stays empty
  ASSERT_EQ(seconds_of(t), (std::vector<std::int64_t>{0, 1, 3}));
  EXPECT_EQ(t.buckets[0].ops, 1u);
  EXPECT_EQ(t.buckets[0].weight, 1u);
  EXPECT_EQ(t.buckets[1].ops, 2u);
  EXPECT_EQ(t.buckets[1].weight, 6u);
  EXPECT_EQ(t.buckets[2].weight, 8u);
}

TEST(TaskInterval, OutOfOrderCompletionsLandInEarlierBuckets) {
  TaskInterval t;
  t.record(sample(0, 2500 * kMs, 1), kStepStart);     // second 2
  t.record(sample(0, 3100 * kMs, 1), kStepStart);     // second 3
  t.record(sample(0, 2900 * kMs, 10), kStepStart);    // late: second 2, existing bucket
  t.record(sample(0, 500 * kMs, 100), kStepStart);    // late: second 0, new bucket at the front
  t.record(sample(0, 1200 * kMs, 1000), kStepStart);  // late: second 1, new bucket in between
  ASSERT_EQ(seconds_of(t), (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(t.buckets[0].weight, 100u);
  EXPECT_EQ(t.buckets[1].weight, 1000u);
  EXPECT_EQ(t.buckets[2].weight, 11u);
  EXPECT_EQ(t.buckets[2].ops, 2u);
  EXPECT_EQ(t.buckets[3].weight, 1u);
}

TEST(TaskInterval, MergeCombinesEverything) {
  TaskInterval a;
  a.record(sample(200 * kMs, 500 * kMs, 1), kStepStart);                   // second 0
  a.record(sample(2000 * kMs, 2400 * kMs, 2), kStepStart);                 // second 2
  a.record(failed(2000 * kMs, 2100 * kMs, ErrorClass::http), kStepStart);  // second 2
  a.record(sample(0, kMs, 1, SampleType::warmup), kStepStart);
  TaskInterval b;
  b.record(sample(100 * kMs, 1500 * kMs, 4), kStepStart);                       // second 1
  b.record(sample(1900 * kMs, 2700 * kMs, 8), kStepStart);                      // second 2
  b.record(failed(3000 * kMs, 3900 * kMs, ErrorClass::transport), kStepStart);  // second 3

  a.merge(b);
  EXPECT_EQ(a.warmup_requests, 1u);
  EXPECT_EQ(a.normal_requests, 6u);
  EXPECT_EQ(a.failed_requests, 2u);
  EXPECT_EQ(a.normal_weight, 1u + 2 + 1 + 4 + 8 + 1);
  EXPECT_EQ(a.errors_by_class[idx(ErrorClass::http)], 1u);
  EXPECT_EQ(a.errors_by_class[idx(ErrorClass::transport)], 1u);
  EXPECT_EQ(a.first_normal_start, kStepStart + 100 * kMs);  // b's
  EXPECT_EQ(a.last_normal_end, kStepStart + 3900 * kMs);    // b's
  EXPECT_EQ(a.latency.total_count(), 6u);
  EXPECT_EQ(a.service_time.total_count(), 6u);
  EXPECT_EQ(a.processing_time.total_count(), 6u);
  ASSERT_EQ(seconds_of(a), (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(a.buckets[2].ops, 3u);
  EXPECT_EQ(a.buckets[2].weight, 2u + 1 + 8);
}

TEST(TaskInterval, MergeWithAnEmptyIntervalKeepsTheTimes) {
  TaskInterval a;
  a.record(sample(300 * kMs, 700 * kMs), kStepStart);
  TaskInterval empty;
  a.merge(empty);
  EXPECT_EQ(a.first_normal_start, kStepStart + 300 * kMs);
  EXPECT_EQ(a.last_normal_end, kStepStart + 700 * kMs);
  empty.merge(a);
  EXPECT_EQ(empty.first_normal_start, kStepStart + 300 * kMs);
  EXPECT_EQ(empty.buckets.size(), 1u);
}

TEST(TaskInterval, ResetEmptiesEverything) {
  TaskInterval t;
  t.record(failed(0, 1500 * kMs, ErrorClass::http), kStepStart);
  t.record(sample(0, kMs, 1, SampleType::warmup), kStepStart);
  t.reset();
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.failed_requests, 0u);
  EXPECT_EQ(t.errors_by_class[idx(ErrorClass::http)], 0u);
  EXPECT_EQ(t.first_normal_start, 0);
  EXPECT_EQ(t.last_normal_end, 0);
  EXPECT_TRUE(t.latency.empty());
  EXPECT_TRUE(t.buckets.empty());
}

void expect_equal(const TaskInterval& a, const TaskInterval& b) {
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.task, b.task);
  EXPECT_EQ(a.warmup_requests, b.warmup_requests);
  EXPECT_EQ(a.normal_requests, b.normal_requests);
  EXPECT_EQ(a.failed_requests, b.failed_requests);
  EXPECT_EQ(a.normal_weight, b.normal_weight);
  EXPECT_EQ(a.failed_weight, b.failed_weight);
  EXPECT_EQ(a.errors_by_class, b.errors_by_class);
  EXPECT_EQ(a.first_normal_start, b.first_normal_start);
  EXPECT_EQ(a.last_normal_end, b.last_normal_end);
  EXPECT_TRUE(a.latency == b.latency);
  EXPECT_TRUE(a.service_time == b.service_time);
  EXPECT_TRUE(a.processing_time == b.processing_time);
  EXPECT_TRUE(a.schedule_lag == b.schedule_lag);
  ASSERT_EQ(a.buckets.size(), b.buckets.size());
  for (std::size_t i = 0; i < a.buckets.size(); ++i) {
    EXPECT_EQ(a.buckets[i].second, b.buckets[i].second);
    EXPECT_EQ(a.buckets[i].ops, b.buckets[i].ops);
    EXPECT_EQ(a.buckets[i].weight, b.buckets[i].weight);
    EXPECT_EQ(a.buckets[i].bytes, b.buckets[i].bytes);
    EXPECT_EQ(a.buckets[i].errors, b.buckets[i].errors);
  }
  EXPECT_EQ(a.load.cpu_ns, b.load.cpu_ns);
  EXPECT_EQ(a.load.wall_ns, b.load.wall_ns);
  EXPECT_EQ(a.load.max_busy_ppm, b.load.max_busy_ppm);
  EXPECT_TRUE(a.load.loop_lag == b.load.loop_lag);
}

std::vector<TaskInterval> some_intervals() {
  std::vector<TaskInterval> v(3);
  v[0].step = 2;
  v[0].task = 1;
  v[0].record(sample(10 * kMs, 900 * kMs, 500), kStepStart);
  v[0].record(failed(1000 * kMs, 4200 * kMs, ErrorClass::bulk_items), kStepStart);
  v[0].record(sample(0, kMs, 1, SampleType::warmup), kStepStart);
  auto throttled = sample(5 * kMs, 30 * kMs, 20);
  throttled.throttled = true;
  throttled.schedule_lag = 3 * kMs;
  throttled.bytes = 4096;
  v[0].record(throttled, kStepStart);
  v[0].load.cpu_ns = 700 * kMs;
  v[0].load.wall_ns = 1000 * kMs;
  v[0].load.max_busy_ppm = 950'000;
  v[0].load.loop_lag.record(250'000);
  v[1].step = 2;
  v[1].task = 2;  // stays empty: not encoded
  v[2].step = 7;
  v[2].task = 0;
  v[2].record(sample(0, 0, 1, SampleType::warmup), kStepStart);  // warmup only
  return v;
}

TEST(IntervalBlob, RoundTrip) {
  auto in = some_intervals();
  std::vector<TaskInterval> out;
  ASSERT_TRUE(decode_intervals(encode_intervals(in), out));
  ASSERT_EQ(out.size(), 2u);  // the empty interval is skipped
  expect_equal(out[0], in[0]);
  expect_equal(out[1], in[2]);
}

TEST(IntervalBlob, NegativeBucketSecondsAndTimesRoundTrip) {
  std::vector<TaskInterval> in(1);
  in[0].record(sample(-3000 * kMs, -1500 * kMs), kStepStart);  // completed before the step start
  in[0].record(sample(0, 10 * kMs), kStepStart);
  ASSERT_EQ(seconds_of(in[0]), (std::vector<std::int64_t>{-1, 0}));
  std::vector<TaskInterval> out;
  ASSERT_TRUE(decode_intervals(encode_intervals(in), out));
  ASSERT_EQ(out.size(), 1u);
  expect_equal(out[0], in[0]);
}

TEST(IntervalBlob, EmptyListRoundTrips) {
  std::vector<TaskInterval> out;
  ASSERT_TRUE(decode_intervals(encode_intervals({}), out));
  EXPECT_TRUE(out.empty());
}

TEST(IntervalBlob, DecodeAppendsToOut) {
  std::vector<TaskInterval> out(1);
  ASSERT_TRUE(decode_intervals(encode_intervals(some_intervals()), out));
  EXPECT_EQ(out.size(), 3u);
}

TEST(IntervalBlob, EveryTruncationIsRejected) {
  const auto blob = encode_intervals(some_intervals());
  for (std::size_t len = 0; len < blob.size(); ++len) {
    std::vector<TaskInterval> out;
    EXPECT_FALSE(decode_intervals(std::string_view(blob).substr(0, len), out)) << "prefix of " << len;
    EXPECT_TRUE(out.empty()) << "prefix of " << len;
  }
}

TEST(IntervalBlob, TrailingBytesAreRejected) {
  std::vector<TaskInterval> out;
  EXPECT_FALSE(decode_intervals(encode_intervals(some_intervals()) + '\0', out));
  EXPECT_TRUE(out.empty());
}

TEST(IntervalBlob, WrongVersionIsRejected) {
  auto blob = encode_intervals(some_intervals());
  blob[0] = 1;  // the version before errors by kind
  std::vector<TaskInterval> out;
  EXPECT_FALSE(decode_intervals(blob, out));
}

TEST(IntervalBlob, CorruptHistogramIsRejected) {
  auto blob = encode_intervals(some_intervals());
  auto magic = blob.find("RHDR");
  ASSERT_NE(magic, std::string::npos);
  blob[magic] = 'X';
  std::vector<TaskInterval> out;
  EXPECT_FALSE(decode_intervals(blob, out));
  EXPECT_TRUE(out.empty());
}

TEST(IntervalBlob, UnorderedOrDuplicateBucketsAreRejected) {
  for (std::vector<std::int64_t> seconds : {std::vector<std::int64_t>{3, 1}, std::vector<std::int64_t>{2, 2}}) {
    std::vector<TaskInterval> in(1);
    in[0].record(sample(0, kMs), kStepStart);
    in[0].buckets.clear();
    for (auto s : seconds) in[0].buckets.push_back(SecondBucket{s, 1, 1});
    std::vector<TaskInterval> out;
    EXPECT_FALSE(decode_intervals(encode_intervals(in), out)) << seconds[0] << "," << seconds[1];
  }
}

TEST(IntervalBlob, ArbitraryByteFlipsNeverCrash) {
  const auto blob = encode_intervals(some_intervals());
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < blob.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      auto corrupt = blob;
      corrupt[i] = static_cast<char>(corrupt[i] ^ mask);
      std::vector<TaskInterval> out;
      if (!decode_intervals(corrupt, out)) {
        ++rejected;
        EXPECT_TRUE(out.empty());
      }
    }
  }
  EXPECT_GT(rejected, blob.size());  // most structural damage is detected
}

TEST(TaskInterval, BucketsCountBytesAndErrorsByClass) {
  TaskInterval t;
  auto ok = sample(0, 100 * kMs);
  ok.bytes = 1000;
  t.record(ok, kStepStart);
  auto bad = failed(0, 200 * kMs, ErrorClass::timeout);
  bad.bytes = 24;
  t.record(bad, kStepStart);
  t.record(failed(0, 1200 * kMs, ErrorClass::http), kStepStart);
  ASSERT_EQ(t.buckets.size(), 2u);
  EXPECT_EQ(t.buckets[0].bytes, 1024u);
  EXPECT_EQ(t.buckets[0].errors[idx(ErrorClass::timeout)], 1u);
  EXPECT_EQ(t.buckets[0].errors[idx(ErrorClass::http)], 0u);
  EXPECT_EQ(t.buckets[1].errors[idx(ErrorClass::http)], 1u);
  TaskInterval other;
  other.record(failed(0, 300 * kMs, ErrorClass::timeout), kStepStart);
  t.merge(other);
  EXPECT_EQ(t.buckets[0].errors[idx(ErrorClass::timeout)], 2u);
  EXPECT_EQ(t.buckets[0].ops, 3u);
}

TEST(TaskInterval, ScheduleLagOnlyForThrottledTasks) {
  TaskInterval t;
  auto unthrottled = sample(0, 10 * kMs);
  unthrottled.schedule_lag = 5 * kMs;
  t.record(unthrottled, kStepStart);
  EXPECT_TRUE(t.schedule_lag.empty());
  auto throttled = unthrottled;
  throttled.throttled = true;
  t.record(throttled, kStepStart);
  EXPECT_EQ(t.schedule_lag.total_count(), 1u);
  EXPECT_NEAR(static_cast<double>(t.schedule_lag.max()), 5e6, 5e3);
}

TEST(WorkerLoad, MergeAddsTimesAndKeepsTheBusiestInterval) {
  WorkerLoad a, b;
  a.cpu_ns = 100, a.wall_ns = 1000, a.max_busy_ppm = 200'000;
  b.cpu_ns = 900, b.wall_ns = 1000, b.max_busy_ppm = 900'000;
  b.loop_lag.record(1'000'000);
  a.merge(b);
  EXPECT_EQ(a.cpu_ns, 1000u);
  EXPECT_EQ(a.wall_ns, 2000u);
  EXPECT_EQ(a.max_busy_ppm, 900'000u);
  EXPECT_EQ(a.loop_lag.total_count(), 1u);
  a.reset();
  EXPECT_EQ(a.cpu_ns + a.wall_ns + a.max_busy_ppm, 0u);
  EXPECT_TRUE(a.loop_lag.empty());
}

TEST(SampleCollector, FlushMeasuresTheCallingThreadsCpuAndLoopLag) {
  SampleCollector c;
  c.begin_step(0, kStepStart);
  (void)c.flush();  // the first flush starts the measurement
  c.record(sample(0, 10 * kMs));
  c.record_loop_lag(2 * kMs);
  // Busy for ~30 ms of CPU, so the interval is mostly busy.
  auto until = thread_cpu_ns() + 30'000'000;
  volatile std::uint64_t spin = 0;
  while (thread_cpu_ns() < until) spin = spin + 1;
  std::vector<TaskInterval> out;
  ASSERT_TRUE(decode_intervals(c.flush(), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_GE(out[0].load.cpu_ns, 30'000'000u);
  EXPECT_GE(out[0].load.wall_ns, out[0].load.cpu_ns / 2);
  EXPECT_GT(out[0].load.max_busy_ppm, 0u);
  EXPECT_EQ(out[0].load.loop_lag.total_count(), 1u);
  // The next interval starts clean.
  c.record(sample(0, 10 * kMs));
  out.clear();
  ASSERT_TRUE(decode_intervals(c.flush(), out));
  EXPECT_TRUE(out[0].load.loop_lag.empty());
}

TEST(SampleCollector, FlushHandsOutOneIntervalPerTaskAndResets) {
  SampleCollector collector;
  EXPECT_TRUE(collector.empty());
  collector.begin_step(3, kStepStart);
  auto s = sample(0, 1500 * kMs, 7);
  s.step = 3;
  s.task = 0;
  collector.record(s);
  collector.record(s);
  s.task = 1;
  collector.record(s);
  EXPECT_FALSE(collector.empty());

  std::vector<TaskInterval> first;
  ASSERT_TRUE(decode_intervals(collector.flush(), first));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].step, 3u);
  EXPECT_EQ(first[0].task, 0u);
  EXPECT_EQ(first[0].normal_requests, 2u);
  EXPECT_EQ(first[0].normal_weight, 14u);
  ASSERT_EQ(first[0].buckets.size(), 1u);
  EXPECT_EQ(first[0].buckets[0].second, 1);
  EXPECT_EQ(first[1].task, 1u);
  EXPECT_EQ(first[1].normal_requests, 1u);
  EXPECT_TRUE(collector.empty());

  std::vector<TaskInterval> second;
  ASSERT_TRUE(decode_intervals(collector.flush(), second));
  EXPECT_TRUE(second.empty());

  // Only what was recorded after the flush, bucketed against the new step start.
  collector.begin_step(4, kStepStart + 10 * ns_per_s);
  s.step = 4;
  s.task = 0;
  s.end = kStepStart + 12 * ns_per_s + 1;
  collector.record(s);
  std::vector<TaskInterval> third;
  ASSERT_TRUE(decode_intervals(collector.flush(), third));
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].step, 4u);
  EXPECT_EQ(third[0].normal_requests, 1u);
  ASSERT_EQ(third[0].buckets.size(), 1u);
  EXPECT_EQ(third[0].buckets[0].second, 2);
}

}  // namespace
}  // namespace rally::metrics
