#include "chart_scale.hpp"

#include <algorithm>
#include <cmath>

namespace rally::metrics {

namespace {

// Keeps arithmetic on the bounds finite: hi - lo of two clamped values cannot overflow.
constexpr double max_magnitude = 1e300;

double sane(double value) { return std::isfinite(value) ? std::clamp(value, -max_magnitude, max_magnitude) : 0.0; }

// The round step (1, 2 or 5 times a power of ten) at or above `raw`.
double nice_step(double raw) {
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw * (1 - 1e-9)) return m * power;
  }
  return 10 * power;
}

}  // namespace

double Scale::fraction(double value) const {
  if (std::isnan(value)) return 0;
  if (std::isinf(value)) return value > 0 ? 1 : 0;
  double f = 0;
  if (log) {
    if (value <= 0) return 0;
    f = (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  } else {
    f = (sane(value) - lo) / (hi - lo);
  }
  return std::isfinite(f) ? std::clamp(f, 0.0, 1.0) : 0.0;
}

Scale linear_scale(double lo, double hi, int max_ticks) {
  lo = sane(lo);
  hi = sane(hi);
  if (lo > hi) std::swap(lo, hi);
  if (!(hi > lo)) {  // one value: [0, 1] for 0, half the value either side otherwise
    const double pad = lo == 0 ? 0.0 : std::fabs(lo) * 0.5;
    lo -= pad;
    hi = lo == 0 ? 1.0 : hi + pad;
  }
  Scale scale;
  max_ticks = std::max(max_ticks, 2);
  const double step = nice_step((hi - lo) / (max_ticks - 1));
  const double first = std::floor(lo / step) * step;
  const double last = std::ceil(hi / step) * step;
  const double count = std::round((last - first) / step);
  if (!std::isfinite(step) || step <= 0 || !std::isfinite(count) || count < 1 || count > 4.0 * max_ticks ||
      !(last > first)) {
    // Beyond double's resolution (a huge value with a tiny range): the bare bounds.
    scale.lo = lo;
    scale.hi = hi > lo ? hi : lo + 1;
    scale.ticks = {scale.lo, scale.hi};
    return scale;
  }
  scale.lo = first;
  scale.hi = last;
  for (int i = 0; i <= static_cast<int>(count); ++i) {
    double tick = first + i * step;
    if (std::fabs(tick) < step * 1e-9) tick = 0;  // no "-0" or 1e-17 from rounding
    scale.ticks.push_back(tick);
  }
  return scale;
}

Scale log_scale(double lo, double hi) {
  if (!std::isfinite(lo) || lo <= 0) lo = 1;
  if (!std::isfinite(hi) || hi <= 0) hi = lo;
  if (lo > hi) std::swap(lo, hi);
  // Doubles end near 1e308 and 1e-308: keep the decades within them.
  const double first = std::clamp(std::floor(std::log10(lo)), -300.0, 300.0);
  double last = std::clamp(std::ceil(std::log10(hi)), -300.0, 300.0);
  if (last <= first) last = first + 1;
  Scale scale;
  scale.log = true;
  scale.lo = std::pow(10.0, first);
  scale.hi = std::pow(10.0, last);
  const int decades = static_cast<int>(last - first);
  const int every = (decades + 7) / 8;  // at most about 8 ticks
  for (int d = 0; d <= decades; d += every) scale.ticks.push_back(std::pow(10.0, first + d));
  return scale;
}

Scale value_scale(const std::vector<double>& values, double log_ratio) {
  double max = 0;
  double min_positive = 0;
  for (double v : values) {
    if (!std::isfinite(v) || v <= 0) continue;
    max = std::max(max, v);
    min_positive = min_positive == 0 ? v : std::min(min_positive, v);
  }
  if (min_positive > 0 && max / min_positive > log_ratio) return log_scale(min_positive, max);
  return linear_scale(0, max);
}

}  // namespace rally::metrics
