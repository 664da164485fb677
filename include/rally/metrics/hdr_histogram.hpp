#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rally::metrics {

// High Dynamic Range histogram: fixed relative precision over a wide value
// range with O(1), allocation-free recording.
//
// Layout follows the classic HDR scheme. Bucket 0 holds `sub_bucket_count`
// linear slots of width 2^unit_magnitude; each further bucket doubles the slot
// width and only needs its upper half (the lower half would alias the previous
// bucket), so the counts array is (bucket_count + 1) * sub_bucket_half_count.
//
// Precision: a recorded value v is reported as some value in
// [v, highest_equivalent_value(v)]. For v >= sub_bucket_half_count <<
// unit_magnitude the relative error is below 10^-significant_digits; below
// that the error is bounded by the absolute resolution 2^unit_magnitude
// (<= lowest_discernible_value).
//
// Out-of-range input: negative values are stored as 0 and values above
// highest_trackable_value() are stored as highest_trackable_value(); both are
// counted in clamped_count() so that a clamp never goes unnoticed. min()/max()
// and mean() describe the stored (post-clamp) values.
//
// Serialized form (version 1), integers are unsigned LEB128 varints unless
// noted, varints must be minimally encoded, no trailing bytes allowed:
//   "RHDR"                 4 bytes magic
//   version                1 byte  (= 1)
//   significant_digits     1 byte
//   lowest_discernible_value, highest_trackable_value
//   total_count, clamped_count
//   min, max               (both 0 when empty)
//   sum_lo, sum_hi         128-bit sum of stored values, low/high 64 bits
//   entry_count            number of non-zero buckets
//   entry_count x (gap, count)
//       index = gap for the first entry, previous index + 1 + gap afterwards;
//       count >= 1.
class HdrHistogram {
 public:
  // Upper bound on the counts array deserialize() is willing to allocate by
  // default (32 MiB). Hostile input can name any valid configuration, and the
  // largest valid one needs ~49 MiB; the latency configuration needs 24 Ki counts.
  static constexpr std::size_t kDefaultMaxCountsLen = std::size_t{1} << 22;

  static constexpr int kMinSignificantDigits = 1;
  static constexpr int kMaxSignificantDigits = 5;

  // Returns std::nullopt unless 1 <= lowest, 2 * lowest <= highest and
  // significant_digits is within [1, 5].
  static std::optional<HdrHistogram> create(std::int64_t lowest_discernible_value, std::int64_t highest_trackable_value,
                                            int significant_digits);

  // Rally's request latency histogram: nanoseconds, 1 us .. 1 h, 3 digits.
  static HdrHistogram for_latency();
  // An event loop's lag: nanoseconds, 1 us .. 1 h, 2 digits (a small histogram).
  static HdrHistogram for_loop_lag();

  static std::optional<HdrHistogram> deserialize(std::string_view blob, std::string* error = nullptr,
                                                 std::size_t max_counts_len = kDefaultMaxCountsLen);

  std::string serialize() const;

  void record(std::int64_t value) noexcept {
    const std::int64_t v = clamp_value(value);
    clamped_count_ += static_cast<std::uint64_t>(v != value);
    counts_[index_of(v)] += 1;
    total_count_ += 1;
    sum_ += static_cast<std::uint64_t>(v);
    min_ = v < min_ ? v : min_;
    max_ = v > max_ ? v : max_;
  }

  // Equivalent to `count` calls of record(value), including clamped_count().
  void record_n(std::int64_t value, std::uint64_t count) noexcept {
    // min/max must not move for a zero count, so this branch is required.
    if (count == 0) return;
    const std::int64_t v = clamp_value(value);
    clamped_count_ += v != value ? count : 0;
    counts_[index_of(v)] += count;
    total_count_ += count;
    sum_ += static_cast<Uint128>(static_cast<std::uint64_t>(v)) * count;
    min_ = v < min_ ? v : min_;
    max_ = v > max_ ? v : max_;
  }

  // Adds `other` into this histogram. Returns false, leaving this histogram
  // untouched, if the configurations differ or the total count would
  // overflow.
  bool merge(const HdrHistogram& other) noexcept;
  // Same value range and precision: what merge() needs.
  bool same_configuration(const HdrHistogram& other) const noexcept {
    return lowest_discernible_value_ == other.lowest_discernible_value_ &&
           highest_trackable_value_ == other.highest_trackable_value_ &&
           significant_digits_ == other.significant_digits_;
  }

  void reset() noexcept;

