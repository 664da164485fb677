#include "rally/driver/daemon_gate.hpp"

#include <algorithm>

#include "rally/common/secret.hpp"

namespace rally::driver {

std::string coordinator_proof(const std::string& secret, const std::string& daemon_nonce) {
  return secret_proof(secret, "rally coordinator " + daemon_nonce);
}

std::string daemon_proof(const std::string& secret, const std::string& coordinator_nonce) {
  return secret_proof(secret, "rally daemon " + coordinator_nonce);
}

DaemonGate::Challenge DaemonGate::hello(const std::string& peer, const std::string& version, std::uint32_t protocol,
                                        const std::string& coordinator_nonce) {
  if (version != identity_.version)
    return {"version mismatch: this daemon runs rally " + identity_.version + ", the coordinator rally " + version +
                ": install the same version on every host",
            "", ""};
  if (protocol != identity_.protocol)
    return {"protocol mismatch: this daemon speaks protocol " + std::to_string(identity_.protocol) +
                ", the coordinator " + std::to_string(protocol),
            "", ""};
  if (owner_ && *owner_ != peer) return {"busy: it serves another coordinator's race", "", ""};
  if (owner_) return {"this coordinator is logged in already: is the daemon listed twice?", "", ""};
  std::erase_if(nonces_, [&](const auto& entry) { return entry.first == peer; });
  if (nonces_.size() >= max_pending) nonces_.pop_front();
  auto nonce = random_nonce();
  nonces_.emplace_back(peer, nonce);
  auto proof = identity_.secret.empty() || coordinator_nonce.empty()
                   ? std::string()
                   : daemon_proof(identity_.secret, coordinator_nonce);
  return {"", nonce, proof};
}

std::string DaemonGate::login(const std::string& peer, const std::string& proof) {
  auto it = std::find_if(nonces_.begin(), nonces_.end(), [&](const auto& entry) { return entry.first == peer; });
  if (it == nonces_.end()) return "no hello came first";
  auto nonce = it->second;
  nonces_.erase(it);  // a nonce proves one login, never two
  if (owner_)
    return owner_ == peer ? "this coordinator is logged in already" : "busy: it serves another coordinator's race";
  if (!identity_.secret.empty() && !constant_time_equal(proof, coordinator_proof(identity_.secret, nonce)))
    return "wrong secret";
  owner_ = peer;
  return "";
}

}  // namespace rally::driver
