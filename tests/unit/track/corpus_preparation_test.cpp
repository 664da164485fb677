#include "rally/track/corpus_preparation.hpp"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "rally/common/errors.hpp"
#include "rally/track/corpus.hpp"
#include "rally/track/synthetic_corpus.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CorpusPreparationTest : public ::testing::Test {
 protected:
  CorpusFileSpec spec(const std::string& source_file, std::uint64_t documents) {
    CorpusFileSpec s;
    s.track_directory = dir_ / "track";
    s.corpus = "c";
    s.source_file = source_file;
    s.document_file = source_file.substr(0, source_file.find(".json") + 5);
    s.document_count = documents;
    fs::create_directories(s.track_directory);
    return s;
  }

  std::string lines(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) text += "{\"id\":" + std::to_string(i) + "}\n";
    return text;
  }

  // Runs a preparation to the end (bounded), returning it for inspection.
  std::unique_ptr<CorpusPreparation> prepare(const CorpusFileSpec& s) {
    auto p = std::make_unique<CorpusPreparation>(s, data_root());
    for (int i = 0; i < 10000 && !p->step(10ms); ++i) {
    }
    return p;
  }

  std::string data_root() const { return dir_ / "data"; }

  testing::TempDir dir_;
};

TEST_F(CorpusPreparationTest, UsesTheDocumentFileAndBuildsItsOffsetTable) {
  auto s = spec("docs.json", 5);
  dir_.write("track/docs.json", lines(5));
  auto p = prepare(s);
  EXPECT_EQ(p->document_path(), dir_ / "track/docs.json");
  EXPECT_TRUE(fs::exists(dir_ / "track/docs.json.offset"));
  EXPECT_TRUE(p->notes().empty());
  EXPECT_EQ(p->progress(), 1.0);
  EXPECT_EQ(p->status(), "docs.json is ready");
}

TEST_F(CorpusPreparationTest, ADocumentCountMismatchNamesFileAndCounts) {
  auto s = spec("docs.json", 6);
  dir_.write("track/docs.json", lines(5));
  try {
    prepare(s);
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("docs.json has 5 documents but the track expects 6"), std::string::npos) << what;
  }
}

TEST_F(CorpusPreparationTest, UnpacksTheArchiveWhenTheDocumentFileIsMissing) {
  auto s = spec("docs.json.gz", 4);
  dir_.write("track/docs.json", lines(4));
  ASSERT_EQ(std::system(("gzip " + (dir_ / "track/docs.json")).c_str()), 0);
  auto p = prepare(s);
  // Unpacked into the data directory: the track directory may be read-only.
  EXPECT_EQ(p->document_path(), dir_ / "data/c/docs.json");
  EXPECT_EQ(testing::read_file(dir_ / "data/c/docs.json"), lines(4));
  EXPECT_FALSE(fs::exists(dir_ / "track/docs.json"));
}

TEST_F(CorpusPreparationTest, PreparationAndWorkersChooseTheSameFile) {
  // A stale file of the wrong size in the track directory, the right one in the data dir.
  dir_.write("track/docs.json", lines(2));
  dir_.write("data/c/docs.json", lines(3));
  auto right_size = fs::file_size(dir_ / "data/c/docs.json");
  auto s = spec("docs.json", 3);
  s.uncompressed_bytes = right_size;
  EXPECT_EQ(prepare(s)->document_path(), dir_ / "data/c/docs.json");
  EXPECT_EQ(find_document_file({dir_ / "track", dir_ / "data/c"}, "docs.json", right_size), dir_ / "data/c/docs.json");
}

TEST_F(CorpusPreparationTest, AFileOfTheWrongSizeIsNotUsed) {
  auto s = spec("docs.json", 3);
  s.uncompressed_bytes = 999;
  dir_.write("track/docs.json", lines(3));
  try {
    prepare(s);
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("cannot get docs.json"), std::string::npos) << what;
    EXPECT_NE(what.find("names no base-url"), std::string::npos) << what;
  }
}

TEST_F(CorpusPreparationTest, OfflineWithoutTheFileSaysSo) {
  auto s = spec("docs.json.bz2", 3);
  s.base_url = "http://127.0.0.1:9/corpora";
  s.offline = true;
  try {
    prepare(s);
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("rally is offline (--offline)"), std::string::npos) << what;
    EXPECT_NE(what.find(dir_ / "data/c/docs.json.bz2"), std::string::npos) << what;
  }
}

TEST_F(CorpusPreparationTest, TestModeGeneratesASyntheticCorpusWhenAllowed) {
  auto s = spec("docs.json.bz2", 1000);
  s.offline = true;
  s.allow_synthetic = true;
  s.synthetic_generator = "geonames";
  auto p = prepare(s);
  EXPECT_EQ(p->document_path(), dir_ / "data/c/docs.json");
  ASSERT_EQ(p->notes().size(), 1u);
  EXPECT_NE(p->notes()[0].find("is synthetic"), std::string::npos) << p->notes()[0];
  auto manifest = read_synthetic_manifest(p->document_path());
  ASSERT_TRUE(manifest);
  EXPECT_EQ(manifest->documents, 1000u);
}

TEST_F(CorpusPreparationTest, ASyntheticCorpusStandsInWithItsOwnCount) {
  auto s = spec("docs.json.bz2", 11'000'000);
  s.compressed_bytes = 123;
  s.uncompressed_bytes = 456;
  fs::create_directories(dir_ / "data/c");
  generate_synthetic_geonames_corpus(dir_ / "data/c/docs.json", SyntheticCorpusOptions{300, 5});
  auto p = prepare(s);
  EXPECT_EQ(p->document_path(), dir_ / "data/c/docs.json");
  ASSERT_EQ(p->notes().size(), 1u);
  EXPECT_NE(p->notes()[0].find("300 documents instead of the track's 11000000"), std::string::npos) << p->notes()[0];
}

TEST_F(CorpusPreparationTest, ATruncatedArchiveIsAnErrorAndLeavesNoDocumentFile) {
  auto s = spec("docs.json.gz", 4);
  dir_.write("track/docs.json", lines(400));
  ASSERT_EQ(std::system(("gzip " + (dir_ / "track/docs.json")).c_str()), 0);
  auto archive = dir_ / "track/docs.json.gz";
  fs::resize_file(archive, fs::file_size(archive) / 2);
  EXPECT_THROW(prepare(s), RallyError);
  EXPECT_FALSE(fs::exists(dir_ / "track/docs.json"));
  EXPECT_FALSE(fs::exists(dir_ / "data/c/docs.json"));
}

}  // namespace
}  // namespace rally::track
