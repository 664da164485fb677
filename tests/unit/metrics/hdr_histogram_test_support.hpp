#pragma once

// Shared by the HDR histogram tests: data generators and the exact oracle, nearest rank
// over the raw sorted values.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "rally/metrics/hdr_histogram.hpp"

namespace rally::metrics::testing {

constexpr std::int64_t kHour = 3'600'000'000'000;
constexpr std::uint64_t kSeed = 0x5eed'1234'abcdULL;
// Latency layout: unit 2^9 ns, 1024 half sub-buckets. From 1024 units upwards
// the bucket width is below value/1024, i.e. under 0.1% relative error.
constexpr std::int64_t kUnit = 512;
constexpr std::int64_t kRelativeZone = kUnit * 1024;

// Nearest rank, ceil(p / 100 * n), in integers: every p checked here has at most six
// decimals, and doubles would get e.g. 0.999 * 1000 = 999.0000000000001 wrong.
inline std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (p <= 0.0) return sorted.front();
  if (p >= 100.0) return sorted.back();
  const auto millionths = static_cast<std::uint64_t>(std::llround(p * 1e6));
  constexpr std::uint64_t kWhole = 100'000'000;  // 100% in millionths of a percent
  const std::uint64_t n = sorted.size();
  const std::uint64_t rank = std::clamp<std::uint64_t>((millionths * n + kWhole - 1) / kWhole, 1, n);
  return sorted[rank - 1];
}

inline std::vector<double> percentiles_to_check() {
  std::vector<double> ps = {0.0, 0.001, 0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 99.999, 100};
  for (double p = 0.5; p < 100.0; p += 0.5) ps.push_back(p);
  std::sort(ps.begin(), ps.end());
  return ps;
}

inline HdrHistogram record_all(const std::vector<std::int64_t>& values) {
  auto h = HdrHistogram::for_latency();
  for (const auto v : values) h.record(v);
  return h;
}

// Checks HDR's guarantee exactly (result lies in the bucket of the true
// percentile, at or above it) plus the relative/absolute error bound. `values`
// are what `h` stores (after clamping).
inline void expect_percentiles_of(const HdrHistogram& h, std::vector<std::int64_t> values) {
  std::sort(values.begin(), values.end());
  ASSERT_EQ(h.total_count(), values.size());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  std::int64_t previous = std::numeric_limits<std::int64_t>::min();
  for (const double p : percentiles_to_check()) {
    const std::int64_t exact = exact_percentile(values, p);
    const std::int64_t got = h.value_at_percentile(p);
    EXPECT_GE(got, exact) << "p=" << p;
    EXPECT_LE(got, h.highest_equivalent_value(exact)) << "p=" << p;
    if (exact >= kRelativeZone) {
      EXPECT_LT(static_cast<double>(got - exact) / static_cast<double>(exact), 0.001) << "p=" << p;
    } else {
      EXPECT_LT(got - exact, kUnit) << "p=" << p;
    }
    EXPECT_GE(got, previous) << "percentiles must be monotonic, p=" << p;
    previous = got;
  }
  EXPECT_EQ(h.value_at_percentile(0.0), values.front());
  EXPECT_EQ(h.value_at_percentile(100.0), values.back());
  const long double exact_sum = std::accumulate(values.begin(), values.end(), 0.0L);
  const double exact_mean = static_cast<double>(exact_sum / values.size());
  EXPECT_NEAR(h.mean(), exact_mean, std::abs(exact_mean) * 1e-12);
}

inline void expect_percentiles_match(const std::vector<std::int64_t>& values) {
  expect_percentiles_of(record_all(values), values);
}

inline std::vector<std::int64_t> uniform_values(std::size_t n, std::int64_t lo, std::int64_t hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> dist(lo, hi);
  std::vector<std::int64_t> values(n);
  for (auto& v : values) v = dist(rng);
  return values;
}

inline std::vector<std::int64_t> lognormal_values(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(std::log(5e6), 1.0);  // median 5 ms
  std::vector<std::int64_t> values(n);
  for (auto& v : values) v = std::clamp(static_cast<std::int64_t>(dist(rng)), std::int64_t{1}, kHour);
  return values;
}

}  // namespace rally::metrics::testing
