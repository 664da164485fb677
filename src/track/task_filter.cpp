#include "rally/track/task_filter.hpp"

#include <algorithm>

#include "rally/common/errors.hpp"

namespace rally::track {

bool TaskFilter::matches(const Task& task) const {
  switch (kind) {
    case Kind::name:
      return task.name == value;
    case Kind::type:
      return to_string(task.operation.type) == value;
    case Kind::tag:
      return std::find(task.tags.begin(), task.tags.end(), value) != task.tags.end();
  }
  return false;
}

std::vector<TaskFilter> parse_task_filters(const std::string& text, const char* option) {
  std::vector<TaskFilter> filters;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    auto item = text.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    TaskFilter f;
    auto colon = item.find(':');
    if (colon == std::string::npos) {
      f.value = item;
    } else {
      auto kind = item.substr(0, colon);
      f.value = item.substr(colon + 1);
      if (kind == "type") {
        f.kind = TaskFilter::Kind::type;
      } else if (kind == "tag") {
        f.kind = TaskFilter::Kind::tag;
      } else {
        throw RallyError(std::string("--") + option + ": '" + item +
                         "' is not a task filter (expected NAME, type:OPERATION-TYPE or tag:TAG)");
      }
    }
    if (f.value.empty()) throw RallyError(std::string("--") + option + ": '" + item + "' names nothing");
    filters.push_back(std::move(f));
  }
  return filters;
}

void filter_schedule(Challenge& challenge, const std::vector<TaskFilter>& include,
                     const std::vector<TaskFilter>& exclude) {
  if (include.empty() && exclude.empty()) return;
  auto any = [](const std::vector<TaskFilter>& filters, const Task& t) {
    return std::any_of(filters.begin(), filters.end(), [&](const TaskFilter& f) { return f.matches(t); });
  };
  std::vector<Step> kept;
  for (auto& step : challenge.schedule) {
    std::vector<Task> tasks;
    for (auto& task : step.tasks) {
      if ((include.empty() || any(include, task)) && !any(exclude, task)) tasks.push_back(std::move(task));
    }
    if (tasks.empty()) continue;
    step.tasks = std::move(tasks);
    kept.push_back(std::move(step));
  }
  challenge.schedule = std::move(kept);  // may be empty: Track::find_challenge says so
}

}  // namespace rally::track
