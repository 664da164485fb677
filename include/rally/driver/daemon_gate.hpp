#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

namespace rally::driver {

// Who a rally-daemon is, as it tells coordinators.
struct DaemonIdentity {
  std::string version;
  std::uint32_t protocol = 0;
  std::string secret;  // empty: any coordinator that reaches the daemon may log in
  std::string hostname;
  std::uint32_t cpus = 1;
  std::uint32_t workers = 1;
  std::uint64_t open_files = 0;
};

// The proofs of the secret, each over the other side's fresh nonce; the labels keep a proof
// made by one side from passing for the other's.
std::string coordinator_proof(const std::string& secret, const std::string& daemon_nonce);
std::string daemon_proof(const std::string& secret, const std::string& coordinator_nonce);

// The daemon's admission rules, without the actor system: a coordinator says hello (same
// version and protocol, and the daemon not busy with another coordinator), gets a fresh
// nonce, and logs in by proving the secret with it. One coordinator at a time; its session
// ends when it goes away. Peers are keyed by any stable text (the DaemonActor uses the
// peer's node id).
class DaemonGate {
 public:
  explicit DaemonGate(DaemonIdentity identity) : identity_(std::move(identity)) {}

  struct Challenge {
    std::string refusal;  // empty: go on and log in with `nonce`
    std::string nonce;
    std::string proof;  // the daemon's of `coordinator_nonce`; empty without a secret
  };
  Challenge hello(const std::string& peer, const std::string& version, std::uint32_t protocol,
                  const std::string& coordinator_nonce = "");
  // Empty when admitted; else why not.
  std::string login(const std::string& peer, const std::string& proof);

  [[nodiscard]] bool admitted(const std::string& peer) const { return owner_ && *owner_ == peer; }
  [[nodiscard]] const std::optional<std::string>& owner() const { return owner_; }
  void end_session() { owner_.reset(); }
  [[nodiscard]] const DaemonIdentity& identity() const { return identity_; }

 private:
  DaemonIdentity identity_;
  std::optional<std::string> owner_;
  // Nonces handed out and not yet used, oldest first; bounded, so strangers saying hello
  // over and over cost nothing lasting.
  std::deque<std::pair<std::string, std::string>> nonces_;  // peer, nonce
  static constexpr std::size_t max_pending = 256;
};

}  // namespace rally::driver
