#include "rally/track/corpus.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Entries = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
using rally::testing::ScopedEnv;
using rally::testing::TempDir;

// `lines` lines of different lengths ("doc-<i>\n"), the last one optionally without newline.
std::string make_lines(std::uint64_t lines, bool trailing_newline = true) {
  std::string text;
  for (std::uint64_t i = 0; i < lines; ++i) {
    text += "doc-" + std::to_string(i);
    if (i + 1 < lines || trailing_newline) text += '\n';
  }
  return text;
}

// Rally's table, computed the slow and obvious way: after line k*50,000 the offset at
// which the next line starts.
Entries expected_entries(const std::string& text) {
  Entries entries;
  std::uint64_t line = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && ++line % 50'000 == 0) entries.emplace_back(line, i + 1);
  }
  return entries;
}

OffsetTable build(const std::string& path, std::size_t step_bytes = std::size_t{1} << 30) {
  OffsetTableBuilder builder(path);
  int guard = 0;
  while (!builder.step(step_bytes)) {
    if (++guard > 10'000'000) throw std::runtime_error("the builder never finishes");
  }
  EXPECT_DOUBLE_EQ(builder.progress(), 1.0);
  return builder.table();
}

TEST(OffsetTableBuilder, EmptyFileHasNoLines) {
  TempDir dir;
  auto table = build(dir.write("empty.json", ""));
  EXPECT_EQ(table.lines, 0u);
  EXPECT_TRUE(table.entries.empty());
}

TEST(OffsetTableBuilder, OneLineWithoutTrailingNewlineCounts) {
  TempDir dir;
  auto table = build(dir.write("one.json", R"({"a": 1})"));
  EXPECT_EQ(table.lines, 1u);
  EXPECT_TRUE(table.entries.empty());
}

