#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

#include "rally/common/clock.hpp"
#include "rally/common/race_config.hpp"

namespace rally::actors {

// A host that runs Workers: a rally-daemon, or this process.
struct LoadDriverHost {
  std::string name;   // "127.0.0.2:1900"; "localhost" for this process
  caf::actor daemon;  // its DaemonActor; none for this process
  std::string version;
  std::string hostname;
  std::uint32_t cpus = 0;
  std::uint32_t workers = 0;     // Workers it offers
  Nanos clock_offset = 0;        // its monotonic clock minus the coordinator's
  Nanos round_trip = 0;          // of the clock probe the offset came from
  std::uint64_t open_files = 0;  // what its Workers may open; 0: not known (this process checks its own)
};

// The DriverActor's view of its load-driver hosts. Without --load-driver-hosts it is this
// process alone; with them, connect() reaches every rally-daemon in parallel (connect, version
// check, login with the secret, clock probes), each step bounded by the connect timeout.
// spawn() places an actor on a host by registered type name, locally or through the host's
// daemon: the DriverActor has one code path for both.
class LoadDriverPool {
 public:
  using Failed = std::function<void(const std::string& reason)>;

  LoadDriverPool(caf::event_based_actor* self, LoadDriverConfig config, std::uint32_t local_workers);

  // Calls `ready` once every daemon is connected, or `failed` once, naming the host.
  void connect(std::function<void()> ready, Failed failed);
  void spawn(const std::string& host, const std::string& type, std::function<void(caf::actor)> spawned, Failed failed);

  [[nodiscard]] const std::vector<LoadDriverHost>& hosts() const { return hosts_; }
  [[nodiscard]] bool distributed() const { return !config_.hosts.empty(); }
  // The host whose daemon is `daemon`, if any.
  [[nodiscard]] const LoadDriverHost* host_of(const caf::actor_addr& daemon) const;
  // The hosts as race.json records them (JSON array); empty for this process alone.
  [[nodiscard]] std::string describe() const;

 private:
  void connect_host(std::size_t index);
  void hello(std::size_t index);
  void probe_clock(std::size_t index, int remaining);
  void host_ready();
  void fail(std::size_t index, const std::string& reason);
  [[nodiscard]] std::chrono::milliseconds timeout() const;
  [[nodiscard]] std::string connect_hint(const std::string& problem) const;

  caf::event_based_actor* self_;
  const LoadDriverConfig config_;
  std::vector<std::string> nonces_;  // per host: what its daemon proves the secret with
  std::vector<LoadDriverHost> hosts_;
  std::size_t connected_ = 0;
  bool failed_ = false;
  std::function<void()> ready_;
  Failed on_failed_;
};

}  // namespace rally::actors
