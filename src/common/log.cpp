#include "rally/common/log.hpp"

#include <filesystem>
#include <iostream>

#include "rally/common/clock.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/redaction.hpp"

namespace rally {

void Log::open_file(const std::string& path) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::lock_guard lock(mutex_);
  file_.open(path, std::ios::app);
  if (!file_) throw RallyError("cannot write the log file " + path);
}

void Log::write(std::string_view level, std::string_view message) {
  auto line = utc_timestamp() + " [" + std::string(level) + "] " + redact(message) + "\n";
  std::lock_guard lock(mutex_);
  std::cerr << line << std::flush;
  if (file_.is_open()) file_ << line << std::flush;
}

}  // namespace rally
