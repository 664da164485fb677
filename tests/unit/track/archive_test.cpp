#include "rally/track/archive.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track {
namespace {

namespace fs = std::filesystem;
using rally::testing::read_file;
using rally::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Corpus-like JSON lines of varying length; deterministic, so failures reproduce.
std::string json_lines(std::size_t min_bytes) {
  std::string text;
  for (std::uint64_t i = 0; text.size() < min_bytes; ++i) {
    text += R"({"id": )" + std::to_string(i) + R"(, "name": "document )" + std::to_string(i * 7919 % 100'003) +
            R"(", "tags": [)" + std::string(i % 13, 'x') + "]}\n";
  }
  return text;
}

struct Tool {
  ArchiveFormat format;
  const char* extension;
  const char* command;  // compresses stdin to stdout
};

void PrintTo(const Tool& tool, std::ostream* os) { *os << tool.command; }

const Tool tools[] = {
    {ArchiveFormat::gzip, ".gz", "gzip -c"},
    {ArchiveFormat::bzip2, ".bz2", "bzip2 -c"},
    {ArchiveFormat::zstd, ".zst", "zstd -q -c"},
};

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// Compresses `input` with the format's command-line tool, as a track author would.
std::string compress(const Tool& tool, const std::string& input, const std::string& output) {
  auto command = std::string(tool.command) + " < " + quoted(input) + " > " + quoted(output);
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  return output;
}

std::string extract_all(ArchiveExtractor& extractor, std::size_t step) {
  int guard = 0;
  while (!extractor.step(step)) {
    if (++guard > 50'000'000) throw std::runtime_error("the extractor never finishes");
  }
  return read_file(extractor.output());
}

