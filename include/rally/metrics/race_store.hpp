#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "rally/metrics/report.hpp"
#include "rally/metrics/task_result.hpp"

namespace rally::metrics {

// What `list races`, `report` and `compare` need from a stored race.json.
struct StoredRace {
  std::string path;  // the race.json it was read from
  std::string race_id;
  std::string race_timestamp;  // ISO 8601 UTC, "2024-05-01T12:00:00Z": sorts as text
  std::string status;          // "success" or "failed"
  std::string failure;         // why a failed race failed
  std::string track;
  std::string challenge;
  std::string distribution;  // e.g. "opensearch"
  std::string distribution_version;
  std::map<std::string, std::string> user_tags;
  std::vector<std::string> notes;
  std::vector<TaskResult> results;
  std::vector<ClusterMetric> cluster;  // Rally's cluster rows, from the target's stats at the end

  // The race as a report shows it.
  [[nodiscard]] RaceReport report() const;
};

// Reads the fields above from a race.json document. Throws RallyError naming `path` and
// the field when the document is not a race.
StoredRace parse_stored_race(const nlohmann::json& race, const std::string& path);

// Races newest first: by race timestamp, then by when race.json was written (`written`,
// parallel to `races`, any monotonic number), then by id.
void sort_newest_first(std::vector<StoredRace>& races, std::vector<double>& written);

struct RaceListing {
  std::vector<StoredRace> races;        // newest first
  std::vector<std::string> unreadable;  // "<path>: <why>", one per race.json that cannot be read
};

// Stores races as <races_dir>/<race-id>/race.json. A race file is written atomically
// (temporary file, fsync, rename): readers see the old file or the new one, never a part.
class RaceStore {
 public:
  explicit RaceStore(std::string races_dir) : races_dir_(std::move(races_dir)) {}

  // Returns the path written. Throws RallyError if it cannot be written.
  std::string store(const std::string& race_id, const nlohmann::json& race) const;

  // Every race directory's race.json. A missing races directory is an empty listing.
  [[nodiscard]] RaceListing list() const;

  // Throws RallyError naming the id and the races directory when there is no such race,
  // or naming the file when it cannot be read.
  [[nodiscard]] StoredRace load(const std::string& race_id) const;

  [[nodiscard]] const std::string& races_dir() const { return races_dir_; }

  static std::string default_races_dir();

 private:
  std::string races_dir_;
};

}  // namespace rally::metrics
