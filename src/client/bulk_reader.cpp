#include "rally/client/bulk_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rally/common/errors.hpp"
#include "rally/track/synthetic_corpus.hpp"

namespace rally::client {

std::shared_ptr<const LoadedCorpusFile> CorpusCache::get(const std::string& path) {
  auto it = files_.find(path);
  if (it != files_.end()) return it->second;
  auto loaded = std::make_shared<LoadedCorpusFile>(path);
  if (auto table = track::read_offset_table(path)) loaded->offsets = std::move(*table);
  files_.emplace(path, loaded);
  return loaded;
}

namespace {
// Rally's bounds(): round(total / n * i) in double precision with Python's round, which
// takes halves to even, as std::nearbyint does in the default rounding mode.
std::uint64_t rounded_share(std::uint64_t total, std::uint64_t i, std::uint64_t n) {
  double per_client = static_cast<double>(total) / static_cast<double>(n);
  return static_cast<std::uint64_t>(std::nearbyint(per_client * static_cast<double>(i)));
}
}  // namespace

std::vector<DocumentSlice> partition_corpora(const track::Track& track, const track::BulkParams& params,
                                             std::uint32_t client, std::uint32_t clients, CorpusCache& cache) {
  std::vector<DocumentSlice> slices;
  for (const auto& corpus : track.corpora) {
    if (!params.corpora.empty() &&
        std::find(params.corpora.begin(), params.corpora.end(), corpus.name) == params.corpora.end())
      continue;
    for (const auto& doc : corpus.documents) {
      auto path = track::resolve_document_path(track, corpus, doc);
      auto file = cache.get(path);
      std::uint64_t lines_per_doc = doc.includes_action_and_meta_data ? 2 : 1;
      // A synthetic corpus stands in for the real one with the count its manifest gives.
      auto count = doc.document_count;
      if (auto manifest = track::read_synthetic_manifest(path)) count = manifest->documents;
      auto first = rounded_share(count, client, clients) * lines_per_doc;
      auto last = rounded_share(count, client + 1, clients) * lines_per_doc;
      auto data = file->file.data();
      // ingest-percentage: each client sends only the first part of its partition.
      auto docs = (last - first) / lines_per_doc;
      auto to_send =
          static_cast<std::uint64_t>(std::ceil(static_cast<double>(docs) * params.ingest_percentage / 100.0));
      last = first + std::min(docs, to_send) * lines_per_doc;
      DocumentSlice slice;
      slice.file = file;
      slice.begin = track::line_offset(data, file->offsets, first);
      slice.end = track::line_offset(data, file->offsets, last);
      slice.target = doc.target_index.empty() ? doc.target_data_stream : doc.target_index;
      slice.first_document = first / lines_per_doc;
      slice.documents = std::min(docs, to_send);
      // Data streams only take "create"; indices get Rally's "index" action.
      if (!doc.includes_action_and_meta_data && !doc.target_data_stream.empty())
        slice.action_line = R"({"create": {"_index": ")" + doc.target_data_stream + "\"}}\n";
      else if (!doc.includes_action_and_meta_data)
        slice.action_line = R"({"index": {"_index": ")" + doc.target_index + "\"}}\n";
      if (slice.end > slice.begin) slices.push_back(std::move(slice));
    }
  }
  return slices;
}

BulkReader::BulkReader(std::vector<DocumentSlice> slices, const track::BulkParams& params, std::uint64_t seed)
    : slices_(std::move(slices)),
      conflicts_(params.conflicts),
      conflict_probability_(params.conflict_probability / 100.0),
      on_conflict_(params.on_conflict),
      random_(seed),
      looped_(params.looped) {
  // {"update": {"_index": "<target>", "_id": "<up to 20 digits>"}}\n
  for (const auto& slice : slices_) longest_action_ = std::max(longest_action_, slice.target.size() + 64);
}

void BulkReader::start_slice() {
  const auto& slice = slices_[current_];
  position_ = slice.begin;
  started_ = true;
  ids_.clear();
  ids_used_ = 0;
  if (conflicts_ == track::Conflicts::none || slice.action_line.empty()) return;
  ids_.resize(slice.documents);
  for (std::uint64_t i = 0; i < slice.documents; ++i) ids_[i] = slice.first_document + i;
  if (conflicts_ == track::Conflicts::random) {
    for (std::size_t i = ids_.size(); i > 1; --i) std::swap(ids_[i - 1], ids_[random_.next() % i]);  // Fisher-Yates
  }
}

