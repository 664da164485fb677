#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace rally::metrics {

// Stores races as <races_dir>/<race-id>/race.json. A race file is written atomically
// (temporary file, fsync, rename): readers see the old file or the new one, never a part.
class RaceStore {
 public:
  explicit RaceStore(std::string races_dir) : races_dir_(std::move(races_dir)) {}

  // Returns the path written. Throws RallyError if it cannot be written.
  std::string store(const std::string& race_id, const nlohmann::json& race) const;

  static std::string default_races_dir();

 private:
  std::string races_dir_;
};

}  // namespace rally::metrics
