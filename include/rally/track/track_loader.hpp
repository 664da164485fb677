#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rally/common/race_config.hpp"
#include "rally/track/task_filter.hpp"
#include "rally/track/track.hpp"

namespace rally::track {

struct LoadOptions {
  bool test_mode = false;
  nlohmann::json params = nlohmann::json::object();  // --track-params
  bool ignore_unused_params = false;
  double now = 0;  // epoch seconds for templates ("now", days_ago); 0: the current time
  std::vector<TaskFilter> include_tasks;
  std::vector<TaskFilter> exclude_tasks;

  // The options every actor of a race uses, so that all load the same track.
  static LoadOptions for_race(const RaceConfig& config);
};

// Loads a track from a directory holding track.json, or from a .json file.
// Throws RallyError naming the file, the line or JSON path, and what was expected.
Track load_track(const std::string& path, const LoadOptions& options = {});

// Loads a track again from the files recorded when it was first loaded.
Track load_track(const TrackFiles& files, const LoadOptions& options = {});

}  // namespace rally::track
