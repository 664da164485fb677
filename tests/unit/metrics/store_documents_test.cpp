#include "rally/metrics/store_documents.hpp"

#include <cmath>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/metrics/hdr_histogram.hpp"
#include "rally/metrics/store_templates.hpp"

namespace rally::metrics {
namespace {

using nlohmann::json;

constexpr const char* race_id = "6ebc6e53-ee20-4b0c-99b4-09697987e9f4";
constexpr double race_start = 1454198400.0;  // 2016-01-31T00:00:00Z

RaceReport fixed_report() {
  RaceReport report;
  auto& meta = report.meta;
  meta.race_id = race_id;
  meta.race_timestamp = "2016-01-31T00:00:00Z";
  meta.track = "geonames";
  meta.challenge = "append-no-conflicts";
  meta.distribution = "opensearch";
  meta.distribution_version = "2.19.6";
  meta.user_tags = {{"intention", "ci"}};

  TaskResult bulk;
  bulk.task = "index-append";
  bulk.operation = "index-append";
  bulk.operation_type = "bulk";
  bulk.throughput_unit = "docs/s";
  bulk.throughput = ThroughputStats{1000, 1250, 1200, 1500};
  bulk.latency = {{50, 10.5}, {90, 20}, {100, 30}};
  bulk.service_time = {{50, 9.5}, {90, 19}, {100, 29}};
  bulk.error_rate = 2.5;  // percent
  bulk.duration_s = 2.5;
  bulk.per_second = {{0, 10, 1000, 0, {}, std::nullopt}, {1, 12, 1200, 0, {}, 1100.0}, {2, 13, 1300, 0, {}, 1200.0}};
  auto h = HdrHistogram::for_latency();
  for (long ms : {10, 20, 30}) h.record(ms * 1'000'000);
  bulk.histograms["latency"] = h.serialize();

  TaskResult health;  // an administrative task that did not fail: not in the results
  health.task = "check-cluster-health";
  health.operation = "check-cluster-health";
  health.operation_type = "cluster-health";
  health.include_in_reporting = false;
  health.latency = {{100, 3}};
  health.service_time = {{100, 3}};

  report.results = {bulk, health};
  report.cluster = {{"indexing_total_time", "Cumulative indexing time of primary shards", 1.5, "min"},
                    {"store_size_in_bytes", "Store size", 2, "GB"},
                    {"segments_count", "Segment count", 42, ""}};
  return report;
}

StoreContext fixed_context() {
  StoreContext context;
  context.environment = "nightly";
  context.rally_version = "0.1.0";
  context.track_params = R"({"bulk_size": 500})";
  context.race_start_s = race_start;
  context.race_end_s = race_start + 100;
  context.task_windows["index-append"] = {race_start + 10, race_start + 13.4};
  return context;
}

std::vector<json> named(const std::vector<StoreDocument>& docs, const std::string& name) {
  std::vector<json> out;
  for (const auto& d : docs) {
    if (d.source.value("name", "") == name) out.push_back(d.source);
  }
  return out;
}

TEST(StoreDocuments, RallysTimestampIndexNamesAndPercentileKeys) {
  EXPECT_EQ(rally_timestamp("2016-01-31T04:27:49Z"), "20160131T042749Z");
  EXPECT_EQ(store_index("metrics", "2024-05-01T12:00:00Z", 0), "rally-metrics-2024-05");
  EXPECT_EQ(store_index("races", "not a date", race_start), "rally-races-2016-01");
  EXPECT_EQ(percentile_key(50), "50_0");
  EXPECT_EQ(percentile_key(99.9), "99_9");
  EXPECT_EQ(percentile_key(99.99), "99_99");
  EXPECT_EQ(percentile_key(100), "100_0");
}

TEST(StoreDocuments, TheRaceDocument) {
  auto docs = build_store_documents(fixed_report(), fixed_context());
  ASSERT_EQ(docs.races.size(), 1U);
  const auto& race = docs.races[0];
  EXPECT_EQ(race.index, "rally-races-2016-01");
  EXPECT_EQ(race.id, race_id);
  const auto& d = race.source;
  EXPECT_EQ(d["race-id"], race_id);
  EXPECT_EQ(d["race-timestamp"], "20160131T000000Z");
  EXPECT_EQ(d["environment"], "nightly");
  EXPECT_EQ(d["rally-version"], "0.1.0");
  EXPECT_EQ(d["pipeline"], "benchmark-only");
  EXPECT_EQ(d["track"], "geonames");
  EXPECT_EQ(d["challenge"], "append-no-conflicts");
  EXPECT_EQ(d["car"], "external");
  EXPECT_EQ(d["user-tags"], json({{"intention", "ci"}}));
  EXPECT_EQ(d["track-params"], json({{"bulk_size", 500}}));
  EXPECT_EQ(d["cluster"], json({{"distribution-version", "2.19.6"}, {"distribution-flavor", "opensearch"}}));
  EXPECT_EQ(d["status"], "success");
  const auto& results = d["results"];
  ASSERT_EQ(results["op_metrics"].size(), 1U);  // the administrative task is not reported
  const auto& op = results["op_metrics"][0];
  EXPECT_EQ(op["task"], "index-append");
  EXPECT_EQ(op["throughput"],
            json({{"min", 1000.0}, {"mean", 1250.0}, {"median", 1200.0}, {"max", 1500.0}, {"unit", "docs/s"}}));
  EXPECT_EQ(op["latency"]["50_0"], 10.5);
  EXPECT_EQ(op["latency"]["100_0"], 30.0);
  EXPECT_NEAR(op["latency"]["mean"].get<double>(), 20.0, 0.05);  // from the histogram
  EXPECT_EQ(op["latency"]["unit"], "ms");
  EXPECT_FALSE(op["service_time"].contains("mean"));  // no histogram stored
  EXPECT_FALSE(op.contains("processing_time"));
  EXPECT_DOUBLE_EQ(op["error_rate"].get<double>(), 0.025);
  EXPECT_DOUBLE_EQ(op["duration"].get<double>(), 2500.0);
  EXPECT_DOUBLE_EQ(results["total_time"].get<double>(), 90'000.0);  // 1.5 min in ms
  EXPECT_DOUBLE_EQ(results["store_size"].get<double>(), 2.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(results["segment_count"].get<double>(), 42.0);
}

TEST(StoreDocuments, TheResultsDocuments) {
  auto docs = build_store_documents(fixed_report(), fixed_context());
  // Per reported task: throughput, latency, service_time, error_rate, duration; per cluster row one.
  ASSERT_EQ(docs.results.size(), 8U);
  std::vector<std::string> names;
  for (const auto& d : docs.results) {
    EXPECT_EQ(d.index, "rally-results-2016-01");
    EXPECT_TRUE(d.id.empty());
    EXPECT_EQ(d.source["race-id"], race_id);
    EXPECT_EQ(d.source["race-timestamp"], "20160131T000000Z");
    EXPECT_EQ(d.source["environment"], "nightly");
    EXPECT_EQ(d.source["track"], "geonames");
    EXPECT_EQ(d.source["challenge"], "append-no-conflicts");
    EXPECT_EQ(d.source["car"], "external");
    EXPECT_EQ(d.source["distribution-flavor"], "opensearch");
    EXPECT_EQ(d.source["distribution-version"], "2.19.6");
    EXPECT_EQ(d.source["distribution-major-version"], 2);
    EXPECT_EQ(d.source["user-tags"], json({{"intention", "ci"}}));
    EXPECT_EQ(d.source["active"], true);
    names.push_back(d.source["name"]);
  }
  EXPECT_THAT(names, ::testing::ElementsAre("duration", "error_rate", "latency", "segment_count", "service_time",
                                            "store_size", "throughput", "total_time"));  // sorted, as Rally's
  auto throughput = named(docs.results, "throughput").at(0);
  EXPECT_EQ(throughput["task"], "index-append");
  EXPECT_EQ(throughput["operation"], "index-append");
  EXPECT_EQ(throughput["value"]["median"], 1200.0);
  EXPECT_EQ(throughput["value"]["unit"], "docs/s");
  auto latency = named(docs.results, "latency").at(0);
  EXPECT_EQ(latency["value"]["90_0"], 20.0);
  EXPECT_DOUBLE_EQ(named(docs.results, "error_rate").at(0)["value"]["single"].get<double>(), 0.025);
  auto total_time = named(docs.results, "total_time").at(0);
  EXPECT_DOUBLE_EQ(total_time["value"]["single"].get<double>(), 90'000.0);
  EXPECT_FALSE(total_time.contains("task"));
}

TEST(StoreDocuments, TheMetricsDocuments) {
  auto docs = build_store_documents(fixed_report(), fixed_context());
  for (const auto& d : docs.metrics) {
    EXPECT_EQ(d.index, "rally-metrics-2016-01");
    EXPECT_EQ(d.source["race-id"], race_id);
    EXPECT_EQ(d.source["race-timestamp"], "20160131T000000Z");
    EXPECT_EQ(d.source["environment"], "nightly");
    EXPECT_EQ(d.source["car"], "external");
    EXPECT_EQ(d.source["sample-type"], "normal");
    EXPECT_EQ(d.source["track-params"], json({{"bulk_size", 500}}));
    EXPECT_EQ(d.source["meta"]["tag_intention"], "ci");
    EXPECT_EQ(d.source["meta"]["distribution_version"], "2.19.6");
    EXPECT_EQ(d.source["meta"]["distribution_flavor"], "opensearch");
  }
  // Throughput: one per second that has Rally's cumulative value, at the end of that second.
  auto throughput = named(docs.metrics, "throughput");
  ASSERT_EQ(throughput.size(), 2U);
  EXPECT_EQ(throughput[0]["value"], 1100.0);
  EXPECT_EQ(throughput[0]["unit"], "docs/s");
  EXPECT_EQ(throughput[0]["task"], "index-append");
  EXPECT_EQ(throughput[0]["operation"], "index-append");
  EXPECT_EQ(throughput[0]["operation-type"], "bulk");
  EXPECT_EQ(throughput[0]["@timestamp"], std::llround((race_start + 12) * 1000));
  EXPECT_EQ(throughput[0]["relative-time"], 12'000);
  EXPECT_EQ(throughput[1]["@timestamp"], std::llround((race_start + 13) * 1000));
  // Latency: one summary per task (Rally: one per request), for the admin task too.
  auto latency = named(docs.metrics, "latency");
  ASSERT_EQ(latency.size(), 2U);
  EXPECT_EQ(latency[0]["task"], "index-append");
  EXPECT_NEAR(latency[0]["value"].get<double>(), 20.0, 0.05);  // the mean
  EXPECT_NEAR(latency[0]["min"].get<double>(), 10.0, 0.05);
  EXPECT_NEAR(latency[0]["max"].get<double>(), 30.0, 0.05);
  EXPECT_EQ(latency[0]["median"], 10.5);
  EXPECT_EQ(latency[0]["percentiles"], json({{"50_0", 10.5}, {"90_0", 20.0}, {"100_0", 30.0}}));
  EXPECT_EQ(latency[0]["meta"]["sample_count"], 3);
  EXPECT_EQ(latency[0]["meta"]["summary"], "task");
  EXPECT_EQ(latency[0]["unit"], "ms");
  EXPECT_EQ(latency[0]["@timestamp"], std::llround((race_start + 13.4) * 1000));
  EXPECT_EQ(latency[1]["task"], "check-cluster-health");
  EXPECT_EQ(latency[1]["value"], 3.0);  // no histogram: the only percentile
  EXPECT_EQ(named(docs.metrics, "service_time").size(), 2U);
  EXPECT_TRUE(named(docs.metrics, "processing_time").empty());
  // Cluster rows in Rally's units, at the race's end, with no task.
  auto indexing = named(docs.metrics, "indexing_total_time").at(0);
  EXPECT_DOUBLE_EQ(indexing["value"].get<double>(), 90'000.0);
  EXPECT_EQ(indexing["unit"], "ms");
  EXPECT_FALSE(indexing.contains("task"));
  EXPECT_EQ(indexing["@timestamp"], std::llround((race_start + 100) * 1000));
  EXPECT_EQ(named(docs.metrics, "store_size_in_bytes").at(0)["unit"], "byte");
  EXPECT_FALSE(named(docs.metrics, "segments_count").at(0).contains("unit"));
  EXPECT_EQ(docs.metrics.size(), 4U + 2U + 3U);  // index-append, check-cluster-health, cluster rows
  EXPECT_EQ(docs.size(), 1U + 8U + 9U);
}

TEST(StoreDocuments, AFailedRacesResultsAreInactive) {
  auto report = fixed_report();
  report.meta.status = "failed";
  auto docs = build_store_documents(report, fixed_context());
  EXPECT_EQ(docs.races[0].source["status"], "failed");
  for (const auto& d : docs.results) EXPECT_EQ(d.source["active"], false);
}

TEST(StoreDocuments, NoTrackParamsNoField) {
  auto context = fixed_context();
  context.track_params = "{}";
  auto docs = build_store_documents(fixed_report(), context);
  EXPECT_FALSE(docs.races[0].source.contains("track-params"));
  EXPECT_FALSE(docs.results[0].source.contains("track-params"));
  EXPECT_FALSE(docs.metrics[0].source.contains("track-params"));
}

TEST(StoreDocuments, SecretTrackParamsAreMasked) {
  auto context = fixed_context();
  context.track_params = R"({"bulk_size": 500, "secret_token": "hunter22"})";
  auto docs = build_store_documents(fixed_report(), context);
  json expected = {{"bulk_size", 500}, {"secret_token", "*****"}};
  for (const auto* group : {&docs.races, &docs.results, &docs.metrics}) {
    for (const auto& d : *group) EXPECT_EQ(d.source["track-params"], expected);
  }
}

TEST(StoreTemplates, MapTheFieldsSensibly) {
  StoreConfig config;
  config.number_of_shards = 3;
  auto templates = store_templates(config);
  ASSERT_EQ(templates.size(), 3U);
  EXPECT_EQ(templates[0].name, "rally-metrics");
  EXPECT_EQ(templates[0].body["index_patterns"], json::array({"rally-metrics-*"}));
  const auto& metrics = templates[0].body["mappings"]["properties"];
  EXPECT_EQ(metrics["@timestamp"], json({{"type", "date"}, {"format", "epoch_millis"}}));
  EXPECT_EQ(metrics["race-timestamp"]["format"], "basic_date_time_no_millis");
  EXPECT_EQ(metrics["value"]["type"], "double");
  EXPECT_EQ(metrics["name"]["type"], "keyword");
  EXPECT_EQ(templates[0].body["settings"]["index"]["number_of_shards"], 3);
  EXPECT_FALSE(templates[0].body["settings"]["index"].contains("number_of_replicas"));
  EXPECT_EQ(templates[1].name, "rally-races");
  EXPECT_EQ(templates[1].body["index_patterns"], json::array({"rally-races-*"}));
  EXPECT_EQ(templates[2].name, "rally-results");
  EXPECT_EQ(templates[2].body["mappings"]["properties"]["value"]["properties"]["single"]["type"], "double");
  EXPECT_EQ(templates[2].body["mappings"]["properties"]["active"]["type"], "boolean");
}

}  // namespace
}  // namespace rally::metrics
