#include "rally/metrics/hdr_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace rally::metrics {

namespace {

constexpr char kMagic[4] = {'R', 'H', 'D', 'R'};
constexpr std::uint8_t kVersion = 1;
constexpr std::uint64_t kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
constexpr std::size_t kMaxVarintBytes = 10;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(v) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Every read is bounds-checked and failure is sticky, so the decoder can read
// a whole header and check `ok()` once without risking out-of-range access.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  std::size_t remaining() const { return in_.size() - pos_; }

  std::uint8_t byte() {
    if (!ok_ || pos_ >= in_.size()) {
      ok_ = false;
      return 0;
    }
    return static_cast<std::uint8_t>(in_[pos_++]);
  }

  // Rejects overlong encodings so that every histogram has exactly one
  // valid blob; this keeps fuzzing/equality reasoning simple.
  std::uint64_t varint() {
    std::uint64_t result = 0;
    for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
      const std::uint8_t b = byte();
      if (!ok_) return 0;
      if (i == kMaxVarintBytes - 1 && b > 1) {
        break;  // would overflow 64 bits
      }
      result |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          break;  // overlong
        }
        return result;
      }
    }
    ok_ = false;
    return 0;
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::optional<HdrHistogram> fail(std::string* error, const char* reason) {
  if (error != nullptr) *error = reason;
  return std::nullopt;
}

}  // namespace

std::optional<HdrHistogram::Layout> HdrHistogram::compute_layout(std::int64_t lowest, std::int64_t highest,
                                                                 int significant_digits) noexcept {
  if (significant_digits < kMinSignificantDigits || significant_digits > kMaxSignificantDigits) return std::nullopt;
  // Written as a division so 2 * lowest cannot overflow.
  if (lowest < 1 || highest < 2 || lowest > highest / 2) return std::nullopt;
  std::uint64_t largest_single_unit_value = 2;
  for (int i = 0; i < significant_digits; ++i) largest_single_unit_value *= 10;
  // ceil(log2(x)) for x >= 2.
  const int sub_bucket_count_magnitude = std::bit_width(largest_single_unit_value - 1);
  const int half_magnitude = sub_bucket_count_magnitude - 1;
  const int unit_magnitude = std::bit_width(static_cast<std::uint64_t>(lowest)) - 1;
  // Keeps every shift in index_of() and the bucket-0 top below 2^63.
  if (unit_magnitude + half_magnitude > 61) return std::nullopt;
  std::uint64_t smallest_untrackable = std::uint64_t{1} << (unit_magnitude + half_magnitude + 1);
  int bucket_count = 1;
  // highest < 2^63, so the final value is at most 2^63 and never wraps;
  // every index's highest equivalent value therefore fits in int64.
  while (smallest_untrackable <= static_cast<std::uint64_t>(highest)) {
    smallest_untrackable <<= 1;
    ++bucket_count;
  }
  const std::size_t counts_len = static_cast<std::size_t>(bucket_count + 1) << half_magnitude;
  return Layout{unit_magnitude, half_magnitude, bucket_count, counts_len};
}

HdrHistogram::HdrHistogram(std::int64_t lowest, std::int64_t highest, int significant_digits, const Layout& layout)
    : lowest_discernible_value_(lowest),
      highest_trackable_value_(highest),
      significant_digits_(significant_digits),
      unit_magnitude_(layout.unit_magnitude),
      sub_bucket_half_count_magnitude_(layout.sub_bucket_half_count_magnitude),
      bucket_count_(layout.bucket_count),
      sub_bucket_half_count_(std::uint64_t{1} << layout.sub_bucket_half_count_magnitude),
      sub_bucket_mask_(((std::uint64_t{1} << (layout.sub_bucket_half_count_magnitude + 1)) - 1)
                       << layout.unit_magnitude),
      counts_(layout.counts_len, 0) {}

std::optional<HdrHistogram> HdrHistogram::create(std::int64_t lowest_discernible_value,
                                                 std::int64_t highest_trackable_value, int significant_digits) {
  const auto layout = compute_layout(lowest_discernible_value, highest_trackable_value, significant_digits);
  if (!layout) return std::nullopt;
  return HdrHistogram(lowest_discernible_value, highest_trackable_value, significant_digits, *layout);
}

HdrHistogram HdrHistogram::for_latency() {
  constexpr std::int64_t kOneMicrosecond = 1'000;
  constexpr std::int64_t kOneHour = 3'600'000'000'000;
  return *create(kOneMicrosecond, kOneHour, 3);
}

HdrHistogram HdrHistogram::for_loop_lag() {
  constexpr std::int64_t kOneMicrosecond = 1'000;
  constexpr std::int64_t kOneHour = 3'600'000'000'000;
  return *create(kOneMicrosecond, kOneHour, 2);
}

