// What BenchmarkCoordinator does when the results of a finished race cannot be written.

#include "rally/race/benchmark_coordinator.hpp"

#include <filesystem>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/race_config.hpp"

#include "unit/temp_dir.hpp"

namespace rally::race {
namespace {

using rally::testing::read_file;
using rally::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

RaceConfig finished_race(const TempDir& dir) {
  RaceConfig config;
  config.race_id = "r-1";
  config.races_dir = dir / "races";
  return config;
}

// Bug: on_benchmark_complete let the store's error escape to on_benchmark_failure, which said
// "Cannot race." about a race that had run, tried to store it again (marked failed) and
// printed the same error a second time.
TEST(BenchmarkCoordinator, ARaceJsonThatCannotBeWrittenIsOneErrorNamingTheFile) {
  TempDir dir;
  dir.write("races", "a regular file where the races directory should be");
  auto config = finished_race(dir);
  std::ostringstream out, err;
  BenchmarkCoordinator coordinator(config, out, err);
  coordinator.on_benchmark_started();
  EXPECT_EQ(coordinator.on_benchmark_complete(), exit_error);
  auto path = dir / "races/r-1/race.json";
  EXPECT_THAT(err.str(),
              HasSubstr("[ERROR] The race finished, but its results could not be stored: cannot write " + path));
  EXPECT_EQ(occurrences(err.str(), path), 1u) << err.str();
  EXPECT_THAT(err.str(), Not(HasSubstr("Cannot race")));
  EXPECT_THAT(out.str(), Not(HasSubstr("SUCCESS")));
}

// Bug: the report file was written before race.json, so a report file that could not be
// written (a full disk, a wrong path) lost the race's results.
TEST(BenchmarkCoordinator, AReportFileThatCannotBeWrittenKeepsTheStoredRace) {
  TempDir dir;
  dir.write("plain", "x");
  auto config = finished_race(dir);
  config.report_file = dir / "plain/report.md";
  std::ostringstream out, err;
  BenchmarkCoordinator coordinator(config, out, err);
  coordinator.on_benchmark_started();
  EXPECT_EQ(coordinator.on_benchmark_complete(), exit_error);
  auto race = nlohmann::json::parse(read_file(dir / "races/r-1/race.json"));
  EXPECT_EQ(race["status"], "success");
  EXPECT_THAT(err.str(), HasSubstr("but the report file could not be written: cannot write " + config.report_file));
  EXPECT_FALSE(std::filesystem::exists(config.report_file));
  EXPECT_THAT(out.str(), HasSubstr("[INFO] ERROR (the report file was not written)"));
  EXPECT_THAT(out.str(), Not(HasSubstr("SUCCESS")));
}

}  // namespace
}  // namespace rally::race
