#include "rally/track/archive.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "rally/common/errors.hpp"

#include "corpus_decoder.hpp"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rally::track {
namespace {

// 1 MiB each way keeps a step's memory small while making syscalls cheap next to decoding.
constexpr std::size_t in_buffer_size = 1u << 20;
constexpr std::size_t out_buffer_size = 1u << 20;

constexpr std::pair<std::string_view, ArchiveFormat> extensions[] = {
    {".bz2", ArchiveFormat::bzip2},
    {".gz", ArchiveFormat::gzip},
    {".zst", ArchiveFormat::zstd},
};

}  // namespace

std::optional<ArchiveFormat> archive_format(std::string_view path) {
  for (const auto& [extension, format] : extensions) {
    if (path.size() > extension.size() && path.ends_with(extension)) return format;
  }
  return std::nullopt;
}

std::string decompressed_name(std::string_view archive) {
  for (const auto& [extension, format] : extensions) {
    if (archive.size() > extension.size() && archive.ends_with(extension)) {
      return std::string(archive.substr(0, archive.size() - extension.size()));
    }
  }
  throw RallyError("'" + std::string(archive) + "' is not a corpus archive (expected .bz2, .gz or .zst)");
}

ArchiveExtractor::ArchiveExtractor(std::string archive, std::optional<std::uint64_t> expected_size)
    : ArchiveExtractor(archive, decompressed_name(archive), expected_size) {}

ArchiveExtractor::ArchiveExtractor(std::string archive, std::string output, std::optional<std::uint64_t> expected_size)
    : archive_(std::move(archive)), output_(std::move(output)), expected_size_(expected_size) {
  auto format = archive_format(archive_);
  if (!format) {
    throw RallyError("cannot unpack '" + archive_ + "': not a corpus archive (expected .bz2, .gz or .zst)");
  }
  decoder_ = make_decoder(*format, archive_);
  try {
    open();
  } catch (...) {
    // No destructor runs for a constructor that throws.
    discard();
    if (in_fd_ >= 0) ::close(in_fd_);
    throw;
  }
}

ArchiveExtractor::~ArchiveExtractor() {
  if (!done_) discard();
  if (in_fd_ >= 0) ::close(in_fd_);
}

void ArchiveExtractor::open() {
  in_fd_ = ::open(archive_.c_str(), O_RDONLY | O_CLOEXEC);
  if (in_fd_ < 0) throw RallyError("cannot open archive " + archive_ + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(in_fd_, &st) != 0) throw RallyError("cannot stat archive " + archive_ + ": " + std::strerror(errno));
  archive_size_ = static_cast<std::uint64_t>(st.st_size);
  ::posix_fadvise(in_fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  // The pid keeps two processes sharing ~/.rally from writing into the same temporary file.
  temp_ = output_ + ".tmp." + std::to_string(::getpid());
  out_fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd_ < 0) {
    throw RallyError("cannot unpack " + archive_ + ": cannot create " + temp_ + ": " + std::strerror(errno));
  }
  in_buffer_.resize(in_buffer_size);
  out_buffer_.resize(out_buffer_size);
}

bool ArchiveExtractor::step(std::size_t max_bytes) {
  if (error_) throw RallyError(*error_);
  if (done_) return true;
  try {
    std::size_t budget = std::max<std::size_t>(max_bytes, 1);
    for (;;) {
      if (in_begin_ == in_end_) {
        // Only the end of the file (a read of 0) proves the archive is complete, so a step
        // that consumed the last byte still looks for it.
        if (budget == 0 && consumed_ < archive_size_) return false;
        auto want = std::min<std::size_t>(in_buffer_.size(), std::max<std::size_t>(budget, 1));
        auto n = ::read(in_fd_, in_buffer_.data(), want);
        if (n < 0) {
          if (errno == EINTR) continue;
          fail(std::string("cannot read it: ") + std::strerror(errno));
        }
        if (n == 0) {
          finish();
          return true;
        }
        in_begin_ = 0;
        in_end_ = static_cast<std::size_t>(n);
        consumed_ += static_cast<std::uint64_t>(n);
        budget -= std::min<std::size_t>(budget, static_cast<std::size_t>(n));
      }
      decode_buffered();
    }
  } catch (const RallyError& e) {
    discard();
    error_ = e.what();
    throw;
  } catch (...) {
    discard();
    error_ = "cannot unpack " + archive_ + ": unexpected failure";
    throw;
  }
}

