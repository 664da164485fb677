#include "rally/driver/daemon_gate.hpp"

#include <algorithm>

#include "rally/common/secret.hpp"

namespace rally::driver {

DaemonGate::Challenge DaemonGate::hello(const std::string& peer, const std::string& version,
                                        std::uint32_t protocol) {
  if (version != identity_.version)
    return {"version mismatch: this daemon runs rally " + identity_.version + ", the coordinator rally " + version +
                ": install the same version on every host",
            ""};
  if (protocol != identity_.protocol)
    return {"protocol mismatch: this daemon speaks protocol " + std::to_string(identity_.protocol) +
                ", the coordinator " + std::to_string(protocol),
            ""};
  if (owner_ && *owner_ != peer) return {"busy: it serves another coordinator's race", ""};
  std::erase_if(nonces_, [&](const auto& entry) { return entry.first == peer; });
  if (nonces_.size() >= max_pending) nonces_.pop_front();
  auto nonce = random_nonce();
  nonces_.emplace_back(peer, nonce);
  return {"", nonce};
}

std::string DaemonGate::login(const std::string& peer, const std::string& proof) {
  auto it = std::find_if(nonces_.begin(), nonces_.end(), [&](const auto& entry) { return entry.first == peer; });
  if (it == nonces_.end()) return "no hello came first";
  auto nonce = it->second;
  nonces_.erase(it);  // a nonce proves one login, never two
  if (owner_ && *owner_ != peer) return "busy: it serves another coordinator's race";
  if (!identity_.secret.empty() && !constant_time_equal(proof, secret_proof(identity_.secret, nonce)))
    return "wrong secret";
  owner_ = peer;
  return "";
}

}  // namespace rally::driver
