#include "rally/metrics/hdr_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "unit/metrics/hdr_histogram_test_support.hpp"

namespace rally::metrics {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the shared helpers

TEST(HdrHistogram, LatencyConfiguration) {
  const auto h = HdrHistogram::for_latency();
  EXPECT_EQ(h.lowest_discernible_value(), 1000);
  EXPECT_EQ(h.highest_trackable_value(), kHour);
  EXPECT_EQ(h.significant_digits(), 3);
  EXPECT_EQ(h.counts().size(), 24u * 1024u);
  EXPECT_LT(h.memory_bytes(), 200u * 1024u);
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.value_at_percentile(50), 0);
  EXPECT_EQ(h.highest_equivalent_value(0) + 1, kUnit);
  EXPECT_GE(h.highest_equivalent_value(kHour), kHour);
}

TEST(HdrHistogram, CreateRejectsInvalidConfiguration) {
  EXPECT_FALSE(HdrHistogram::create(0, 1000, 3));
  EXPECT_FALSE(HdrHistogram::create(-1, 1000, 3));
  EXPECT_FALSE(HdrHistogram::create(1000, 1999, 3));
  EXPECT_FALSE(HdrHistogram::create(1, 1000, 0));
  EXPECT_FALSE(HdrHistogram::create(1, 1000, 6));
  EXPECT_FALSE(HdrHistogram::create(std::int64_t{1} << 50, std::numeric_limits<std::int64_t>::max(), 5));
  EXPECT_TRUE(HdrHistogram::create(1000, 2000, 3));
  EXPECT_TRUE(HdrHistogram::create(1, std::numeric_limits<std::int64_t>::max(), 1));
}

TEST(HdrHistogram, UniformPercentiles) {
  expect_percentiles_match(uniform_values(200'000, 1'000'000, 5'000'000'000, kSeed));
}

