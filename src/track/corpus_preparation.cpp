#include "rally/track/corpus_preparation.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "rally/common/errors.hpp"
#include "rally/track/archive.hpp"
#include "rally/track/corpus.hpp"
#include "rally/track/corpus_url.hpp"
#include "rally/track/download.hpp"
#include "rally/track/synthetic_corpus.hpp"

namespace rally::track {
namespace fs = std::filesystem;

namespace {

std::string megabytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

std::uint64_t file_size_or_zero(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

CorpusPreparation::CorpusPreparation(CorpusFileSpec spec, std::string data_root)
    : spec_(std::move(spec)), data_root_(std::move(data_root)) {}

CorpusPreparation::~CorpusPreparation() = default;

std::string CorpusPreparation::default_data_root() {
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : "/tmp") / ".rally" / "benchmarks" / "data").string();
}

std::string CorpusPreparation::data_dir() const { return (fs::path(data_root_) / spec_.corpus).string(); }

// A file of the right size (when a size is known) in the track directory or the data dir.
std::optional<std::string> CorpusPreparation::find(const std::string& name, std::uint64_t expected_size) const {
  for (const auto& dir : {spec_.track_directory, data_dir()}) {
    auto path = (fs::path(dir) / name).lexically_normal().string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    if (expected_size == 0 || file_size_or_zero(path) == expected_size) return path;
  }
  return std::nullopt;
}

void CorpusPreparation::locate() {
  bool archive = spec_.source_file != spec_.document_file;
  // The same rule the Workers use (find_document_file): a synthetic corpus first, then a
  // document file of the expected size.
  if (auto doc =
          find_document_file({spec_.track_directory, data_dir()}, spec_.document_file, spec_.uncompressed_bytes)) {
    document_path_ = *doc;
    if (auto manifest = read_synthetic_manifest(document_path_)) {
      // Its manifest says how many documents it holds; that, not the track's count, is checked.
      std::string count = std::to_string(manifest->documents) + " documents";
      if (manifest->documents != spec_.document_count)
        count += " instead of the track's " + std::to_string(spec_.document_count);
      spec_.document_count = manifest->documents;
      synthetic_ = true;
      notes_.push_back("corpus '" + spec_.corpus + "' is synthetic (" + document_path_ + ", " + count +
                       "), not the real data");
    }
    start_offsets();
    return;
  }
  document_path_ = (fs::path(data_dir()) / spec_.document_file).string();
  if (archive) {
    if (auto found = find(spec_.source_file, spec_.compressed_bytes)) {
      archive_path_ = *found;
      // Unpacked into the data directory: the track directory may be read-only.
      fs::create_directories(data_dir());
      auto output = (fs::path(data_dir()) / spec_.document_file).string();
      document_path_ = output;
      extractor_ = std::make_unique<ArchiveExtractor>(
          archive_path_, output,
          spec_.uncompressed_bytes ? std::optional<std::uint64_t>(spec_.uncompressed_bytes) : std::nullopt);
      phase_ = Phase::extract;
      return;
    }
  }
  std::string tried = (fs::path(spec_.track_directory) / spec_.source_file).string() + " and " +
                      (fs::path(data_dir()) / spec_.source_file).string();
  std::string why;
  if (spec_.base_url.empty()) {
    why = "it is not in " + tried + " (with the size the track gives) and the track names no base-url";
  } else if (spec_.offline) {
    why = "it is not in " + tried + " and rally is offline (--offline)";
  } else {
    DownloadOptions options;
    options.url = corpus_file_url(spec_.base_url, spec_.source_file);
    options.target = (fs::path(data_dir()) / spec_.source_file).string();
    if (archive && spec_.compressed_bytes) options.expected_size = spec_.compressed_bytes;
    if (!archive && spec_.uncompressed_bytes) options.expected_size = spec_.uncompressed_bytes;
    options.expected_size_name = archive ? "compressed-bytes" : "uncompressed-bytes";
    fs::create_directories(data_dir());
    archive_path_ = options.target;
    try {
      download_ = std::make_unique<Download>(std::move(options));
      phase_ = Phase::download;
      return;
    } catch (const RallyError& e) {
      why = e.what();
    }
  }
  if (spec_.allow_synthetic && spec_.synthetic_generator == "geonames") {
    fs::create_directories(data_dir());
    document_path_ = (fs::path(data_dir()) / spec_.document_file).string();
    generate_synthetic_geonames_corpus(document_path_, SyntheticCorpusOptions{spec_.document_count, 1});
    synthetic_ = true;
    notes_.push_back("corpus '" + spec_.corpus + "' is synthetic: the real " + spec_.source_file +
                     " could not be had (" + why + "), so rally generated " + std::to_string(spec_.document_count) +
                     " geonames-shaped documents in " + document_path_);
    start_offsets();
    return;
  }
  throw RallyError("corpus '" + spec_.corpus + "': cannot get " + spec_.source_file + ": " + why);
}

void CorpusPreparation::start_offsets() {
  if (auto table = read_offset_table(document_path_)) {
    (void)table;  // Rally trusts an offset table newer than its data file
    phase_ = Phase::done;
    return;
  }
  offsets_ = std::make_unique<OffsetTableBuilder>(document_path_);
  phase_ = Phase::offsets;
}

void CorpusPreparation::finish_offsets() {
  std::uint64_t lines_per_document = spec_.includes_action_and_meta_data ? 2 : 1;
  auto lines = offsets_->table().lines;
  auto documents = lines / lines_per_document;
  if (documents != spec_.document_count || lines % lines_per_document != 0)
    throw RallyError("corpus '" + spec_.corpus + "': " + document_path_ + " has " + std::to_string(documents) +
                     " documents but the track expects " + std::to_string(spec_.document_count) + " (document-count)");
  offsets_->write();
  offsets_.reset();
  phase_ = Phase::done;
}

bool CorpusPreparation::step(std::chrono::milliseconds budget) {
  switch (phase_) {
    case Phase::locate:
      locate();
      return phase_ == Phase::done;
    case Phase::download:
      if (download_->step(budget)) {
        download_.reset();
        if (spec_.source_file == spec_.document_file) {
          start_offsets();
        } else {
          extractor_ = std::make_unique<ArchiveExtractor>(
              archive_path_, document_path_,
              spec_.uncompressed_bytes ? std::optional<std::uint64_t>(spec_.uncompressed_bytes) : std::nullopt);
          phase_ = Phase::extract;
        }
      }
      return false;
    case Phase::extract:
      if (extractor_->step_for(budget)) {
        extractor_.reset();
        start_offsets();
      }
      return phase_ == Phase::done;
    case Phase::offsets:
      // About 400 MB/s of memchr: 8 MB per millisecond of budget keeps steps short.
      if (offsets_->step(static_cast<std::size_t>(std::max<long>(budget.count(), 1)) * (8u << 20))) finish_offsets();
      return phase_ == Phase::done;
    case Phase::done:
      return true;
  }
  return true;
}

double CorpusPreparation::progress() const {
  switch (phase_) {
    case Phase::download: {
      auto p = download_->progress();
      return p.total && *p.total > 0 ? static_cast<double>(p.bytes) / static_cast<double>(*p.total) : 0.0;
    }
    case Phase::extract:
      return extractor_->progress();
    case Phase::offsets:
      return offsets_->progress();
    case Phase::done:
      return 1.0;
    case Phase::locate:
      break;
  }
  return 0.0;
}

std::string CorpusPreparation::status() const {
  switch (phase_) {
    case Phase::locate:
      return "looking for " + spec_.source_file;
    case Phase::download: {
      auto p = download_->progress();
      std::string text = "downloading " + spec_.source_file + ": " + megabytes(p.bytes);
      if (p.total && *p.total > 0) {
        text += " of " + megabytes(*p.total) + " (" + std::to_string(p.bytes * 100 / *p.total) + "%)";
      }
      return text;
    }
    case Phase::extract:
      return "unpacking " + spec_.source_file + ": " + std::to_string(static_cast<int>(extractor_->progress() * 100)) +
             "%";
    case Phase::offsets:
      return "indexing " + spec_.document_file + ": " + std::to_string(static_cast<int>(offsets_->progress() * 100)) +
             "%";
    case Phase::done:
      return spec_.document_file + " is ready";
  }
  return "";
}

}  // namespace rally::track
