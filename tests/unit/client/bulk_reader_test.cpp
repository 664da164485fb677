#include "rally/client/bulk_reader.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"
#include "rally/track/corpus.hpp"

#include "unit/temp_dir.hpp"

namespace rally::client {
namespace {

track::BulkParams bulk_params(std::uint32_t bulk_size, std::vector<std::string> corpora = {}) {
  track::BulkParams p;
  p.bulk_size = bulk_size;
  p.corpora = std::move(corpora);
  return p;
}

using rally::testing::TempDir;

std::string doc(std::uint64_t i) { return R"({"id":)" + std::to_string(i) + "}"; }

std::string docs_text(std::uint64_t n, bool trailing_newline = true) {
  std::string text;
  for (std::uint64_t i = 0; i < n; ++i) {
    text += doc(i);
    if (i + 1 < n || trailing_newline) text += '\n';
  }
  return text;
}

// A track in a temp dir with one corpus of one document file.
struct CorpusFixture {
  CorpusFixture(const std::string& content, std::uint64_t count, bool with_action_lines = false) {
    dir.write("docs.json", content);
    track.name = "t";
    track.directory = dir.str();
    track::Document d;
    d.source_file = d.document_file = "docs.json";
    d.document_count = count;
    d.target_index = "idx";
    d.includes_action_and_meta_data = with_action_lines;
    track.corpora.push_back(track::Corpus{"c", "", {d}});
  }
  BulkReader reader(std::uint32_t client, std::uint32_t clients) {
    return BulkReader(partition_corpora(track, bulk_params(100), client, clients, cache));
  }
  TempDir dir;
  track::Track track;
  CorpusCache cache;
};

const std::string kAction = R"({"index": {"_index": "idx"}})";

// Splits a bulk body into its lines and checks that every document line follows an
// action line; returns the document lines.
std::vector<std::string> documents_of(const std::string& body) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    EXPECT_NE(nl, std::string::npos) << "the body must end with a newline";
    if (nl == std::string::npos) break;
    lines.push_back(body.substr(pos, nl - pos));
    pos = nl + 1;
  }
  EXPECT_EQ(lines.size() % 2, 0u) << body;
  std::vector<std::string> docs;
  for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
    EXPECT_EQ(lines[i], kAction);
    docs.push_back(lines[i + 1]);
  }
  return docs;
}

std::vector<std::string> read_all(BulkReader& reader, std::uint32_t bulk_size) {
  std::vector<std::string> docs;
  std::string body;
  while (auto n = reader.next(bulk_size, body)) {
    auto part = documents_of(body);
    EXPECT_EQ(part.size(), n);
    docs.insert(docs.end(), part.begin(), part.end());
  }
  EXPECT_TRUE(body.empty());
  return docs;
}

std::vector<std::string> expected_docs(std::uint64_t begin, std::uint64_t end) {
  std::vector<std::string> docs;
  for (auto i = begin; i < end; ++i) docs.push_back(doc(i));
  return docs;
}

TEST(PartitionCorpora, TenDocumentsOverThreeClients) {
  CorpusFixture f(docs_text(10), 10);
  // round(10/3) = 3, round(20/3) = 7: [0, 3), [3, 7), [7, 10).
  const std::uint64_t bounds[] = {0, 3, 7, 10};
  for (std::uint32_t client = 0; client < 3; ++client) {
    SCOPED_TRACE(client);
    auto reader = f.reader(client, 3);
    EXPECT_EQ(read_all(reader, 1000), expected_docs(bounds[client], bounds[client + 1]));
  }
}

TEST(PartitionCorpora, TiesRoundToEvenAsPythonsRound) {
  CorpusFixture f(docs_text(10), 10);
  // 10 / 4 = 2.5 per client: round(2.5) = 2, round(5.0) = 5, round(7.5) = 8.
  const std::uint64_t bounds[] = {0, 2, 5, 8, 10};
  for (std::uint32_t client = 0; client < 4; ++client) {
    SCOPED_TRACE(client);
    auto reader = f.reader(client, 4);
    EXPECT_EQ(read_all(reader, 1000), expected_docs(bounds[client], bounds[client + 1]));
  }
}

