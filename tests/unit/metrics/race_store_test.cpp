#include "rally/metrics/race_store.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"

#include "unit/temp_dir.hpp"
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
