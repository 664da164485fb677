#include "rally/metrics/task_result.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "rally/common/base64.hpp"

namespace rally::metrics {

const std::vector<double>& default_percentiles() {
  static const std::vector<double> percentiles{50, 90, 99, 99.9, 99.99, 100};
  return percentiles;
}

std::vector<double> percentiles_for_sample_size(std::uint64_t samples, const std::vector<double>& wanted) {
  std::vector<double> out;
  for (double p : wanted) {
    if (samples == 0) break;
    // 1e-9 absorbs the binary error of e.g. 1 / (1 - 0.999).
    bool enough = p >= 100 || static_cast<double>(samples) + 1e-9 >= 1.0 / (1.0 - p / 100.0);
    if (enough) out.push_back(p);
  }
  return out;
}

std::string percentile_key(double p) {
  auto text = nlohmann::json(p).dump();
  if (text.find('.') == std::string::npos) text += ".0";
  for (auto& c : text) {
    if (c == '.') c = '_';
  }
  return text;
}

namespace {

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

nlohmann::json second_json(const SecondStats& s) {
  nlohmann::json j{{"second", s.second}, {"ops", s.ops}, {"weight", s.weight}, {"bytes", s.bytes}};
  if (!s.errors.empty()) j["errors"] = s.errors;
  if (s.cumulative_throughput) j["throughput"] = *s.cumulative_throughput;
  return j;
}

SecondStats second_from(const nlohmann::json& j) {
  SecondStats s;
  s.second = j.at("second").get<std::int64_t>();
  s.ops = j.at("ops").get<std::uint64_t>();
  s.weight = j.at("weight").get<std::uint64_t>();
  s.bytes = j.value("bytes", std::uint64_t{0});
  if (j.contains("errors")) s.errors = j["errors"].get<std::map<std::string, std::uint64_t>>();
  if (j.contains("throughput")) s.cumulative_throughput = j["throughput"].get<double>();
  return s;
}

}  // namespace

std::optional<HdrHistogram> TaskResult::histogram(const std::string& name) const {
  auto it = histograms.find(name);
  if (it == histograms.end()) return std::nullopt;
  return HdrHistogram::deserialize(it->second);
}

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
  if (r.target_throughput) {
    j["target-throughput"] = *r.target_throughput;
    j["achieved-throughput"] = r.achieved_ops_per_s;
  }
  if (!r.schedule_lag.empty()) j["schedule_lag"] = percentiles_json(r.schedule_lag);
  if (r.driver_load) {
    j["driver-load"] = {{"cpu-mean-percent", r.driver_load->cpu_mean_percent},
                        {"cpu-max-percent", r.driver_load->cpu_max_percent}};
    if (!r.driver_load->loop_lag.empty()) j["driver-load"]["loop-lag"] = percentiles_json(r.driver_load->loop_lag);
  }
  if (!r.verdicts.empty()) {
    auto verdicts = nlohmann::json::array();
    for (const auto& v : r.verdicts) verdicts.push_back({{"kind", v.kind}, {"message", v.message}});
    j["verdicts"] = verdicts;
  }
  if (!r.per_second.empty()) {
    auto series = nlohmann::json::array();
    for (const auto& s : r.per_second) series.push_back(second_json(s));
    j["per-second"] = series;
  }
  if (!r.histograms.empty()) {
    auto histograms = nlohmann::json::object();
    for (const auto& [name, blob] : r.histograms) histograms[name] = base64_encode(blob);
    j["histograms"] = histograms;
  }
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
  if (j.contains("target-throughput")) {
    r.target_throughput = j["target-throughput"].get<double>();
    r.achieved_ops_per_s = j.at("achieved-throughput").get<double>();
  }
  if (j.contains("schedule_lag")) r.schedule_lag = percentiles_from(j["schedule_lag"]);
  if (j.contains("driver-load")) {
    const auto& d = j["driver-load"];
    DriverLoad load;
    load.cpu_mean_percent = d.at("cpu-mean-percent").get<double>();
    load.cpu_max_percent = d.at("cpu-max-percent").get<double>();
    if (d.contains("loop-lag")) load.loop_lag = percentiles_from(d["loop-lag"]);
    r.driver_load = load;
  }
  if (j.contains("verdicts")) {
    for (const auto& v : j["verdicts"])
      r.verdicts.push_back({v.at("kind").get<std::string>(), v.at("message").get<std::string>()});
  }
  if (j.contains("per-second")) {
    for (const auto& s : j["per-second"]) r.per_second.push_back(second_from(s));
  }
  if (j.contains("histograms")) {
    for (const auto& [name, text] : j["histograms"].items()) {
      auto blob = base64_decode(text.get<std::string>());
      if (!blob || !HdrHistogram::deserialize(*blob))
        throw std::runtime_error("histograms." + name + " is not a histogram");
      r.histograms[name] = std::move(*blob);
    }
  }
}

}  // namespace rally::metrics