TEST(PartitionCorpora, EveryDocumentExactlyOnceAndInOrder) {
  for (std::uint64_t docs : {1u, 2u, 5u, 10u, 11u, 97u}) {
    CorpusFixture f(docs_text(docs), docs);
    for (std::uint32_t clients = 1; clients <= 7; ++clients) {
      SCOPED_TRACE(std::to_string(docs) + " docs, " + std::to_string(clients) + " clients");
      std::vector<std::string> all;
      for (std::uint32_t client = 0; client < clients; ++client) {
        auto reader = f.reader(client, clients);
        auto part = read_all(reader, 3);
        // Rally's share: round(i * D / n) .. round((i + 1) * D / n); ties (x.5) excluded,
        // where rounding conventions differ.
        double lo = static_cast<double>(client) * static_cast<double>(docs) / clients;
        double hi = static_cast<double>(client + 1) * static_cast<double>(docs) / clients;
        if (std::fmod(lo, 1.0) != 0.5 && std::fmod(hi, 1.0) != 0.5) {
          EXPECT_EQ(part.size(), static_cast<std::size_t>(std::llround(hi) - std::llround(lo))) << client;
        }
        all.insert(all.end(), part.begin(), part.end());
      }
      EXPECT_EQ(all, expected_docs(0, docs));
    }
  }
}

TEST(PartitionCorpora, UsesTheOffsetTableWhenPresent) {
  const std::uint64_t docs = 120'000;
  CorpusFixture f(docs_text(docs), docs);
  track::OffsetTableBuilder builder(f.dir / "docs.json");
  while (!builder.step(1 << 20)) {
  }
  builder.write();
  auto reader = f.reader(2, 3);  // [80000, 120000)
  EXPECT_EQ(f.cache.get(f.dir / "docs.json")->offsets.entries, builder.table().entries);
  std::string body;
  ASSERT_EQ(reader.next(2, body), 2u);
  EXPECT_EQ(documents_of(body), expected_docs(80'000, 80'002));
}

TEST(BulkReader, BulkSizesAreRespectedAndTheLastBulkIsPartial) {
  CorpusFixture f(docs_text(10), 10);
  auto reader = f.reader(0, 1);
  std::string body;
  EXPECT_EQ(reader.next(4, body), 4u);
  EXPECT_EQ(documents_of(body), expected_docs(0, 4));
  EXPECT_EQ(body.substr(0, kAction.size() + 1), kAction + "\n");
  EXPECT_EQ(reader.next(4, body), 4u);
  EXPECT_EQ(documents_of(body), expected_docs(4, 8));
  EXPECT_EQ(reader.next(4, body), 2u);
  EXPECT_EQ(documents_of(body), expected_docs(8, 10));
  EXPECT_EQ(reader.next(4, body), 0u);
  EXPECT_TRUE(body.empty());
  EXPECT_EQ(reader.next(4, body), 0u);  // exhausted stays exhausted
}

TEST(BulkReader, BodyIsExactlyActionLinesAndRawDocuments) {
  CorpusFixture f(docs_text(2), 2);
  auto reader = f.reader(0, 1);
  std::string body;
  ASSERT_EQ(reader.next(5, body), 2u);
  EXPECT_EQ(body, kAction + "\n" + doc(0) + "\n" + kAction + "\n" + doc(1) + "\n");
}

