#include "rally/track/track_location.hpp"

#include <gtest/gtest.h>

#include "rally/common/errors.hpp"
#include "rally/common/process.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track {
namespace {

using namespace std::chrono_literals;

void git(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv{"git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_process(argv, 60s);
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

class TrackLocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dirs_.shipped = dir_ / "shipped";
    dirs_.repositories = dir_ / "home/.rally/benchmarks/tracks";
    dir_.write("shipped/tiny/track.json", "{}");
    // A repository with two revisions of track "t": v1 then v2 (the default branch head).
    repo_ = dir_ / "origin/my-tracks";
    dir_.write("origin/my-tracks/t/track.json", R"({"description": "one"})");
    auto init = run_process({"git", "init", "--quiet", "--initial-branch=main", repo_}, 60s);
    ASSERT_EQ(init.exit_code, 0) << init.output;
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "--quiet", "-m", "one"});
    git(repo_, {"tag", "v1"});
    dir_.write("origin/my-tracks/t/track.json", R"({"description": "two"})");
    git(repo_, {"commit", "--quiet", "-am", "two"});
  }

  std::string description_at(const std::string& track_dir) { return testing::read_file(track_dir + "/track.json"); }

  testing::TempDir dir_;
  TrackDirectories dirs_;
  std::string repo_;
};

TEST_F(TrackLocationTest, APathIsUsedAsItIs) {
  TrackLocation l;
  l.path = "/some/where";
  EXPECT_EQ(resolve_track(l, dirs_), "/some/where");
}

TEST_F(TrackLocationTest, ANameIsFoundAmongTheShippedTracks) {
  TrackLocation l;
  l.name = "tiny";
  EXPECT_EQ(resolve_track(l, dirs_), dir_ / "shipped/tiny");
}

TEST_F(TrackLocationTest, AnUnknownNameSaysWhereItLooked) {
  TrackLocation l;
  l.name = "nope";
  try {
    resolve_track(l, dirs_);
    FAIL();
  } catch (const RallyError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("unknown track 'nope'"), std::string::npos) << what;
    EXPECT_NE(what.find(dir_ / "shipped/nope"), std::string::npos) << what;
  }
}

TEST_F(TrackLocationTest, NameAndPathTogetherAreAnError) {
  TrackLocation l;
  l.name = "tiny";
  l.path = "/x";
  EXPECT_THROW(resolve_track(l, dirs_), RallyError);
  l.name.clear();
  l.path.clear();
  EXPECT_THROW(resolve_track(l, dirs_), RallyError);
}

TEST_F(TrackLocationTest, ARepositoryIsClonedAndTheRevisionPicked) {
  TrackLocation l;
  l.name = "t";
  l.repository = repo_;
  auto head = resolve_track(l, dirs_);
  EXPECT_EQ(head, dirs_.repositories + "/my-tracks/t");
  EXPECT_NE(description_at(head).find("two"), std::string::npos);

  l.revision = "v1";
  EXPECT_NE(description_at(resolve_track(l, dirs_)).find("one"), std::string::npos);

  l.revision = "main";  // a branch: the remote's, after a fetch
  EXPECT_NE(description_at(resolve_track(l, dirs_)).find("two"), std::string::npos);

  l.revision = "no-such-revision";
  try {
    resolve_track(l, dirs_);
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_NE(std::string(e.what()).find("no revision 'no-such-revision'"), std::string::npos) << e.what();
  }
}

TEST_F(TrackLocationTest, OfflineUsesTheCloneAsItIsAndCannotClone) {
  TrackLocation l;
  l.name = "t";
  l.repository = repo_;
  l.offline = true;
  EXPECT_THROW(resolve_track(l, dirs_), RallyError);  // not cloned yet
  l.offline = false;
  resolve_track(l, dirs_);
  // A new commit upstream is not seen offline.
  dir_.write("origin/my-tracks/t/track.json", R"({"description": "three"})");
  git(repo_, {"commit", "--quiet", "-am", "three"});
  l.offline = true;
  EXPECT_NE(description_at(resolve_track(l, dirs_)).find("two"), std::string::npos);
  l.offline = false;
  EXPECT_NE(description_at(resolve_track(l, dirs_)).find("three"), std::string::npos);
}

TEST_F(TrackLocationTest, ListsShippedTracksByName) {
  dir_.write("home/.rally/benchmarks/tracks/default/other/track.json", "{}");
  dir_.write("home/.rally/benchmarks/tracks/default/tiny/track.json", "{}");  // shadowed by the shipped one
  auto entries = list_tracks(dirs_);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "tiny");
  EXPECT_EQ(entries[0].directory, dir_ / "shipped/tiny");
  EXPECT_EQ(entries[1].name, "other");
}

TEST(RepositoryName, IsTheLastPathPartWithoutGit) {
  EXPECT_EQ(repository_name("https://github.com/elastic/rally-tracks.git"), "rally-tracks");
  EXPECT_EQ(repository_name("/srv/git/tracks/"), "tracks");
  EXPECT_EQ(repository_name("git@host:team/perf.git"), "perf");
  EXPECT_THROW(repository_name("/"), RallyError);
}

}  // namespace
}  // namespace rally::track
