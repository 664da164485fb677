#pragma once

#include <string>
#include <vector>

namespace rally::track {

// Where a track comes from: Rally's --track, --track-path, --track-repository and
// --track-revision.
struct TrackLocation {
  std::string name;        // a track by name
  std::string path;        // a directory holding track.json, or a .json file
  std::string repository;  // a git repository: a URL or a local path
  std::string revision;    // a revision in it (default: the remote's default branch)
  bool offline = false;    // use a cloned repository as it is
};

struct TrackDirectories {
  std::string shipped;       // tracks shipped with rally
  std::string repositories;  // ~/.rally/benchmarks/tracks
};

// The defaults: $RALLY_TRACKS_DIR, or tracks/ beside the source tree the binary was built
// in, or ../share/rally/tracks beside the binary; ~/.rally/benchmarks/tracks.
TrackDirectories default_track_directories();

// Resolves a location to a track directory or file. For a repository, clones it into
// <repositories>/<name> or fetches it (not when offline) and checks out the revision.
// Throws RallyError saying what was looked for and where.
std::string resolve_track(const TrackLocation& location, const TrackDirectories& dirs);

struct TrackEntry {
  std::string name;
  std::string directory;
};

// Every track directory (one holding track.json) in the shipped directory and in the
// default repository, shipped ones first; a name appears once.
std::vector<TrackEntry> list_tracks(const TrackDirectories& dirs);

// The directory name a repository is cloned into: the last path part without ".git".
std::string repository_name(const std::string& repository);

}  // namespace rally::track