TEST(OffsetTableBuilder, ExactlyFiftyThousandLines) {
  TempDir dir;
  auto text = make_lines(50'000);
  auto table = build(dir.write("docs.json", text));
  EXPECT_EQ(table.lines, 50'000u);
  EXPECT_EQ(table.entries, (Entries{{50'000, text.size()}}));
}

TEST(OffsetTableBuilder, OneHundredTwentyThousandAndOneLines) {
  TempDir dir;
  auto text = make_lines(120'001);
  auto table = build(dir.write("docs.json", text));
  EXPECT_EQ(table.lines, 120'001u);
  auto expected = expected_entries(text);
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(table.entries, expected);
  // The offsets point at the first byte of lines 50,000 and 100,000 (0-based).
  EXPECT_EQ(text.substr(table.entries[0].second, 10), "doc-50000\n");
  EXPECT_EQ(text.substr(table.entries[1].second, 11), "doc-100000\n");
}

TEST(OffsetTableBuilder, LastLineWithoutNewlineAfterManyLines) {
  TempDir dir;
  auto text = make_lines(100'001, false);
  auto table = build(dir.write("docs.json", text));
  EXPECT_EQ(table.lines, 100'001u);
  EXPECT_EQ(table.entries, expected_entries(text));
}

TEST(OffsetTableBuilder, SmallStepsGiveTheSameTableAsOneBigStep) {
  TempDir dir;
  auto text = make_lines(100'003);
  auto path = dir.write("docs.json", text);
  auto whole = build(path);
  for (std::size_t step : {7u, 4096u, 50'001u}) {
    SCOPED_TRACE(step);
    OffsetTableBuilder builder(path);
    double last_progress = 0;
    std::size_t steps = 0;
    bool done = false;
    while (!done) {
      done = builder.step(step);
      ++steps;
      EXPECT_GE(builder.progress(), last_progress);
      last_progress = builder.progress();
    }
    EXPECT_EQ(steps, (text.size() + step - 1) / step);
    EXPECT_EQ(builder.table().lines, whole.lines);
    EXPECT_EQ(builder.table().entries, whole.entries);
  }
}

TEST(OffsetTableBuilder, StepByStepCountsLinesSplitAcrossSteps) {
  TempDir dir;
  auto path = dir.write("docs.json", "ab\ncd\nef");
  OffsetTableBuilder builder(path);
  EXPECT_FALSE(builder.step(2));  // "ab"
  EXPECT_EQ(builder.table().lines, 0u);
  EXPECT_FALSE(builder.step(2));  // "\nc"
  EXPECT_EQ(builder.table().lines, 1u);
  EXPECT_FALSE(builder.step(3));  // "d\ne"
  EXPECT_EQ(builder.table().lines, 2u);
  EXPECT_TRUE(builder.step(3));  // "f": the last line has no newline
  EXPECT_EQ(builder.table().lines, 3u);
  EXPECT_TRUE(builder.step(3));  // done stays done, without counting again
  EXPECT_EQ(builder.table().lines, 3u);
}

TEST(OffsetTableBuilder, MissingFileNamesThePath) {
  TempDir dir;
  try {
    OffsetTableBuilder builder(dir / "missing.json");
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir / "missing.json"));
  }
}

TEST(OffsetTable, WriteAndReadRoundTrip) {
  TempDir dir;
  auto text = make_lines(120'001);
  auto path = dir.write("docs.json", text);
  OffsetTableBuilder builder(path);
  while (!builder.step(1 << 20)) {
  }
  builder.write();
  auto entries = builder.table().entries;
  EXPECT_EQ(rally::testing::read_file(path + ".offset"), "50000;" + std::to_string(entries.at(0).second) + "\n100000;" +
                                                             std::to_string(entries.at(1).second) + "\n");
  auto table = read_offset_table(path);
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->entries, entries);
  // No temporary file is left next to the table.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("docs.json", "docs.json.offset"));
}

TEST(OffsetTable, EmptyTableForShortFilesRoundTrips) {
  TempDir dir;
  auto path = dir.write("docs.json", make_lines(10));
  OffsetTableBuilder builder(path);
  while (!builder.step(1 << 20)) {
  }
  builder.write();
  EXPECT_EQ(rally::testing::read_file(path + ".offset"), "");
  auto table = read_offset_table(path);
  ASSERT_TRUE(table.has_value());
  EXPECT_TRUE(table->entries.empty());
}

TEST(OffsetTable, MissingTableIsNullopt) {
  TempDir dir;
  EXPECT_FALSE(read_offset_table(dir.write("docs.json", "a\n")).has_value());
}

TEST(OffsetTable, TableOlderThanTheDataFileIsTreatedAsMissing) {
  TempDir dir;
  auto path = dir.write("docs.json", "a\n");
  dir.write("docs.json.offset", "50000;123\n");
  auto data_time = fs::last_write_time(path);
  fs::last_write_time(path + ".offset", data_time - std::chrono::seconds(10));
  EXPECT_FALSE(read_offset_table(path).has_value());

  fs::last_write_time(path + ".offset", data_time);
  EXPECT_TRUE(read_offset_table(path).has_value());
  fs::last_write_time(path + ".offset", data_time + std::chrono::seconds(10));
  auto table = read_offset_table(path);
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->entries, (Entries{{50'000, 123}}));
}

TEST(OffsetTable, CorruptTableIsTreatedAsMissing) {
  TempDir dir;
  auto path = dir.write("docs.json", "a\n");
  for (const char* corrupt :
       {"50000\n", "50000;x\n", "abc;1\n", "50000;1\ngarbage\n", "50000;-1\n", "50000;1x\n", "50000;10\n40000;20\n",
        "50000;10\n100000;10\n", ";5\n", "0;0\n", "50000;99999999999999999999999\n"}) {
    SCOPED_TRACE(corrupt);
    dir.write("docs.json.offset", corrupt);
    fs::last_write_time(path + ".offset", fs::last_write_time(path) + std::chrono::seconds(1));
    EXPECT_FALSE(read_offset_table(path).has_value());
  }
}

TEST(LineOffset, WithoutTableEntriesScansLines) {
  const std::string_view data = "a\nbb\nccc\n";
  const OffsetTable none;
  EXPECT_EQ(line_offset(data, none, 0), 0u);
  EXPECT_EQ(line_offset(data, none, 1), 2u);
  EXPECT_EQ(line_offset(data, none, 2), 5u);
  EXPECT_EQ(line_offset(data, none, 3), 9u);
  EXPECT_EQ(line_offset(data, none, 100), 9u);  // past the end: the end
}

TEST(LineOffset, LastLineWithoutNewline) {
  const std::string_view data = "a\nbb";
  const OffsetTable none;
  EXPECT_EQ(line_offset(data, none, 1), 2u);
  EXPECT_EQ(line_offset(data, none, 2), 4u);
  EXPECT_EQ(line_offset("", none, 0), 0u);
  EXPECT_EQ(line_offset("", none, 5), 0u);
}

TEST(LineOffset, UsesTheLastEntryAtOrBeforeTheLine) {
  const std::string_view data = "a\nbb\nccc\ndddd\n";
  // A table whose line numbers disagree with the data proves that the table is used to skip
  // ahead (its offsets do start lines, so it is trusted).
  OffsetTable table;
  table.entries = {{1, 2}, {3, 5}};
  EXPECT_EQ(line_offset(data, table, 0), 0u);
  EXPECT_EQ(line_offset(data, table, 1), 2u);
  EXPECT_EQ(line_offset(data, table, 2), 5u);  // entry 1 then one line
  EXPECT_EQ(line_offset(data, table, 3), 5u);  // taken from the table as it is
  EXPECT_EQ(line_offset(data, table, 4), 9u);  // from 5: the rest of "ccc\n"
}

TEST(LineOffset, AnEntryThatDoesNotStartALineEndsTheUseOfTheTable) {
  const std::string_view data = "a\nbb\nccc\ndddd\n";
  OffsetTable table;
  table.entries = {{1, 2}, {3, 7}, {4, 9}};  // 7 is inside "ccc": from another file
  EXPECT_EQ(line_offset(data, table, 3), 9u);
  EXPECT_EQ(line_offset(data, table, 4), 14u);
  table.entries = {{2, 5}, {1, 2}};  // out of order
  EXPECT_EQ(line_offset(data, table, 3), 9u);
}

TEST(LineOffset, MatchesAScanOnARealTable) {
  TempDir dir;
  auto text = make_lines(120'001);
  auto table = build(dir.write("docs.json", text));
  const OffsetTable none;
  for (std::uint64_t line : {0u, 1u, 49'999u, 50'000u, 50'001u, 99'999u, 100'000u, 120'000u, 120'001u}) {
    EXPECT_EQ(line_offset(text, table, line), line_offset(text, none, line)) << line;
  }
  EXPECT_EQ(text.substr(line_offset(text, table, 100'001), 11), "doc-100001\n");
}

TEST(LineOffset, EntriesBeyondTheDataAreIgnored) {
  const std::string_view data = "a\nbb\n";
  OffsetTable table;
  table.entries = {{1, 1000}};  // a table from a different, larger file
  EXPECT_EQ(line_offset(data, table, 1), 2u);
  EXPECT_EQ(line_offset(data, table, 2), 5u);
}

TEST(ResolveDocumentPath, PrefersTheTrackDirectoryThenRallysDataDirectory) {
  TempDir dir;
  ScopedEnv home("HOME", dir / "home");
  auto in_track = dir.write("track/docs.json", "x\n");
  auto in_data = dir.write("home/.rally/benchmarks/data/corpus/docs.json", "x\n");
  EXPECT_EQ(resolve_document_path(dir / "track", "corpus", "docs.json"), in_track);
  fs::remove(in_track);
  EXPECT_EQ(resolve_document_path(dir / "track", "corpus", "docs.json"), in_data);

  Track track;
  track.directory = dir / "track";
  Corpus corpus;
  corpus.name = "corpus";
  Document doc;
  doc.source_file = doc.document_file = "docs.json";
  EXPECT_EQ(resolve_document_path(track, corpus, doc), in_data);
}

TEST(ResolveDocumentPath, ErrorListsEveryPlaceItLooked) {
  TempDir dir;
  ScopedEnv home("HOME", dir / "home");
  fs::create_directories(dir.path() / "track" / "docs.json");  // a directory is not a document file
  try {
    (void)resolve_document_path(dir / "track", "corpus", "docs.json");
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr("corpus 'corpus'"));
    EXPECT_THAT(e.what(), HasSubstr("'docs.json' not found"));
    EXPECT_THAT(e.what(), HasSubstr(dir / "track/docs.json"));
    EXPECT_THAT(e.what(), HasSubstr(dir / "home/.rally/benchmarks/data/corpus/docs.json"));
  }
}

TEST(MappedFile, MapsTheWholeFileAndEmptyFiles) {
  TempDir dir;
  MappedFile file(dir.write("docs.json", "a\nbb\n"));
  EXPECT_EQ(file.data(), "a\nbb\n");
  EXPECT_EQ(file.path(), dir / "docs.json");
  MappedFile empty(dir.write("empty.json", ""));
  EXPECT_TRUE(empty.data().empty());
  EXPECT_THROW(MappedFile(dir / "missing.json"), RallyError);
}

}  // namespace
}  // namespace rally::track
