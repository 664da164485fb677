#include "rally/metrics/report.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/metrics/task_result.hpp"

#include "unit/temp_dir.hpp"

namespace rally::metrics {
namespace {

using ::testing::HasSubstr;

// The fixed input of the golden files in tests/unit/metrics/golden/.
std::vector<TaskResult> golden_results() {
  std::vector<TaskResult> results;

  TaskResult bulk;
  bulk.task = "index-append";
  bulk.operation = "index-append";
  bulk.operation_type = "bulk";
  bulk.throughput_unit = "docs/s";
  bulk.throughput = ThroughputStats{9876.5, 12345.678, 12000, 15000.25};
  bulk.latency = {{50, 10.5}, {90, 20.25}, {100, 31}};
  bulk.service_time = {{50, 9.75}, {90, 19}, {100, 30.125}};
  bulk.processing_time = {{50, 11}, {90, 21.5}, {100, 32}};
  bulk.requests = 20;
  bulk.total_weight = 2000;
  bulk.target_throughput = 10;
  bulk.achieved_ops_per_s = 8.5;
  bulk.schedule_lag = {{50, 0.5}, {90, 120}, {100, 400}};
  bulk.driver_load = DriverLoad{41.5, 97.25, {{50, 0.05}, {100, 12.5}}};
  bulk.verdicts = {{"target-throughput-missed", "achieved 8.5 ops/s of the target 10 ops/s (-15%)"}};
  bulk.per_second = {SecondStats{3, 9, 900, 250000, {}, std::nullopt},
                     SecondStats{4, 11, 1100, 300000, {{"http", 1}}, 1000.5}};
  results.push_back(bulk);

  TaskResult hidden;  // an administrative task that did not fail is not reported
  hidden.task = "delete-index";
  hidden.operation = "delete-index";
  hidden.operation_type = "delete-index";
  hidden.include_in_reporting = false;
  hidden.throughput = ThroughputStats{1, 1, 1, 1};
  hidden.latency = {{100, 12}};
  hidden.requests = 1;
  results.push_back(hidden);

  TaskResult failed_admin;  // ... unless it failed
  failed_admin.task = "create-index";
  failed_admin.operation = "create-index";
  failed_admin.operation_type = "create-index";
  failed_admin.include_in_reporting = false;
  failed_admin.latency = {{100, 2.5}};
  failed_admin.requests = 1;
  failed_admin.failed_requests = 1;
  failed_admin.error_rate = 100;
  results.push_back(failed_admin);

  TaskResult search;
  search.task = "term, \"quoted\"";  // exercises CSV quoting
  search.operation = "term";
  search.operation_type = "search";
  search.throughput = ThroughputStats{0.5, 1.0 / 3, 0.75, 1234567.8};
  search.latency = {{50, 1}, {90, 2}, {99, 3}, {99.9, 4}, {99.99, 5}, {100, 6}};
  search.requests = 10000;
  search.failed_requests = 3;
  search.error_rate = 0.03;
  results.push_back(search);
  return results;
}

std::string golden(const std::string& name) {
  return rally::testing::read_file(std::string(RALLY_SOURCE_DIR) + "/tests/unit/metrics/golden/" + name);
}

TEST(Report, MarkdownMatchesTheGoldenFile) {
  auto expected = golden("report.md");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(format_markdown(report_lines(golden_results())), expected);
}

TEST(Report, CsvMatchesTheGoldenFile) {
  auto expected = golden("report.csv");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(format_csv(report_lines(golden_results())), expected);
}

ReportMeta golden_meta() {
  return ReportMeta{"2b7c5e7e-0000-4000-8000-000000000001",
                    "2026-11-29T02:00:00Z",
                    "success",
                    "tiny",
                    "append-and-search",
                    "opensearch",
                    "2.19.6",
                    {{"intention", "golden"}},
                    {"a note"}};
}

RaceReport golden_report() {
  RaceReport report{golden_meta(), golden_results(), {}};
  report.cluster = {{"indexing_total_time", "Cumulative indexing time of primary shards", 1.25, "min"},
                    {"segments_count", "Segment count", 42, ""}};
  return report;
}

TEST(Report, JsonMatchesTheGoldenFile) {
  auto actual = format_json(golden_report());
  if (std::getenv("RALLY_UPDATE_GOLDEN")) {  // regenerate after a deliberate change, then review the diff
    std::ofstream(std::string(RALLY_SOURCE_DIR) + "/tests/unit/metrics/golden/report.json") << actual;
  }
  auto expected = golden("report.json");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(actual, expected);
}

// The markdown a race prints: cluster rows, Rally's rows, the error breakdown, the verdicts.
TEST(Report, RenderedMarkdownMatchesTheGoldenFile) {
  auto report = golden_report();
  report.results[2].errors_by_class = {{"http", 1}};
  report.results[2].errors_by_kind = {{"HTTP 400 resource_already_exists_exception", 1}};
  report.results[3].errors_by_class = {{"http", 2}, {"timeout", 1}};
  report.results[3].errors_by_kind = {{"HTTP 404 index_not_found_exception", 2}, {"timeout", 1}};
  auto actual = render_report(report, "markdown");
  if (std::getenv("RALLY_UPDATE_GOLDEN")) {
    std::ofstream(std::string(RALLY_SOURCE_DIR) + "/tests/unit/metrics/golden/report_rendered.md") << actual;
  }
  auto expected = golden("report_rendered.md");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(actual, expected);
}

TEST(Report, ErrorSummaryWithoutClassesHasNoEmptyParentheses) {
  TaskResult r;
  r.task = "t";
  r.requests = 4;
  r.failed_requests = 1;
  EXPECT_THAT(format_errors_markdown({r}), HasSubstr("t: 1 of 4 requests failed\n"));
}

TEST(Report, JsonIsVersionedAndCarriesWhatToolsNeed) {
  auto doc = nlohmann::json::parse(format_json(golden_report()));
  EXPECT_EQ(doc["schema"], "rally-report/1");
  EXPECT_EQ(doc["race"]["cluster"]["distribution"], "opensearch");
  EXPECT_EQ(doc["race"]["user-tags"]["intention"], "golden");
  const auto& tasks = doc["tasks"];
  ASSERT_FALSE(tasks.empty());
  EXPECT_EQ(tasks[0]["task"], "index-append");
  EXPECT_EQ(tasks[0]["throughput"]["unit"], "docs/s");
  EXPECT_DOUBLE_EQ(tasks[0]["latency_ms"]["50"].get<double>(), 10.5);
  for (const auto& t : tasks) EXPECT_NE(t["task"], "delete-index");  // not reported, as in the table
  EXPECT_EQ(doc["cluster"][0]["metric"], "indexing_total_time");
  EXPECT_EQ(tasks[0]["verdicts"][0]["kind"], "target-throughput-missed");
  EXPECT_EQ(tasks[0]["per_second"][1]["errors"]["http"], 1);
  EXPECT_TRUE(tasks[0]["per_second"][0]["throughput"].is_null());
  EXPECT_DOUBLE_EQ(tasks[0]["schedule_lag_ms"]["90"].get<double>(), 120);
}

TEST(Report, AdministrativeTasksAppearOnlyWhenTheyFailed) {
  auto lines = report_lines(golden_results());
  std::vector<std::string> tasks;
  for (const auto& l : lines) {
    if (tasks.empty() || tasks.back() != l.task) tasks.push_back(l.task);
  }
  EXPECT_EQ(tasks, (std::vector<std::string>{"index-append", "create-index", "term, \"quoted\""}));
}

TEST(Report, RowsOfOneTaskInRallysOrder) {
  auto results = golden_results();
  auto lines = report_lines({results[0]});
  std::vector<std::string> metrics;
  for (const auto& l : lines) metrics.push_back(l.metric + " [" + l.unit + "]");
  EXPECT_EQ(metrics, (std::vector<std::string>{
                         "Min Throughput [docs/s]", "Mean Throughput [docs/s]", "Median Throughput [docs/s]",
                         "Max Throughput [docs/s]", "50th percentile latency [ms]", "90th percentile latency [ms]",
                         "100th percentile latency [ms]", "50th percentile service time [ms]",
                         "90th percentile service time [ms]", "100th percentile service time [ms]",
                         "50th percentile processing time [ms]", "90th percentile processing time [ms]",
                         "100th percentile processing time [ms]", "error rate [%]"}));
}

TEST(Report, EmptyInputGivesOnlyTheHeader) {
  EXPECT_EQ(format_csv({}), "Metric,Task,Value,Unit\n");
  EXPECT_EQ(format_markdown({}), "| Metric | Task | Value | Unit |\n|-------:|-----:|------:|-----:|\n");
}

TEST(FormatNumber, SixSignificantDigits) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(1), "1");
  EXPECT_EQ(format_number(100), "100");
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(99.9), "99.9");
  EXPECT_EQ(format_number(99.99), "99.99");
  EXPECT_EQ(format_number(1.0 / 3), "0.333333");
  EXPECT_EQ(format_number(2.0 / 3), "0.666667");
  EXPECT_EQ(format_number(1234.5678), "1234.57");
  EXPECT_EQ(format_number(123456.7), "123457");
  EXPECT_EQ(format_number(-3.25), "-3.25");
  EXPECT_EQ(format_number(0.001), "0.001");
}

