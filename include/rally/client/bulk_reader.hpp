#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "rally/common/random.hpp"
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
  std::string action_line;           // empty when the file already holds action lines
  std::string target;                // the index (for actions with ids)
  std::uint64_t first_document = 0;  // the document number of `begin` in its file (ids start there)
  std::uint64_t documents = 0;
};

// Rally's partitioning: client i of n takes documents [round(i*D/n), round((i+1)*D/n))
// of every document file the bulk operation reads.
std::vector<DocumentSlice> partition_corpora(const track::Track& track, const track::BulkParams& params,
                                             std::uint32_t client, std::uint32_t clients, CorpusCache& cache);

// Produces bulk bodies from a client's slices: the action line before each raw
// document line, as scatter/gather buffers that point into the memory-mapped corpus.
// Documents are never parsed, re-encoded or copied.
// With conflicts (Rally's index-update): every document gets a 10-digit id; new ids come in
// order (or shuffled, for random conflicts), and with `conflict-probability` a document
// reuses an id sent before, with the `on-conflict` action (update wraps it in {"doc": ...}).
class BulkReader {
 public:
  explicit BulkReader(std::vector<DocumentSlice> slices, const track::BulkParams& params = {}, std::uint64_t seed = 0);

  // Replaces `pieces` with the next bulk of up to `bulk_size` documents; returns how many
  // documents it holds (0 when the client's part of the corpus is used up and the reader
  // does not loop). The buffers stay valid until the next call.
  std::uint64_t next(std::uint32_t bulk_size, std::vector<boost::asio::const_buffer>& pieces);
  // The same bulk as one string (for tests and tools; the hot path uses the pieces).
  std::uint64_t next(std::uint32_t bulk_size, std::string& body);

 private:
  using Pieces = std::vector<boost::asio::const_buffer>;
  void start_slice();
  void append_action_with_id(const DocumentSlice& slice, bool& update, Pieces& pieces);

  std::vector<DocumentSlice> slices_;
  track::Conflicts conflicts_ = track::Conflicts::none;
  double conflict_probability_ = 0;  // 0..1
  track::OnConflict on_conflict_ = track::OnConflict::index;
  SplitMix64 random_;
  std::size_t current_ = 0;
  std::uint64_t position_ = 0;  // within slices_[current_]
  bool started_ = false;
  std::vector<std::uint64_t> ids_;  // the ids of the current slice, in sending order
  std::size_t ids_used_ = 0;
  bool looped_ = false;  // start again at the beginning when the corpus is used up
  // Action lines with ids, for the current bulk; reserved for a whole bulk up front, so the
  // pieces that point into it stay valid while it fills.
  std::string actions_;
  std::size_t longest_action_ = 0;
};

}  // namespace rally::client
