#pragma once

#include <chrono>
#include <string>

#include "rally/common/host.hpp"

namespace rally::client {

// The files of a mutual TLS handshake; empty certificate: plain TCP.
struct TlsIdentity {
  std::string certificate;
  std::string key;
  std::string ca_file;
};

// Connects to `target` and, with TLS, completes a handshake with `tls`, all within
// `timeout`; then closes. Returns "" when that worked, else what failed. The coordinator
// checks each rally-daemon this way before CAF connects: CAF's own connect has no timeout
// for a peer that accepts and never answers, and a stuck TLS handshake would keep its
// actor system from shutting down.
std::string check_reachable(const HostPort& target, const TlsIdentity& tls, std::chrono::milliseconds timeout);

}  // namespace rally::client
