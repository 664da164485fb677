#pragma once

#include <string>
#include <variant>

#include "rally/common/race_config.hpp"
#include "rally/metrics/compare.hpp"
#include "rally/track/track_location.hpp"

namespace rally::app {

// How a command names its track; shared by race, render-track, validate-track and info.
struct TrackOptions {
  track::TrackLocation location;
  std::string params;  // --track-params as given
  bool ignore_unused_params = false;
  std::string challenge;
  std::string include_tasks;
  std::string exclude_tasks;
  bool test_mode = false;
};

struct RaceCommand {
  TrackOptions track;
  RaceConfig config;  // completed by main once the track is resolved
};
struct RenderTrackCommand {
  TrackOptions track;
  std::string output_path;
};
struct ValidateTrackCommand {
  TrackOptions track;
};
struct InfoCommand {
  TrackOptions track;
};
struct ListTracksCommand {};
struct ListRacesCommand {
  std::size_t limit = 10;
  std::string races_dir;
};
// Shared by report and compare: what to print and where else to write it.
struct ReportOutput {
  std::string format = "markdown";
  std::string file;
};
struct ReportCommand {
  std::string race_id;
  ReportOutput output;
  ReportConfig view;  // --show-in-report and the percentiles (baseline unused)
  std::string races_dir;
};
struct CompareCommand {
  std::string baseline;
  std::string contender;
  ReportOutput output;
  std::vector<metrics::RegressionThreshold> fail_on_regression;
  std::string races_dir;
};
struct GenerateCorpusCommand {
  std::string generator = "geonames";
  std::uint64_t documents = 0;
  std::uint64_t seed = 1;
  std::string output;
};
struct VersionCommand {};

using Command = std::variant<RaceCommand, RenderTrackCommand, ValidateTrackCommand, InfoCommand, ListTracksCommand,
                             ListRacesCommand, ReportCommand, CompareCommand, GenerateCorpusCommand, VersionCommand>;

// Parses argv into a typed command. Returns an exit code instead when parsing ends the
// run (--help, a usage error), having printed what is needed.
std::variant<Command, int> parse_command_line(int argc, char** argv);

}  // namespace rally::app
