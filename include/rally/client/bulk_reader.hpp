#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rally/track/corpus.hpp"
#include "rally/track/track.hpp"

namespace rally::client {

// A corpus file mapped once per Worker, with its offset table, shared by its clients.
struct LoadedCorpusFile {
  explicit LoadedCorpusFile(const std::string& path) : file(path) {}
  track::MappedFile file;
  track::OffsetTable offsets;
};

class CorpusCache {
 public:
  std::shared_ptr<const LoadedCorpusFile> get(const std::string& path);

 private:
  std::map<std::string, std::shared_ptr<const LoadedCorpusFile>> files_;
};

// A client's part of one document file: whole lines [begin, end) of the mapped file.
struct DocumentSlice {
  std::shared_ptr<const LoadedCorpusFile> file;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::string action_line;  // empty when the file already holds action lines
};

// Rally's partitioning: client i of n takes documents [round(i*D/n), round((i+1)*D/n))
// of every document file the bulk operation reads.
std::vector<DocumentSlice> partition_corpora(const track::Track& track, const track::BulkParams& params,
                                             std::uint32_t client, std::uint32_t clients, CorpusCache& cache);

// Produces bulk bodies from a client's slices: the action line before each raw
// document line. Documents are never parsed or re-encoded.
class BulkReader {
 public:
  explicit BulkReader(std::vector<DocumentSlice> slices) : slices_(std::move(slices)) {}

  // Replaces `body` with the next bulk of up to `bulk_size` documents; returns how many
  // documents it holds (0 when the client's part of the corpus is used up).
  std::uint64_t next(std::uint32_t bulk_size, std::string& body);

 private:
  std::vector<DocumentSlice> slices_;
  std::size_t current_ = 0;
  std::uint64_t position_ = 0;  // within slices_[current_]
};

}  // namespace rally::client
