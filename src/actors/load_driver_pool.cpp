#include "load_driver_pool.hpp"

#include <set>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/message.hpp>
#include <caf/openssl/manager.hpp>
#include <nlohmann/json.hpp>

#include "rally/actors/messages.hpp"
#include "rally/client/reachability.hpp"
#include "rally/common/secret.hpp"
#include "rally/driver/daemon_gate.hpp"
#include "rally/version.hpp"

namespace rally::actors {

namespace {
constexpr int clock_probes = 5;
}

LoadDriverPool::LoadDriverPool(caf::event_based_actor* self, LoadDriverConfig config, std::uint32_t local_workers)
    : self_(self), config_(std::move(config)) {
  if (config_.hosts.empty()) {
    LoadDriverHost local;
    local.name = "localhost";
    local.version = std::string(version);
    local.workers = std::max<std::uint32_t>(local_workers, 1);
    local.cpus = local.workers;
    hosts_.push_back(std::move(local));
    return;
  }
  for (const auto& host : config_.hosts) {
    LoadDriverHost remote;
    remote.name = host.to_string();
    hosts_.push_back(std::move(remote));
    nonces_.push_back(random_nonce());
  }
}

std::chrono::milliseconds LoadDriverPool::timeout() const {
  return std::chrono::milliseconds(config_.connect_timeout_ms);
}

void LoadDriverPool::connect(std::function<void()> ready, Failed failed) {
  ready_ = std::move(ready);
  on_failed_ = std::move(failed);
  if (!distributed()) {
    ready_();
    return;
  }
  // A bounded check first (blocking: with daemons, the DriverActor is this process's only busy
  // actor): CAF's connect has no timeout of its own for a peer that accepts and never answers.
  auto problems = client::check_reachable(config_.hosts,
                                          {config_.tls_certificate, config_.tls_key, config_.tls_ca_file}, timeout());
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    if (!problems[i].empty()) {
      fail(i, "cannot connect (" + problems[i] + "): " + connect_hint(problems[i]));
      return;
    }
  }
  for (std::size_t i = 0; i < hosts_.size(); ++i) connect_host(i);
}

std::string LoadDriverPool::connect_hint(const std::string& problem) const {
  if (config_.tls())
    return "is it a rally-daemon with TLS, its certificate signed by the CA of --load-driver-tls-ca-file, and this "
           "coordinator's by the CA of its --tls-ca-file?";
  if (problem.find("disconnect_during_handshake") != std::string::npos)
    return "it may want TLS: give --load-driver-tls-certificate, -key and -ca-file";
  return "is rally-daemon running there?";
}

void LoadDriverPool::fail(std::size_t index, const std::string& reason) {
  if (failed_) return;
  failed_ = true;
  on_failed_("load driver " + hosts_[index].name + ": " + reason);
}

void LoadDriverPool::connect_host(std::size_t index) {
  const auto& target = config_.hosts[index];
  auto& system = self_->system();
  caf::io::middleman_actor network =
      config_.tls() ? system.openssl_manager().actor_handle() : system.middleman().actor_handle();
  self_->request(network, timeout(), caf::connect_atom::value, target.host, target.port)
      .then(
          [this, index](const caf::node_id&, caf::strong_actor_ptr& daemon, const std::set<std::string>&) {
            if (failed_) return;
            if (!daemon) {
              fail(index, "nothing is published there: is it a rally-daemon?");
              return;
            }
            hosts_[index].daemon = caf::actor_cast<caf::actor>(daemon);
            // Watched from now on: a lost daemon ends the race (or degrades it) at once.
            self_->monitor(hosts_[index].daemon);
            hello(index);
          },
          [this, index](caf::error& e) {
            auto what = self_->system().render(e);
            fail(index, "cannot connect (" + what + "): " + connect_hint(what));
          });
}