std::uint64_t HdrHistogram::index_lowest_value(std::size_t index) const noexcept {
  int bucket = static_cast<int>(index >> sub_bucket_half_count_magnitude_) - 1;
  std::uint64_t sub_bucket = (index & (sub_bucket_half_count_ - 1)) + sub_bucket_half_count_;
  // Bucket 0 is the only one that also owns its lower half.
  if (bucket < 0) {
    sub_bucket -= sub_bucket_half_count_;
    bucket = 0;
  }
  return sub_bucket << (bucket + unit_magnitude_);
}

std::uint64_t HdrHistogram::index_range_size(std::size_t index) const noexcept {
  const int bucket = std::max(static_cast<int>(index >> sub_bucket_half_count_magnitude_) - 1, 0);
  return std::uint64_t{1} << (bucket + unit_magnitude_);
}

std::int64_t HdrHistogram::lowest_equivalent_value(std::int64_t value) const noexcept {
  return static_cast<std::int64_t>(index_lowest_value(index_of(clamp_value(value))));
}

std::int64_t HdrHistogram::highest_equivalent_value(std::int64_t value) const noexcept {
  const std::size_t index = index_of(clamp_value(value));
  return static_cast<std::int64_t>(index_lowest_value(index) + index_range_size(index) - 1);
}

bool HdrHistogram::merge(const HdrHistogram& other) noexcept {
  if (!same_configuration(other)) return false;
  // Each bucket count is bounded by the total, so checking the total alone
  // rules out overflow everywhere.
  if (other.total_count_ > std::numeric_limits<std::uint64_t>::max() - total_count_) return false;
  if (other.total_count_ == 0) return true;
  const std::size_t first = index_of(other.min_);
  const std::size_t last = index_of(other.max_);
  for (std::size_t i = first; i <= last; ++i) counts_[i] += other.counts_[i];
  total_count_ += other.total_count_;
  clamped_count_ += other.clamped_count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  return true;
}

void HdrHistogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_count_ = 0;
  clamped_count_ = 0;
  min_ = std::numeric_limits<std::int64_t>::max();
  max_ = 0;
  sum_ = 0;
}

double HdrHistogram::mean() const noexcept {
  if (total_count_ == 0) return 0.0;
  return static_cast<double>(sum_) / static_cast<double>(total_count_);
}

std::int64_t HdrHistogram::value_at_percentile(double p) const noexcept {
  if (total_count_ == 0) return 0;
  // Negated so that NaN lands here too.
  if (!(p > 0.0)) return min_;
  if (p >= 100.0) return max_;
  const double total = static_cast<double>(total_count_);
  // p / 100 * total is a whole number more often than doubles say (0.999 * 1000 is
  // 999.0000000000001, which would take the maximum for p99.9 of 1,000 samples): within
  // a few ulps of a whole number, it is that number.
  double position = p / 100.0 * total;
  if (const double whole = std::round(position);
      std::abs(position - whole) <= 4 * std::numeric_limits<double>::epsilon() * whole) {
    position = whole;
  }
  const double target = std::ceil(position);
  std::uint64_t rank = 1;
  if (target >= total) {
    rank = total_count_;
  } else if (target > 1.0) {
    rank = static_cast<std::uint64_t>(target);
  }
  const std::size_t first = index_of(min_);
  const std::size_t last = index_of(max_);
  std::uint64_t running = 0;
  for (std::size_t i = first; i <= last; ++i) {
    running += counts_[i];
    if (running >= rank) {
      const auto highest = static_cast<std::int64_t>(index_lowest_value(i) + index_range_size(i) - 1);
      return std::clamp(highest, min_, max_);
    }
  }
  return max_;
}

std::string HdrHistogram::serialize() const {
  std::string out;
  std::size_t nonzero = 0;
  for (const std::uint64_t c : counts_) nonzero += c != 0 ? 1 : 0;
  // Header is at most ~100 bytes; an entry at most two max-size varints.
  out.reserve(128 + nonzero * 2 * kMaxVarintBytes);
  out.append(kMagic, sizeof(kMagic));
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(significant_digits_));
  put_varint(out, static_cast<std::uint64_t>(lowest_discernible_value_));
  put_varint(out, static_cast<std::uint64_t>(highest_trackable_value_));
  put_varint(out, total_count_);
  put_varint(out, clamped_count_);
  put_varint(out, static_cast<std::uint64_t>(min()));
  put_varint(out, static_cast<std::uint64_t>(max()));
  put_varint(out, static_cast<std::uint64_t>(sum_));
  put_varint(out, static_cast<std::uint64_t>(sum_ >> 64));
  put_varint(out, nonzero);
  std::size_t next = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) {
      put_varint(out, i - next);
      put_varint(out, counts_[i]);
      next = i + 1;
    }
  }
  return out;
}

