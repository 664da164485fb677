#include "rally/metrics/cluster_metrics.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rally::metrics {
namespace {

using Json = nlohmann::json;

Json shard(bool primary, double index_ms, double merge_ms) {
  return {{"routing", {{"primary", primary}}},
          {"indexing", {{"index_time_in_millis", index_ms}, {"throttle_time_in_millis", 0}}},
          {"merges", {{"total_time_in_millis", merge_ms}, {"total", 1}, {"total_throttled_time_in_millis", 0}}}};
}

Json index_stats(double scale) {
  Json primaries = {{"indexing", {{"index_time_in_millis", 120'000 * scale}, {"throttle_time_in_millis", 0}}},
                    {"merges",
                     {{"total_time_in_millis", 60'000 * scale},
                      {"total", 10 * scale},
                      {"total_throttled_time_in_millis", 6'000 * scale}}},
                    {"refresh", {{"total_time_in_millis", 30'000 * scale}, {"total", 100 * scale}}},
                    {"flush", {{"total_time_in_millis", 0}, {"total", 2 * scale}}},
                    {"segments", {{"count", 17 * scale}}}};
  Json total = {{"store", {{"size_in_bytes", 2 * 1024.0 * 1024 * 1024 * scale}}},
                {"translog", {{"size_in_bytes", 512 * 1024.0 * 1024 * scale}}}};
  Json shards = {{"0", {shard(true, 60'000 * scale, 6'000 * scale), shard(false, 999'999, 999'999)}},
                 {"1", {shard(true, 30'000 * scale, 0)}},
                 {"2", {shard(true, 30'000 * scale, 0)}}};
  return {{"_all", {{"primaries", primaries}, {"total", total}}}, {"indices", {{"geonames", {{"shards", shards}}}}}};
}

Json node_stats(double young_ms, double young_count) {
  Json gc = {{"collectors",
              {{"young", {{"collection_time_in_millis", young_ms}, {"collection_count", young_count}}},
               {"old", {{"collection_time_in_millis", 0}, {"collection_count", 0}}}}}};
  return {{"nodes", {{"n1", {{"jvm", {{"gc", gc}}}}}, {"n2", {{"jvm", {{"gc", gc}}}}}}}};
}

std::map<std::string, ClusterMetric> by_key(const std::vector<ClusterMetric>& metrics) {
  std::map<std::string, ClusterMetric> out;
  for (const auto& m : metrics) out[m.key] = m;
  return out;
}

TEST(ClusterMetrics, CountersCoverTheRaceOnlyAndSizesAreAtTheEnd) {
  ClusterSnapshot start{index_stats(1), node_stats(1'000, 10)};
  ClusterSnapshot end{index_stats(3), node_stats(4'000, 25)};
  auto m = by_key(cluster_metrics(start, end));
  EXPECT_DOUBLE_EQ(m["indexing_total_time"].value, 4);  // (360 s - 120 s) in minutes
  EXPECT_EQ(m["indexing_total_time"].unit, "min");
  EXPECT_EQ(m["indexing_total_time"].label, "Cumulative indexing time of primary shards");
  EXPECT_DOUBLE_EQ(m["merges_total_count"].value, 20);
  EXPECT_EQ(m["merges_total_count"].unit, "");
  EXPECT_DOUBLE_EQ(m["merges_total_throttled_time"].value, 0.2);
  EXPECT_DOUBLE_EQ(m["refresh_total_time"].value, 1);
  // Across primary shards (replicas ignored): growth 2, 1 and 1 minutes.
  EXPECT_DOUBLE_EQ(m["min_indexing_total_time"].value, 1);
  EXPECT_DOUBLE_EQ(m["median_indexing_total_time"].value, 1);
  EXPECT_DOUBLE_EQ(m["max_indexing_total_time"].value, 2);
  // GC summed over nodes: 2 x 3 s, 2 x 15 collections.
  EXPECT_DOUBLE_EQ(m["young_gc_time"].value, 6);
  EXPECT_DOUBLE_EQ(m["young_gc_count"].value, 30);
  EXPECT_EQ(m["young_gc_time"].label, "Total Young Gen GC time");
  EXPECT_DOUBLE_EQ(m["store_size_in_bytes"].value, 6);  // GB at the end
  EXPECT_DOUBLE_EQ(m["translog_size_in_bytes"].value, 1.5);
  EXPECT_DOUBLE_EQ(m["segments_count"].value, 51);
}

TEST(ClusterMetrics, RowsInRallysOrder) {
  auto metrics = cluster_metrics({}, ClusterSnapshot{index_stats(1), node_stats(1, 1)});
  ASSERT_GE(metrics.size(), 4u);
  EXPECT_EQ(metrics.front().key, "indexing_total_time");
  EXPECT_EQ(metrics.back().key, "segments_count");
}

TEST(ClusterMetrics, ACounterThatWentDownCountsFromZero) {
  // The index was deleted and created again during the race.
  auto m = by_key(cluster_metrics(ClusterSnapshot{index_stats(5), {}}, ClusterSnapshot{index_stats(1), {}}));
  EXPECT_DOUBLE_EQ(m["indexing_total_time"].value, 2);
}

TEST(ClusterMetrics, MissingOrForeignDocumentsGiveNoRows) {
  EXPECT_TRUE(cluster_metrics({}, {}).empty());
  ClusterSnapshot odd{Json{{"_all", "not an object"}, {"indices", 3}}, Json{{"nodes", Json::array()}}};
  EXPECT_TRUE(cluster_metrics(odd, odd).empty());
}

}  // namespace
}  // namespace rally::metrics