// Nothing but the named files: no temporary output may survive a failure.
std::vector<std::string> files_in(const TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class ArchiveTest : public ::testing::TestWithParam<Tool> {
 protected:
  void SetUp() override {
    auto tool = std::string(GetParam().command);
    if (std::system(("command -v " + tool.substr(0, tool.find(' ')) + " > /dev/null").c_str()) != 0) {
      GTEST_SKIP() << tool << " is not installed";
    }
    text_ = json_lines(300'000);
    plain_ = dir_.write("source.json", text_);
    archive_ = compress(GetParam(), plain_, dir_ / ("documents.json" + std::string(GetParam().extension)));
    fs::remove(plain_);
  }

  std::string archive_name() const { return "documents.json" + std::string(GetParam().extension); }

  TempDir dir_;
  std::string text_;
  std::string plain_;
  std::string archive_;
};

TEST_P(ArchiveTest, RoundTripIntoTheNameWithoutExtension) {
  ArchiveExtractor extractor(archive_, text_.size());
  EXPECT_EQ(extractor.output(), dir_ / "documents.json");
  EXPECT_EQ(extract_all(extractor, 1u << 30), text_);
  EXPECT_DOUBLE_EQ(extractor.progress(), 1.0);
  EXPECT_EQ(extractor.consumed_bytes(), fs::file_size(archive_));
  EXPECT_EQ(extractor.written_bytes(), text_.size());
  EXPECT_EQ(files_in(dir_), (std::vector<std::string>{"documents.json", archive_name()}));
}

TEST_P(ArchiveTest, ManySmallStepsGiveTheSameFileAsOneBigStep) {
  auto archive_size = fs::file_size(archive_);
  for (std::size_t step : {1u, 997u, 65'536u}) {
    SCOPED_TRACE(step);
    ArchiveExtractor extractor(archive_);
    std::size_t steps = 0;
    double last_progress = 0;
    bool done = false;
    while (!done) {
      done = extractor.step(step);
      ++steps;
      EXPECT_GE(extractor.progress(), last_progress);
      EXPECT_LE(extractor.consumed_bytes(), steps * step);  // a step stays within its budget
      last_progress = extractor.progress();
    }
    // One more step than whole budgets: the end of the file is only seen by a read of 0.
    EXPECT_LE(steps, (archive_size + step - 1) / step + 1);
    EXPECT_EQ(read_file(extractor.output()), text_);
    fs::remove(extractor.output());
  }
}

TEST_P(ArchiveTest, TimeBoundedStepsFinishToo) {
  ArchiveExtractor extractor(archive_, text_.size());
  int steps = 0;
  while (!extractor.step_for(std::chrono::milliseconds(1))) {
    ASSERT_LT(++steps, 100'000);
  }
  EXPECT_EQ(read_file(extractor.output()), text_);
}

TEST_P(ArchiveTest, ConcatenatedStreamsUnpackToOneFile) {
  // gzip members (pigz, gzip -c a >> f), bzip2 streams (pbzip2), zstd frames.
  auto first = dir_.write("first.json", text_.substr(0, 100'000));
  auto second = dir_.write("second.json", text_.substr(100'000));
  auto a = compress(GetParam(), first, dir_ / "a");
  auto b = compress(GetParam(), second, dir_ / "b");
  dir_.write(archive_name(), read_file(a) + read_file(b));
  extract_archive(archive_, text_.size());
  EXPECT_EQ(read_file(dir_ / "documents.json"), text_);
}

TEST_P(ArchiveTest, TruncatedArchiveFailsAndLeavesNoOutput) {
  auto bytes = read_file(archive_);
  dir_.write(archive_name(), bytes.substr(0, bytes.size() / 2));
  ArchiveExtractor extractor(archive_);
  try {
    extract_all(extractor, 4096);
    FAIL() << "a truncated archive unpacked";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(archive_));
    EXPECT_THAT(e.what(), HasSubstr("truncated"));
  }
  EXPECT_EQ(files_in(dir_), (std::vector<std::string>{archive_name()}));
  EXPECT_THROW(extractor.step(4096), RallyError);  // the same error again, not a retry
}

TEST_P(ArchiveTest, CorruptArchiveFailsAndLeavesNoOutput) {
  auto bytes = read_file(archive_);
  for (std::size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i) bytes[i] = static_cast<char>(~bytes[i]);
  dir_.write(archive_name(), bytes);
  EXPECT_THAT([&] { extract_archive(archive_); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr(archive_), HasSubstr("not valid"))));
  EXPECT_EQ(files_in(dir_), (std::vector<std::string>{archive_name()}));
}

TEST_P(ArchiveTest, WrongExpectedSizeNamesBothSizes) {
  auto actual = std::to_string(text_.size());
  auto larger = std::to_string(text_.size() + 1);
  EXPECT_THAT([&] { extract_archive(archive_, text_.size() + 1); },
              ::testing::ThrowsMessage<RallyError>(
                  AllOf(HasSubstr(archive_), HasSubstr(actual + " bytes"), HasSubstr("expects " + larger))));
  EXPECT_EQ(files_in(dir_), (std::vector<std::string>{archive_name()}));
  // Too small an expectation stops as soon as the output passes it.
  auto smaller = std::to_string(text_.size() - 1);
  EXPECT_THAT([&] { extract_archive(archive_, text_.size() - 1); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr(archive_), HasSubstr("more than " + smaller))));
  EXPECT_EQ(files_in(dir_), (std::vector<std::string>{archive_name()}));
}

TEST_P(ArchiveTest, FailureKeepsAnExistingOutputUntouched) {
  auto bytes = read_file(archive_);
  dir_.write(archive_name(), bytes.substr(0, bytes.size() - 5));
  dir_.write("documents.json", "older data\n");
  EXPECT_THROW(extract_archive(archive_), RallyError);
  EXPECT_EQ(read_file(dir_ / "documents.json"), "older data\n");
}

TEST_P(ArchiveTest, AbandonedExtractionRemovesItsTemporaryFile) {
  {
    ArchiveExtractor extractor(archive_);
    EXPECT_FALSE(extractor.step(1000));
    EXPECT_EQ(files_in(dir_).size(), 2u);  // the archive and the temporary output
  }
  EXPECT_EQ(files_in(dir_), (std::vector<std::string>{archive_name()}));
}

TEST_P(ArchiveTest, EmptyDocumentFileRoundTrips) {
  auto empty = dir_.write("empty.json", "");
  dir_.write(archive_name(), read_file(compress(GetParam(), empty, dir_ / "tmp")));
  extract_archive(archive_, 0);
  EXPECT_EQ(fs::file_size(dir_ / "documents.json"), 0u);
}

TEST_P(ArchiveTest, EmptyOrForeignFilesAreRejected) {
  dir_.write(archive_name(), "");
  EXPECT_THAT([&] { extract_archive(archive_); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr(archive_), HasSubstr("empty"))));
  dir_.write(archive_name(), text_.substr(0, 5000));
  EXPECT_THAT([&] { extract_archive(archive_); }, ::testing::ThrowsMessage<RallyError>(HasSubstr(archive_)));
  EXPECT_EQ(files_in(dir_), (std::vector<std::string>{archive_name()}));
}

INSTANTIATE_TEST_SUITE_P(Formats, ArchiveTest, ::testing::ValuesIn(tools),
                         [](const auto& info) { return std::string(info.param.extension + 1); });

TEST(ArchiveNames, FormatAndOutputFollowTheExtension) {
  EXPECT_EQ(archive_format("a/documents.json.bz2"), ArchiveFormat::bzip2);
  EXPECT_EQ(archive_format("documents.json.gz"), ArchiveFormat::gzip);
  EXPECT_EQ(archive_format("documents.json.zst"), ArchiveFormat::zstd);
  EXPECT_EQ(archive_format("documents.json"), std::nullopt);
  EXPECT_EQ(archive_format(".gz"), std::nullopt);
  EXPECT_EQ(decompressed_name("/data/geonames/documents.json.bz2"), "/data/geonames/documents.json");
  EXPECT_EQ(decompressed_name("documents-1k.json.zst"), "documents-1k.json");
  EXPECT_THROW(decompressed_name("documents.json"), RallyError);
}

TEST(ArchiveExtractor, MissingArchiveIsNamed) {
  TempDir dir;
  EXPECT_THAT([&] { ArchiveExtractor extractor(dir / "missing.json.gz"); },
              ::testing::ThrowsMessage<RallyError>(HasSubstr(dir / "missing.json.gz")));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace rally::track
