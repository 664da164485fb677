#pragma once

#include <string>
#include <vector>

#include "rally/track/track.hpp"

namespace rally::track {

// Rally's --include-tasks / --exclude-tasks: "name", "type:operation-type" or "tag:tag".
struct TaskFilter {
  enum class Kind { name, type, tag } kind = Kind::name;
  std::string value;

  [[nodiscard]] bool matches(const Task& task) const;
};

// Parses a comma-separated filter list; throws RallyError naming the bad entry.
std::vector<TaskFilter> parse_task_filters(const std::string& text, const char* option);

// Keeps the tasks matched by any include filter (all when there are none) and not matched
// by any exclude filter; parallel elements left without tasks disappear.
void filter_schedule(Challenge& challenge, const std::vector<TaskFilter>& include,
                     const std::vector<TaskFilter>& exclude);

}  // namespace rally::track