bool ArchiveExtractor::step_for(std::chrono::milliseconds budget) {
  // A slice of compressed input unpacks in well under a millisecond to a few tens of them.
  constexpr std::size_t slice = 256u << 10;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  do {
    if (step(slice)) return true;
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

void ArchiveExtractor::decode_buffered() {
  for (;;) {
    const std::uint8_t* in = in_buffer_.data() + in_begin_;
    std::size_t in_size = in_end_ - in_begin_;
    std::uint8_t* out = out_buffer_.data();
    std::size_t out_size = out_buffer_.size();
    decoder_->decode(in, in_size, out, out_size);
    auto used = (in_end_ - in_begin_) - in_size;
    auto produced = out_buffer_.size() - out_size;
    in_begin_ += used;
    write_out(out_buffer_.data(), produced);
    if (in_begin_ == in_end_ && (out_size > 0 || produced == 0)) return;  // input used up, output drained
    if (used == 0 && produced == 0) fail("the decompressor makes no progress; the data is corrupt");
  }
}

void ArchiveExtractor::write_out(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  if (expected_size_ && written_ + size > *expected_size_) {
    fail("it unpacks to more than " + std::to_string(*expected_size_) + " bytes (at least " +
         std::to_string(written_ + size) + "), but the track expects exactly " + std::to_string(*expected_size_) +
         " (uncompressed-bytes)");
  }
  while (size > 0) {
    auto n = ::write(out_fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write " + temp_ + ": " + std::strerror(errno));
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
}

void ArchiveExtractor::finish() {
  decode_buffered();  // drains what the decompressor still holds
  if (!decoder_->at_boundary()) {
    fail((consumed_ == 0 ? std::string("the archive is empty")
                         : "the archive is truncated: it ends inside a compressed stream after " +
                               std::to_string(consumed_) + " bytes") +
         "; delete it so that it is downloaded again");
  }
  if (expected_size_ && written_ != *expected_size_) {
    fail("it unpacks to " + std::to_string(written_) + " bytes but the track expects " +
         std::to_string(*expected_size_) + " (uncompressed-bytes)");
  }
  // Durable before it gets the final name: a crash must not leave a short file that looks
  // complete.
  if (::fdatasync(out_fd_) != 0) fail("cannot sync " + temp_ + ": " + std::strerror(errno));
  int fd = out_fd_;
  out_fd_ = -1;
  if (::close(fd) != 0) fail("cannot close " + temp_ + ": " + std::strerror(errno));
  if (::rename(temp_.c_str(), output_.c_str()) != 0) {
    fail("cannot rename " + temp_ + " to " + output_ + ": " + std::strerror(errno));
  }
  ::close(in_fd_);
  in_fd_ = -1;
  done_ = true;
}

void ArchiveExtractor::fail(const std::string& what) { throw RallyError("cannot unpack " + archive_ + ": " + what); }

void ArchiveExtractor::discard() {
  if (out_fd_ >= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
  }
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    temp_.clear();
  }
}

double ArchiveExtractor::progress() const {
  if (archive_size_ == 0) return done_ ? 1.0 : 0.0;
  return std::min(1.0, static_cast<double>(consumed_) / static_cast<double>(archive_size_));
}

void extract_archive(const std::string& archive, std::optional<std::uint64_t> expected_size) {
  ArchiveExtractor extractor(archive, expected_size);
  while (!extractor.step(std::size_t{64} << 20)) {
  }
}

}  // namespace rally::track
