#include "rally/metrics/cluster_metrics.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

namespace rally::metrics {

namespace {

using Json = nlohmann::json;

std::optional<double> number_at(const Json& doc, const std::vector<const char*>& path) {
  const Json* node = &doc;
  for (const char* key : path) {
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(key);
    if (it == node->end()) return std::nullopt;
    node = &*it;
  }
  if (!node->is_number()) return std::nullopt;
  return node->get<double>();
}

// A counter's growth from start to end; from zero when it went down (the index was new).
double growth(std::optional<double> start, double end) {
  double from = start.value_or(0);
  return end >= from ? end - from : end;
}

// Primary shards' values at `path`, by index and shard number.
std::map<std::pair<std::string, std::string>, double> primary_shard_values(const Json& stats,
                                                                           const std::vector<const char*>& path) {
  std::map<std::pair<std::string, std::string>, double> out;
  auto indices = stats.find("indices");
  if (indices == stats.end() || !indices->is_object()) return out;
  for (const auto& [index, index_stats] : indices->items()) {
    auto shards = index_stats.find("shards");
    if (shards == index_stats.end() || !shards->is_object()) continue;
    for (const auto& [number, copies] : shards->items()) {
      if (!copies.is_array()) continue;
      for (const auto& copy : copies) {
        const auto routing = copy.find("routing");
        bool is_primary = routing != copy.end() && routing->is_object() && routing->value("primary", false);
        if (!is_primary) continue;
        if (auto v = number_at(copy, path)) out[{index, number}] = *v;
      }
    }
  }
  return out;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  auto n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double sum_over_nodes(const Json& node_stats, const char* collector, const char* field) {
  double sum = 0;
  auto nodes = node_stats.find("nodes");
  if (nodes == node_stats.end() || !nodes->is_object()) return sum;
  for (const auto& [id, node] : nodes->items()) {
    sum += number_at(node, {"jvm", "gc", "collectors", collector, field}).value_or(0);
  }
  return sum;
}

bool has_gc(const Json& node_stats) {
  auto nodes = node_stats.find("nodes");
  return nodes != node_stats.end() && nodes->is_object() && !nodes->empty();
}

constexpr double ms_per_min = 60'000;
constexpr double bytes_per_gb = 1024.0 * 1024 * 1024;

}  // namespace

std::vector<ClusterMetric> cluster_metrics(const ClusterSnapshot& start, const ClusterSnapshot& end) {
  std::vector<ClusterMetric> out;
  const Json& s = start.index_stats;
  const Json& e = end.index_stats;
  auto cumulative = [&](const char* key, const std::string& label, std::initializer_list<const char*> path, bool time) {
    std::vector<const char*> full{"_all", "primaries"};
    full.insert(full.end(), path.begin(), path.end());
    auto value = number_at(e, full);
    if (!value) return;
    double v = growth(number_at(s, full), *value);
    out.push_back({key, label, time ? v / ms_per_min : v, time ? "min" : ""});
  };
  auto across_shards = [&](const char* key, const std::string& what, const std::vector<const char*>& path) {
    auto before = primary_shard_values(s, path);
    auto after = primary_shard_values(e, path);
    std::vector<double> values;
    for (const auto& [shard, value] : after) {
      auto it = before.find(shard);
      values.push_back(growth(it == before.end() ? std::nullopt : std::optional<double>(it->second), value) /
                       ms_per_min);
    }
    if (values.empty()) return;
    std::string k = key;
    out.push_back({"min_" + k, "Min cumulative " + what + " across primary shards",
                   *std::min_element(values.begin(), values.end()), "min"});
    out.push_back({"median_" + k, "Median cumulative " + what + " across primary shards", median(values), "min"});
    out.push_back({"max_" + k, "Max cumulative " + what + " across primary shards",
                   *std::max_element(values.begin(), values.end()), "min"});
  };

  cumulative("indexing_total_time", "Cumulative indexing time of primary shards", {"indexing", "index_time_in_millis"},
             true);
  across_shards("indexing_total_time", "indexing time", {"indexing", "index_time_in_millis"});
  cumulative("indexing_throttle_time", "Cumulative indexing throttle time of primary shards",
             {"indexing", "throttle_time_in_millis"}, true);
  across_shards("indexing_throttle_time", "indexing throttle time", {"indexing", "throttle_time_in_millis"});
  cumulative("merges_total_time", "Cumulative merge time of primary shards", {"merges", "total_time_in_millis"}, true);
  cumulative("merges_total_count", "Cumulative merge count of primary shards", {"merges", "total"}, false);
  across_shards("merges_total_time", "merge time", {"merges", "total_time_in_millis"});
  cumulative("merges_total_throttled_time", "Cumulative merge throttle time of primary shards",
             {"merges", "total_throttled_time_in_millis"}, true);
  across_shards("merges_total_throttled_time", "merge throttle time", {"merges", "total_throttled_time_in_millis"});
  cumulative("refresh_total_time", "Cumulative refresh time of primary shards", {"refresh", "total_time_in_millis"},
             true);
  cumulative("refresh_total_count", "Cumulative refresh count of primary shards", {"refresh", "total"}, false);
  across_shards("refresh_total_time", "refresh time", {"refresh", "total_time_in_millis"});
  cumulative("flush_total_time", "Cumulative flush time of primary shards", {"flush", "total_time_in_millis"}, true);
  cumulative("flush_total_count", "Cumulative flush count of primary shards", {"flush", "total"}, false);
  across_shards("flush_total_time", "flush time", {"flush", "total_time_in_millis"});

  if (has_gc(end.node_stats)) {
    for (const auto& [collector, label] : {std::pair{"young", "Young"}, std::pair{"old", "Old"}}) {
      double time = sum_over_nodes(end.node_stats, collector, "collection_time_in_millis");
      double count = sum_over_nodes(end.node_stats, collector, "collection_count");
      std::optional<double> time0, count0;
      if (has_gc(start.node_stats)) {
        time0 = sum_over_nodes(start.node_stats, collector, "collection_time_in_millis");
        count0 = sum_over_nodes(start.node_stats, collector, "collection_count");
      }
      std::string c = collector;
      out.push_back({c + "_gc_time", std::string("Total ") + label + " Gen GC time", growth(time0, time) / 1000, "s"});
      out.push_back({c + "_gc_count", std::string("Total ") + label + " Gen GC count", growth(count0, count), ""});
    }
  }

  if (auto v = number_at(e, {"_all", "total", "store", "size_in_bytes"}))
    out.push_back({"store_size_in_bytes", "Store size", *v / bytes_per_gb, "GB"});
  if (auto v = number_at(e, {"_all", "total", "translog", "size_in_bytes"}))
    out.push_back({"translog_size_in_bytes", "Translog size", *v / bytes_per_gb, "GB"});
  if (auto v = number_at(e, {"_all", "primaries", "segments", "count"}))
    out.push_back({"segments_count", "Segment count", *v, ""});
  return out;
}

}  // namespace rally::metrics
