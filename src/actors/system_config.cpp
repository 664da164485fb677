#include "system_config.hpp"

#include <caf/atom.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/timestamp.hpp>

#include "rally/actors/messages.hpp"

#include "task_execution_actor.hpp"
#include "track_preparation_actor.hpp"
#include "worker.hpp"

namespace rally::actors {

RallyActorSystemConfig::RallyActorSystemConfig() {
  register_message_types(*this);
  set("scheduler.max-threads", 2);
  set("scheduler.policy", caf::atom("sharing"));
}

void RallyActorSystemConfig::register_actor_types() {
  add_actor_type<TrackPreparationActor>("TrackPreparationActor");
  add_actor_type<TaskExecutionActor>("TaskExecutionActor");
  add_actor_type<Worker>("Worker");
}

void RallyActorSystemConfig::enable_network(const NetworkTls& tls) {
  load<caf::io::middleman>();
  // The middleman's own thread does the I/O; no extra worker threads (faster round trips).
  set("middleman.workers", 0);
  set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds(1)});
  set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(3)});
  if (!tls.certificate.empty()) {
    load<caf::openssl::manager>();
    openssl_certificate = tls.certificate;
    openssl_key = tls.key;
    openssl_cafile = tls.ca_file;
  }
}

}  // namespace rally::actors
