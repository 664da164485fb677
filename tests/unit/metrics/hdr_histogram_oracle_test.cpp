// The histogram against the exact answer: nearest rank over the raw sorted data, for data
// built to be hard (whole-number ranks, rare huge spikes, heavy tails, clamped values) and
// for histograms merged from parts, as the Driver merges its Workers' blobs.

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rally/metrics/hdr_histogram.hpp"

#include "unit/metrics/hdr_histogram_test_support.hpp"

namespace rally::metrics {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the shared helpers

constexpr std::int64_t kMs = 1'000'000;

std::int64_t clamp_like_record(std::int64_t v) { return std::clamp<std::int64_t>(v, 0, kHour); }

// Pareto (alpha 1.2, from 1 ms): a tail much heavier than the log-normal's.
std::vector<std::int64_t> pareto_values(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::int64_t> values(n);
  for (auto& v : values) {
    const double x = 1e6 / std::pow(1.0 - u(rng), 1.0 / 1.2);
    v = x >= static_cast<double>(kHour) ? kHour : static_cast<std::int64_t>(x);
  }
  return values;
}

// Mostly ~5 ms, one in 200 between 10 minutes and the hour, some exactly at the top of
// the range, some above it and some negative (both clamped).
std::vector<std::int64_t> spiky_values(std::size_t n, std::uint64_t seed) {
  auto values = lognormal_values(n, seed);
  std::mt19937_64 rng(seed + 1);
  std::uniform_int_distribution<std::int64_t> spike(600 * std::int64_t{1'000'000'000}, kHour);
  for (std::size_t i = 0; i < values.size(); i += 200) values[i] = spike(rng);
  for (std::size_t i = 1; i < 20; ++i) values[i * 101] = kHour;
  for (std::size_t i = 1; i < 10; ++i) values[i * 103] = kHour + static_cast<std::int64_t>(i);
  values[3] = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 1; i < 10; ++i) values[i * 107] = -static_cast<std::int64_t>(i);
  return values;
}

std::vector<std::int64_t> clamped(std::vector<std::int64_t> values) {
  for (auto& v : values) v = clamp_like_record(v);
  return values;
}

// Rally's percentile rows appear at 10, 100, 1,000 and 10,000 samples; there p/100 * n is a
// whole number that doubles can miss (0.999 * 1000 = 999.0000000000001), and one rank off
// is a different sample. Every rank here is its own value, a millisecond apart.
TEST(HdrHistogram, NearestRankIsExactWhenTheRankIsAWholeNumber) {
  auto h = HdrHistogram::for_latency();
  std::vector<std::int64_t> values;
  for (std::size_t n = 1; n <= 2000; ++n) {
    values.push_back(static_cast<std::int64_t>(n) * kMs);
    h.record(values.back());
    for (const double p : {0.1, 7.0, 12.5, 50.0, 57.0, 90.0, 99.0, 99.5, 99.9, 99.99}) {
      const std::int64_t exact = exact_percentile(values, p);
      const std::int64_t got = h.value_at_percentile(p);
      ASSERT_GE(got, exact) << "n=" << n << " p=" << p;
      ASSERT_LE(got, h.highest_equivalent_value(exact)) << "n=" << n << " p=" << p;
    }
  }
}

TEST(HdrHistogram, TheNinetyNinePointNinthOfAThousandIsNotTheMaximum) {
  auto h = HdrHistogram::for_latency();
  h.record_n(kMs, 999);
  h.record(1000 * kMs);
  EXPECT_LT(h.value_at_percentile(99.9), 2 * kMs);
  EXPECT_EQ(h.value_at_percentile(99.95), 1000 * kMs);
  auto hundred = HdrHistogram::for_latency();
  hundred.record_n(kMs, 7);
  hundred.record_n(5 * kMs, 93);
  EXPECT_LT(hundred.value_at_percentile(7), 2 * kMs) << "0.07 * 100 is 7.000000000000001 in doubles";
}

TEST(HdrHistogram, ParetoPercentiles) { expect_percentiles_match(pareto_values(200'000, kSeed + 20)); }

TEST(HdrHistogram, RareHugeSpikesAndClampedValues) {
  const auto values = spiky_values(100'000, kSeed + 21);
  const auto h = record_all(values);
  EXPECT_EQ(h.clamped_count(), 19u);  // 9 above the hour, the int64 maximum, 9 negative
  expect_percentiles_of(h, clamped(values));
  EXPECT_EQ(h.max(), kHour);
  EXPECT_EQ(h.min(), 0);
}

// The Driver's path: every Worker serializes its histogram, the Driver deserializes and
// merges them in whatever order they arrive.
TEST(HdrHistogram, MergedPartsInAnyOrderGiveTheUnionsPercentiles) {
  std::vector<std::vector<std::int64_t>> parts = {
      uniform_values(30'000, 1'000'000, 5'000'000'000, kSeed + 22),
      lognormal_values(50'000, kSeed + 23),
      pareto_values(40'000, kSeed + 24),
      spiky_values(20'000, kSeed + 25),
      uniform_values(10'000, 0, 600'000, kSeed + 26),  // below the 0.1% zone
      std::vector<std::int64_t>(5'000, 3 * kMs),
      {kHour},
      {},
  };
  std::vector<HdrHistogram> histograms;
  std::vector<std::int64_t> all;
  for (const auto& part : parts) {
    const auto h = record_all(part);
    std::string error;
    auto back = HdrHistogram::deserialize(h.serialize(), &error);
    ASSERT_TRUE(back) << error;
    ASSERT_EQ(*back, h);
    histograms.push_back(*back);
    all.insert(all.end(), part.begin(), part.end());
  }
  auto forward = HdrHistogram::for_latency();
  for (const auto& h : histograms) ASSERT_TRUE(forward.merge(h));
  auto backward = HdrHistogram::for_latency();
  for (auto it = histograms.rbegin(); it != histograms.rend(); ++it) ASSERT_TRUE(backward.merge(*it));
  // Pairwise, as a tree.
  auto level = histograms;
  while (level.size() > 1) {
    std::vector<HdrHistogram> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      next.push_back(level[i]);
      ASSERT_TRUE(next.back().merge(level[i + 1]));
    }
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
  }
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(forward, level.front());
  EXPECT_EQ(forward, record_all(all));
  EXPECT_EQ(forward.clamped_count(), 19u);
  expect_percentiles_of(forward, clamped(all));
  EXPECT_EQ(HdrHistogram::deserialize(forward.serialize()), forward);
}

TEST(HdrHistogram, MergeRejectsATotalThatWouldOverflow) {
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  auto a = HdrHistogram::for_latency();
  a.record_n(5 * kMs, kMax - 1);
  auto two = HdrHistogram::for_latency();
  two.record_n(7 * kMs, 2);
  const auto before = a;
  EXPECT_FALSE(a.merge(two));
  EXPECT_EQ(a, before);
  auto one = HdrHistogram::for_latency();
  one.record(7 * kMs);
  ASSERT_TRUE(a.merge(one));
  EXPECT_EQ(a.total_count(), kMax);
  EXPECT_EQ(a.max(), 7 * kMs);
  EXPECT_LT(a.value_at_percentile(99.9999), 6 * kMs);
  EXPECT_EQ(a.value_at_percentile(100), 7 * kMs);
}

}  // namespace
}  // namespace rally::metrics
