#pragma once

// Private to rally_track: the small, pure pieces of HTTP that Download needs, apart from
// the I/O so that they can be tested on their own.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rally::track {

// "Content-Range: bytes 100-199/200", "bytes */200", "bytes 100-199/*".
struct ContentRange {
  std::optional<std::uint64_t> first;  // absent for "*" (a 416 answer)
  std::optional<std::uint64_t> last;
  std::optional<std::uint64_t> total;  // absent for "*" (length unknown)
};
std::optional<ContentRange> parse_content_range(std::string_view value);

[[nodiscard]] bool is_redirect(unsigned status);

// "HTTP 404 Not Found: ..." with a hint at what to check.
std::string describe_status(unsigned status, std::string_view reason);

// "1.5 s" for messages about timeouts.
std::string seconds(std::chrono::milliseconds duration);

// The digest in lower case; nullopt unless it is exactly 64 hex digits.
std::optional<std::string> lower_hex(std::string_view sha256);

}  // namespace rally::track
