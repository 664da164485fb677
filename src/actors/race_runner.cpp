#include "rally/actors/race_runner.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "rally/actors/messages.hpp"
#include "rally/common/errors.hpp"

#include "atoms.hpp"
#include "benchmark_actor.hpp"
#include "system_config.hpp"

namespace rally::actors {

int run_race(const RaceConfig& config, std::ostream& out, std::ostream& err) {
  RallyActorSystemConfig cfg;
  const auto& drivers = config.load_drivers;
  if (drivers.hosts.empty())
    cfg.register_actor_types();
  else
    cfg.enable_network({drivers.tls_certificate, drivers.tls_key, drivers.tls_ca_file});
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
