#include "rally/metrics/race_store.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"
#include "rally/common/redaction.hpp"

#include "unit/temp_dir.hpp"
#include <sys/resource.h>
#include <sys/stat.h>

namespace rally::metrics {
namespace {

namespace fs = std::filesystem;
using rally::testing::read_file;
using rally::testing::TempDir;
using ::testing::HasSubstr;

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

TEST(RaceStore, WritesRaceJsonUnderTheRaceId) {
  TempDir dir;
  RaceStore store(dir / "races");
  nlohmann::json race = {{"race-id", "r-1"}, {"track", "tiny"}, {"results", {{"requests", 3}}}};
  auto path = store.store("r-1", race);
  EXPECT_EQ(path, dir / "races/r-1/race.json");
  auto text = read_file(path);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(nlohmann::json::parse(text), race);
  EXPECT_THAT(names_in(dir.path() / "races" / "r-1"), ::testing::ElementsAre("race.json"));
}

TEST(RaceStore, NoKnownSecretIsWritten) {
  TempDir dir;
  RaceStore store(dir.str());
  register_secret("hunter22");
  auto path = store.store("r", {{"failure", "HTTP 400: cannot parse 'hunter22'"}, {"notes", {"hunter22"}}});
  forget_secrets();
  auto text = read_file(path);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("hunter22")));
  EXPECT_EQ(nlohmann::json::parse(text)["failure"], "HTTP 400: cannot parse '*****'");
}

TEST(RaceStore, StoringAgainReplacesTheRace) {
  TempDir dir;
  RaceStore store(dir.str());
  store.store("r", {{"version", 1}});
  auto path = store.store("r", {{"version", 2}});
  EXPECT_EQ(nlohmann::json::parse(read_file(path))["version"], 2);
  EXPECT_THAT(names_in(dir.path() / "r"), ::testing::ElementsAre("race.json"));
}

TEST(RaceStore, DefaultDirectoryIsUnderHome) {
  TempDir dir;
  rally::testing::ScopedEnv home("HOME", dir.str());
  EXPECT_EQ(RaceStore::default_races_dir(), dir / ".rally/benchmarks/races");
}

TEST(RaceStore, UnwritableDirectoryThrowsNamingThePath) {
  TempDir dir;
  dir.write("not-a-dir", "x");
  RaceStore store(dir / "not-a-dir");
  try {
    store.store("r-2", {{"a", 1}});
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir / "not-a-dir/r-2/race.json"));
  }
}

// A disk that fills up while race.json is written: RLIMIT_FSIZE makes write() fail part way
// (EFBIG) as ENOSPC would, without a file system of its own.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previous_)(int) = nullptr;
};

// Bug: RaceStore::store left the race's directory behind, empty, when race.json could not be
// written, and `rally list races` warned about it on every listing from then on.
TEST(RaceStore, AWriteThatFailsPartWayLeavesNoFileAndNoRaceDirectory) {
  TempDir dir;
  RaceStore store(dir / "races");
  store.store("earlier", {{"a", 1}});
  nlohmann::json big = {{"results", std::string(64 * 1024, 'x')}};
  try {
    FileSizeLimit limit(4096);
    store.store("r-3", big);
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir / "races/r-3/race.json"));
    EXPECT_THAT(e.what(), HasSubstr("write: File too large"));
  }
  EXPECT_THAT(names_in(dir.path() / "races"), ::testing::ElementsAre("earlier"));
}

TEST(RaceStore, AFailedRewriteKeepsTheRaceJsonThatWasThere) {
  TempDir dir;
  RaceStore store(dir.str());
  auto path = store.store("r", {{"version", 1}});
  {
    FileSizeLimit limit(16);
    EXPECT_THROW(store.store("r", {{"version", std::string(1024, 'x')}}), RallyError);
  }
  EXPECT_EQ(nlohmann::json::parse(read_file(path))["version"], 1);
  EXPECT_THAT(names_in(dir.path() / "r"), ::testing::ElementsAre("race.json"));
}

