#pragma once

#include <iosfwd>

#include "rally/track/track_loader.hpp"

#include "cli.hpp"

namespace rally::app {

// Resolves the track location (cloning or updating a repository when asked) and turns the
// user's track options into the loader's. Throws RallyError.
std::string resolve_track_path(const TrackOptions& options);
track::LoadOptions load_options(const TrackOptions& options, double now);

// Completes a race's config with its track; returns the path of the track.
void prepare_race_config(RaceCommand& command);

int run_render_track(const RenderTrackCommand& command, std::ostream& out);
int run_validate_track(const ValidateTrackCommand& command, std::ostream& out);
int run_info(const InfoCommand& command, std::ostream& out);
int run_list_tracks(std::ostream& out);
// Races newest first; a race.json that cannot be read is named in a warning on `err`.
int run_list_races(const ListRacesCommand& command, std::ostream& out, std::ostream& err);
// Throws RallyError for an unknown race id.
int run_report(const ReportCommand& command, std::ostream& out, std::ostream& err);
// Exit 64 when a --fail-on-regression threshold is exceeded, naming each regression on `err`.
int run_compare(const CompareCommand& command, std::ostream& out, std::ostream& err);
int run_generate_corpus(const GenerateCorpusCommand& command, std::ostream& out);

}  // namespace rally::app
