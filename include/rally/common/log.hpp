#pragma once

#include <fstream>
#include <mutex>
#include <string>
#include <string_view>

namespace rally {

// A line log for long-running processes (rally-daemon): each line, with its UTC time and
// level, goes to stderr and to a file. Safe to use from any thread.
class Log {
 public:
  Log() = default;
  // Appends to `path`, creating its directory. Throws RallyError when it cannot be written.
  void open_file(const std::string& path);

  void info(std::string_view message) { write("INFO", message); }
  void warning(std::string_view message) { write("WARNING", message); }
  void error(std::string_view message) { write("ERROR", message); }

 private:
  void write(std::string_view level, std::string_view message);

  std::mutex mutex_;
  std::ofstream file_;
};

}  // namespace rally