TEST(FormatNumber, LargeNumbersAreWholeNumbersNeverExponents) {
  EXPECT_EQ(format_number(999999.4), "999999");
  EXPECT_EQ(format_number(999999.6), "1000000");  // rounds up to seven digits
  EXPECT_EQ(format_number(1e6), "1000000");
  EXPECT_EQ(format_number(1234567.8), "1234568");
  EXPECT_EQ(format_number(-2500000.4), "-2500000");
  EXPECT_EQ(format_number(12345678901.0), "12345678901");
}

TEST(TaskResultJson, RoundTrip) {
  auto results = golden_results();
  TaskResult r = results[3];
  r.warmup_requests = 7;
  r.total_weight = 10000;
  r.failed_weight = 3;
  r.duration_s = 12.5;
  r.service_time = {{50, 0.25}, {100, 0.5}};
  r.processing_time = {{100, 0.75}};
  r.errors_by_class = {{"http", 2}, {"timeout", 1}};

  nlohmann::json j = r;
  auto back = j.get<TaskResult>();
  EXPECT_EQ(back.task, r.task);
  EXPECT_EQ(back.operation, r.operation);
  EXPECT_EQ(back.operation_type, r.operation_type);
  EXPECT_EQ(back.include_in_reporting, r.include_in_reporting);
  EXPECT_EQ(back.throughput_unit, r.throughput_unit);
  ASSERT_TRUE(back.throughput.has_value());
  EXPECT_EQ(back.throughput->min, r.throughput->min);
  EXPECT_EQ(back.throughput->mean, r.throughput->mean);
  EXPECT_EQ(back.throughput->median, r.throughput->median);
  EXPECT_EQ(back.throughput->max, r.throughput->max);
  auto same = [](const std::vector<Percentile>& a, const std::vector<Percentile>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].percentile != b[i].percentile || a[i].value_ms != b[i].value_ms) return false;
    }
    return true;
  };
  EXPECT_TRUE(same(back.latency, r.latency));
  EXPECT_TRUE(same(back.service_time, r.service_time));
  EXPECT_TRUE(same(back.processing_time, r.processing_time));
  EXPECT_EQ(back.requests, r.requests);
  EXPECT_EQ(back.warmup_requests, r.warmup_requests);
  EXPECT_EQ(back.failed_requests, r.failed_requests);
  EXPECT_EQ(back.total_weight, r.total_weight);
  EXPECT_EQ(back.failed_weight, r.failed_weight);
  EXPECT_EQ(back.error_rate, r.error_rate);
  EXPECT_EQ(back.duration_s, r.duration_s);
  EXPECT_EQ(back.errors_by_class, r.errors_by_class);
  // The stored form survives text, as race.json holds it.
  EXPECT_EQ(nlohmann::json::parse(j.dump()), j);
}

