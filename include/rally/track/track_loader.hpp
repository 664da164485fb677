#pragma once

#include <string>

#include "rally/track/track.hpp"

namespace rally::track {

struct LoadOptions {
  bool test_mode = false;
};

// Loads a track from a directory holding track.json, or from a .json file.
// Throws RallyError naming the file, the line or JSON path, and what was expected.
Track load_track(const std::string& path, const LoadOptions& options = {});

// Loads a track again from the files recorded when it was first loaded.
Track load_track(const TrackFiles& files, const LoadOptions& options = {});

}  // namespace rally::track
