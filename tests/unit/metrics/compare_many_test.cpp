#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/metrics/compare.hpp"

namespace rally::metrics {
namespace {

using ::testing::HasSubstr;

TaskResult search(const std::string& name, double mean, double p50) {
  TaskResult r;
  r.task = name;
  r.operation = name;
  r.operation_type = "search";
  r.throughput = ThroughputStats{mean, mean, mean, mean};
  r.latency = {{50, p50}, {100, p50 * 2}};
  r.requests = 100;
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST(CompareMany, OneRowPerMetricWithAColumnPairPerContender) {
  std::vector<TaskResult> baseline{search("term", 100, 10)};
  std::vector<NamedComparison> comparisons{
      {"aaaaaaaa-1111", compare_results(baseline, {search("term", 110, 9)})},
      {"bbbbbbbb-2222", compare_results(baseline, {search("term", 80, 15)})},
  };
  auto csv = lines(format_multi_comparison_csv(comparisons));
  ASSERT_GE(csv.size(), 3u);
  EXPECT_EQ(csv[0], "Metric,Task,Unit,Baseline,aaaaaaaa,aaaaaaaa Diff %,bbbbbbbb,bbbbbbbb Diff %");
  EXPECT_EQ(csv[2], "Mean Throughput,term,ops/s,100,110,+10.00% better,80,-20.00% worse");
  auto markdown = format_multi_comparison_markdown(comparisons);
  EXPECT_THAT(markdown, HasSubstr("50th percentile latency"));
  EXPECT_THAT(markdown, HasSubstr("+50.00% worse"));
}

TEST(CompareMany, ARowOnlySomeContendersHaveLeavesTheOthersEmpty) {
  std::vector<TaskResult> baseline{search("term", 100, 10), search("phrase", 50, 20)};
  std::vector<NamedComparison> comparisons{
      {"aaaaaaaa", compare_results(baseline, {search("term", 100, 10)})},
      {"bbbbbbbb", compare_results(baseline, {search("term", 100, 10), search("phrase", 50, 20)})},
  };
  auto csv = format_multi_comparison_csv(comparisons);
  EXPECT_THAT(csv, HasSubstr("Mean Throughput,phrase,ops/s,50,,,50,0.00%"));
  auto markdown = format_multi_comparison_markdown(comparisons);
  EXPECT_THAT(markdown, HasSubstr("Task of the baseline that contender aaaaaaaa did not run: phrase"));
}

}  // namespace
}  // namespace rally::metrics
