#include "rally/metrics/race_store.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>

#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"
#include "rally/common/redaction.hpp"

namespace rally::metrics {
namespace fs = std::filesystem;

namespace {

std::string text_of(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string string_field(const nlohmann::json& race, const char* key) {
  auto it = race.find(key);
  return it == race.end() || it->is_null() ? std::string() : text_of(*it);
}

// A race id names a directory under the races directory, never a path elsewhere.
bool is_plain_name(const std::string& id) {
  return !id.empty() && id != "." && id != ".." && id.find('/') == std::string::npos;
}

StoredRace read_race(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RallyError(path.string() + ": cannot be opened: " + std::strerror(errno));
  nlohmann::json race;
  try {
    race = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw RallyError(path.string() + ": not valid JSON: " + e.what());
  }
  return parse_stored_race(race, path.string());
}

}  // namespace

StoredRace parse_stored_race(const nlohmann::json& race, const std::string& path) {
  if (!race.is_object()) throw RallyError(path + ": not a race (the document is not a JSON object)");
  StoredRace r;
  r.path = path;
  try {
    r.race_id = race.at("race-id").get<std::string>();
    r.race_timestamp = string_field(race, "race-timestamp");
    r.status = string_field(race, "status");
    r.failure = string_field(race, "failure");
    r.track = string_field(race, "track");
    r.challenge = string_field(race, "challenge");
    if (auto it = race.find("cluster"); it != race.end() && it->is_object()) {
      r.distribution = string_field(*it, "distribution-flavor");
      r.distribution_version = string_field(*it, "distribution-version");
    }
    if (auto it = race.find("user-tags"); it != race.end() && it->is_object()) {
      for (const auto& [key, value] : it->items()) r.user_tags[key] = text_of(value);
    }
    if (auto it = race.find("notes"); it != race.end() && it->is_array()) {
      for (const auto& note : *it) r.notes.push_back(text_of(note));
    }
    if (auto it = race.find("results"); it != race.end() && it->contains("op_metrics")) {
      r.results = it->at("op_metrics").get<std::vector<TaskResult>>();
      if (it->contains("cluster")) r.cluster = it->at("cluster").get<std::vector<ClusterMetric>>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw RallyError(path + ": not a race rally can read: " + e.what());
  } catch (const std::exception& e) {  // e.g. std::stod on a malformed percentile key
    throw RallyError(path + ": not a race rally can read: " + e.what());
  }
  return r;
}

RaceReport StoredRace::report() const {
  RaceReport report;
  report.meta =
      ReportMeta{race_id, race_timestamp, status, track, challenge, distribution, distribution_version, {}, notes};
  for (const auto& [key, value] : user_tags) report.meta.user_tags.emplace_back(key, value);
  report.results = results;
  report.cluster = cluster;
  return report;
}

void sort_newest_first(std::vector<StoredRace>& races, std::vector<double>& written) {
  std::vector<std::size_t> order(races.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (races[a].race_timestamp != races[b].race_timestamp) return races[a].race_timestamp > races[b].race_timestamp;
    if (written[a] != written[b]) return written[a] > written[b];
    return races[a].race_id < races[b].race_id;
  });
  std::vector<StoredRace> sorted_races;
  std::vector<double> sorted_written;
  for (auto i : order) {
    sorted_races.push_back(std::move(races[i]));
    sorted_written.push_back(written[i]);
  }
  races = std::move(sorted_races);
  written = std::move(sorted_written);
}

std::string RaceStore::default_races_dir() {
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : "/tmp") / ".rally" / "benchmarks" / "races").string();
}

std::string RaceStore::store(const std::string& race_id, const nlohmann::json& race) const {
  auto dir = fs::path(races_dir_) / race_id;
  std::error_code ec;
  bool existed = fs::exists(dir, ec);
  auto path = (dir / "race.json").string();
  try {
    write_file_atomically(path, redact_json(race).dump(2) + "\n");  // no secret, wherever it came from
  } catch (const RallyError&) {
    // No race directory without its race.json (`list races` would warn about it forever);
    // remove only fails on a directory that holds something else, which stays.
    if (!existed) fs::remove(dir, ec);
    throw;
  }
  return path;
}

RaceListing RaceStore::list() const {
  RaceListing listing;
  std::vector<double> written;
  std::error_code ec;
  if (!fs::is_directory(races_dir_, ec)) return listing;
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(races_dir_, ec)) {
    if (entry.is_directory(ec)) dirs.push_back(entry.path());
  }
  if (ec) throw RallyError("cannot list the races in " + races_dir_ + ": " + ec.message());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    auto path = dir / "race.json";
    if (!fs::exists(path, ec)) {
      listing.unreadable.push_back(path.string() + ": missing");
      continue;
    }
    try {
      listing.races.push_back(read_race(path));
      auto mtime = fs::last_write_time(path, ec);
      written.push_back(ec ? 0.0 : std::chrono::duration<double>(mtime.time_since_epoch()).count());
    } catch (const RallyError& e) {
      listing.unreadable.push_back(e.what());
    }
  }
  sort_newest_first(listing.races, written);
  return listing;
}

StoredRace RaceStore::load(const std::string& race_id) const {
  std::error_code ec;
  auto path = fs::path(races_dir_) / race_id / "race.json";
  if (!is_plain_name(race_id) || !fs::exists(path, ec)) {
    throw RallyError("there is no race with the id [" + race_id + "] in " + races_dir_ +
                     " (rally list races shows the stored races)");
  }
  return read_race(path);
}

}  // namespace rally::metrics
