#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

namespace rally::track {

struct DownloadProgress {
  std::uint64_t bytes = 0;             // in the file so far, a resumed part included
  std::optional<std::uint64_t> total;  // from the server or the expected size, when known
};

struct DownloadOptions {
  std::string url;                             // e.g. corpus_file_url(base_url, source_file)
  std::string target;                          // the finished file; the transfer goes to <target>.part
  std::optional<std::uint64_t> expected_size;  // compressed-bytes for an archive
  std::string expected_size_name;              // e.g. "compressed-bytes": named in size errors
  std::optional<std::string> expected_sha256;  // hex, either case
  // --offline: fail at once, touching no network.
  bool offline = false;
  // PEM file of trusted CAs for https; empty: the system's trust store.
  std::string ca_file;
  // Covers name resolution, TCP connect and the TLS handshake of each connection.
  std::chrono::milliseconds connect_timeout{30'000};
  // The longest wait for any byte once connected (response header or body).
  std::chrono::milliseconds stall_timeout{60'000};
  int max_redirects = 10;
  std::chrono::milliseconds progress_interval{500};
  std::function<void(const DownloadProgress&)> on_progress;  // called from step()'s thread
};

// Downloads one corpus file over http or https, resumably.
//
// Bytes go to <target>.part. When that file exists from an earlier attempt, the request
// asks for the rest (Range: bytes=N-) and appends on 206; a 200 starts over. Transport
// failures (refused, reset, stall, truncated body, cancellation) keep the part file so the
// next attempt resumes; answers that no retry can fix (wrong size, checksum mismatch)
// delete it. Only a complete, verified file is renamed to `target`. Every error is a
// RallyError naming the URL and what to do.
//
// The transfer runs on an io_context owned by this object and driven only by step(): each
// call runs it for at most about `budget`, so an event-based actor can call step() from a
// WakeupMessage loop, or a detached actor / plain thread can call run().
class Download {
 public:
  // Throws RallyError at once when options.offline is set or the URL is invalid.
  explicit Download(DownloadOptions options);
  ~Download();  // an unfinished transfer is abandoned; its part file stays for a resume
  Download(const Download&) = delete;
  Download& operator=(const Download&) = delete;

  // Advances the download for up to about `budget` (plus one bounded disk write or checksum
  // chunk). Returns true once `target` is complete and verified; throws RallyError on
  // failure, and every later call throws the same error.
  bool step(std::chrono::milliseconds budget);

  // Blocks until done; a stop request ends it within about 100 ms with an error that says
  // the part file is kept.
  void run(std::stop_token stop = {});

  [[nodiscard]] DownloadProgress progress() const;
  [[nodiscard]] const std::string& url() const;
  [[nodiscard]] std::string part_file() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Downloads with default stepping (blocking); for tools and tests.
void download_file(DownloadOptions options, std::stop_token stop = {});

// The message for a missing corpus file under --offline, shared with callers that check
// before they construct a Download.
std::string offline_message(const std::string& target, const std::string& url);

}  // namespace rally::track
