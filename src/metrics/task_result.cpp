#include "rally/metrics/task_result.hpp"

#include <nlohmann/json.hpp>

namespace rally::metrics {

std::vector<double> percentiles_for_sample_size(std::uint64_t samples) {
  if (samples == 0) return {};
  if (samples == 1) return {100};
  if (samples < 10) return {50, 100};
  if (samples < 100) return {50, 90, 100};
  if (samples < 1000) return {50, 90, 99, 100};
  if (samples < 10000) return {50, 90, 99, 99.9, 100};
  return {50, 90, 99, 99.9, 99.99, 100};
}

namespace {

// Rally's keys for percentiles: "50_0", "99_9", "99_99", "100_0".
std::string percentile_key(double p) {
  auto text = nlohmann::json(p).dump();
  if (text.find('.') == std::string::npos) text += ".0";
  for (auto& c : text) {
    if (c == '.') c = '_';
  }
  return text;
}

nlohmann::json percentiles_json(const std::vector<Percentile>& ps) {
  auto j = nlohmann::json::object();
  for (const auto& p : ps) j[percentile_key(p.percentile)] = p.value_ms;
  j["unit"] = "ms";
  return j;
}

std::vector<Percentile> percentiles_from(const nlohmann::json& j) {
  std::vector<Percentile> out;
  for (const auto& [key, value] : j.items()) {
    if (key == "unit") continue;
    auto text = key;
    for (auto& c : text) {
      if (c == '_') c = '.';
    }
    out.push_back(Percentile{std::stod(text), value.get<double>()});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.percentile < b.percentile; });
  return out;
}

}  // namespace

void to_json(nlohmann::json& j, const TaskResult& r) {
  j = nlohmann::json{{"task", r.task},
                     {"operation", r.operation},
                     {"operation-type", r.operation_type},
                     {"include-in-reporting", r.include_in_reporting},
                     {"requests", r.requests},
                     {"warmup-requests", r.warmup_requests},
                     {"failed-requests", r.failed_requests},
                     {"total-weight", r.total_weight},
                     {"failed-weight", r.failed_weight},
                     {"error_rate", r.error_rate},
                     {"duration", r.duration_s},
                     {"errors-by-class", r.errors_by_class},
                     {"errors", r.errors_by_kind}};
  if (r.throughput) {
    j["throughput"] = {{"min", r.throughput->min},
                       {"mean", r.throughput->mean},
                       {"median", r.throughput->median},
                       {"max", r.throughput->max},
                       {"unit", r.throughput_unit}};
  }
  if (!r.latency.empty()) j["latency"] = percentiles_json(r.latency);
  if (!r.service_time.empty()) j["service_time"] = percentiles_json(r.service_time);
  if (!r.processing_time.empty()) j["processing_time"] = percentiles_json(r.processing_time);
}

void from_json(const nlohmann::json& j, TaskResult& r) {
  r.task = j.at("task").get<std::string>();
  r.operation = j.at("operation").get<std::string>();
  r.operation_type = j.at("operation-type").get<std::string>();
  r.include_in_reporting = j.at("include-in-reporting").get<bool>();
  r.requests = j.at("requests").get<std::uint64_t>();
  r.warmup_requests = j.at("warmup-requests").get<std::uint64_t>();
  r.failed_requests = j.at("failed-requests").get<std::uint64_t>();
  r.total_weight = j.at("total-weight").get<std::uint64_t>();
  r.failed_weight = j.at("failed-weight").get<std::uint64_t>();
  r.error_rate = j.at("error_rate").get<double>();
  r.duration_s = j.at("duration").get<double>();
  r.errors_by_class = j.at("errors-by-class").get<std::map<std::string, std::uint64_t>>();
  if (j.contains("errors")) r.errors_by_kind = j["errors"].get<std::map<std::string, std::uint64_t>>();
  if (j.contains("throughput")) {
    const auto& t = j["throughput"];
    r.throughput = ThroughputStats{t.at("min").get<double>(), t.at("mean").get<double>(), t.at("median").get<double>(),
                                   t.at("max").get<double>()};
    r.throughput_unit = t.at("unit").get<std::string>();
  }
  if (j.contains("latency")) r.latency = percentiles_from(j["latency"]);
  if (j.contains("service_time")) r.service_time = percentiles_from(j["service_time"]);
  if (j.contains("processing_time")) r.processing_time = percentiles_from(j["processing_time"]);
}

}  // namespace rally::metrics
