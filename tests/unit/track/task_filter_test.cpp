#include "rally/track/task_filter.hpp"

#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

namespace rally::track {
namespace {

Task task(const std::string& name, OperationType type, std::vector<std::string> tags = {}) {
  Task t;
  t.name = name;
  t.operation.name = name;
  t.operation.type = type;
  t.tags = std::move(tags);
  return t;
}

Challenge challenge() {
  Challenge c;
  c.name = "c";
  c.schedule = {
      Step{{task("delete", OperationType::delete_index)}}, Step{{task("index", OperationType::bulk, {"write"})}},
      Step{{task("q1", OperationType::search, {"read"}), task("q2", OperationType::search, {"read", "slow"})}}};
  return c;
}

std::vector<std::string> names(const Challenge& c) {
  std::vector<std::string> out;
  for (const auto& step : c.schedule) {
    for (const auto& t : step.tasks) out.push_back(t.name);
  }
  return out;
}

TEST(TaskFilter, ParsesNamesTypesAndTags) {
  auto filters = parse_task_filters("index,type:search,tag:slow", "include-tasks");
  ASSERT_EQ(filters.size(), 3u);
  EXPECT_EQ(filters[0].kind, TaskFilter::Kind::name);
  EXPECT_EQ(filters[1].kind, TaskFilter::Kind::type);
  EXPECT_EQ(filters[1].value, "search");
  EXPECT_EQ(filters[2].kind, TaskFilter::Kind::tag);
  EXPECT_THROW(parse_task_filters("kind:x", "include-tasks"), RallyError);
  EXPECT_THROW(parse_task_filters("tag:", "exclude-tasks"), RallyError);
  EXPECT_TRUE(parse_task_filters("", "include-tasks").empty());
}

TEST(TaskFilter, IncludeKeepsOnlyMatchingTasks) {
  auto c = challenge();
  filter_schedule(c, parse_task_filters("index,tag:slow", "include-tasks"), {});
  EXPECT_EQ(names(c), (std::vector<std::string>{"index", "q2"}));
  EXPECT_EQ(c.schedule.size(), 2u);
}

TEST(TaskFilter, ExcludeDropsMatchingTasksAndEmptyParallelElements) {
  auto c = challenge();
  filter_schedule(c, {}, parse_task_filters("type:search", "exclude-tasks"));
  EXPECT_EQ(names(c), (std::vector<std::string>{"delete", "index"}));
}

TEST(TaskFilter, NothingLeftIsReportedWhenTheChallengeIsChosen) {
  Track t;
  t.name = "t";
  t.challenges.push_back(challenge());
  t.challenges[0].is_default = true;
  filter_schedule(t.challenges[0], parse_task_filters("no-such-task", "include-tasks"), {});
  try {
    (void)t.find_challenge("");
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_NE(std::string(e.what()).find("leave nothing to run in challenge 'c'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rally::track
