#include "rally/track/synthetic_corpus.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track {
namespace {

namespace fs = std::filesystem;
using rally::testing::read_file;
using rally::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string generate(const TempDir& dir, const std::string& name, std::uint64_t documents, std::uint64_t seed) {
  auto path = dir / name;
  write_synthetic_geonames_corpus(path, {documents, seed});
  return read_file(path);
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Determinism and shape

TEST(SyntheticCorpus, SameSeedGivesIdenticalBytes) {
  TempDir dir;
  auto a = generate(dir, "a.json", 5'000, 42);
  auto b = generate(dir, "b.json", 5'000, 42);
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b);
}

TEST(SyntheticCorpus, DifferentSeedGivesDifferentBytes) {
  TempDir dir;
  auto a = generate(dir, "a.json", 1'000, 1);
  auto b = generate(dir, "b.json", 1'000, 2);
  EXPECT_NE(a, b);
  // ...in most documents, not just one
  auto la = lines_of(a), lb = lines_of(b);
  ASSERT_EQ(la.size(), lb.size());
  std::size_t same = 0;
  for (std::size_t i = 0; i < la.size(); ++i) same += la[i] == lb[i];
  EXPECT_LT(same, la.size() / 100);
}

TEST(SyntheticCorpus, ADocumentDoesNotDependOnTheFileLength) {
  // Document i is drawn from its own stream; only geonameid spacing depends on N.
  TempDir dir;
  auto shorter_text = generate(dir, "a.json", 100, 7);
  auto longer_text = generate(dir, "b.json", 200, 7);
  auto shorter = lines_of(shorter_text);
  auto longer = lines_of(longer_text);
  ASSERT_EQ(shorter.size(), 100u);
  auto without_id = [](std::string_view line) { return line.substr(line.find(", \"name\"")); };
  for (std::size_t i = 0; i < shorter.size(); ++i) EXPECT_EQ(without_id(shorter[i]), without_id(longer[i])) << i;
}

TEST(SyntheticCorpus, WritesTheRequestedNumberOfLines) {
  TempDir dir;
  for (std::uint64_t n : {0u, 1u, 7u, 1'000u, 12'345u}) {
    auto path = dir / ("docs-" + std::to_string(n) + ".json");
    auto manifest = write_synthetic_geonames_corpus(path, {n, 3});
    auto text = read_file(path);
    EXPECT_EQ(static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')), n);
    EXPECT_TRUE(text.empty() || text.back() == '\n');
    EXPECT_EQ(manifest.documents, n);
    EXPECT_EQ(manifest.bytes, text.size());
    EXPECT_EQ(manifest.seed, 3u);
    EXPECT_EQ(manifest.generator, "rally synthetic-geonames 1");
  }
  // no temporary file left behind
  for (const auto& entry : fs::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
}

TEST(SyntheticCorpus, CreatesMissingDirectories) {
  TempDir dir;
  auto path = dir / "data/geonames/documents-2.json";
  write_synthetic_geonames_corpus(path, {10, 1});
  EXPECT_TRUE(fs::is_regular_file(path));
}

TEST(SyntheticCorpus, FailsWithThePathWhenItCannotWrite) {
  TempDir dir;
  auto blocker = dir.write("file", "x");
  try {
    write_synthetic_geonames_corpus(blocker + "/documents.json", {10, 1});
    FAIL() << "expected RallyError";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(blocker + "/documents.json"));
  }
}

// Every line is a JSON object with exactly the 17 fields of the geonames mapping, typed as the
// mapping wants them; and every geonames query has documents to find.
TEST(SyntheticCorpus, EveryLineIsAGeonamesDocumentAndEveryQueryFindsSomething) {
  TempDir dir;
  const std::uint64_t documents = 20'000;
  auto text = generate(dir, "documents.json", documents, 2024);
  auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), documents);

  const std::vector<std::string> strings = {
      "name",        "asciiname",   "alternatenames", "feature_class", "feature_code", "country_code", "cc2",
      "admin1_code", "admin2_code", "admin3_code",    "admin4_code",   "dem",          "timezone"};
  std::size_t austria = 0, sankt_georgen = 0, america = 0, street = 0, class_t = 0, class_a = 0, millions = 0;
  std::size_t below_5m = 0, above_5m = 0, non_ascii_names = 0;
  std::set<std::string> countries, feature_codes;
  std::int64_t previous_id = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    nlohmann::json doc;
    ASSERT_NO_THROW(doc = nlohmann::json::parse(lines[i])) << "line " << i + 1 << ": " << lines[i];
    ASSERT_TRUE(doc.is_object());
    ASSERT_EQ(doc.size(), 17u) << lines[i];
    for (const auto& field : strings)
      ASSERT_TRUE(doc.contains(field) && doc[field].is_string()) << field << ": " << lines[i];
    for (const char* field : {"geonameid", "population", "elevation"})
      ASSERT_TRUE(doc.contains(field) && doc[field].is_number_integer()) << field << ": " << lines[i];
    ASSERT_TRUE(doc["location"].is_array() && doc["location"].size() == 2) << lines[i];
    double lon = doc["location"][0].get<double>(), lat = doc["location"][1].get<double>();
    ASSERT_TRUE(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) << lines[i];

    auto id = doc["geonameid"].get<std::int64_t>();
    EXPECT_GT(id, previous_id) << "geonameids increase through the file";
    previous_id = id;
    EXPECT_GE(doc["population"].get<std::int64_t>(), 0);
    EXPECT_EQ(doc["feature_class"].get<std::string>().size(), 1u);
    EXPECT_EQ(doc["country_code"].get<std::string>().size(), 2u);
    EXPECT_FALSE(doc["name"].get<std::string>().empty());
    EXPECT_FALSE(doc["timezone"].get<std::string>().empty());
    const auto& ascii = doc["asciiname"].get_ref<const std::string&>();
    for (char c : ascii) ASSERT_GE(static_cast<signed char>(c), 0) << "asciiname is ASCII: " << ascii;
    non_ascii_names += doc["name"].get<std::string>() != ascii;
    std::stoll(doc["dem"].get<std::string>());  // dem is a number written as a string

    countries.insert(doc["country_code"].get<std::string>());
    feature_codes.insert(doc["feature_code"].get<std::string>());
    austria += doc["country_code"] == "AT";
    sankt_georgen += doc["name"].get<std::string>().find("Sankt Georgen") != std::string::npos;
    america += doc["timezone"].get<std::string>().rfind("America/", 0) == 0;
    auto alternatenames = doc["alternatenames"].get<std::string>();
    street += alternatenames.find("Street") != std::string::npos;
    class_t += doc["feature_class"] == "T";
    class_a += doc["feature_class"] == "A";
    millions += doc["population"].get<std::int64_t>() > 1'000'000;
    below_5m += id < 5'000'000;
    above_5m += id > 5'000'000;
  }
  std::printf(
      "20,000 documents: AT %zu, Sankt Georgen %zu, America/* %zu, Street %zu, T %zu, A %zu, "
      "population > 1M %zu, geonameid < 5M %zu, > 5M %zu, %zu countries, %zu feature codes, "
      "%zu names with non-ASCII letters, %.0f bytes per document\n",
      austria, sankt_georgen, america, street, class_t, class_a, millions, below_5m, above_5m, countries.size(),
      feature_codes.size(), non_ascii_names, static_cast<double>(text.size()) / documents);
  // the guarantees: at least one per 100 documents
  EXPECT_GE(austria, documents / 100);
  EXPECT_GE(sankt_georgen, documents / 100);
  EXPECT_GE(america, documents / 100);
  EXPECT_GE(street, documents / 100);
  EXPECT_GE(class_t, documents / 100);
  EXPECT_GE(class_a, documents / 100);
  EXPECT_GE(millions, documents / 100);
  EXPECT_GT(below_5m, documents / 4);
  EXPECT_GT(above_5m, documents / 4);
  // and a realistic spread
  EXPECT_GE(countries.size(), 30u);
  EXPECT_GE(feature_codes.size(), 40u);
  EXPECT_GT(non_ascii_names, 0u);
  EXPECT_GT(america, documents / 5) << "about a third of the places are in the Americas";
  auto per_document = static_cast<double>(text.size()) / documents;
  EXPECT_GT(per_document, 250);  // the real corpus: 3,547,613,828 bytes / 11,396,503 = 311
  EXPECT_LT(per_document, 450);
}

TEST(SyntheticCorpus, EveryGuaranteeHoldsInTheFirstHundredDocuments) {
  TempDir dir;
  for (std::uint64_t seed : {0u, 1u, 99u, 123456789u}) {
    auto text = generate(dir, "d.json", 100, seed);
    auto lines = lines_of(text);
    bool at = false, sankt = false, america = false, street = false, t = false, a = false, million = false;
    bool low = false, high = false;
    for (auto line : lines) {
      auto doc = nlohmann::json::parse(line);
      at |= doc["country_code"] == "AT";
      sankt |= doc["name"].get<std::string>().find("Sankt Georgen") != std::string::npos;
      america |= doc["timezone"].get<std::string>().rfind("America/", 0) == 0;
      street |= doc["alternatenames"].get<std::string>().find("Street") != std::string::npos;
      t |= doc["feature_class"] == "T";
      a |= doc["feature_class"] == "A";
      million |= doc["population"].get<std::int64_t>() > 1'000'000;
      low |= doc["geonameid"].get<std::int64_t>() < 5'000'000;
      high |= doc["geonameid"].get<std::int64_t>() > 5'000'000;
    }
    EXPECT_TRUE(at && sankt && america && street && t && a && million && low && high) << "seed " << seed;
  }
}

// ---------------------------------------------------------------------------------------------
// Manifest

TEST(SyntheticManifest, IsWrittenNextToTheDataFileAndReadBack) {
  TempDir dir;
  auto path = dir / "documents-2.json";
  auto manifest = generate_synthetic_geonames_corpus(path, {1'000, 42});
  EXPECT_EQ(synthetic_manifest_path(path), path + ".synthetic.json");
  auto text = read_file(path + ".synthetic.json");
  EXPECT_EQ(text, "{\"documents\": 1000, \"bytes\": " + std::to_string(fs::file_size(path)) +
                      ", \"seed\": 42, \"generator\": \"rally synthetic-geonames 1\"}\n");
  auto read = read_synthetic_manifest(path);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, manifest);
}

TEST(SyntheticManifest, AbsentManifestIsNotAnError) {
  TempDir dir;
  auto path = dir.write("documents.json", "{}\n");
  EXPECT_FALSE(read_synthetic_manifest(path).has_value());
}

TEST(SyntheticManifest, RejectsAFileOfAnotherSize) {
  TempDir dir;
  auto path = dir / "documents.json";
  generate_synthetic_geonames_corpus(path, {100, 1});
  fs::resize_file(path, fs::file_size(path) - 10);
  try {
    read_synthetic_manifest(path);
    FAIL() << "expected RallyError";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
    EXPECT_THAT(e.what(), HasSubstr("generate it again"));
  }
}

TEST(SyntheticManifest, RejectsMalformedManifests) {
  TempDir dir;
  auto path = dir.write("documents.json", "{}\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not valid JSON"},
      {"[1]", "expected a JSON object"},
      {R"({"bytes": 3, "seed": 1, "generator": "rally synthetic-geonames 1"})", "'documents'"},
      {R"({"documents": -1, "bytes": 3, "seed": 1, "generator": "rally synthetic-geonames 1"})", "'documents'"},
      {R"({"documents": 1, "bytes": "3", "seed": 1, "generator": "rally synthetic-geonames 1"})", "'bytes'"},
      {R"({"documents": 1, "bytes": 3, "generator": "rally synthetic-geonames 1"})", "'seed'"},
      {R"({"documents": 1, "bytes": 3, "seed": 1})", "'generator'"},
      {R"({"documents": 1, "bytes": 3, "seed": 1, "generator": "someone else 9"})", "someone else 9"},
  };
  for (const auto& [manifest, expected] : cases) {
    dir.write("documents.json.synthetic.json", manifest);
    try {
      read_synthetic_manifest(path);
      ADD_FAILURE() << "accepted " << manifest;
    } catch (const RallyError& e) {
      EXPECT_THAT(e.what(), HasSubstr(expected)) << manifest;
      EXPECT_THAT(e.what(), HasSubstr("documents.json.synthetic.json")) << manifest;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Terms for the large terms queries

TEST(CorpusTerms, FindsTheTopLevelKeyOnly) {
  EXPECT_EQ(find_top_level_string(R"({"asciiname": "A", "alternatenames": "B", "name": "C"})", "name"), "C");
  EXPECT_EQ(find_top_level_string(R"({"name":"C","asciiname":"A"})", "name"), "C");
  EXPECT_EQ(find_top_level_string(R"({ "name"  :  "C" })", "name"), "C");
  EXPECT_EQ(find_top_level_string(R"({"note": "a \"name\": \"X\" inside", "name": "Y"})", "name"), "Y");
  EXPECT_EQ(find_top_level_string(R"({"note": "x, \"name\": \"X\"", "id": 1})", "name"), std::nullopt);
  EXPECT_EQ(find_top_level_string(R"({"asciiname": "A"})", "name"), std::nullopt);
  EXPECT_EQ(find_top_level_string(R"({"name": null})", "name"), std::nullopt);
  EXPECT_EQ(find_top_level_string(R"({"name": 12})", "name"), std::nullopt);
  EXPECT_EQ(find_top_level_string(R"({"name": "unterminated)", "name"), std::nullopt);
  EXPECT_EQ(find_top_level_string(R"({"name": ""})", "name"), "");
}

TEST(CorpusTerms, DecodesJsonEscapes) {
  EXPECT_EQ(find_top_level_string(R"({"name": "Bi\"r \\ a\/b\tc"})", "name"), "Bi\"r \\ a/b\tc");
  EXPECT_EQ(find_top_level_string(R"({"name": "Sch\u00f6nbrunn"})", "name"), "Schönbrunn");
  EXPECT_EQ(find_top_level_string(R"({"name": "\u6771\u4eac"})", "name"), "東京");
  EXPECT_EQ(find_top_level_string(R"({"name": "\ud83c\udf0d"})", "name"), "\xF0\x9F\x8C\x8D");
  EXPECT_EQ(find_top_level_string(R"({"name": "Schönbrunn"})", "name"), "Schönbrunn");
  EXPECT_EQ(find_top_level_string(R"({"name": "bad \x"})", "name"), std::nullopt);
}

TEST(CorpusTerms, TakesEvery250thDocumentFromLine13LikeRally) {
  std::string corpus;
  for (int i = 0; i < 1'000; ++i)
    corpus += R"({"id": )" + std::to_string(i) + R"(, "name": "n)" + std::to_string(i) + "\"}\n";
  EXPECT_THAT(sample_field_values(corpus), ElementsAre("n12", "n262", "n512", "n762"));
  EXPECT_THAT(sample_field_values(corpus, {"name", 250, 0}), ElementsAre("n0", "n250", "n500", "n750"));
  EXPECT_THAT(sample_field_values(corpus, {"id", 250, 0}), ElementsAre());  // not strings
  EXPECT_THAT(sample_field_values(corpus, {"name", 400, 999}), ElementsAre("n999"));
  corpus.pop_back();  // the last line without its newline still counts
  EXPECT_THAT(sample_field_values(corpus, {"name", 400, 999}), ElementsAre("n999"));
  EXPECT_THAT(sample_field_values(""), ElementsAre());
  EXPECT_THROW(sample_field_values(corpus, {"name", 0, 0}), RallyError);
}

TEST(CorpusTerms, SampledDocumentsOfASyntheticCorpusAreTFeaturesWithTheirNames) {
  TempDir dir;
  auto path = dir / "documents.json";
  write_synthetic_geonames_corpus(path, {10'000, 5});
  auto text = read_file(path);
  auto lines = lines_of(text);
  for (const TermsSampling& sampling : {TermsSampling{}, TermsSampling{"name", 250, 0}}) {
    auto terms = sample_corpus_terms(path, sampling);
    ASSERT_EQ(terms.size(), 40u);
    for (std::size_t k = 0; k < terms.size(); ++k) {
      auto doc = nlohmann::json::parse(lines[sampling.first_document + k * 250]);
      EXPECT_EQ(terms[k], doc["name"].get<std::string>());
      EXPECT_EQ(doc["feature_class"], "T") << "large_filtered_terms needs T features among its terms";
    }
  }
}

TEST(CorpusTerms, MissingFileIsAnError) {
  TempDir dir;
  EXPECT_THROW(sample_corpus_terms(dir / "absent.json"), RallyError);
}

// ---------------------------------------------------------------------------------------------
// Speed: printed, not asserted.

TEST(SyntheticCorpus, TimesAMillionDocuments) {
  TempDir dir;
  auto path = dir / "documents.json";
  auto start = std::chrono::steady_clock::now();
  auto manifest = write_synthetic_geonames_corpus(path, {1'000'000, 1});
  auto generated = std::chrono::steady_clock::now();
  auto terms = sample_corpus_terms(path);
  auto sampled = std::chrono::steady_clock::now();
  std::chrono::duration<double> generate_s = generated - start, sample_s = sampled - generated;
  std::printf(
      "1,000,000 documents, %.1f MB: generated in %.2f s (%.0f docs/s, %.0f MB/s); "
      "%zu terms sampled in %.3f s\n",
      static_cast<double>(manifest.bytes) / 1e6, generate_s.count(), 1e6 / generate_s.count(),
      static_cast<double>(manifest.bytes) / 1e6 / generate_s.count(), terms.size(), sample_s.count());
  EXPECT_EQ(manifest.documents, 1'000'000u);
  EXPECT_EQ(terms.size(), 4'000u);
}

}  // namespace
}  // namespace rally::track