TEST(HdrHistogram, SmallValuesHaveUnitResolution) {
  expect_percentiles_match(uniform_values(100'000, 0, 2'000'000, kSeed + 1));
}

TEST(HdrHistogram, LogNormalPercentiles) { expect_percentiles_match(lognormal_values(200'000, kSeed + 2)); }

TEST(HdrHistogram, BimodalPercentiles) {
  std::mt19937_64 rng(kSeed + 3);
  std::normal_distribution<double> fast(2e6, 2e5);
  std::normal_distribution<double> slow(4e8, 5e7);
  std::bernoulli_distribution is_slow(0.3);
  std::vector<std::int64_t> values(200'000);
  for (auto& v : values) {
    const double x = is_slow(rng) ? slow(rng) : fast(rng);
    v = std::max<std::int64_t>(1, static_cast<std::int64_t>(x));
  }
  expect_percentiles_match(std::move(values));
}

TEST(HdrHistogram, SingleValue) {
  for (const std::int64_t v : std::vector<std::int64_t>{0, 1, 1000, 123'456'789, kHour}) {
    auto h = HdrHistogram::for_latency();
    h.record(v);
    for (const double p : percentiles_to_check()) EXPECT_EQ(h.value_at_percentile(p), v) << "v=" << v << " p=" << p;
    EXPECT_EQ(h.mean(), static_cast<double>(v));
    EXPECT_EQ(h.min(), v);
    EXPECT_EQ(h.max(), v);
  }
}

TEST(HdrHistogram, AllValuesEqual) {
  auto h = HdrHistogram::for_latency();
  h.record_n(7'777'777, 100'000);
  for (const double p : percentiles_to_check()) EXPECT_EQ(h.value_at_percentile(p), 7'777'777);
  EXPECT_EQ(h.mean(), 7'777'777.0);
  expect_percentiles_match(std::vector<std::int64_t>(10'000, 42));
}

TEST(HdrHistogram, BucketBoundaries) {
  const auto probe = HdrHistogram::for_latency();
  std::vector<std::int64_t> values;
  std::int64_t low = 0;
  std::size_t buckets = 0;
  while (low <= kHour) {
    ASSERT_EQ(probe.lowest_equivalent_value(low), low);
    const std::int64_t high = probe.highest_equivalent_value(low);
    ASSERT_GE(high, low);
    ASSERT_EQ(probe.lowest_equivalent_value(high), low);
    values.push_back(low);
    if (high <= kHour) values.push_back(high);
    low = high + 1;
    ++buckets;
  }
  EXPECT_LE(buckets, probe.counts().size());
  const auto h = record_all(values);
  std::size_t nonzero = 0;
  for (const auto c : h.counts()) {
    EXPECT_LE(c, 2u);
    nonzero += c != 0 ? 1 : 0;
  }
  EXPECT_EQ(nonzero, buckets);
  expect_percentiles_match(values);
}

TEST(HdrHistogram, ExtremeValues) {
  const std::int64_t h_max = kHour;
  std::vector<std::int64_t> values = {0, 1, 511, 512, 999, 1000, 1001, 1'048'575, 1'048'576, h_max - 1, h_max};
  auto random = uniform_values(1000, 0, h_max, kSeed + 4);
  values.insert(values.end(), random.begin(), random.end());
  expect_percentiles_match(values);
  const auto h = record_all(values);
  EXPECT_EQ(h.clamped_count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), h_max);
}

TEST(HdrHistogram, PercentileArgumentsOutOfRange) {
  auto h = record_all(uniform_values(1000, 5'000, 9'000'000, kSeed + 5));
  EXPECT_EQ(h.value_at_percentile(-5.0), h.min());
  EXPECT_EQ(h.value_at_percentile(std::nan("")), h.min());
  EXPECT_EQ(h.value_at_percentile(250.0), h.max());
  EXPECT_EQ(h.value_at_percentile(std::numeric_limits<double>::infinity()), h.max());
}

TEST(HdrHistogram, ClampingIsCounted) {
  auto h = HdrHistogram::for_latency();
  h.record(kHour);  // in range, not clamped
  h.record(kHour + 1);
  h.record(std::numeric_limits<std::int64_t>::max());
  h.record(-1);
  h.record_n(std::numeric_limits<std::int64_t>::min(), 5);
  h.record_n(kHour * 2, 0);  // no-op
  EXPECT_EQ(h.total_count(), 9u);
  EXPECT_EQ(h.clamped_count(), 8u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), kHour);
  EXPECT_EQ(h.value_at_percentile(0), 0);
  EXPECT_EQ(h.value_at_percentile(100), kHour);
  // HDR reports the top of the bucket, which for 0 is unit - 1.
  EXPECT_EQ(h.value_at_percentile(50), kUnit - 1);
  EXPECT_EQ(h.value_at_percentile(70), kHour);
}

TEST(HdrHistogram, RecordNEqualsRepeatedRecord) {
  auto a = HdrHistogram::for_latency();
  auto b = HdrHistogram::for_latency();
  for (const std::int64_t v : {std::int64_t{-3}, std::int64_t{5}, std::int64_t{2'500'000}, kHour * 3}) {
    a.record_n(v, 17);
    for (int i = 0; i < 17; ++i) b.record(v);
  }
  EXPECT_EQ(a, b);
}

TEST(HdrHistogram, MergeEqualsUnion) {
  const auto left = uniform_values(50'000, 1'000'000, 3'000'000'000, kSeed + 6);
  auto right = lognormal_values(70'000, kSeed + 7);
  right.push_back(-10);  // clamped counts must merge too
  auto a = record_all(left);
  const auto b = record_all(right);
  std::vector<std::int64_t> all = left;
  all.insert(all.end(), right.begin(), right.end());
  ASSERT_TRUE(a.merge(b));
  EXPECT_EQ(a, record_all(all));
  EXPECT_EQ(a.clamped_count(), 1u);

  auto empty = HdrHistogram::for_latency();
  ASSERT_TRUE(empty.merge(b));
  EXPECT_EQ(empty, b);
  const auto before = a;
  ASSERT_TRUE(a.merge(HdrHistogram::for_latency()));
  EXPECT_EQ(a, before);

  auto self = b;
  ASSERT_TRUE(self.merge(self));
  EXPECT_EQ(self.total_count(), 2 * b.total_count());
  EXPECT_EQ(self.value_at_percentile(50), b.value_at_percentile(50));
}

TEST(HdrHistogram, MergeRejectsConfigurationMismatch) {
  auto a = record_all({1'000'000, 2'000'000});
  const auto before = a;
  for (auto other : {*HdrHistogram::create(1000, kHour, 2), *HdrHistogram::create(1, kHour, 3),
                     *HdrHistogram::create(1000, kHour / 2, 3)}) {
    other.record(1'500'000);
    EXPECT_FALSE(a.merge(other));
    EXPECT_EQ(a, before);
  }
}

TEST(HdrHistogram, Reset) {
  auto h = record_all(lognormal_values(1000, kSeed + 8));
  h.record(-1);
  h.reset();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h, HdrHistogram::for_latency());
}

void expect_round_trip(const HdrHistogram& h) {
  std::string error;
  const auto blob = h.serialize();
  const auto back = HdrHistogram::deserialize(blob, &error, std::size_t{1} << 23);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(*back, h);
  EXPECT_TRUE(std::equal(back->counts().begin(), back->counts().end(), h.counts().begin(), h.counts().end()));
  EXPECT_EQ(back->total_count(), h.total_count());
  EXPECT_EQ(back->clamped_count(), h.clamped_count());
  EXPECT_EQ(back->min(), h.min());
  EXPECT_EQ(back->max(), h.max());
  EXPECT_EQ(back->mean(), h.mean());
  EXPECT_EQ(back->serialize(), blob);
}

TEST(HdrHistogram, SerializationRoundTrip) {
  expect_round_trip(HdrHistogram::for_latency());
  auto h = record_all(lognormal_values(100'000, kSeed + 9));
  h.record(-1);
  h.record(kHour * 10);
  h.record_n(5'000'000, std::uint64_t{1} << 40);
  expect_round_trip(h);
  auto small = *HdrHistogram::create(1, 1'000'000, 2);
  small.record(0);
  small.record(999'999);
  expect_round_trip(small);
  auto wide = *HdrHistogram::create(1, std::numeric_limits<std::int64_t>::max(), 5);
  wide.record(std::numeric_limits<std::int64_t>::max());
  wide.record(1);
  expect_round_trip(wide);
}

TEST(HdrHistogram, SerializationIsCompact) {
  auto values = lognormal_values(3000, kSeed + 10);
  auto h = record_all(values);
  for (const auto v : values) {
    h.record_n(v, 1000);  // multi-byte counts
  }
  std::size_t nonzero = 0;
  for (const auto c : h.counts()) nonzero += c != 0 ? 1 : 0;
  const auto blob = h.serialize();
  EXPECT_LT(blob.size(), 64 + 5 * nonzero);
  EXPECT_LT(blob.size(), 12u * 1024u) << nonzero << " buckets";
  EXPECT_LT(HdrHistogram::for_latency().serialize().size(), 32u);
}

std::string valid_blob() {
  auto h = record_all(uniform_values(500, 0, 50'000'000, kSeed + 11));
  h.record(-5);
  return h.serialize();
}

TEST(HdrHistogram, DeserializeRejectsEmptyAndTruncated) {
  EXPECT_FALSE(HdrHistogram::deserialize(""));
  const auto blob = valid_blob();
  ASSERT_TRUE(HdrHistogram::deserialize(blob));
  for (std::size_t n = 0; n < blob.size(); ++n) {
    EXPECT_FALSE(HdrHistogram::deserialize(std::string_view(blob).substr(0, n))) << "length " << n;
  }
  EXPECT_FALSE(HdrHistogram::deserialize(blob + '\0'));
}

void expect_consistent(const HdrHistogram& h) {
  std::uint64_t sum = 0;
  for (const auto c : h.counts()) sum += c;
  EXPECT_EQ(sum, h.total_count());
  EXPECT_LE(h.clamped_count(), h.total_count());
  EXPECT_LE(h.min(), h.max());
  EXPECT_LE(h.value_at_percentile(50), h.max());
  EXPECT_GE(h.value_at_percentile(50), h.min());
  EXPECT_EQ(HdrHistogram::deserialize(h.serialize()), h);
}

TEST(HdrHistogram, DeserializeSurvivesFlippedBytes) {
  const auto blob = valid_blob();
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < blob.size(); ++i) {
    for (const unsigned mask : {0x01u, 0x02u, 0x10u, 0x40u, 0x80u, 0xffu}) {
      std::string corrupt = blob;
      corrupt[i] = static_cast<char>(static_cast<unsigned char>(corrupt[i]) ^ mask);
      if (const auto h = HdrHistogram::deserialize(corrupt)) {
        ++accepted;
        expect_consistent(*h);
      }
    }
  }
  RecordProperty("accepted_flips", static_cast<int>(accepted));
}

TEST(HdrHistogram, DeserializeSurvivesRandomGarbage) {
  std::mt19937_64 rng(kSeed + 12);
  const std::string prefix = valid_blob().substr(0, 6);
  for (int i = 0; i < 20'000; ++i) {
    std::string blob = prefix;
    const std::size_t len = rng() % 64;
    for (std::size_t j = 0; j < len; ++j) blob.push_back(static_cast<char>(rng() % 4 == 0 ? 0x80 | rng() : rng() % 8));
    if (const auto h = HdrHistogram::deserialize(blob)) expect_consistent(*h);
  }
}

// Hand-built blobs, following the format documented in the header.
struct Blob {
  std::string magic = "RHDR";
  std::uint8_t version = 1, digits = 3;
  std::uint64_t lowest = 1000, highest = kHour, total = 3, clamped = 0, min = 2'000'000, max = 9'000'000;
  std::uint64_t sum_lo = 2'000'000 + 2 * 9'000'000, sum_hi = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> entries = {{0, 1}, {0, 2}};
  std::string trailer;

  static void varint(std::string& out, std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    out.push_back(static_cast<char>(v));
  }
  std::string build() const {
    std::string out = magic;
    out.push_back(static_cast<char>(version));
    out.push_back(static_cast<char>(digits));
    for (const auto v : {lowest, highest, total, clamped, min, max, sum_lo, sum_hi, std::uint64_t{entries.size()}}) {
      varint(out, v);
    }
    for (const auto& [gap, count] : entries) {
      varint(out, gap);
      varint(out, count);
    }
    return out + trailer;
  }
};

Blob valid_hand_blob() {
  const auto h = record_all({2'000'000, 9'000'000, 9'000'000});
  const auto index_holding = [&](std::uint64_t count) {
    return static_cast<std::uint64_t>(std::find(h.counts().begin(), h.counts().end(), count) - h.counts().begin());
  };
  const std::uint64_t i_min = index_holding(1), i_max = index_holding(2);
  Blob b;
  b.entries = {{i_min, 1}, {i_max - i_min - 1, 2}};
  return b;
}

TEST(HdrHistogram, HandBuiltBlobMatchesSerializer) {
  const auto blob = valid_hand_blob().build();
  EXPECT_EQ(blob, record_all({2'000'000, 9'000'000, 9'000'000}).serialize());
  EXPECT_TRUE(HdrHistogram::deserialize(blob));
  Blob empty;
  empty.total = empty.min = empty.max = empty.sum_lo = 0;
  empty.entries.clear();
  EXPECT_EQ(HdrHistogram::deserialize(empty.build()), HdrHistogram::for_latency());
}

TEST(HdrHistogram, DeserializeRejectsInconsistentBlobs) {
  const auto reject = [](auto mutate, const char* what) {
    Blob b = valid_hand_blob();
    mutate(b);
    std::string error;
    EXPECT_FALSE(HdrHistogram::deserialize(b.build(), &error)) << what;
    EXPECT_FALSE(error.empty()) << what;
  };
  reject([](Blob& b) { b.magic = "RHDS"; }, "wrong magic");
  reject([](Blob& b) { b.magic = "HDR"; }, "short magic");
  reject([](Blob& b) { b.version = 2; }, "wrong version");
  reject([](Blob& b) { b.total += 1; }, "total too large");
  reject([](Blob& b) { b.total -= 1; }, "total too small");
  reject([](Blob& b) { b.total = ~std::uint64_t{0}; }, "huge total");
  reject([](Blob& b) { b.clamped = 4; }, "clamped above total");
  reject([](Blob& b) { b.clamped = 1; }, "clamped without 0 or highest stored");
  reject([](Blob& b) { b.entries[1].first = 1u << 20; }, "index past the bucket array");
  reject([](Blob& b) { b.entries[1].first = 24u * 1024u - 1 - b.entries[0].first; }, "index == counts_len");
  reject([](Blob& b) { b.entries[1].first = ~std::uint64_t{0}; }, "index overflow");
  reject([](Blob& b) { b.entries.push_back({0, 0}); }, "zero count");
  reject([](Blob& b) { b.entries.pop_back(); }, "entry missing");
  reject([](Blob& b) { b.entries.resize(1'000'000, {0, 1}), b.total = 1'000'000; }, "more entries than buckets");
  reject([](Blob& b) { b.trailer = "x"; }, "trailing bytes");
  reject([](Blob& b) { b.trailer = std::string("\x80\x80\x80", 3); }, "dangling varint");
  reject([](Blob& b) { b.min = 1'000'000; }, "min not in first bucket");
  reject([](Blob& b) { b.max = 10'000'000; }, "max not in last bucket");
  reject([](Blob& b) { b.min = 9'000'001; }, "min above max");
  reject([](Blob& b) { b.max = static_cast<std::uint64_t>(kHour) + 1; }, "max above highest");
  reject([](Blob& b) { b.sum_lo += 100'000; }, "sum above bucket bounds");
  reject([](Blob& b) { b.sum_hi = 1; }, "sum high word");
  reject([](Blob& b) { b.total = 0, b.entries.clear(); }, "empty with min/max");
  reject([](Blob& b) { b.digits = 0; }, "digits 0");
  reject([](Blob& b) { b.digits = 6; }, "digits 6");
  reject([](Blob& b) { b.digits = 255; }, "digits 255");
  reject([](Blob& b) { b.lowest = 0; }, "lowest 0");
  reject([](Blob& b) { b.highest = 1999; }, "highest < 2 * lowest");
  reject([](Blob& b) { b.highest = ~std::uint64_t{0}; }, "highest above int64");
  reject([](Blob& b) { b.lowest = std::uint64_t{1} << 62, b.highest = ~std::uint64_t{0} >> 1; }, "unit too large");
  // Largest valid configuration (~49 MiB) is over the default limit.
  reject([](Blob& b) { b.lowest = 1, b.highest = ~std::uint64_t{0} >> 1, b.digits = 5; }, "over counts limit");
  // lowest (1000 = e8 07) is the first varint: re-encode it overlong, then as 10 bytes overflowing 64 bits.
  const std::string blob = valid_hand_blob().build();
  ASSERT_EQ(blob.substr(6, 2), "\xe8\x07");
  EXPECT_FALSE(HdrHistogram::deserialize(blob.substr(0, 7) + std::string("\x87\x00", 2) + blob.substr(8)));
  EXPECT_FALSE(HdrHistogram::deserialize(blob.substr(0, 6) + std::string(9, '\xff') + '\x02' + blob.substr(8)));
}

}  // namespace
}  // namespace rally::metrics
