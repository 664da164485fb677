#include "daemon_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/message.hpp>
#include <caf/node_id.hpp>

#include "rally/actors/messages.hpp"
#include "rally/common/clock.hpp"

#include "track_preparation_actor.hpp"
#include "worker.hpp"

namespace rally::actors {

namespace {

// A coordinator is its DriverActor: the node and the actor's id on it.
std::string peer_key(const caf::strong_actor_ptr& sender) {
  return sender ? to_string(sender->node()) + "/" + std::to_string(sender->id()) : "";
}

constexpr std::chrono::seconds address_lookup_timeout{2};
constexpr std::size_t max_remembered_peers = 256;
}  // namespace

DaemonActor::DaemonActor(caf::actor_config& cfg, driver::DaemonIdentity identity, Log* log,
                         caf::io::middleman_actor network)
    : ActorBase(cfg), gate_(std::move(identity)), log_(log), network_(std::move(network)) {}

void DaemonActor::on_exit() {
  for (auto& actor : session_) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  session_.clear();
  coordinator_ = caf::actor{};
  network_ = caf::io::middleman_actor{};
}

template <class F>
void DaemonActor::with_peer_address(const caf::strong_actor_ptr& sender, F then) {
  auto key = peer_key(sender);
  if (key.empty()) {
    then(std::string("an anonymous sender"));
    return;
  }
  if (auto it = peer_addresses_.find(key); it != peer_addresses_.end()) {
    then(it->second);
    return;
  }
  request(network_, address_lookup_timeout, caf::get_atom::value, sender->node())
      .then(
          [this, key, then](const caf::node_id&, const std::string& host, std::uint16_t port) mutable {
            auto address = host.empty() ? "node " + key : host + ":" + std::to_string(port);
            if (peer_addresses_.size() >= max_remembered_peers) peer_addresses_.clear();
            peer_addresses_[key] = address;
            then(address);
          },
          [key, then](caf::error&) mutable { then("node " + key); });
}

void DaemonActor::end_session(const std::string& why) {
  log_->info(why + (session_.empty() ? "" : ": stopping its " + std::to_string(session_.size()) + " actors here"));
  for (auto& actor : session_) {
    demonitor(actor);
    send_exit(actor, caf::exit_reason::user_shutdown);
  }
  session_.clear();
  if (coordinator_) demonitor(coordinator_);
  coordinator_ = caf::actor{};
  gate_.end_session();
  log_->info("ready for the next race");
}

caf::behavior DaemonActor::make_behavior() {
  set_down_handler([this](caf::down_msg& msg) {
    if (coordinator_ && msg.source == coordinator_.address()) {
      bool finished = !msg.reason || msg.reason == caf::exit_reason::user_shutdown;
      end_session(finished ? "the coordinator at " + coordinator_address_ + " ended its race"
                           : "the coordinator at " + coordinator_address_ + " is gone (" + to_string(msg.reason) + ")");
      return;
    }
    std::erase_if(session_, [&](const caf::actor& a) { return a.address() == msg.source; });
  });
  set_exit_handler([this](caf::exit_msg& msg) {
    if (coordinator_) end_session("rally-daemon stops");
    quit(msg.reason);
  });
  return {
      [this](const DaemonHello& msg) -> caf::result<DaemonChallenge> {
        // Before the promise: making it takes the sender out of the current message.
        auto sender = current_sender();
        auto key = peer_key(sender);
        auto promise = make_response_promise();
        with_peer_address(sender, [this, promise, key, msg](const std::string& address) mutable {
          auto challenge = gate_.hello(key, msg.version, msg.protocol, msg.nonce);
          if (challenge.refusal.empty())
            log_->info("coordinator at " + address + " (rally " + msg.version + ") says hello");
          else
            log_->warning("refused coordinator at " + address + ": " + challenge.refusal);
          const auto& id = gate_.identity();
          promise.deliver(
              DaemonChallenge{challenge.refusal, id.version, id.protocol, challenge.nonce, challenge.proof});
        });
        return promise;
      },
      [this](const DaemonLogin& msg) -> caf::result<DaemonWelcome> {
        auto sender_ptr = current_sender();
        auto sender = caf::actor_cast<caf::actor>(sender_ptr);
        auto key = peer_key(sender_ptr);
        auto promise = make_response_promise();
        with_peer_address(sender_ptr, [this, promise, key, sender, msg](const std::string& address) mutable {
          auto refusal = sender ? gate_.login(key, msg.proof) : "an anonymous sender cannot log in";
          const auto& id = gate_.identity();
          if (!refusal.empty()) {
            log_->warning("refused coordinator at " + address + ": " + refusal);
            promise.deliver(DaemonWelcome{refusal, id.hostname, 0, 0, 0});
            return;
          }
          // Its race lasts as long as it does: when it goes, its actors here go too.
          coordinator_ = sender;
          coordinator_address_ = address;
          monitor(coordinator_);
          log_->info("coordinator at " + address + " logged in");
          promise.deliver(DaemonWelcome{"", id.hostname, id.cpus, id.workers, id.open_files});
        });
        return promise;
      },
      [this](ClockProbe) -> caf::result<ClockReading> {
        if (!gate_.admitted(peer_key(current_sender()))) {
          with_peer_address(current_sender(), [this](const std::string& address) {
            log_->warning("refused a clock probe from " + address + ": not logged in");
          });
          return caf::make_error(caf::sec::unexpected_message);
        }
        return ClockReading{monotonic_ns()};
      },
      [this](const SpawnActor& msg) -> caf::result<SpawnedActor> {
        if (!gate_.admitted(peer_key(current_sender()))) {
          with_peer_address(current_sender(), [this, type = msg.type](const std::string& address) {
            log_->warning("refused to spawn a " + type + " for " + address + ": not logged in");
          });
          return SpawnedActor{"not logged in", caf::actor{}};
        }
        // The daemon's registered type names. Not CAF's actor factories: its spawn server
        // would spawn them for any peer that connects, secret or not.
        caf::actor spawned;
        if (msg.type == "TrackPreparationActor")
          spawned = spawn<TrackPreparationActor>();
        else if (msg.type == "Worker")
          spawned = spawn<Worker>();
        else
          return SpawnedActor{"no actor type " + msg.type + " to spawn", caf::actor{}};
        monitor(spawned);
        session_.push_back(spawned);
        log_->info("started a " + msg.type + " for the coordinator at " + coordinator_address_);
        return SpawnedActor{"", spawned};
      },
  };
}

}  // namespace rally::actors
