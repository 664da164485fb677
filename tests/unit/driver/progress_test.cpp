#include "rally/driver/progress.hpp"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rally::driver {
namespace {

using ::testing::HasSubstr;

track::Task task_named(std::string name, track::OperationType type = track::OperationType::search) {
  track::Task t;
  t.name = std::move(name);
  t.operation.name = t.name;
  t.operation.type = type;
  if (type == track::OperationType::bulk) {
    track::BulkParams bulk;
    bulk.bulk_size = 100;
    t.operation.params = bulk;
  } else {
    t.operation.params = track::SearchParams{};
  }
  return t;
}

metrics::TaskInterval interval(std::uint32_t task, std::uint64_t requests, Nanos latency, std::uint64_t weight = 0,
                               std::uint64_t failed = 0) {
  metrics::TaskInterval i;
  i.step = 0;
  i.task = task;
  i.normal_requests = requests;
  i.failed_requests = failed;
  i.normal_weight = weight ? weight : requests;
  for (std::uint64_t r = 0; r < requests; ++r) i.latency.record(latency);
  return i;
}

TEST(ProgressBoard, IterationsGiveThePercentDoneAndTheWindowGivesRateAndLatency) {
  track::Track track;
  auto t = task_named("search");
  t.clients = 2;
  t.iterations = 10;
  track::Step step({t});
  ProgressBoard board(track, step, 0, 0);
  board.add(interval(0, 10, 3 * ns_per_ms, 0, 1));
  auto first = board.take(2 * ns_per_s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_DOUBLE_EQ(first[0].percent, 50);  // 10 of 2 x 10 requests
  EXPECT_DOUBLE_EQ(first[0].rate, 5);      // 10 requests in 2 s
  EXPECT_NEAR(first[0].p50_ms, 3, 0.01);
  EXPECT_EQ(first[0].errors, 1u);
  EXPECT_DOUBLE_EQ(first[0].elapsed_s, 2);
  // A new window: no requests in it, the totals stay.
  auto second = board.take(3 * ns_per_s);
  EXPECT_DOUBLE_EQ(second[0].rate, 0);
  EXPECT_LT(second[0].p50_ms, 0);
  EXPECT_DOUBLE_EQ(second[0].percent, 50);
  EXPECT_EQ(second[0].requests, 10u);
}

TEST(ProgressBoard, TimePeriodsAndBulkCorporaGiveThePercentDone) {
  track::Track track;
  track::Corpus corpus;
  corpus.name = "docs";
  track::Document doc;
  doc.document_count = 1000;
  corpus.documents.push_back(doc);
  track.corpora.push_back(corpus);
  auto timed = task_named("timed");
  timed.warmup_time_period = 10;
  timed.time_period = 30;
  auto bulk = task_named("bulk", track::OperationType::bulk);
  auto once = task_named("once");
  track::Step step({timed, bulk, once});
  ProgressBoard board(track, step, 0, 0);
  board.add(interval(1, 2, ns_per_ms, 250));
  board.add(interval(7, 2, ns_per_ms));  // not a task of the step: ignored
  auto p = board.take(10 * ns_per_s);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_DOUBLE_EQ(p[0].percent, 25);  // 10 s of 40
  EXPECT_DOUBLE_EQ(p[1].percent, 25);  // 250 of 1,000 documents
  EXPECT_EQ(p[1].unit, "docs/s");
  EXPECT_DOUBLE_EQ(p[1].rate, 25);  // 250 documents in 10 s
  EXPECT_LT(p[2].percent, 0);       // unknown
}

TEST(ProgressBoard, FormatsALineWithEveryField) {
  TaskProgress p;
  p.task = "index-append";
  p.percent = 42.7;
  p.rate = 61234.4;
  p.unit = "docs/s";
  p.p50_ms = 3.14;
  p.p99_ms = 12.4;
  p.errors = 1;
  p.elapsed_s = 12;
  auto line = format_progress(p);
  EXPECT_THAT(line, HasSubstr("index-append"));
  EXPECT_THAT(line, HasSubstr("42%"));
  EXPECT_THAT(line, HasSubstr("61,234 docs/s"));
  EXPECT_THAT(line, HasSubstr("p50 3.1 ms | p99 12.4 ms"));
  EXPECT_THAT(line, HasSubstr("1 error |"));
  EXPECT_THAT(line, HasSubstr("12 s"));
}

TEST(ProgressDisplay, WithoutATerminalPrintsEveryFewSecondsAndAlwaysTheFinalLines) {
  std::ostringstream out;
  ProgressDisplay display(out, false, 5 * ns_per_s);
  display.show({"a 1"}, false, 1 * ns_per_s);  // the first look starts the clock
  display.show({"a 2"}, false, 3 * ns_per_s);
  EXPECT_EQ(out.str(), "");
  display.show({"a 3"}, false, 6 * ns_per_s);
  EXPECT_EQ(out.str(), "a 3\n");
  display.show({"a 4"}, false, 7 * ns_per_s);
  display.show({"a done"}, true, 8 * ns_per_s);
  EXPECT_EQ(out.str(), "a 3\na done\n");
}

TEST(ProgressDisplay, OnATerminalRedrawsTheLiveBlockInPlace) {
  std::ostringstream out;
  ProgressDisplay display(out, true);
  display.show({"a 1", "b 1"}, false, 0);
  EXPECT_EQ(out.str(), "\r\033[Ka 1\n\r\033[Kb 1\n");
  out.str("");
  display.show({"a 2", "b 2"}, false, ns_per_s);
  EXPECT_EQ(out.str(), "\033[2F\r\033[Ka 2\n\r\033[Kb 2\n");
  out.str("");
  display.show({"a done", "b done"}, true, 2 * ns_per_s);
  EXPECT_EQ(out.str(), "\033[2F\r\033[Ka done\n\r\033[Kb done\n");
  out.str("");
  display.show({"c 1"}, false, 3 * ns_per_s);  // the final lines stay; a new block below
  EXPECT_EQ(out.str(), "\r\033[Kc 1\n");
}

}  // namespace
}  // namespace rally::driver
