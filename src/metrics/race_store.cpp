#include "rally/metrics/race_store.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "rally/common/files.hpp"

namespace rally::metrics {
namespace fs = std::filesystem;

std::string RaceStore::default_races_dir() {
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : "/tmp") / ".rally" / "benchmarks" / "races").string();
}

std::string RaceStore::store(const std::string& race_id, const nlohmann::json& race) const {
  auto path = (fs::path(races_dir_) / race_id / "race.json").string();
  write_file_atomically(path, race.dump(2) + "\n");
  return path;
}

}  // namespace rally::metrics
