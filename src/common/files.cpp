#include "rally/common/files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "rally/common/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace rally {
namespace fs = std::filesystem;

void write_file_atomically(const std::string& path, const std::string& content) {
  auto fail = [&](const std::string& what) {
    return RallyError("cannot write " + path + ": " + what + ": " + std::strerror(errno));
  };
  std::error_code ec;
  auto dir = fs::path(path).parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec)
      throw RallyError("cannot write " + path + ": cannot create directory " + dir.string() + ": " + ec.message());
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw fail("open");
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    auto n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto e = fail("write");
      ::close(fd);
      ::unlink(tmp.c_str());
      throw e;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto e = fail("fsync");
    ::close(fd);
    ::unlink(tmp.c_str());
    throw e;
  }
  if (::close(fd) != 0) {
    auto e = fail("close");
    ::unlink(tmp.c_str());
    throw e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = fail("rename");
    ::unlink(tmp.c_str());
    throw e;
  }
}

}  // namespace rally
