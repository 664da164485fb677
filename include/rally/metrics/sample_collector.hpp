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
  std::uint64_t bytes = 0;
  // Failed requests by ErrorClass (index 0, none, stays 0).
  std::array<std::uint32_t, static_cast<std::size_t>(ErrorClass::count_)> errors{};
};

// How busy a Worker's io thread was over sampling intervals, attached to the tasks it ran.
struct WorkerLoad {
  std::uint64_t cpu_ns = 0;   // io-thread CPU time
  std::uint64_t wall_ns = 0;  // wall time of the same intervals
  // The busiest single interval of one Worker, in parts per million of its wall time.
  std::uint64_t max_busy_ppm = 0;
  // How late a 10 ms timer fired on the io thread: the event loop's lag.
  HdrHistogram loop_lag = HdrHistogram::for_loop_lag();

  void merge(const WorkerLoad& other);
  void reset();
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
  HdrHistogram schedule_lag = HdrHistogram::for_latency();  // throttled tasks only
  std::vector<SecondBucket> buckets;                        // normal samples by completion second, ascending
  WorkerLoad load;

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
  // The event loop ran a timer `lag` late.
  void record_loop_lag(Nanos lag) { loop_lag_.record(lag); }
  [[nodiscard]] bool empty() const;
  // Encodes everything recorded since the last flush and starts a new interval. Called on
  // the io thread: the interval's CPU time is that thread's.
  [[nodiscard]] std::string flush();

 private:
  TaskInterval& interval_for(std::uint32_t step, std::uint32_t task);

  Nanos step_start_ = 0;
  std::vector<TaskInterval> intervals_;
  HdrHistogram loop_lag_ = HdrHistogram::for_loop_lag();
  std::uint64_t last_cpu_ns_ = 0;  // 0: not yet measured
  Nanos last_flush_ = 0;
};

// CPU time the calling thread has used, in ns.
std::uint64_t thread_cpu_ns();

}  // namespace rally::metrics