TEST(BulkReader, LastLineWithoutNewlineGetsOne) {
  CorpusFixture f(docs_text(5, false), 5);
  // Three clients: [0, 2), [2, 3), [3, 5); the last client ends with the unterminated line.
  auto first = f.reader(0, 3);
  EXPECT_EQ(read_all(first, 2), expected_docs(0, 2));
  auto last = f.reader(2, 3);
  std::string body;
  ASSERT_EQ(last.next(10, body), 2u);
  EXPECT_EQ(body, kAction + "\n" + doc(3) + "\n" + kAction + "\n" + doc(4) + "\n");
  EXPECT_EQ(last.next(10, body), 0u);
}

TEST(BulkReader, FilesWithActionAndMetaDataAreSentAsTheyAre) {
  std::string text;
  for (int i = 0; i < 6; ++i) {
    text += R"({"index": {"_index": "other", "_id": ")" + std::to_string(i) + "\"}}\n" + doc(i) + "\n";
  }
  CorpusFixture f(text, 6, /*with_action_lines=*/true);
  // Two clients: documents [0, 3) and [3, 6), i.e. lines [0, 6) and [6, 12).
  auto reader = f.reader(1, 2);
  std::string body;
  ASSERT_EQ(reader.next(2, body), 2u);
  EXPECT_EQ(body, R"({"index": {"_index": "other", "_id": "3"}})"
                  "\n" +
                      doc(3) + "\n" +
                      R"({"index": {"_index": "other", "_id": "4"}})"
                      "\n" +
                      doc(4) + "\n");
  ASSERT_EQ(reader.next(2, body), 1u);
  EXPECT_EQ(body, R"({"index": {"_index": "other", "_id": "5"}})"
                  "\n" +
                      doc(5) + "\n");
  EXPECT_EQ(reader.next(2, body), 0u);
}

TEST(BulkReader, ActionAndMetaDataFileWithoutFinalNewline) {
  std::string text = R"({"index": {}})"
                     "\n" +
                     doc(0) + "\n" +
                     R"({"index": {}})"
                     "\n" +
                     doc(1);
  CorpusFixture f(text, 2, /*with_action_lines=*/true);
  auto reader = f.reader(0, 1);
  std::string body;
  ASSERT_EQ(reader.next(10, body), 2u);
  EXPECT_EQ(body, text + "\n");
}

TEST(PartitionCorpora, MoreClientsThanDocumentsLeavesSomeWithoutWork) {
  CorpusFixture f(docs_text(2), 2);
  std::size_t idle = 0;
  for (std::uint32_t client = 0; client < 5; ++client) {
    auto slices = partition_corpora(f.track, bulk_params(10), client, 5, f.cache);
    const bool without_work = slices.empty();
    if (without_work) ++idle;
    BulkReader reader(std::move(slices));
    std::string body;
    EXPECT_EQ(reader.next(10, body), without_work ? 0u : 1u) << client;
  }
  EXPECT_EQ(idle, 3u);
}

TEST(PartitionCorpora, OnlyTheNamedCorpora) {
  CorpusFixture f(docs_text(4), 4);
  f.dir.write("other.json", "{\"other\":1}\n");
  track::Document other;
  other.source_file = other.document_file = "other.json";
  other.document_count = 1;
  other.target_index = "idx2";
  f.track.corpora.push_back(track::Corpus{"second", "", {other}});

  auto all = partition_corpora(f.track, bulk_params(10), 0, 1, f.cache);
  EXPECT_EQ(all.size(), 2u);
  auto only = partition_corpora(f.track, bulk_params(10, {"second"}), 0, 1, f.cache);
  ASSERT_EQ(only.size(), 1u);
  BulkReader reader(std::move(only));
  std::string body;
  ASSERT_EQ(reader.next(10, body), 1u);
  EXPECT_EQ(body, "{\"index\": {\"_index\": \"idx2\"}}\n{\"other\":1}\n");
}

TEST(CorpusCache, MapsEachFileOnce) {
  CorpusFixture f(docs_text(3), 3);
  auto a = f.cache.get(f.dir / "docs.json");
  auto b = f.cache.get(f.dir / "docs.json");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->file.data(), docs_text(3));
}

