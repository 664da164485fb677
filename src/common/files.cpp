#include "rally/common/files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "rally/common/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace rally {
namespace fs = std::filesystem;

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  auto dir = fs::path(path_).parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec)
      throw RallyError("cannot write " + path_ + ": cannot create directory " + dir.string() + ": " + ec.message());
  }
  tmp_ = path_ + ".tmp." + std::to_string(::getpid());
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw RallyError("cannot write " + path_ + ": open: " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFile::fail(const std::string& what) {
  auto error = RallyError("cannot write " + path_ + ": " + what + ": " + std::strerror(errno));
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_.c_str());
  throw error;
}

void AtomicFile::write(const char* data, std::size_t size) {
  while (size > 0) {
    auto n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit(bool sync) {
  if (sync && ::fsync(fd_) != 0) fail("fsync");
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close");
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail("rename");
  committed_ = true;
}

void write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFile file(path);
  file.write(content.data(), content.size());
  file.commit();
}

}  // namespace rally
