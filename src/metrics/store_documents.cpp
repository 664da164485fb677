#include "rally/metrics/store_documents.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <optional>
#include <utility>

#include "rally/common/redaction.hpp"
#include "rally/common/text.hpp"

namespace rally::metrics {

namespace {

// A benchmark-only race has no car; Rally names it "external".
constexpr const char* car = "external";
constexpr const char* pipeline = "benchmark-only";

bool is_digits(const std::string& s, std::size_t from, std::size_t count) {
  if (s.size() < from + count) return false;
  return std::all_of(s.begin() + static_cast<long>(from), s.begin() + static_cast<long>(from + count),
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t epoch_ms(double seconds) { return static_cast<std::int64_t>(std::llround(seconds * 1000.0)); }

nlohmann::json user_tags(const ReportMeta& meta) {
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [key, value] : meta.user_tags) tags[key] = value;
  return tags;
}

nlohmann::json track_params(const StoreContext& context) {
  auto params = nlohmann::json::parse(context.track_params.empty() ? "{}" : context.track_params, nullptr, false);
  // secret_* params are masked (Rally's convention); they were used to render the track.
  return params.is_object() ? mask_secret_params(std::move(params)) : nlohmann::json::object();
}

// A time metric of a task as Rally's results hold it: percentiles by encoded key, the mean
// (from the stored histogram) and the unit; empty when the task has none.
nlohmann::json time_summary(const TaskResult& r, const std::string& name, const std::vector<Percentile>& percentiles) {
  nlohmann::json value = nlohmann::json::object();
  if (percentiles.empty()) return value;
  for (const auto& p : percentiles) value[percentile_key(p.percentile)] = p.value_ms;
  if (auto h = r.histogram(name); h && !h->empty()) value["mean"] = h->mean() / 1e6;
  value["unit"] = "ms";
  return value;
}

struct TimeMetric {
  const char* name;
  const std::vector<Percentile>& values;
};

std::vector<TimeMetric> time_metrics(const TaskResult& r) {
  return {{"latency", r.latency}, {"service_time", r.service_time}, {"processing_time", r.processing_time}};
}

// One element of Rally's results.op_metrics.
nlohmann::json op_metrics(const TaskResult& r) {
  nlohmann::json item = {{"task", r.task}, {"operation", r.operation}};
  if (r.throughput) {
    item["throughput"] = {{"min", r.throughput->min},
                          {"mean", r.throughput->mean},
                          {"median", r.throughput->median},
                          {"max", r.throughput->max},
                          {"unit", r.throughput_unit}};
  }
  for (const auto& metric : time_metrics(r)) {
    auto summary = time_summary(r, metric.name, metric.values);
    if (!summary.empty()) item[metric.name] = std::move(summary);
  }
  item["error_rate"] = r.error_rate / 100.0;  // Rally stores a fraction; the report shows percent
  item["duration"] = r.duration_s * 1000.0;   // ms, as Rally
  return item;
}

// A cluster row in Rally's units (ms, bytes, counts), with Rally's metrics-store unit.
std::pair<double, std::string> rally_units(const ClusterMetric& m) {
  if (m.unit == "min") return {m.value * 60'000.0, "ms"};
  if (m.unit == "s") return {m.value * 1000.0, "ms"};
  if (m.unit == "ms") return {m.value, "ms"};
  if (m.unit == "GB") return {m.value * 1024.0 * 1024.0 * 1024.0, "byte"};
  if (m.unit == "MB") return {m.value * 1024.0 * 1024.0, "byte"};
  if (m.unit == "kB" || m.unit == "KB") return {m.value * 1024.0, "byte"};
  if (m.unit == "bytes" || m.unit == "byte" || m.unit == "B") return {m.value, "byte"};
  return {m.value, m.unit};
}

// The name Rally's results (GlobalStats) give a cluster metric of its metrics store.
std::string results_name(const std::string& key) {
  static const std::map<std::string, std::string> names = {
      {"indexing_total_time", "total_time"},
      {"indexing_throttle_time", "indexing_throttle_time"},
      {"merges_total_time", "merge_time"},
      {"merges_total_count", "merge_count"},
      {"merges_total_throttled_time", "merge_throttle_time"},
      {"refresh_total_time", "refresh_time"},
      {"refresh_total_count", "refresh_count"},
      {"flush_total_time", "flush_time"},
      {"flush_total_count", "flush_count"},
      {"segments_count", "segment_count"},
      {"store_size_in_bytes", "store_size"},
      {"translog_size_in_bytes", "translog_size"},
      {"dataset_size_in_bytes", "dataset_size"},
  };
  auto it = names.find(key);
  return it == names.end() ? key : it->second;
}

class Builder {
 public:
  Builder(const RaceReport& report, const StoreContext& context)
      : report_(report), context_(context), params_(track_params(context)) {
    const auto& meta = report.meta;
    auto fallback = context.race_start_s;
    races_index_ = store_index("races", meta.race_timestamp, fallback);
    results_index_ = store_index("results", meta.race_timestamp, fallback);
    metrics_index_ = store_index("metrics", meta.race_timestamp, fallback);
    timestamp_ = rally_timestamp(meta.race_timestamp);
    metric_meta_ = nlohmann::json::object();
    if (!meta.distribution_version.empty()) metric_meta_["distribution_version"] = meta.distribution_version;
    if (!meta.distribution.empty()) metric_meta_["distribution_flavor"] = meta.distribution;
    // Rally prefixes user tags with tag_ in the metrics' meta, to keep them apart from its own.
    for (const auto& [key, value] : meta.user_tags) metric_meta_["tag_" + key] = value;
  }

  StoreDocuments build() {
    StoreDocuments docs;
    docs.races.push_back({races_index_, report_.meta.race_id, race()});
    docs.results = results();
    docs.metrics = metrics();
    return docs;
  }

 private:
  nlohmann::json race() const {
    const auto& meta = report_.meta;
    nlohmann::json doc = {
        {"rally-version", context_.rally_version},
        {"environment", context_.environment},
        {"race-id", meta.race_id},
        {"race-timestamp", timestamp_},
        {"pipeline", pipeline},
        {"user-tags", user_tags(meta)},
        {"track", meta.track},
        {"challenge", meta.challenge},
        {"car", car},
        {"cluster", {{"distribution-version", meta.distribution_version}, {"distribution-flavor", meta.distribution}}},
        {"status", meta.status}};
    if (!params_.empty()) doc["track-params"] = params_;
    nlohmann::json results = {{"op_metrics", nlohmann::json::array()}};
    for (const auto& r : report_.results) {
      if (is_reported(r)) results["op_metrics"].push_back(op_metrics(r));
    }
    for (const auto& m : report_.cluster) results[results_name(m.key)] = rally_units(m).first;
    doc["results"] = std::move(results);
    return doc;
  }

  nlohmann::json result_base() const {
    const auto& meta = report_.meta;
    nlohmann::json doc = {{"rally-version", context_.rally_version},
                          {"environment", context_.environment},
                          {"race-id", meta.race_id},
                          {"race-timestamp", timestamp_},
                          {"distribution-flavor", meta.distribution},
                          {"distribution-version", meta.distribution_version},
                          {"user-tags", user_tags(meta)},
                          {"track", meta.track},
                          {"challenge", meta.challenge},
                          {"car", car},
                          // Rally's flag to hide results from charts; a failed race's are hidden.
                          {"active", meta.status != "failed"}};
    if (int major = major_version(meta.distribution_version); major > 0) doc["distribution-major-version"] = major;
    if (!params_.empty()) doc["track-params"] = params_;
    return doc;
  }

  std::vector<StoreDocument> results() const {
    std::vector<nlohmann::json> docs;
    auto add = [&](nlohmann::json fields) {
      auto doc = result_base();
      doc.update(fields);
      docs.push_back(std::move(doc));
    };
    for (const auto& r : report_.results) {
      if (!is_reported(r)) continue;
      auto item = op_metrics(r);
      for (const char* name : {"throughput", "latency", "service_time", "processing_time"}) {
        if (item.contains(name))
          add({{"task", r.task}, {"operation", r.operation}, {"name", name}, {"value", item[name]}});
      }
      add({{"task", r.task},
           {"operation", r.operation},
           {"name", "error_rate"},
           {"value", {{"single", item["error_rate"]}}}});
      add({{"task", r.task},
           {"operation", r.operation},
           {"name", "duration"},
           {"value", {{"single", item["duration"]}}}});
    }
    for (const auto& m : report_.cluster) {
      add({{"name", results_name(m.key)}, {"value", {{"single", rally_units(m).first}}}});
    }
    // Rally sorts its results by name (stable: tasks keep their order).
    std::stable_sort(docs.begin(), docs.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
      return a["name"].get<std::string>() < b["name"].get<std::string>();
    });
    std::vector<StoreDocument> out;
    for (auto& doc : docs) out.push_back({results_index_, "", std::move(doc)});
    return out;
  }

  nlohmann::json metric(double at_s, const std::string& name, double value, const std::string& unit,
                        const TaskResult* task) const {
    const auto& meta = report_.meta;
    nlohmann::json doc = {{"@timestamp", epoch_ms(at_s)},
                          {"relative-time", epoch_ms(at_s - context_.race_start_s)},
                          {"race-id", meta.race_id},
                          {"race-timestamp", timestamp_},
                          {"environment", context_.environment},
                          {"track", meta.track},
                          {"challenge", meta.challenge},
                          {"car", car},
                          {"name", name},
                          {"value", value},
                          {"sample-type", "normal"},
                          {"meta", metric_meta_}};
    if (!unit.empty()) doc["unit"] = unit;
    if (!params_.empty()) doc["track-params"] = params_;
    if (task != nullptr) {
      doc["task"] = task->task;
      doc["operation"] = task->operation;
      doc["operation-type"] = task->operation_type;
    }
    return doc;
  }

  [[nodiscard]] TaskWindow window(const TaskResult& r) const {
    auto it = context_.task_windows.find(r.task);
    if (it != context_.task_windows.end()) return it->second;
    return {context_.race_end_s - r.duration_s, context_.race_end_s};
  }

  std::vector<StoreDocument> metrics() const {
    std::vector<StoreDocument> out;
    auto add = [&](nlohmann::json doc) { out.push_back({metrics_index_, "", std::move(doc)}); };
    for (const auto& r : report_.results) {
      auto w = window(r);
      // Rally's throughput samples: the cumulative average at the end of each second of the step.
      for (const auto& second : r.per_second) {
        if (!second.cumulative_throughput) continue;
        auto at = std::min(w.step_start_s + static_cast<double>(second.second) + 1.0, w.end_s);
        add(metric(at, "throughput", *second.cumulative_throughput, r.throughput_unit, &r));
      }
      // Rally stores one latency (service time, processing time) document per request; rally
      // keeps histograms, so one summary per task: the mean as the value, beside min, median,
      // max and the percentiles.
      for (const auto& m : time_metrics(r)) {
        if (m.values.empty()) continue;
        auto h = r.histogram(m.name);
        std::optional<double> p50;
        for (const auto& p : m.values) {
          if (p.percentile == 50) p50 = p.value_ms;
        }
        bool has_histogram = h && !h->empty();
        double mean = has_histogram ? h->mean() / 1e6 : p50.value_or(m.values.front().value_ms);
        auto doc = metric(w.end_s, m.name, mean, "ms", &r);
        if (has_histogram) {
          doc["min"] = static_cast<double>(h->min()) / 1e6;
          doc["mean"] = mean;
          doc["max"] = static_cast<double>(h->max()) / 1e6;
          doc["meta"]["sample_count"] = h->total_count();
        }
        if (p50) doc["median"] = *p50;
        nlohmann::json percentiles = nlohmann::json::object();
        for (const auto& p : m.values) percentiles[percentile_key(p.percentile)] = p.value_ms;
        doc["percentiles"] = std::move(percentiles);
        doc["meta"]["summary"] = "task";
        add(std::move(doc));
      }
    }
    for (const auto& m : report_.cluster) {
      auto [value, unit] = rally_units(m);
      add(metric(context_.race_end_s, m.key, value, unit, nullptr));
    }
    return out;
  }

  const RaceReport& report_;
  const StoreContext& context_;
  nlohmann::json params_;
  std::string races_index_, results_index_, metrics_index_;
  std::string timestamp_;
  nlohmann::json metric_meta_;
};

}  // namespace

std::string rally_timestamp(const std::string& iso_timestamp) {
  std::string out;
  for (char c : iso_timestamp) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

std::string store_index(const std::string& kind, const std::string& race_timestamp, double fallback_epoch_s) {
  std::string month;
  if (is_digits(race_timestamp, 0, 4) && race_timestamp.size() > 7 && race_timestamp[4] == '-' &&
      is_digits(race_timestamp, 5, 2)) {
    month = race_timestamp.substr(0, 7);
  } else {
    auto t = static_cast<std::time_t>(fallback_epoch_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m", &tm);
    month = buf;
  }
  return "rally-" + kind + "-" + month;
}

StoreDocuments build_store_documents(const RaceReport& report, const StoreContext& context) {
  return Builder(report, context).build();
}

}  // namespace rally::metrics