TEST(PartitionCorpora, MissingDocumentFileNamesIt) {
  CorpusFixture f(docs_text(3), 3);
  f.track.corpora[0].documents[0].source_file = f.track.corpora[0].documents[0].document_file = "nope.json";
  rally::testing::ScopedEnv home("HOME", f.dir / "home");
  try {
    partition_corpora(f.track, bulk_params(10), 0, 1, f.cache);
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("nope.json"));
  }
}

// --- the scatter/gather form -----------------------------------------------------------------

std::string joined(const std::vector<boost::asio::const_buffer>& pieces) {
  std::string out;
  for (const auto& p : pieces) out.append(static_cast<const char*>(p.data()), p.size());
  return out;
}

bool within(const boost::asio::const_buffer& piece, std::string_view mapping) {
  const auto* begin = static_cast<const char*>(piece.data());
  return begin >= mapping.data() && begin + piece.size() <= mapping.data() + mapping.size();
}

TEST(BulkReaderPieces, ConcatenatedPiecesEqualTheStringForm) {
  for (bool trailing_newline : {true, false}) {
    for (bool with_action_lines : {false, true}) {
      SCOPED_TRACE(std::to_string(trailing_newline) + std::to_string(with_action_lines));
      std::string text = docs_text(23, trailing_newline);
      if (with_action_lines) {
        text.clear();
        for (int i = 0; i < 23; ++i) text += kAction + "\n" + doc(i) + (i < 22 || trailing_newline ? "\n" : "");
      }
      CorpusFixture f(text, 23, with_action_lines);
      for (std::uint32_t bulk_size : {1u, 4u, 23u, 50u}) {
        auto by_pieces = f.reader(0, 1);
        auto by_string = f.reader(0, 1);
        std::vector<boost::asio::const_buffer> pieces;
        std::string body;
        for (;;) {
          auto n = by_pieces.next(bulk_size, pieces);
          ASSERT_EQ(by_string.next(bulk_size, body), n) << bulk_size;
          EXPECT_EQ(joined(pieces), body) << bulk_size;
          if (n == 0) {
            EXPECT_TRUE(pieces.empty());
            break;
          }
        }
      }
    }
  }
}

TEST(BulkReaderPieces, DocumentLinesPointIntoTheMappedCorpus) {
  CorpusFixture f(docs_text(10), 10);
  auto mapping = f.cache.get(f.dir / "docs.json")->file.data();
  auto reader = f.reader(0, 1);
  std::vector<boost::asio::const_buffer> pieces;
  ASSERT_EQ(reader.next(4, pieces), 4u);
  ASSERT_EQ(pieces.size(), 8u);  // action, document, action, document, ...
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    std::string text(static_cast<const char*>(pieces[i].data()), pieces[i].size());
    if (i % 2 == 0) {
      EXPECT_EQ(text, kAction + "\n");
      EXPECT_FALSE(within(pieces[i], mapping));
    } else {
      EXPECT_EQ(text, doc(i / 2) + "\n");
      EXPECT_TRUE(within(pieces[i], mapping)) << "document " << i / 2 << " was copied";
    }
  }
  // The next bulk continues in the mapping where this one ended.
  const auto* end_of_last = static_cast<const char*>(pieces.back().data()) + pieces.back().size();
  ASSERT_EQ(reader.next(4, pieces), 4u);
  EXPECT_EQ(static_cast<const char*>(pieces[1].data()), end_of_last);
}