namespace {
// Adjacent bytes (a file that holds its action lines) make one piece.
void add(std::vector<boost::asio::const_buffer>& pieces, const char* data, std::size_t size) {
  if (!pieces.empty()) {
    auto& last = pieces.back();
    if (static_cast<const char*>(last.data()) + last.size() == data) {
      last = boost::asio::const_buffer(last.data(), last.size() + size);
      return;
    }
  }
  pieces.emplace_back(data, size);
}
}  // namespace

void BulkReader::append_action_with_id(const DocumentSlice& slice, bool& update, Pieces& pieces) {
  std::uint64_t id;
  update = false;
  bool conflict = ids_used_ > 0 && conflict_probability_ > 0 &&
                  static_cast<double>(random_.next() >> 11) * 0x1.0p-53 < conflict_probability_;
  if (conflict || ids_used_ >= ids_.size()) {
    id = ids_[random_.next() % std::max<std::size_t>(ids_used_, 1)];
    update = on_conflict_ == track::OnConflict::update;
  } else {
    id = ids_[ids_used_++];
  }
  char id_text[24];
  std::snprintf(id_text, sizeof id_text, "%010llu", static_cast<unsigned long long>(id));
  auto start = actions_.size();
  actions_ += update ? R"({"update": {"_index": ")" : R"({"index": {"_index": ")";
  actions_ += slice.target;
  actions_ += R"(", "_id": ")";
  actions_ += id_text;
  actions_ += "\"}}\n";
  add(pieces, actions_.data() + start, actions_.size() - start);
}

std::uint64_t BulkReader::next(std::uint32_t bulk_size, std::vector<boost::asio::const_buffer>& pieces) {
  static constexpr std::string_view update_open = R"({"doc":)";
  static constexpr std::string_view update_close = "}\n";
  static constexpr std::string_view newline = "\n";
  pieces.clear();
  actions_.clear();
  if (conflicts_ != track::Conflicts::none) actions_.reserve(std::size_t{bulk_size} * longest_action_);
  std::uint64_t docs = 0;
  while (docs < bulk_size) {
    if (current_ >= slices_.size()) {
      // looped (as Rally's reader): the bulk that reaches the end is sent as it is, the
      // next one starts again at the beginning.
      if (docs > 0 || !looped_ || slices_.empty()) break;
      current_ = 0;
      started_ = false;
    }
    if (!started_) start_slice();
    const auto& slice = slices_[current_];
    auto data = slice.file->file.data();
    if (position_ >= slice.end) {
      ++current_;
      started_ = false;
      continue;
    }
    auto line_end = [&](std::uint64_t from) {
      auto nl = data.find('\n', from);
      return nl == std::string_view::npos || nl >= slice.end ? slice.end : nl + 1;
    };
    auto end = line_end(position_);
    if (slice.action_line.empty()) end = line_end(end);  // action and source lines come in pairs
    bool update = false;
    if (ids_.empty()) {
      if (!slice.action_line.empty()) add(pieces, slice.action_line.data(), slice.action_line.size());
    } else {
      append_action_with_id(slice, update, pieces);
    }
    const char* line = data.data() + position_;
    std::size_t size = end - position_;
    bool has_newline = size > 0 && line[size - 1] == '\n';
    if (update) {
      add(pieces, update_open.data(), update_open.size());
      add(pieces, line, has_newline ? size - 1 : size);
      add(pieces, update_close.data(), update_close.size());
    } else {
      add(pieces, line, size);
      if (!has_newline) add(pieces, newline.data(), newline.size());
    }
    position_ = end;
    ++docs;
  }
  return docs;
}

std::uint64_t BulkReader::next(std::uint32_t bulk_size, std::string& body) {
  std::vector<boost::asio::const_buffer> pieces;
  auto docs = next(bulk_size, pieces);
  body.clear();
  for (const auto& p : pieces) body.append(static_cast<const char*>(p.data()), p.size());
  return docs;
}

}  // namespace rally::client
