#pragma once

#include <vector>

// Where values land on a chart axis, and which ticks the axis shows.
namespace rally::metrics {

struct Scale {
  double lo = 0;
  double hi = 1;  // always finite and > lo
  bool log = false;
  std::vector<double> ticks;  // ascending, within [lo, hi]

  // The position of `value` along the axis, 0 at lo and 1 at hi; clamped to [0, 1] (infinities
  // at the ends), and 0 for NaN and for values a log scale cannot show (<= 0).
  [[nodiscard]] double fraction(double value) const;
};

// A linear axis over [lo, hi] widened to round numbers (steps of 1, 2 or 5 times a power of
// ten), with at most about `max_ticks` ticks. Handles lo == hi (one point), non-finite input
// and huge values.
Scale linear_scale(double lo, double hi, int max_ticks = 6);

// A log10 axis from the power of ten at or below `lo` to the one at or above `hi` (both > 0),
// ticked at powers of ten.
Scale log_scale(double lo, double hi);

// The axis for non-negative measurements such as latencies: linear from 0, or log when the
// positive values span more than `log_ratio` (so that p50 is still visible next to a p100
// a thousand times larger).
Scale value_scale(const std::vector<double>& values, double log_ratio = 100);

}  // namespace rally::metrics
