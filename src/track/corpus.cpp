#include "rally/track/corpus.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"
#include "rally/track/synthetic_corpus.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rally::track {
namespace fs = std::filesystem;

std::string corpus_data_dir(const std::string& corpus) {
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : "/tmp") / ".rally" / "benchmarks" / "data" / corpus).string();
}

std::optional<std::string> find_document_file(const std::vector<std::string>& dirs, const std::string& document_file,
                                              std::uint64_t expected_size) {
  for (const auto& dir : dirs) {
    auto path = (fs::path(dir) / document_file).lexically_normal().string();
    if (read_synthetic_manifest(path)) return path;
  }
  for (const auto& dir : dirs) {
    auto path = (fs::path(dir) / document_file).lexically_normal().string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    if (expected_size == 0 || fs::file_size(path, ec) == expected_size) return path;
  }
  return std::nullopt;
}

std::string resolve_document_path(const Track& track, const Corpus& corpus, const Document& doc) {
  std::vector<std::string> dirs{track.directory, corpus_data_dir(corpus.name)};
  if (auto path = find_document_file(dirs, doc.document_file, doc.uncompressed_bytes.value_or(0))) return *path;
  throw RallyError("corpus '" + corpus.name + "': document file '" + doc.document_file + "' not found (looked in " +
                   (fs::path(dirs[0]) / doc.document_file).string() + ", " +
                   (fs::path(dirs[1]) / doc.document_file).string() + ")");
}

std::string resolve_document_path(const std::string& track_directory, const std::string& corpus_name,
                                  const std::string& source_file) {
  std::vector<std::string> dirs{track_directory, corpus_data_dir(corpus_name)};
  if (auto path = find_document_file(dirs, source_file, 0)) return *path;
  throw RallyError("corpus '" + corpus_name + "': document file '" + source_file + "' not found (looked in " +
                   (fs::path(dirs[0]) / source_file).lexically_normal().string() + ", " +
                   (fs::path(dirs[1]) / source_file).lexically_normal().string() + ")");
}

OffsetTableBuilder::OffsetTableBuilder(std::string data_file) : path_(std::move(data_file)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw RallyError("cannot open " + path_ + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    auto error = RallyError("cannot stat " + path_ + ": " + std::strerror(errno));
    ::close(fd_);
    fd_ = -1;
    throw error;
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
  buffer_.resize(1 << 20);
}

OffsetTableBuilder::~OffsetTableBuilder() {
  if (fd_ >= 0) ::close(fd_);
}

bool OffsetTableBuilder::step(std::size_t max_bytes) {
  std::size_t budget = std::max<std::size_t>(max_bytes, 1);
  while (budget > 0 && offset_ < size_) {
    auto want = std::min<std::size_t>(buffer_.size(), budget);
    auto n = ::pread(fd_, buffer_.data(), want, static_cast<off_t>(offset_));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw RallyError("cannot read " + path_ + ": " + std::strerror(errno));
    }
    if (n == 0) break;  // the file shrank while we read it
    const char* p = buffer_.data();
    const char* end = p + n;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (!nl) {
        last_was_newline_ = false;
        break;
      }
      ++table_.lines;
      if (table_.lines % OffsetTable::interval == 0) {
        table_.entries.emplace_back(table_.lines, offset_ + static_cast<std::uint64_t>(nl + 1 - buffer_.data()));
      }
      last_was_newline_ = true;
      p = nl + 1;
    }
    offset_ += static_cast<std::uint64_t>(n);
    budget -= std::min<std::size_t>(budget, static_cast<std::size_t>(n));
  }
  bool done = offset_ >= size_;
  if (done && !last_was_newline_) {
    ++table_.lines;  // a last line without a newline is still a document
    last_was_newline_ = true;
  }
  return done;
}

double OffsetTableBuilder::progress() const {
  return size_ == 0 ? 1.0 : static_cast<double>(offset_) / static_cast<double>(size_);
}

void OffsetTableBuilder::write() const {
  std::string text;
  for (const auto& [line, offset] : table_.entries) text += std::to_string(line) + ";" + std::to_string(offset) + "\n";
  write_file_atomically(path_ + ".offset", text);
}

std::optional<OffsetTable> parse_offset_table(std::string_view text) {
  OffsetTable table;
  std::uint64_t last_line = 0, last_offset = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    auto semi = line.find(';');
    if (semi == std::string_view::npos) return std::nullopt;
    auto number = [](std::string_view digits) -> std::optional<std::uint64_t> {
      std::uint64_t value = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
      return value;
    };
    auto at_line = number(line.substr(0, semi));
    auto at_offset = number(line.substr(semi + 1));
    // Both columns strictly increase: anything else was not written by a builder.
    if (!at_line || !at_offset || *at_line <= last_line || *at_offset <= last_offset) return std::nullopt;
    table.entries.emplace_back(*at_line, *at_offset);
    last_line = *at_line;
    last_offset = *at_offset;
  }
  return table;
}

std::optional<OffsetTable> read_offset_table(const std::string& data_file) {
  std::error_code ec;
  auto offset_file = data_file + ".offset";
  if (!fs::exists(offset_file, ec)) return std::nullopt;
  if (fs::last_write_time(offset_file, ec) < fs::last_write_time(data_file, ec)) return std::nullopt;
  std::ifstream in(offset_file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return parse_offset_table(text);  // a corrupt table is rebuilt, not trusted
}

std::uint64_t line_offset(std::string_view data, const OffsetTable& table, std::uint64_t line) {
  std::uint64_t at_line = 0, offset = 0;
  for (const auto& [l, o] : table.entries) {
    // An entry must start a line after the last one used; one that does not (a table that
    // belongs to another file) is not trusted, and neither is anything after it.
    if (l > line || o > data.size() || l <= at_line || o <= offset || data[o - 1] != '\n') break;
    at_line = l;
    offset = o;
  }
  while (at_line < line && offset < data.size()) {
    auto nl = data.find('\n', offset);
    if (nl == std::string_view::npos) return data.size();
    offset = nl + 1;
    ++at_line;
  }
  return std::min<std::uint64_t>(offset, data.size());
}

MappedFile::MappedFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw RallyError("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw RallyError("cannot stat " + path + ": " + std::strerror(errno));
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw RallyError("cannot map " + path + ": " + std::strerror(errno));
    }
    ::madvise(p, size_, MADV_SEQUENTIAL);
    data_ = static_cast<const char*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

}  // namespace rally::track
