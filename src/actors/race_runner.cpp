#include "rally/actors/race_runner.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "rally/actors/messages.hpp"
#include "rally/common/errors.hpp"

#include "atoms.hpp"
#include "benchmark_actor.hpp"
#include "task_execution_actor.hpp"
#include "track_preparation_actor.hpp"
#include "worker.hpp"

namespace rally::actors {

namespace {

class RallyActorSystemConfig : public caf::actor_system_config {
 public:
  RallyActorSystemConfig() {
    register_message_types(*this);
    add_actor_type<TrackPreparationActor>("TrackPreparationActor");
    add_actor_type<TaskExecutionActor>("TaskExecutionActor");
    add_actor_type<Worker>("Worker");
    // Actors do little work (Workers' io threads do the load): two scheduler threads.
    set("scheduler.max-threads", 2);
    set("scheduler.policy", caf::atom("sharing"));
  }
};

}  // namespace

int run_race(const RaceConfig& config, std::ostream& out, std::ostream& err) {
  RallyActorSystemConfig cfg;
  caf::actor_system system{cfg};
  int exit_code = exit_error;
  {
    caf::scoped_actor self{system};
    auto benchmark = self->spawn<BenchmarkActor, caf::monitored>(config, &out, &err);
    bool answered = false;
    self->request(benchmark, caf::infinite, run_atom::value)
        .receive([&](int code) { exit_code = code, answered = true; },
                 [&](caf::error& e) { err << "[ERROR] the race ended abnormally: " << system.render(e) << "\n"; });
    if (!answered) exit_code = exit_error;
  }
  return exit_code;
}

}  // namespace rally::actors