TEST(TaskResultJson, UsesRallysKeysAndUnits) {
  auto r = golden_results()[3];
  nlohmann::json j = r;
  EXPECT_EQ(j["throughput"]["unit"], "ops/s");
  EXPECT_EQ(j["latency"]["unit"], "ms");
  EXPECT_EQ(j["latency"]["50_0"], 1.0);
  EXPECT_EQ(j["latency"]["99_9"], 4.0);
  EXPECT_EQ(j["latency"]["99_99"], 5.0);
  EXPECT_EQ(j["latency"]["100_0"], 6.0);
  EXPECT_EQ(j["error_rate"], 0.03);
  EXPECT_FALSE(j.contains("service_time"));  // no samples, no entry
}

TEST(TaskResultJson, WithoutThroughputOrPercentiles) {
  TaskResult r;
  r.task = "refresh";
  r.operation = "refresh";
  r.operation_type = "refresh";
  r.throughput_unit = "ops/s";
  nlohmann::json j = r;
  EXPECT_FALSE(j.contains("throughput"));
  EXPECT_FALSE(j.contains("latency"));
  auto back = j.get<TaskResult>();
  EXPECT_FALSE(back.throughput.has_value());
  EXPECT_TRUE(back.latency.empty());
  EXPECT_EQ(back.task, "refresh");
}

}  // namespace
}  // namespace rally::metrics
