#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rally/track/track.hpp"

namespace rally::track {

// Where a corpus document file lives on this host: the track's directory first, then
// Rally's data directory ~/.rally/benchmarks/data/<corpus>/. Throws RallyError naming
// every place it looked.
std::string resolve_document_path(const Track& track, const Corpus& corpus, const Document& doc);
std::string resolve_document_path(const std::string& track_directory, const std::string& corpus,
                                  const std::string& source_file);

// The document file to use among `dirs` (in order), chosen the same way by preparation and
// by the Workers: a synthetic corpus (a file with its manifest) first, then a file of
// `expected_size` bytes (of any size when it is 0).
std::optional<std::string> find_document_file(const std::vector<std::string>& dirs, const std::string& document_file,
                                              std::uint64_t expected_size);

// ~/.rally/benchmarks/data/<corpus>
std::string corpus_data_dir(const std::string& corpus);

// Rally's offset table (<file>.offset): "line;byte_offset" after every 50,000 lines.
struct OffsetTable {
  static constexpr std::uint64_t interval = 50'000;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> entries;
  std::uint64_t lines = 0;  // not stored in the file; known after building
};

// Counts lines and collects offsets in bounded steps, so a long preparation can be
// interleaved with other work and report progress.
class OffsetTableBuilder {
 public:
  explicit OffsetTableBuilder(std::string data_file);
  ~OffsetTableBuilder();
  OffsetTableBuilder(const OffsetTableBuilder&) = delete;
  OffsetTableBuilder& operator=(const OffsetTableBuilder&) = delete;

  // Reads up to max_bytes; returns true when the whole file has been read.
  bool step(std::size_t max_bytes);
  [[nodiscard]] double progress() const;
  [[nodiscard]] const OffsetTable& table() const { return table_; }
  // Writes the table next to the data file (atomically).
  void write() const;

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t offset_ = 0;
  bool last_was_newline_ = true;
  OffsetTable table_;
  std::vector<char> buffer_;
};

// A read-only memory map of a corpus file.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  [[nodiscard]] std::string_view data() const { return {data_, size_}; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// The text of an offset table: "line;offset" lines, both strictly increasing; nullopt otherwise.
std::optional<OffsetTable> parse_offset_table(std::string_view text);

// Reads <file>.offset; nullopt when missing, older than the data file, or not a valid table.
std::optional<OffsetTable> read_offset_table(const std::string& data_file);

// The byte offset at which `line` (0-based) starts, using the table to skip ahead as far as its
// entries fall on line starts of `data`. Never past data.size().
std::uint64_t line_offset(std::string_view data, const OffsetTable& table, std::uint64_t line);

}  // namespace rally::track
