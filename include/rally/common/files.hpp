#pragma once

#include <cstddef>
#include <string>

namespace rally {

// A file written under a temporary name beside `path` and renamed into place by commit():
// readers see the old file or the whole new one, never a part. Missing directories are
// created. Destroyed without commit(), it leaves nothing behind. Errors throw RallyError
// naming the path and the step that failed.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const char* data, std::size_t size);
  // sync: fsync before the rename, for files that must survive a crash (results); large
  // regenerable data can skip it.
  void commit(bool sync = true);

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(const std::string& what);

  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

// Writes `content` to `path` atomically (an AtomicFile, synced).
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace rally