nlohmann::json race_doc(const std::string& id, const std::string& timestamp) {
  TaskResult r;
  r.task = "match-all";
  r.operation = "match-all";
  r.operation_type = "search";
  r.throughput = ThroughputStats{1, 2, 3, 4};
  r.latency = {{50, 1.5}, {100, 3}};
  r.requests = 10;
  return {{"race-id", id},
          {"race-timestamp", timestamp},
          {"status", "success"},
          {"track", "tiny"},
          {"challenge", "append-and-search"},
          {"cluster", {{"distribution-flavor", "opensearch"}, {"distribution-version", "2.19.6"}}},
          {"notes", {"a note"}},
          {"results", {{"op_metrics", std::vector<TaskResult>{r}}}}};
}

std::vector<std::string> ids_of(const std::vector<StoredRace>& races) {
  std::vector<std::string> ids;
  for (const auto& r : races) ids.push_back(r.race_id);
  return ids;
}

TEST(RaceStore, LoadsWhatWasStored) {
  TempDir dir;
  RaceStore store(dir.str());
  auto doc = race_doc("r-1", "2024-05-01T10:00:00Z");
  doc["user-tags"] = {{"intention", "baseline"}, {"build", 42}};
  store.store("r-1", doc);
  auto race = store.load("r-1");
  EXPECT_EQ(race.race_id, "r-1");
  EXPECT_EQ(race.race_timestamp, "2024-05-01T10:00:00Z");
  EXPECT_EQ(race.status, "success");
  EXPECT_EQ(race.track, "tiny");
  EXPECT_EQ(race.challenge, "append-and-search");
  EXPECT_EQ(race.distribution, "opensearch");
  EXPECT_EQ(race.distribution_version, "2.19.6");
  EXPECT_THAT(race.notes, ::testing::ElementsAre("a note"));
  EXPECT_EQ(race.user_tags.at("intention"), "baseline");
  EXPECT_EQ(race.user_tags.at("build"), "42");
  ASSERT_EQ(race.results.size(), 1u);
  EXPECT_EQ(race.results[0].task, "match-all");
  EXPECT_EQ(race.results[0].latency[0].value_ms, 1.5);
  EXPECT_EQ(race.path, dir / "r-1/race.json");
}

TEST(RaceStore, UnknownRaceIdNamesTheIdAndTheDirectory) {
  TempDir dir;
  RaceStore store(dir.str());
  store.store("r-1", race_doc("r-1", "t"));
  for (const char* id : {"r-2", "..", ".", "r-1/..", ""}) {
    try {
      (void)store.load(id);
      FAIL() << "expected an error for [" << id << "]";
    } catch (const RallyError& e) {
      EXPECT_THAT(e.what(), HasSubstr("[" + std::string(id) + "]"));
      EXPECT_THAT(e.what(), HasSubstr(dir.str()));
    }
  }
}

TEST(RaceStore, ListsNewestFirstByRaceTimestamp) {
  TempDir dir;
  RaceStore store(dir.str());
  store.store("b", race_doc("b", "2024-05-01T10:00:00Z"));
  store.store("c", race_doc("c", "2023-12-31T23:59:59Z"));
  store.store("a", race_doc("a", "2024-05-02T08:00:00Z"));
  auto listing = store.list();
  EXPECT_THAT(ids_of(listing.races), ::testing::ElementsAre("a", "b", "c"));
  EXPECT_TRUE(listing.unreadable.empty());
}

TEST(RaceStore, SameTimestampOrdersByWhenWrittenThenById) {
  std::vector<StoredRace> races(3);
  races[0].race_id = "x";
  races[1].race_id = "y";
  races[2].race_id = "z";
  for (auto& r : races) r.race_timestamp = "2024-05-01T10:00:00Z";
  std::vector<double> written = {5, 7, 5};
  sort_newest_first(races, written);
  EXPECT_THAT(ids_of(races), ::testing::ElementsAre("y", "x", "z"));
  EXPECT_THAT(written, ::testing::ElementsAre(7, 5, 5));
}

