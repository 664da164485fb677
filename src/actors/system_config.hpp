#pragma once

#include <string>

#include <caf/actor_system_config.hpp>

namespace rally::actors {

// The files of TLS between coordinator and daemons (CAF's OpenSSL module); empty: plain TCP.
struct NetworkTls {
  std::string certificate;
  std::string key;
  std::string ca_file;
};

// The actor system of rally and rally-daemon: every message type registered, two scheduler
// threads (actors do little work; Workers' io threads do the load).
class RallyActorSystemConfig : public caf::actor_system_config {
 public:
  RallyActorSystemConfig();
  // A race in one process spawns its actors by registered type name.
  void register_actor_types();
  // CAF's network layer, for a coordinator with --load-driver-hosts and for rally-daemon. It
  // registers no actor type names: CAF's spawn server would spawn them for any connected peer.
  // Heartbeats make a frozen peer (stopped, unplugged) count as lost within seconds.
  void enable_network(const NetworkTls& tls);
};

}  // namespace rally::actors