  bool empty() const noexcept { return total_count_ == 0; }
  std::uint64_t total_count() const noexcept { return total_count_; }
  std::uint64_t clamped_count() const noexcept { return clamped_count_; }

  // Exact stored extremes; 0 when empty.
  std::int64_t min() const noexcept { return total_count_ == 0 ? 0 : min_; }
  std::int64_t max() const noexcept { return max_; }

  // Exact arithmetic mean of the stored values; 0 when empty.
  double mean() const noexcept;

  // p in [0, 100] (out-of-range and NaN are clamped). Nearest-rank: the
  // bucket holding the ceil(p/100 * total)-th value, reported as that
  // bucket's highest equivalent value, then clamped to [min(), max()] so
  // that p0 == min() and p100 == max() exactly. 0 when empty.
  std::int64_t value_at_percentile(double p) const noexcept;

  // Bucket bounds for `value` (clamped like record()).
  std::int64_t lowest_equivalent_value(std::int64_t value) const noexcept;
  std::int64_t highest_equivalent_value(std::int64_t value) const noexcept;

  std::int64_t lowest_discernible_value() const noexcept { return lowest_discernible_value_; }
  std::int64_t highest_trackable_value() const noexcept { return highest_trackable_value_; }
  int significant_digits() const noexcept { return significant_digits_; }

  // Raw bucket counts, indexed as described in the class comment.
  std::span<const std::uint64_t> counts() const noexcept { return counts_; }

  // Heap plus object footprint.
  std::size_t memory_bytes() const noexcept { return sizeof(*this) + counts_.capacity() * sizeof(std::uint64_t); }

  friend bool operator==(const HdrHistogram&, const HdrHistogram&) = default;

 private:
  // A sum of up to 2^64 values below 2^63 cannot overflow 128 bits, which
  // keeps mean() exact without a branch in record().
  __extension__ using Uint128 = unsigned __int128;

  struct Layout {
    int unit_magnitude;
    int sub_bucket_half_count_magnitude;
    int bucket_count;
    std::size_t counts_len;
  };

  static std::optional<Layout> compute_layout(std::int64_t lowest, std::int64_t highest,
                                              int significant_digits) noexcept;

  HdrHistogram(std::int64_t lowest, std::int64_t highest, int significant_digits, const Layout& layout);

  std::int64_t clamp_value(std::int64_t value) const noexcept {
    const std::int64_t upper = value > highest_trackable_value_ ? highest_trackable_value_ : value;
    // C++20 defines >> on negatives as arithmetic: the mask is all ones
    // for negative input. GCC emits a jump for the equivalent ternary.
    return upper & ~(value >> 63);
  }

  // Requires 0 <= v < 2^(unit_magnitude + sub_bucket_half_count_magnitude +
  // bucket_count), which holds for every v in [0, highest_trackable_value].
  std::size_t index_of(std::int64_t v) const noexcept {
    const auto u = static_cast<std::uint64_t>(v);
    // OR-ing the mask folds every value of bucket 0 onto the same
    // magnitude, so bucket 0 needs no special case. The extra `| 1` cannot
    // change the result (the mask's top bit is >= 4) but proves the
    // operand non-zero, which removes the compiler's zero-input branch.
    const int pow2_ceiling = 64 - std::countl_zero(u | sub_bucket_mask_ | 1);
    const int bucket = pow2_ceiling - unit_magnitude_ - (sub_bucket_half_count_magnitude_ + 1);
    const std::uint64_t sub_bucket = u >> (bucket + unit_magnitude_);
    return (static_cast<std::size_t>(bucket + 1) << sub_bucket_half_count_magnitude_) +
           static_cast<std::size_t>(sub_bucket - sub_bucket_half_count_);
  }

  std::uint64_t index_lowest_value(std::size_t index) const noexcept;
  std::uint64_t index_range_size(std::size_t index) const noexcept;

  std::int64_t lowest_discernible_value_;
  std::int64_t highest_trackable_value_;
  int significant_digits_;
  int unit_magnitude_;
  int sub_bucket_half_count_magnitude_;
  int bucket_count_;
  std::uint64_t sub_bucket_half_count_;
  std::uint64_t sub_bucket_mask_;

  std::uint64_t total_count_ = 0;
  std::uint64_t clamped_count_ = 0;
  // Sentinel so record() can take the minimum unconditionally.
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = 0;
  Uint128 sum_ = 0;
  std::vector<std::uint64_t> counts_;
};

}  // namespace rally::metrics
