#pragma once

#include <cstdint>
#include <optional>

#include "rally/common/clock.hpp"
#include "rally/common/random.hpp"
#include "rally/metrics/sample.hpp"
#include "rally/track/track.hpp"

namespace rally::driver {

// Rally's schedule for one client of a task. Which loop it runs: a time period if one is
// set; else iterations if set; else a finite source (bulk) until it is used up; else one
// request. When requests are due: unthrottled, each one at once; throttled, on an absolute
// timeline from the client's start (deterministic: start + i / rate; poisson: exponential
// gaps), so that falling behind shows up as latency, and the first request is never held.
// Plain logic: time comes in as arguments.
class ClientSchedule {
 public:
  struct Request {
    Nanos due = 0;  // the intended start
    metrics::SampleType type = metrics::SampleType::normal;
  };

  // `client` of the task's clients: with a ramp-up period it starts at start + ramp-up *
  // client / clients.
  ClientSchedule(const track::Task& task, bool finite_source, Nanos start, std::uint64_t seed,
                 std::uint32_t client = 0);

  // The next request, asked for at `now`; nullopt when the client is done.
  std::optional<Request> next(Nanos now);

 private:
  [[nodiscard]] double exponential();

  std::uint64_t warmup_iterations_ = 0;
  std::uint64_t total_iterations_ = 0;  // 0 with a time period or finite source: unbounded
  Nanos warmup_time_ = 0;
  Nanos end_time_ = 0;  // 0: no time limit
  bool by_time_ = false;
  Nanos interval_ = 0;  // 0: unthrottled
  bool poisson_ = false;
  Nanos start_ = 0;         // the task's start: warmup and time period count from it
  Nanos client_start_ = 0;  // this client's first request (ramp-up)
  Nanos last_due_ = 0;
  std::uint64_t issued_ = 0;
  SplitMix64 random_;
};

}  // namespace rally::driver