std::optional<HdrHistogram> HdrHistogram::deserialize(std::string_view blob, std::string* error,
                                                      std::size_t max_counts_len) {
  if (blob.size() < sizeof(kMagic) || std::memcmp(blob.data(), kMagic, sizeof(kMagic)) != 0) {
    return fail(error, "bad magic");
  }
  Reader in(blob.substr(sizeof(kMagic)));
  const std::uint8_t version = in.byte();
  if (!in.ok()) return fail(error, "truncated header");
  if (version != kVersion) return fail(error, "unsupported version");
  const std::uint8_t digits = in.byte();
  const std::uint64_t lowest = in.varint();
  const std::uint64_t highest = in.varint();
  const std::uint64_t total = in.varint();
  const std::uint64_t clamped = in.varint();
  const std::uint64_t min = in.varint();
  const std::uint64_t max = in.varint();
  const std::uint64_t sum_lo = in.varint();
  const std::uint64_t sum_hi = in.varint();
  const std::uint64_t entries = in.varint();
  if (!in.ok()) return fail(error, "truncated or malformed header");

  if (lowest > kInt64Max || highest > kInt64Max) return fail(error, "invalid configuration");
  const auto layout = compute_layout(static_cast<std::int64_t>(lowest), static_cast<std::int64_t>(highest), digits);
  if (!layout) return fail(error, "invalid configuration");
  if (layout->counts_len > max_counts_len) return fail(error, "configuration exceeds counts limit");

  const Uint128 sum = (static_cast<Uint128>(sum_hi) << 64) | sum_lo;
  if (clamped > total) return fail(error, "clamped count exceeds total");
  if (total == 0) {
    if (min != 0 || max != 0 || sum != 0 || entries != 0) return fail(error, "empty histogram with non-empty fields");
  } else {
    if (min > max || max > highest) return fail(error, "min/max out of range");
    // A clamped record is stored as 0 or as highest.
    if (clamped != 0 && min != 0 && max != highest) return fail(error, "clamped count without a clamped value");
    if (entries == 0) return fail(error, "non-empty histogram without buckets");
  }
  // Cheap pre-checks so hostile entry counts fail before the allocation.
  if (entries > layout->counts_len) return fail(error, "more entries than buckets");
  if (entries > in.remaining() / 2) return fail(error, "truncated bucket entries");

  HdrHistogram h(static_cast<std::int64_t>(lowest), static_cast<std::int64_t>(highest), digits, *layout);
  if (total == 0) {
    if (in.remaining() != 0) return fail(error, "trailing bytes");
    return h;
  }

  const auto smin = static_cast<std::int64_t>(min);
  const auto smax = static_cast<std::int64_t>(max);
  const std::size_t counts_len = layout->counts_len;
  std::size_t next = 0;
  std::size_t first_index = 0;
  std::size_t last_index = 0;
  std::uint64_t running = 0;
  // Bounds on the sum of values consistent with the bucket counts.
  Uint128 sum_lower = 0;
  Uint128 sum_upper = 0;
  for (std::uint64_t e = 0; e < entries; ++e) {
    const std::uint64_t gap = in.varint();
    const std::uint64_t count = in.varint();
    if (!in.ok()) return fail(error, "truncated bucket entries");
    if (next >= counts_len || gap > counts_len - 1 - next) return fail(error, "bucket index out of range");
    if (count == 0) return fail(error, "zero bucket count");
    if (count > total - running) return fail(error, "bucket counts exceed total");
    const std::size_t index = next + static_cast<std::size_t>(gap);
    if (e == 0) first_index = index;
    last_index = index;
    running += count;
    h.counts_[index] = count;
    const std::uint64_t low = std::max(h.index_lowest_value(index), min);
    const std::uint64_t high = std::min(h.index_lowest_value(index) + h.index_range_size(index) - 1, max);
    sum_lower += static_cast<Uint128>(low) * count;
    sum_upper += static_cast<Uint128>(high) * count;
    next = index + 1;
  }
  if (in.remaining() != 0) return fail(error, "trailing bytes");
  if (running != total) return fail(error, "bucket counts do not add up to total");
  if (first_index != h.index_of(smin) || last_index != h.index_of(smax)) {
    return fail(error, "min/max inconsistent with buckets");
  }
  if (sum < sum_lower || sum > sum_upper) return fail(error, "sum inconsistent with buckets");
  h.total_count_ = total;
  h.clamped_count_ = clamped;
  h.min_ = smin;
  h.max_ = smax;
  h.sum_ = sum;
  return h;
}

}  // namespace rally::metrics
