#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace rally::metrics {

struct Percentile {
  double percentile = 0;  // e.g. 99.9
  double value_ms = 0;
};

struct ThroughputStats {
  double min = 0, mean = 0, median = 0, max = 0;
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
};

// Rally's rule: a percentile is shown only when there are enough samples for it.
std::vector<double> percentiles_for_sample_size(std::uint64_t samples);

void to_json(nlohmann::json& j, const TaskResult& r);
void from_json(const nlohmann::json& j, TaskResult& r);

}  // namespace rally::metrics
