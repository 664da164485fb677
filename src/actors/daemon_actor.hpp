#pragma once

#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/io/middleman_actor.hpp>

#include "rally/common/log.hpp"
#include "rally/driver/daemon_gate.hpp"

#include "actor_base.hpp"

namespace rally::actors {

// rally-daemon's published actor: the only one a coordinator reaches by address. Admits one
// coordinator at a time (driver::DaemonGate: version, protocol, secret), spawns
// TrackPreparationActors and Workers for it by registered type name, answers its clock
// probes, and watches it: when it goes away (race over, process killed, connection lost)
// every actor of its session is stopped and the daemon is ready for the next race.
class DaemonActor : public ActorBase {
 public:
  DaemonActor(caf::actor_config& cfg, driver::DaemonIdentity identity, Log* log, caf::io::middleman_actor network);
  caf::behavior make_behavior() override;
  void on_exit() override;

 private:
  // Calls `then` with "ip:port" of the node `sender` is on.
  template <class F>
  void with_peer_address(const caf::strong_actor_ptr& sender, F then);
  void end_session(const std::string& why);

  driver::DaemonGate gate_;
  Log* log_;
  caf::io::middleman_actor network_;
  std::map<std::string, std::string> peer_addresses_;  // node id -> ip:port
  caf::actor coordinator_;
  std::string coordinator_address_;
  std::vector<caf::actor> session_;  // what this coordinator's race runs here
};

}  // namespace rally::actors