TEST(BulkReaderPieces, AFileWithActionLinesGivesOneContiguousPiecePerBulk) {
  std::string text;
  for (int i = 0; i < 9; ++i) text += R"({"index": {"_id": ")" + std::to_string(i) + "\"}}\n" + doc(i) + "\n";
  CorpusFixture f(text, 9, /*with_action_lines=*/true);
  auto mapping = f.cache.get(f.dir / "docs.json")->file.data();
  auto reader = f.reader(0, 1);
  std::vector<boost::asio::const_buffer> pieces;
  std::size_t offset = 0;
  for (std::uint64_t expected : {4u, 4u, 1u}) {
    ASSERT_EQ(reader.next(4, pieces), expected);
    ASSERT_EQ(pieces.size(), 1u);
    EXPECT_TRUE(within(pieces[0], mapping));
    EXPECT_EQ(static_cast<const char*>(pieces[0].data()), mapping.data() + offset);
    offset += pieces[0].size();
  }
  EXPECT_EQ(offset, mapping.size());
  EXPECT_EQ(reader.next(4, pieces), 0u);
}

TEST(BulkReaderPieces, AFinalLineWithoutNewlineGetsOne) {
  CorpusFixture f(docs_text(3, false), 3);
  auto reader = f.reader(0, 1);
  std::vector<boost::asio::const_buffer> pieces;
  ASSERT_EQ(reader.next(10, pieces), 3u);
  auto body = joined(pieces);
  EXPECT_EQ(body, kAction + "\n" + doc(0) + "\n" + kAction + "\n" + doc(1) + "\n" + kAction + "\n" + doc(2) + "\n");
}

BulkReader looped_reader(CorpusFixture& f) {
  auto params = bulk_params(100);
  params.looped = true;
  return BulkReader(partition_corpora(f.track, params, 0, 1, f.cache), params);
}

TEST(BulkReaderPieces, LoopedStartsAgainAfterThePartialLastBulk) {
  CorpusFixture f(docs_text(5), 5);
  auto reader = looped_reader(f);
  std::string body;
  const std::vector<std::vector<std::string>> expected = {
      expected_docs(0, 2), expected_docs(2, 4), expected_docs(4, 5),  // the last bulk is partial
      expected_docs(0, 2), expected_docs(2, 4), expected_docs(4, 5), expected_docs(0, 2)};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto n = reader.next(2, body);
    EXPECT_EQ(n, expected[i].size()) << i;
    EXPECT_EQ(documents_of(body), expected[i]) << i;
  }
}

TEST(BulkReaderPieces, LoopedNeverReturnsZero) {
  for (std::uint64_t docs : {1u, 4u, 7u}) {
    CorpusFixture f(docs_text(docs), docs);
    auto reader = looped_reader(f);
    std::vector<boost::asio::const_buffer> pieces;
    std::uint64_t total = 0;
    for (int i = 0; i < 40; ++i) {
      auto n = reader.next(4, pieces);
      ASSERT_GT(n, 0u) << docs << " docs, bulk " << i;
      total += n;
    }
    EXPECT_GE(total, 40u);
  }
}

TEST(BulkReaderPieces, LoopedOverTwoFilesVisitsBoth) {
  CorpusFixture f(docs_text(2), 2);
  f.dir.write("other.json", "{\"other\":1}\n");
  track::Document other;
  other.source_file = other.document_file = "other.json";
  other.document_count = 1;
  other.target_index = "idx";
  f.track.corpora[0].documents.push_back(other);
  auto reader = looped_reader(f);
  std::string body;
  std::vector<std::string> seen;
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(reader.next(1, body), 1u);
    auto d = documents_of(body);
    seen.insert(seen.end(), d.begin(), d.end());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{doc(0), doc(1), "{\"other\":1}", doc(0), doc(1), "{\"other\":1}"}));
}

TEST(BulkReaderPieces, NotLoopedEndsWithZero) {
  CorpusFixture f(docs_text(3), 3);
  auto reader = f.reader(0, 1);
  std::vector<boost::asio::const_buffer> pieces;
  EXPECT_EQ(reader.next(2, pieces), 2u);
  EXPECT_EQ(reader.next(2, pieces), 1u);
  EXPECT_EQ(reader.next(2, pieces), 0u);
  EXPECT_TRUE(pieces.empty());
}

}  // namespace
}  // namespace rally::client
