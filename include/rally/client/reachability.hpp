#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "rally/common/host.hpp"

namespace rally::client {

// The files of a mutual TLS handshake; empty certificate: plain TCP.
struct TlsIdentity {
  std::string certificate;
  std::string key;
  std::string ca_file;
};

// Connects to every target at once and, with TLS, completes a handshake with `tls`, all
// within `timeout`; then closes. Returns per target "" when that worked, else what failed.
// The coordinator checks its rally-daemons this way before CAF connects: CAF's own connect
// has no timeout for a peer that accepts and never answers, and a stuck TLS handshake would
// keep its actor system from shutting down.
std::vector<std::string> check_reachable(const std::vector<HostPort>& targets, const TlsIdentity& tls,
                                         std::chrono::milliseconds timeout);

}  // namespace rally::client
