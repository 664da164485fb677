#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rally/metrics/hdr_histogram.hpp"
#include "rally/metrics/sample.hpp"

namespace rally::metrics {

// Per-second counters of one task, keyed by whole seconds since the step's start.
struct SecondBucket {
  std::int64_t second = 0;
  std::uint64_t ops = 0;
  std::uint64_t weight = 0;
};

// Everything a Worker measured for one task in one interval. Mergeable, so that the
// coordinator's memory does not grow with the request rate or the length of the run.
struct TaskInterval {
  std::uint32_t step = 0;
  std::uint32_t task = 0;
  std::uint64_t warmup_requests = 0;
  std::uint64_t normal_requests = 0;
  std::uint64_t failed_requests = 0;
  std::uint64_t normal_weight = 0;
  std::uint64_t failed_weight = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(ErrorClass::count_)> errors_by_class{};
  // Failed requests by what failed (status and error type); at most max_error_kinds
  // distinct kinds, the rest counted under "other".
  std::map<std::string, std::uint64_t, std::less<>> errors_by_kind;
  static constexpr std::size_t max_error_kinds = 32;
  Nanos first_normal_start = 0;  // 0: none yet
  Nanos last_normal_end = 0;
  HdrHistogram latency = HdrHistogram::for_latency();
  HdrHistogram service_time = HdrHistogram::for_latency();
  HdrHistogram processing_time = HdrHistogram::for_latency();
  std::vector<SecondBucket> buckets;  // normal samples by completion second, ascending

  void record(const RequestSample& sample, Nanos step_start);
  void merge(const TaskInterval& other);
  void count_error_kind(std::string_view kind, std::uint64_t n);
  void reset();
  [[nodiscard]] bool empty() const { return warmup_requests == 0 && normal_requests == 0; }
};

// Serializes intervals into one blob for UpdateSamples; returns false on corrupt input.
std::string encode_intervals(const std::vector<TaskInterval>& intervals);
[[nodiscard]] bool decode_intervals(std::string_view blob, std::vector<TaskInterval>& out);

// One per Worker, used only on its io thread: records every request, hands out what it
// gathered as one blob per interval.
class SampleCollector {
 public:
  void begin_step(std::uint32_t step, Nanos step_start);
  void record(const RequestSample& sample);
  [[nodiscard]] bool empty() const;
  // Encodes everything recorded since the last flush and starts a new interval.
  [[nodiscard]] std::string flush();

 private:
  TaskInterval& interval_for(std::uint32_t step, std::uint32_t task);

  Nanos step_start_ = 0;
  std::vector<TaskInterval> intervals_;
};

}  // namespace rally::metrics
