#pragma once

#include <mutex>
#include <streambuf>
#include <string>

namespace rally {

// A stream buffer that passes what is written to `target` line by line, each line through
// `redact` (rally/common/redaction.hpp). A flush passes on what is pending, also without a
// newline (progress bars). Safe to write to from several threads.
class RedactingStreambuf : public std::streambuf {
 public:
  explicit RedactingStreambuf(std::streambuf* target) : target_(target) {}

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void pass_on(bool everything);  // with mutex_ held

  std::streambuf* target_;
  std::mutex mutex_;
  std::string pending_;
};

// Puts a RedactingStreambuf in front of std::cout, std::cerr and std::clog for the rest of the
// process: whatever any thread prints goes through `redact`. Call once, first thing in main.
void redact_standard_streams();

}  // namespace rally