void LoadDriverPool::hello(std::size_t index) {
  auto daemon = hosts_[index].daemon;
  self_->request(daemon, timeout(), DaemonHello{std::string(version), daemon_protocol, nonces_[index]})
      .then(
          [this, index, daemon](const DaemonChallenge& challenge) {
            if (failed_) return;
            auto& host = hosts_[index];
            host.version = challenge.version;
            if (!challenge.refusal.empty()) {
              fail(index, "refused: " + challenge.refusal);
              return;
            }
            if (challenge.version != version) {
              fail(index, "version mismatch: it runs rally-daemon " + challenge.version + ", this coordinator rally " +
                              std::string(version) + ": install the same version on every host");
              return;
            }
            auto proof =
                config_.secret.empty() ? std::string() : driver::coordinator_proof(config_.secret, challenge.nonce);
            self_->request(daemon, timeout(), DaemonLogin{proof})
                .then(
                    [this, index, daemon_proof = challenge.proof](const DaemonWelcome& welcome) {
                      if (failed_) return;
                      if (!welcome.refusal.empty()) {
                        fail(index, "refused: " + welcome.refusal +
                                        (config_.secret.empty() ? " (no secret given: set RALLY_DAEMON_SECRET or "
                                                                  "--load-driver-secret-file)"
                                                                : ""));
                        return;
                      }
                      // With a secret, the daemon must have proven it too: nothing (cluster
                      // credentials included) goes to a daemon that does not know it.
                      if (!config_.secret.empty() &&
                          !constant_time_equal(daemon_proof, driver::daemon_proof(config_.secret, nonces_[index]))) {
                        fail(index, daemon_proof.empty()
                                        ? "it has no secret, but this coordinator has one: give it the same secret"
                                        : "it does not prove the secret: another secret, or not the daemon you meant");
                        return;
                      }
                      auto& host = hosts_[index];
                      host.hostname = welcome.hostname;
                      host.cpus = welcome.cpus;
                      host.workers = std::max<std::uint32_t>(welcome.workers, 1);
                      host.open_files = welcome.open_files;
                      probe_clock(index, clock_probes);
                    },
                    [this, index](caf::error& e) { fail(index, "no answer to login: " + self_->system().render(e)); });
          },
          [this, index](caf::error& e) { fail(index, "no answer to hello: " + self_->system().render(e)); });
}

// NTP's estimate: the daemon read its clock halfway through the round trip; the probe with
// the shortest round trip bounds the error best (± half of it).
void LoadDriverPool::probe_clock(std::size_t index, int remaining) {
  auto sent = monotonic_ns();
  self_->request(hosts_[index].daemon, timeout(), ClockProbe{})
      .then(
          [this, index, remaining, sent](const ClockReading& reading) {
            if (failed_) return;
            auto received = monotonic_ns();
            auto& host = hosts_[index];
            auto round_trip = received - sent;
            if (remaining == clock_probes || round_trip < host.round_trip) {
              host.round_trip = round_trip;
              host.clock_offset = reading.monotonic_ns - (sent + round_trip / 2);
            }
            if (remaining > 1)
              probe_clock(index, remaining - 1);
            else
              host_ready();
          },
          [this, index](caf::error& e) { fail(index, "no answer to a clock probe: " + self_->system().render(e)); });
}

void LoadDriverPool::host_ready() {
  if (++connected_ == hosts_.size()) ready_();
}

void LoadDriverPool::spawn(const std::string& host, const std::string& type, std::function<void(caf::actor)> spawned,
                           Failed failed) {
  auto it = std::find_if(hosts_.begin(), hosts_.end(), [&](const LoadDriverHost& h) { return h.name == host; });
  if (it == hosts_.end()) {
    failed("no load driver host " + host);
    return;
  }
  if (!it->daemon) {
    auto actor = self_->system().spawn<caf::actor>(type, caf::make_message());
    if (!actor) {
      failed(self_->system().render(actor.error()));
      return;
    }
    spawned(*actor);
    return;
  }
  self_->request(it->daemon, timeout(), SpawnActor{type})
      .then(
          [spawned, failed](SpawnedActor& reply) {
            if (!reply.refusal.empty() || !reply.actor) {
              failed(reply.refusal.empty() ? "the daemon sent no actor" : reply.refusal);
              return;
            }
            spawned(std::move(reply.actor));
          },
          [this, failed](caf::error& e) { failed(self_->system().render(e)); });
}

const LoadDriverHost* LoadDriverPool::host_of(const caf::actor_addr& daemon) const {
  for (const auto& h : hosts_) {
    if (h.daemon && h.daemon.address() == daemon) return &h;
  }
  return nullptr;
}

std::string LoadDriverPool::describe() const {
  if (!distributed()) return "";
  auto hosts = nlohmann::json::array();
  for (const auto& h : hosts_) {
    hosts.push_back({{"host", h.name},
                     {"hostname", h.hostname},
                     {"version", h.version},
                     {"cpus", h.cpus},
                     {"workers", h.workers},
                     {"clock-offset-ms", static_cast<double>(h.clock_offset) / 1e6},
                     {"clock-round-trip-ms", static_cast<double>(h.round_trip) / 1e6}});
  }
  return hosts.dump();
}

}  // namespace rally::actors
