#include "rally/client/bulk_reader.hpp"

#include <algorithm>
#include <cmath>

#include "rally/common/errors.hpp"

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
      auto first = rounded_share(doc.document_count, client, clients) * lines_per_doc;
      auto last = rounded_share(doc.document_count, client + 1, clients) * lines_per_doc;
      auto data = file->file.data();
      DocumentSlice slice;
      slice.file = file;
      slice.begin = track::line_offset(data, file->offsets, first);
      slice.end = track::line_offset(data, file->offsets, last);
      if (!doc.includes_action_and_meta_data)
        slice.action_line = R"({"index": {"_index": ")" + doc.target_index + "\"}}\n";
      if (slice.end > slice.begin) slices.push_back(std::move(slice));
    }
  }
  return slices;
}

std::uint64_t BulkReader::next(std::uint32_t bulk_size, std::string& body) {
  body.clear();
  std::uint64_t docs = 0;
  while (docs < bulk_size && current_ < slices_.size()) {
    const auto& slice = slices_[current_];
    auto data = slice.file->file.data();
    if (position_ == 0) position_ = slice.begin;
    if (position_ >= slice.end) {
      ++current_;
      position_ = 0;
      continue;
    }
    auto line_end = [&](std::uint64_t from) {
      auto nl = data.find('\n', from);
      return nl == std::string_view::npos || nl >= slice.end ? slice.end : nl + 1;
    };
    auto end = line_end(position_);
    if (slice.action_line.empty()) end = line_end(end);  // action and source lines come in pairs
    body.append(slice.action_line);
    body.append(data.data() + position_, end - position_);
    if (body.back() != '\n') body.push_back('\n');
    position_ = end;
    ++docs;
  }
  return docs;
}

}  // namespace rally::client
