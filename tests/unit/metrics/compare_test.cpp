#include "rally/metrics/compare.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TaskResult search_task(const std::string& name, double mean_throughput, double p50, double p90) {
  TaskResult r;
  r.task = name;
  r.operation = name;
  r.operation_type = "search";
  r.throughput = ThroughputStats{mean_throughput / 2, mean_throughput, mean_throughput, mean_throughput * 2};
  r.latency = {{50, p50}, {90, p90}, {100, p90 * 2}};
  r.service_time = {{50, p50 / 2}, {90, p90 / 2}, {100, p90}};
  r.requests = 50;
  return r;
}

const ComparisonRow& row(const Comparison& c, const std::string& task, const std::string& key) {
  for (const auto& r : c.rows) {
    if (r.task == task && r.key == key) return r;
  }
  throw std::runtime_error("no row " + key + " of " + task);
}

std::vector<std::string> keys_of(const Comparison& c, const std::string& task) {
  std::vector<std::string> keys;
  for (const auto& r : c.rows) {
    if (r.task == task) keys.push_back(r.key);
  }
  return keys;
}

TEST(Compare, RowsInReportOrderWithLabelsKeysAndUnits) {
  auto c = compare_results({search_task("s", 100, 10, 20)}, {search_task("s", 100, 10, 20)});
  EXPECT_THAT(keys_of(c, "s"), ElementsAre("throughput.min", "throughput.mean", "throughput.median", "throughput.max",
                                           "latency.p50", "latency.p90", "latency.p100", "service_time.p50",
                                           "service_time.p90", "service_time.p100", "error_rate"));
  EXPECT_EQ(row(c, "s", "throughput.mean").metric, "Mean Throughput");
  EXPECT_EQ(row(c, "s", "throughput.mean").unit, "ops/s");
  EXPECT_EQ(row(c, "s", "latency.p90").metric, "90th percentile latency");
  EXPECT_EQ(row(c, "s", "latency.p90").unit, "ms");
  EXPECT_EQ(row(c, "s", "service_time.p50").metric, "50th percentile service time");
  EXPECT_EQ(row(c, "s", "error_rate").unit, "%");
}

TEST(Compare, ARaceAgainstItselfChangesNothing) {
  std::vector<TaskResult> race = {search_task("a", 100, 10, 20), search_task("b", 0, 0, 0)};
  auto c = compare_results(race, race);
  ASSERT_FALSE(c.rows.empty());
  for (const auto& r : c.rows) {
    EXPECT_EQ(r.diff(), 0) << r.key;
    EXPECT_EQ(r.diff_percent(), 0.0) << r.key;
    EXPECT_EQ(r.change(), Change::unchanged) << r.key;
  }
  EXPECT_TRUE(find_regressions(c, parse_regression_thresholds("latency.p50:0,throughput.mean:0,error_rate:0")).empty());
}

TEST(Compare, DiffPercentAndDirection) {
  auto c = compare_results({search_task("s", 100, 10, 20)}, {search_task("s", 80, 15, 10)});
  const auto& throughput = row(c, "s", "throughput.mean");
  EXPECT_DOUBLE_EQ(throughput.diff(), -20);
  EXPECT_DOUBLE_EQ(*throughput.diff_percent(), -20);
  EXPECT_DOUBLE_EQ(throughput.regression_percent(), 20);  // less throughput is worse
  EXPECT_EQ(throughput.change(), Change::regression);

  const auto& p50 = row(c, "s", "latency.p50");
  EXPECT_DOUBLE_EQ(p50.diff(), 5);
  EXPECT_DOUBLE_EQ(*p50.diff_percent(), 50);
  EXPECT_EQ(p50.change(), Change::regression);  // more latency is worse

  const auto& p90 = row(c, "s", "latency.p90");
  EXPECT_DOUBLE_EQ(*p90.diff_percent(), -50);
  EXPECT_EQ(p90.change(), Change::improvement);
}

