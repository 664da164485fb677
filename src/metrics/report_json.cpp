#include <nlohmann/json.hpp>

#include "rally/metrics/report.hpp"

namespace rally::metrics {

namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson percentiles(const std::vector<Percentile>& values) {
  OrderedJson out = OrderedJson::object();
  for (const auto& p : values) out[format_number(p.percentile)] = p.value_ms;
  return out;
}

}  // namespace

std::string format_json(const RaceReport& input, const ReportOptions& options) {
  const auto& meta = input.meta;
  OrderedJson report = OrderedJson::object();
  report["schema"] = "rally-report/1";
  OrderedJson race = OrderedJson::object();
  race["race-id"] = meta.race_id;
  race["race-timestamp"] = meta.race_timestamp;
  race["status"] = meta.status;
  race["track"] = meta.track;
  race["challenge"] = meta.challenge;
  race["cluster"] = {{"distribution", meta.distribution}, {"version", meta.distribution_version}};
  OrderedJson tags = OrderedJson::object();
  for (const auto& [key, value] : meta.user_tags) tags[key] = value;
  race["user-tags"] = tags;
  race["notes"] = meta.notes;
  report["race"] = race;
  OrderedJson cluster = OrderedJson::array();
  for (const auto& c : input.cluster) {
    cluster.push_back({{"metric", c.key}, {"name", c.label}, {"value", c.value}, {"unit", c.unit}});
  }
  report["cluster"] = cluster;
  OrderedJson tasks = OrderedJson::array();
  for (const auto& result : input.results) {
    // The markdown report's rule: administrative tasks only when they failed.
    if (!is_reported(result)) continue;
    auto r = with_percentiles(result, options);
    OrderedJson t = OrderedJson::object();
    t["task"] = r.task;
    t["operation"] = r.operation;
    t["operation-type"] = r.operation_type;
    if (r.throughput) {
      t["throughput"] = {{"min", r.throughput->min},
                         {"mean", r.throughput->mean},
                         {"median", r.throughput->median},
                         {"max", r.throughput->max},
                         {"unit", r.throughput_unit}};
    } else {
      t["throughput"] = nullptr;
    }
    t["latency_ms"] = percentiles(r.latency);
    t["service_time_ms"] = percentiles(r.service_time);
    t["processing_time_ms"] = percentiles(r.processing_time);
    t["error_rate_percent"] = r.error_rate;
    t["requests"] = r.requests;
    t["failed_requests"] = r.failed_requests;
    t["total_weight"] = r.total_weight;
    t["failed_weight"] = r.failed_weight;
    t["duration_s"] = r.duration_s;
    OrderedJson by_class = OrderedJson::object();
    for (const auto& [k, v] : r.errors_by_class) by_class[k] = v;
    t["errors_by_class"] = by_class;
    OrderedJson by_kind = OrderedJson::object();
    for (const auto& [k, v] : r.errors_by_kind) by_kind[k] = v;
    t["errors"] = by_kind;
    if (r.target_throughput) {
      t["target_throughput_ops"] = *r.target_throughput;
      t["achieved_throughput_ops"] = r.achieved_ops_per_s;
    } else {
      t["target_throughput_ops"] = nullptr;
      t["achieved_throughput_ops"] = nullptr;
    }
    t["schedule_lag_ms"] = percentiles(r.schedule_lag);
    if (r.driver_load) {
      t["driver_load"] = {{"cpu_mean_percent", r.driver_load->cpu_mean_percent},
                          {"cpu_max_percent", r.driver_load->cpu_max_percent},
                          {"loop_lag_ms", percentiles(r.driver_load->loop_lag)}};
    } else {
      t["driver_load"] = nullptr;
    }
    OrderedJson verdicts = OrderedJson::array();
    for (const auto& v : r.verdicts) verdicts.push_back({{"kind", v.kind}, {"message", v.message}});
    t["verdicts"] = verdicts;
    OrderedJson series = OrderedJson::array();
    for (const auto& s : r.per_second) {
      OrderedJson point = {{"second", s.second}, {"ops", s.ops}, {"weight", s.weight}, {"bytes", s.bytes}};
      OrderedJson errors = OrderedJson::object();
      for (const auto& [k, v] : s.errors) errors[k] = v;
      point["errors"] = errors;
      point["throughput"] = s.cumulative_throughput ? OrderedJson(*s.cumulative_throughput) : OrderedJson(nullptr);
      series.push_back(std::move(point));
    }
    t["per_second"] = series;
    tasks.push_back(std::move(t));
  }
  report["tasks"] = tasks;
  return report.dump(2) + "\n";
}

}  // namespace rally::metrics