TEST(RaceStore, UnreadableRacesAreNamedNotFatal) {
  TempDir dir;
  RaceStore store(dir.str());
  store.store("good", race_doc("good", "2024-05-01T10:00:00Z"));
  dir.write("broken/race.json", "{\"race-id\": ");
  dir.write("not-a-race/race.json", "[1, 2]");
  dir.write("bad-results/race.json", R"({"race-id": "bad-results", "results": {"op_metrics": [{"task": 1}]}})");
  std::filesystem::create_directories(dir.path() / "empty");
  auto listing = store.list();
  EXPECT_THAT(ids_of(listing.races), ::testing::ElementsAre("good"));
  ASSERT_EQ(listing.unreadable.size(), 4u);
  EXPECT_THAT(listing.unreadable[0], HasSubstr(dir / "bad-results/race.json"));
  EXPECT_THAT(listing.unreadable[1], HasSubstr(dir / "broken/race.json"));
  EXPECT_THAT(listing.unreadable[1], HasSubstr("not valid JSON"));
  EXPECT_THAT(listing.unreadable[2], HasSubstr(dir / "empty/race.json"));
  EXPECT_THAT(listing.unreadable[3], HasSubstr(dir / "not-a-race/race.json"));
  EXPECT_THROW((void)store.load("broken"), RallyError);
}

TEST(RaceStore, NoRacesDirectoryIsAnEmptyListing) {
  TempDir dir;
  auto listing = RaceStore(dir / "missing").list();
  EXPECT_TRUE(listing.races.empty());
  EXPECT_TRUE(listing.unreadable.empty());
}

TEST(WriteFileAtomically, CreatesDirectoriesAndLeavesNoTemporaryFile) {
  TempDir dir;
  auto path = dir / "a/b/c.txt";
  write_file_atomically(path, "hello\n");
  EXPECT_EQ(read_file(path), "hello\n");
  EXPECT_THAT(names_in(dir.path() / "a" / "b"), ::testing::ElementsAre("c.txt"));
}

TEST(WriteFileAtomically, EmptyContent) {
  TempDir dir;
  write_file_atomically(dir / "empty", "");
  EXPECT_TRUE(fs::exists(dir.path() / "empty"));
  EXPECT_EQ(fs::file_size(dir.path() / "empty"), 0u);
}

TEST(WriteFileAtomically, ReplacesByRenameNotInPlace) {
  TempDir dir;
  auto path = dir / "file";
  write_file_atomically(path, "old content");
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  // A reader that opened the old file keeps reading the old file: the new content
  // arrives as a new inode under the same name, never as a partial overwrite.
  std::ifstream reader(path);
  ASSERT_TRUE(reader.is_open());

  write_file_atomically(path, "new");
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  std::string old_text((std::istreambuf_iterator<char>(reader)), std::istreambuf_iterator<char>());
  EXPECT_EQ(old_text, "old content");
  EXPECT_EQ(read_file(path), "new");
  EXPECT_THAT(names_in(dir.path()), ::testing::ElementsAre("file"));
}

TEST(WriteFileAtomically, PathUnderARegularFileThrowsNamingThePath) {
  TempDir dir;
  dir.write("plain", "x");
  auto path = dir / "plain/sub/out.json";
  try {
    write_file_atomically(path, "{}");
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
  EXPECT_EQ(read_file(dir / "plain"), "x");
}

TEST(WriteFileAtomically, FailedRenameRemovesTheTemporaryFile) {
  TempDir dir;
  fs::create_directories(dir.path() / "target" / "child");  // a non-empty directory cannot be replaced
  try {
    write_file_atomically(dir / "target", "data");
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir / "target"));
    EXPECT_THAT(e.what(), HasSubstr("rename"));
  }
  EXPECT_THAT(names_in(dir.path()), ::testing::ElementsAre("target"));
  EXPECT_TRUE(fs::is_directory(dir.path() / "target" / "child"));
}

}  // namespace
}  // namespace rally::metrics
