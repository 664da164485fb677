#pragma once

#include <string>
#include <string_view>

namespace rally {

// The shared secret of coordinator and daemons (docs/distributed.md). It never crosses the
// network: the daemon sends a fresh nonce and the coordinator proves it knows the secret
// with HMAC-SHA256(secret, nonce).

// 32 random bytes as 64 hex digits, from the operating system's generator.
std::string random_nonce();

// HMAC-SHA256 of `nonce` keyed with `secret`, as 64 hex digits.
std::string secret_proof(std::string_view secret, std::string_view nonce);

// Compares in time independent of where the texts differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// Reads a secret from `path` (trailing whitespace dropped). Throws RallyError naming the file
// when it cannot be read, is empty, or may be read by other users (mode not 0600 or 0400).
std::string read_secret_file(const std::string& path);

}  // namespace rally
