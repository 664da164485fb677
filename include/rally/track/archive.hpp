#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rally::track {

// The compressions Rally accepts for corpus archives, recognised by file extension.
enum class ArchiveFormat : std::uint8_t { bzip2, gzip, zstd };

// The format of `path` by its extension (.bz2, .gz, .zst); nullopt for a plain file.
std::optional<ArchiveFormat> archive_format(std::string_view path);

// The file an archive unpacks to: the name without the compression extension, in the same
// directory (documents.json.bz2 -> documents.json). Throws RallyError for a non-archive.
std::string decompressed_name(std::string_view archive);

class Decoder;  // private: src/track/corpus_decoder.hpp

// Unpacks a corpus archive in bounded steps, so that an actor can interleave it with its
// messages and report progress, the way OffsetTableBuilder builds the offset table.
//
// The output goes to a temporary name next to the target and is renamed only once the
// archive has been read to its end, ended on a complete stream and, when an expected size
// is given, unpacked to exactly that many bytes. On any failure the temporary file is
// removed and a RallyError names the archive; destroying an unfinished extractor also
// removes it. Concatenated gzip members, bzip2 streams (pbzip2) and zstd frames are read
// as one file.
class ArchiveExtractor {
 public:
  // Unpacks `archive` into decompressed_name(archive).
  explicit ArchiveExtractor(std::string archive, std::optional<std::uint64_t> expected_size = std::nullopt);
  ArchiveExtractor(std::string archive, std::string output, std::optional<std::uint64_t> expected_size);
  ~ArchiveExtractor();
  ArchiveExtractor(const ArchiveExtractor&) = delete;
  ArchiveExtractor& operator=(const ArchiveExtractor&) = delete;

  // Consumes up to max_bytes of the archive; returns true once the output is complete and
  // in place. Throws RallyError when the archive is corrupt, truncated or of the wrong size;
  // every later call throws the same error.
  bool step(std::size_t max_bytes);
  // The same bounded by time: bzip2 unpacks ~10x slower than gzip or zstd, so a fixed byte
  // budget that suits one format blocks an actor for seconds with another.
  bool step_for(std::chrono::milliseconds budget);

  // Compressed bytes consumed / archive size, in [0, 1].
  [[nodiscard]] double progress() const;
  [[nodiscard]] std::uint64_t consumed_bytes() const { return consumed_; }
  [[nodiscard]] std::uint64_t archive_bytes() const { return archive_size_; }
  [[nodiscard]] std::uint64_t written_bytes() const { return written_; }
  [[nodiscard]] const std::string& archive() const { return archive_; }
  [[nodiscard]] const std::string& output() const { return output_; }

 private:
  void open();
  void decode_buffered();
  void write_out(const std::uint8_t* data, std::size_t size);
  void finish();
  [[noreturn]] void fail(const std::string& what);
  void discard();  // closes and removes the temporary output

  std::string archive_;
  std::string output_;
  std::string temp_;
  std::optional<std::uint64_t> expected_size_;
  std::unique_ptr<Decoder> decoder_;
  int in_fd_ = -1;
  int out_fd_ = -1;
  std::uint64_t archive_size_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint64_t written_ = 0;
  std::vector<std::uint8_t> in_buffer_;
  std::vector<std::uint8_t> out_buffer_;
  std::size_t in_begin_ = 0;  // unread input is in_buffer_[in_begin_, in_end_)
  std::size_t in_end_ = 0;
  bool done_ = false;
  std::optional<std::string> error_;
};

// Unpacks `archive` completely (blocking); for tools and tests.
void extract_archive(const std::string& archive, std::optional<std::uint64_t> expected_size = std::nullopt);

}  // namespace rally::track
