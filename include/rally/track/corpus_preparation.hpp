#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rally::track {

class ArchiveExtractor;
class Download;
class OffsetTableBuilder;

// One corpus document file to make ready on this host, as the track (after test mode)
// describes it. Plain values: it travels in DoTask.
struct CorpusFileSpec {
  std::string track_directory;
  std::string corpus;
  std::string base_url;
  std::string source_file;    // the document file, or its .bz2/.gz/.zst archive
  std::string document_file;  // what is indexed
  std::uint64_t document_count = 0;
  std::uint64_t compressed_bytes = 0;    // 0: not checked
  std::uint64_t uncompressed_bytes = 0;  // 0: not checked
  bool includes_action_and_meta_data = false;
  bool offline = false;
  bool allow_synthetic = false;     // test mode: generate the corpus when it cannot be had
  std::string synthetic_generator;  // "geonames" or empty
};

// Rally's order, done in bounded steps: use the document file if its size matches; else
// unpack the archive if its size matches; else download (resumable) and unpack; else, in
// test mode and when the track allows it, generate a synthetic corpus. Then the offset
// table, rebuilt when missing or older than the data, and the document count checked.
// Files are looked for in the track directory first, then in <data_root>/<corpus>/;
// downloads and unpacked files go to the latter. Throws RallyError saying what is wrong
// and where.
class CorpusPreparation {
 public:
  CorpusPreparation(CorpusFileSpec spec, std::string data_root);
  ~CorpusPreparation();
  CorpusPreparation(const CorpusPreparation&) = delete;
  CorpusPreparation& operator=(const CorpusPreparation&) = delete;

  // Works for about `budget`; true when the document file and its offset table are ready.
  bool step(std::chrono::milliseconds budget);

  // What it is doing now, for progress lines ("downloading x.bz2: 45% (113.2 of 252.9 MB)").
  [[nodiscard]] std::string status() const;
  // How far the current phase is, 0..1 (0 when unknown).
  [[nodiscard]] double progress() const;
  // Things the report should mention, e.g. that the corpus was generated.
  [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }
  [[nodiscard]] const std::string& document_path() const { return document_path_; }

  // ~/.rally/benchmarks/data
  static std::string default_data_root();

 private:
  enum class Phase { locate, download, extract, offsets, done };

  void locate();
  void start_offsets();
  void finish_offsets();
  [[nodiscard]] std::string data_dir() const;
  [[nodiscard]] std::optional<std::string> find(const std::string& name, std::uint64_t expected_size) const;

  CorpusFileSpec spec_;
  std::string data_root_;
  Phase phase_ = Phase::locate;
  std::string document_path_;
  std::string archive_path_;
  std::unique_ptr<Download> download_;
  std::unique_ptr<ArchiveExtractor> extractor_;
  std::unique_ptr<OffsetTableBuilder> offsets_;
  std::vector<std::string> notes_;
  bool synthetic_ = false;
};

}  // namespace rally::track