TEST(Compare, ZeroBaseline) {
  ComparisonRow errors{"error rate", "error_rate", "t", 0, 5, "%", Better::lower};
  EXPECT_FALSE(errors.diff_percent().has_value());
  EXPECT_EQ(errors.regression_percent(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(errors.change(), Change::regression);

  ComparisonRow throughput{"Mean Throughput", "throughput.mean", "t", 0, 5, "ops/s", Better::higher};
  EXPECT_FALSE(throughput.diff_percent().has_value());
  EXPECT_EQ(throughput.change(), Change::improvement);

  ComparisonRow zeros{"error rate", "error_rate", "t", 0, 0, "%", Better::lower};
  EXPECT_EQ(zeros.diff_percent(), 0.0);
  EXPECT_EQ(zeros.change(), Change::unchanged);

  // A contender that starts failing exceeds any error-rate threshold.
  Comparison c;
  c.rows = {errors};
  EXPECT_EQ(find_regressions(c, parse_regression_thresholds("error_rate:1000000")).size(), 1u);
}

TEST(Compare, PercentilesOnlyWhenBothRacesHaveThem) {
  auto base = search_task("s", 100, 10, 20);
  auto cont = search_task("s", 100, 10, 20);
  base.latency.push_back({99, 30});  // enough samples for p99 only in the baseline
  cont.service_time.clear();
  cont.throughput.reset();
  auto keys = keys_of(compare_results({base}, {cont}), "s");
  EXPECT_THAT(keys, ElementsAre("latency.p50", "latency.p90", "latency.p100", "error_rate"));
}

TEST(Compare, TasksInOnlyOneRaceAreListedApart) {
  auto c = compare_results({search_task("both", 1, 1, 1), search_task("old", 1, 1, 1)},
                           {search_task("new", 1, 1, 1), search_task("both", 1, 1, 1)});
  EXPECT_THAT(c.only_in_baseline, ElementsAre("old"));
  EXPECT_THAT(c.only_in_contender, ElementsAre("new"));
  EXPECT_TRUE(keys_of(c, "old").empty());
  EXPECT_FALSE(keys_of(c, "both").empty());
}

TEST(Compare, AdminTasksOnlyWhenTheyFailedInEitherRace) {
  TaskResult admin;
  admin.task = "create-index";
  admin.operation_type = "create-index";
  admin.include_in_reporting = false;
  admin.latency = {{100, 3}};
  auto failed = admin;
  failed.failed_requests = 1;
  failed.error_rate = 100;
  EXPECT_TRUE(compare_results({admin}, {admin}).rows.empty());
  auto c = compare_results({admin}, {failed});
  EXPECT_EQ(row(c, "create-index", "error_rate").contender, 100);
  EXPECT_TRUE(compare_results({admin}, {}).only_in_baseline.empty());
}

TEST(RegressionThresholds, ParsesAndCanonicalisesNames) {
  auto t = parse_regression_thresholds(" latency.p99:10, throughput.mean:5%,service_time.p99.90:2.5,error_rate:0");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].metric, "latency.p99");
  EXPECT_EQ(t[0].percent, 10);
  EXPECT_EQ(t[1].metric, "throughput.mean");
  EXPECT_EQ(t[1].percent, 5);
  EXPECT_EQ(t[2].metric, "service_time.p99.9");
  EXPECT_EQ(t[2].percent, 2.5);
  EXPECT_EQ(t[3].metric, "error_rate");
  EXPECT_EQ(parse_regression_thresholds("processing_time.p100:1")[0].metric, "processing_time.p100");
}

TEST(RegressionThresholds, RejectsWhatIsNotAMetricOrAPercentage) {
  for (const char* bad :
       {"latency", "latency.p99", "latency.p0:1", "latency.p101:1", "latency.pxx:1", "throughput.avg:1", "p99:1",
        "latency.p99:-1", "latency.p99:ten", "latency.p99:", "latency.p99:1,latency.p99.0:2", "", " , "}) {
    EXPECT_THROW(parse_regression_thresholds(bad), RallyError) << bad;
  }
  try {
    parse_regression_thresholds("throughput.avg:1");
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr("throughput.avg"));
    EXPECT_THAT(e.what(), HasSubstr("throughput.mean"));
  }
}

TEST(RegressionThresholds, FailOnlyPastTheThresholdTheWorseWay) {
  auto c = compare_results({search_task("s", 100, 10, 20)}, {search_task("s", 90, 11, 10)});
  // throughput.mean -10%, latency.p50 +10%, latency.p90 -50%.
  EXPECT_TRUE(find_regressions(c, parse_regression_thresholds("throughput.mean:10,latency.p50:10")).empty());
  auto r = find_regressions(c, parse_regression_thresholds("throughput.mean:9.9,latency.p50:9.9,latency.p90:0"));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].row.key, "throughput.mean");
  EXPECT_EQ(r[1].row.key, "latency.p50");
  EXPECT_EQ(describe(r[1]),
            "regression: latency.p50 of task 's': baseline 10 ms, contender 11 ms, +10.00% (threshold 9.9%)");
}

TEST(RegressionThresholds, MetricsNoTaskHasAreReported) {
  auto c = compare_results({search_task("s", 1, 1, 1)}, {search_task("s", 1, 1, 1)});
  EXPECT_THAT(unchecked_metrics(c, parse_regression_thresholds("latency.p99:1,latency.p50:1,processing_time.p50:1")),
              ElementsAre("latency.p99", "processing_time.p50"));
}

// The fixed input of golden/compare.md and golden/compare.csv.
Comparison golden_comparison() {
  auto base = search_task("match-all", 100, 10, 20);
  auto cont = search_task("match-all", 120, 12.5, 15);
  cont.failed_requests = 1;
  cont.error_rate = 2;
  return compare_results({base, search_task("only-old", 1, 1, 1), search_task("term, \"x\"", 3, 1, 2)},
                         {search_task("only-new", 1, 1, 1), cont, search_task("term, \"x\"", 3, 1, 2)});
}

std::string golden(const std::string& name) {
  return rally::testing::read_file(std::string(RALLY_SOURCE_DIR) + "/tests/unit/metrics/golden/" + name);
}

TEST(CompareReport, MarkdownMatchesTheGoldenFile) {
  auto expected = golden("compare.md");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(format_comparison_markdown(golden_comparison()), expected);
}

TEST(CompareReport, CsvMatchesTheGoldenFile) {
  auto expected = golden("compare.csv");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(format_comparison_csv(golden_comparison()), expected);
}

}  // namespace
}  // namespace rally::metrics
