#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "rally/metrics/hdr_histogram.hpp"

namespace rally::metrics {

struct Percentile {
  double percentile = 0;  // e.g. 99.9
  double value_ms = 0;
};

struct ThroughputStats {
  double min = 0, mean = 0, median = 0, max = 0;
};

// One second of a task's normal phase: the requests that ended in it (by the step's clock).
struct SecondStats {
  std::int64_t second = 0;  // whole seconds since the step began
  std::uint64_t ops = 0;
  std::uint64_t weight = 0;                     // docs for bulk, ops otherwise
  std::uint64_t bytes = 0;                      // request and response bodies
  std::map<std::string, std::uint64_t> errors;  // failed requests by class; only classes seen
  // Rally's throughput at the end of this second (cumulative average since the normal phase
  // began); none for a second that ends less than a second after that start.
  std::optional<double> cumulative_throughput;
};

// How busy the load driver was while the task ran: its Workers' io threads.
struct DriverLoad {
  double cpu_mean_percent = 0;       // io-thread CPU time over wall time, all Workers, whole task
  double cpu_max_percent = 0;        // the busiest Worker in its busiest sampling interval
  std::vector<Percentile> loop_lag;  // how late the event loop ran a 10 ms timer, ms
};

// A finding about a task the report must say plainly.
struct Verdict {
  std::string kind;     // "target-throughput-missed" or "driver-saturated"
  std::string message;  // one sentence with the numbers, for people
};

// The measured outcome of one task, as reported and stored in race.json.
struct TaskResult {
  std::string task;
  std::string operation;
  std::string operation_type;
  bool include_in_reporting = true;
  std::string throughput_unit = "ops/s";
  std::optional<ThroughputStats> throughput;
  std::vector<Percentile> latency;
  std::vector<Percentile> service_time;
  std::vector<Percentile> processing_time;
  std::uint64_t requests = 0;  // normal phase
  std::uint64_t warmup_requests = 0;
  std::uint64_t failed_requests = 0;
  std::uint64_t total_weight = 0;  // docs or ops in the normal phase
  std::uint64_t failed_weight = 0;
  double error_rate = 0;  // percent of normal requests that failed
  double duration_s = 0;  // normal phase: first request start to last end
  std::map<std::string, std::uint64_t> errors_by_class;
  std::map<std::string, std::uint64_t> errors_by_kind;  // e.g. "HTTP 404 index_not_found_exception"
  std::optional<double> target_throughput;              // ops/s over all clients, for throttled tasks
  double achieved_ops_per_s = 0;                        // normal requests over the normal phase's duration
  std::vector<Percentile> schedule_lag;                 // throttled tasks: actual minus intended start, ms
  std::optional<DriverLoad> driver_load;
  std::vector<Verdict> verdicts;
  std::vector<SecondStats> per_second;
  // Serialized HdrHistograms ("latency", "service_time", "processing_time", "schedule_lag"),
  // stored so that a report can show other percentiles later. Base64 in race.json.
  std::map<std::string, std::string> histograms;

  // The stored histogram `name`, if there is one and it is valid.
  [[nodiscard]] std::optional<HdrHistogram> histogram(const std::string& name) const;
};

// The report's rule: administrative tasks (include-in-reporting false) only when they failed.
inline bool is_reported(const TaskResult& r) { return r.include_in_reporting || r.failed_requests > 0; }

// Rally's latency percentiles, in the order the report shows them.
const std::vector<double>& default_percentiles();

// Rally's rule: a percentile is shown only when there are enough samples for it, i.e. at
// least 1 / (1 - p/100) of them (10 for p90, 1000 for p99.9); p100 always.
std::vector<double> percentiles_for_sample_size(std::uint64_t samples,
                                                const std::vector<double>& wanted = default_percentiles());

// Rally's keys for percentiles in race.json and the metrics store: "50_0", "99_9", "100_0".
std::string percentile_key(double percentile);

void to_json(nlohmann::json& j, const TaskResult& r);
void from_json(const nlohmann::json& j, TaskResult& r);

}  // namespace rally::metrics
