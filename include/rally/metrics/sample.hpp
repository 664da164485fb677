#pragma once

#include <cstdint>
#include <string_view>

#include "rally/common/clock.hpp"

namespace rally::metrics {

enum class SampleType : std::uint8_t { warmup = 0, normal = 1 };

// Why a request failed; the report breaks errors down by these classes.
// malformed: a 2xx answer whose body is not what the API returns (not JSON, wrong shape).
enum class ErrorClass : std::uint8_t { none = 0, http, transport, timeout, bulk_items, malformed, count_ };

std::string_view to_string(ErrorClass error_class);

// One request as a client measured it. Lives only on the Worker's io thread.
struct RequestSample {
  std::uint32_t step = 0;
  std::uint32_t task = 0;
  SampleType type = SampleType::normal;
  Nanos request_start = 0;    // after the throttle wait
  Nanos end = 0;              // last byte of the response read
  Nanos latency = 0;          // from the intended start to the end
  Nanos service_time = 0;     // first byte written to last byte read
  Nanos processing_time = 0;  // after the throttle wait to the runner's result
  Nanos schedule_lag = 0;     // throttled: how late the request started against its schedule
  bool throttled = false;     // the task has a target throughput
  std::uint64_t weight = 1;   // docs for bulk, 1 op otherwise
  std::uint64_t bytes = 0;    // request and response bodies
  std::uint64_t failed_weight = 0;
  bool success = true;
  ErrorClass error = ErrorClass::none;
  // What failed, e.g. "HTTP 404 index_not_found_exception" or "timeout": valid while the
  // sample is recorded (it points into the runner's result).
  std::string_view error_kind;
};

}  // namespace rally::metrics
