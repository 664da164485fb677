#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rally {

// All measurement uses the monotonic clock in nanoseconds.
using Nanos = std::int64_t;

inline Nanos monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline constexpr Nanos ns_per_ms = 1'000'000;
inline constexpr Nanos ns_per_s = 1'000'000'000;

inline double ns_to_ms(double ns) { return ns / 1e6; }

// Wall-clock time as "2026-11-28T21:55:00Z", for race ids and race.json.
std::string utc_timestamp();

}  // namespace rally
