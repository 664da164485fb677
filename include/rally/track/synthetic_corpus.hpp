#pragma once

// A geonames-shaped corpus that rally writes itself, so that the geonames track runs offline
// and in tests when the real corpus (documents-2.json, 11,396,503 documents) is absent.
//
// Every line is one JSON document with the 17 fields of geonames' mapping, in the order of the
// track's example document and with the `", "` / `": "` separators of Python's json module:
//   geonameid (long), name, asciiname, alternatenames, feature_class, feature_code,
//   country_code, cc2, admin1_code .. admin4_code (strings), population (long),
//   elevation (integer), dem (string), timezone (string), location ([lon, lat] doubles).
// Unlike the real file, every field is always present (possibly as "").
//
// The file depends only on (documents, seed): the same pair gives a byte-identical file on
// every host. Each document is drawn from its own random stream (splitmix64 of seed and
// index), so document i does not depend on the documents before it (only the spacing of the
// geonameids depends on the number of documents).
//
// Whatever the seed, with at least 100 documents every geonames query finds something
// (i is the 0-based document index):
//   - country_code AT and names "Sankt Georgen ..." (i % 100 == 3, and 1 in 25 of the other
//     Austrian populated places),
//   - America/* timezones (i % 100 == 75, and about a third of all places),
//   - alternatenames with the word "Street" (i % 100 == 21, and 1 in 16 of all places),
//   - feature class A (i % 100 == 89, and 6% of all places) and T (15% of all places, and every
//     document with i % 250 == 0 or 12, so that the documents sampled for the large terms
//     queries are T features and large_filtered_terms finds them),
//   - populations above 1,000,000 (i % 100 == 47, and 0.5% of populated places),
//   - geonameids increasing from near 1 to near 12,000,000, so on both sides of 5,000,000.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rally::track {

struct SyntheticCorpusOptions {
  std::uint64_t documents = 0;
  std::uint64_t seed = 0;
};

// Names the generator and its version; a different generator (or a later version that writes
// other bytes for the same seed) must use a different string.
inline constexpr std::string_view synthetic_geonames_generator = "rally synthetic-geonames 1";

// What the loader needs to accept a synthetic file in place of the real one. Stored next to
// the data file as <data file>.synthetic.json:
//   {"documents": 1000, "bytes": 331234, "seed": 42, "generator": "rally synthetic-geonames 1"}
struct SyntheticCorpusManifest {
  std::uint64_t documents = 0;
  std::uint64_t bytes = 0;  // the data file's exact size
  std::uint64_t seed = 0;
  std::string generator{synthetic_geonames_generator};

  bool operator==(const SyntheticCorpusManifest&) const = default;
};

// Writes options.documents documents to `path` (through <path>.tmp.<pid> and a rename, so a
// reader never sees a partial file; missing directories are created) and returns the
// manifest of what it wrote. Does not write the manifest file. Throws RallyError on I/O errors.
SyntheticCorpusManifest write_synthetic_geonames_corpus(const std::string& path, const SyntheticCorpusOptions& options);

// The corpus and then its manifest: what `rally` runs when it generates a corpus.
SyntheticCorpusManifest generate_synthetic_geonames_corpus(const std::string& path,
                                                           const SyntheticCorpusOptions& options);

// <data_file>.synthetic.json
std::string synthetic_manifest_path(const std::string& data_file);

// The manifest as one line of JSON (with a trailing newline), keys in the order shown above.
std::string synthetic_manifest_json(const SyntheticCorpusManifest& manifest);

// Writes <data_file>.synthetic.json atomically.
void write_synthetic_manifest(const std::string& data_file, const SyntheticCorpusManifest& manifest);

// The manifest of `data_file` when it has one that describes it: nullopt when there is no
// <data_file>.synthetic.json; throws RallyError naming the manifest when it is not valid JSON,
// lacks a field, names another generator, or when the data file's size differs from `bytes`.
std::optional<SyntheticCorpusManifest> read_synthetic_manifest(const std::string& data_file);

// Which documents the large terms queries take their terms from. The defaults reproduce
// Rally's terms.txt: `sed -n '13~250p' documents.json`, i.e. lines 13, 263, 513, ...
// (0-based documents 12, 262, 512, ...).
struct TermsSampling {
  std::string field = "name";
  std::uint64_t every = 250;
  std::uint64_t first_document = 12;  // 0-based
};

// The string value of the top-level `field` of every sampled document, in file order (JSON
// escapes decoded). A sampled document whose field is missing or not a string is skipped.
// No JSON parser runs: each sampled line is scanned for the key. Throws RallyError if
// sampling.every is 0.
std::vector<std::string> sample_field_values(std::string_view corpus, const TermsSampling& sampling = {});

// The same, from a corpus file (memory-mapped). Throws RallyError when it cannot be read.
std::vector<std::string> sample_corpus_terms(const std::string& corpus_file, const TermsSampling& sampling = {});

// The decoded string value of the top-level key `field` in one JSON object line; nullopt when
// the key is absent or its value is not a string.
std::optional<std::string> find_top_level_string(std::string_view line, std::string_view field);

}  // namespace rally::track
