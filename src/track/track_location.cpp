#include "rally/track/track_location.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "rally/common/errors.hpp"
#include "rally/common/process.hpp"

#include <unistd.h>

namespace rally::track {
namespace fs = std::filesystem;

namespace {

constexpr auto git_timeout = std::chrono::seconds(300);

std::string home_dir() {
  const char* home = std::getenv("HOME");
  return home && *home ? home : "/tmp";
}

void git(const std::vector<std::string>& args, const std::string& what) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run_process(argv, git_timeout);
  if (result.exit_code != 0) {
    auto output = result.output;
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    throw RallyError(what + (result.exit_code < 0 ? ": git did not finish in time" : ": " + output));
  }
}

std::string checkout_repository(const TrackLocation& location, const TrackDirectories& dirs) {
  auto name = repository_name(location.repository);
  auto dir = (fs::path(dirs.repositories) / name).string();
  std::error_code ec;
  bool cloned = fs::exists(fs::path(dir) / ".git", ec);
  if (!cloned) {
    if (location.offline)
      throw RallyError("track repository " + location.repository + " is not cloned in " + dir +
                       " and rally is offline (--offline)");
    fs::create_directories(dirs.repositories, ec);
    git({"clone", "--quiet", location.repository, dir}, "cannot clone track repository " + location.repository);
  } else if (!location.offline) {
    git({"-C", dir, "fetch", "--quiet", "--tags", "origin"}, "cannot update track repository in " + dir);
  }
  if (!location.revision.empty()) {
    auto rev = location.revision;
    // A branch name means the remote's branch; anything else (a tag, a commit) as it is.
    auto remote = run_process({"git", "-C", dir, "rev-parse", "--verify", "--quiet", "origin/" + rev}, git_timeout);
    if (remote.exit_code == 0) rev = "origin/" + rev;
    git({"-C", dir, "checkout", "--quiet", "--detach", rev},
        "track repository " + location.repository + " has no revision '" + location.revision + "'");
  } else if (!location.offline) {
    git({"-C", dir, "checkout", "--quiet", "--detach", "origin/HEAD"},
        "cannot check out the default branch of " + location.repository);
  }
  return dir;
}

bool is_track_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "track.json", ec);
}

}  // namespace

std::string repository_name(const std::string& repository) {
  auto text = repository;
  while (!text.empty() && text.back() == '/') text.pop_back();
  auto slash = text.find_last_of("/:");
  auto name = slash == std::string::npos ? text : text.substr(slash + 1);
  if (name.size() > 4 && name.substr(name.size() - 4) == ".git") name.resize(name.size() - 4);
  if (name.empty() || name == "." || name == "..")
    throw RallyError("--track-repository: cannot name a directory after '" + repository + "'");
  return name;
}

TrackDirectories default_track_directories() {
  TrackDirectories dirs;
  dirs.repositories = (fs::path(home_dir()) / ".rally" / "benchmarks" / "tracks").string();
  if (const char* env = std::getenv("RALLY_TRACKS_DIR"); env && *env) {
    dirs.shipped = env;
    return dirs;
  }
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // build/bin/rally in a source tree, or <prefix>/bin/rally when installed.
    for (auto candidate :
         {exe.parent_path() / ".." / ".." / "tracks", exe.parent_path() / ".." / "share" / "rally" / "tracks"}) {
      if (fs::is_directory(candidate, ec)) {
        dirs.shipped = candidate.lexically_normal().string();
        break;
      }
    }
  }
  return dirs;
}

std::string resolve_track(const TrackLocation& location, const TrackDirectories& dirs) {
  int given = !location.name.empty() + !location.path.empty();
  if (given != 1) throw RallyError("name a track with exactly one of --track or --track-path");
  if (!location.path.empty()) {
    if (!location.repository.empty() || !location.revision.empty())
      throw RallyError("--track-path cannot be combined with --track-repository or --track-revision");
    return location.path;
  }
  if (location.name.find('/') != std::string::npos || location.name == "." || location.name == "..")
    throw RallyError("--track: '" + location.name + "' is not a track name (use --track-path for a path)");
  if (!location.repository.empty()) {
    auto dir = fs::path(checkout_repository(location, dirs)) / location.name;
    if (!is_track_dir(dir))
      throw RallyError("track repository " + location.repository + " has no track '" + location.name + "' (no " +
                       (dir / "track.json").string() + ")");
    return dir.string();
  }
  if (!location.revision.empty()) throw RallyError("--track-revision needs --track-repository");
  std::vector<fs::path> candidates;
  if (!dirs.shipped.empty()) candidates.push_back(fs::path(dirs.shipped) / location.name);
  candidates.push_back(fs::path(dirs.repositories) / "default" / location.name);
  std::string tried;
  for (const auto& c : candidates) {
    if (is_track_dir(c)) return c.string();
    tried += (tried.empty() ? "" : ", ") + c.string();
  }
  throw RallyError("unknown track '" + location.name + "' (looked in " + tried + "); 'rally list tracks' shows them");
}

std::vector<TrackEntry> list_tracks(const TrackDirectories& dirs) {
  std::vector<TrackEntry> entries;
  std::set<std::string> seen;
  for (const auto& root : {dirs.shipped, (fs::path(dirs.repositories) / "default").string()}) {
    std::error_code ec;
    if (root.empty() || !fs::is_directory(root, ec)) continue;
    std::vector<fs::path> dirs_here;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      if (is_track_dir(entry.path())) dirs_here.push_back(entry.path());
    }
    std::sort(dirs_here.begin(), dirs_here.end());
    for (const auto& d : dirs_here) {
      auto name = d.filename().string();
      if (seen.insert(name).second) entries.push_back({name, d.string()});
    }
  }
  return entries;
}

}  // namespace rally::track
