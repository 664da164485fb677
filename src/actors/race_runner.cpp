#include "rally/actors/race_runner.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "rally/actors/messages.hpp"
#include "rally/common/errors.hpp"

#include "atoms.hpp"
#include "benchmark_actor.hpp"
#include "system_config.hpp"

namespace rally::actors {

namespace {
// The race is over and its results are written: stopping the actor system must not keep the
// process. If it has not stopped after the deadline (a CAF 0.17 actor kept alive past its
// end), the process exits with the race's exit code.
void stop_with_deadline(std::unique_ptr<caf::actor_system> system, int exit_code, std::ostream& err) {
  constexpr auto deadline = std::chrono::seconds(15);
  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool stopped = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    if (stopped_cv.wait_for(lock, deadline, [&] { return stopped; })) return;
    err << "[WARNING] the actor system did not stop within " << deadline.count() << " s after the race; exiting\n";
    err.flush();
    std::cout.flush();
    std::_Exit(exit_code);
  });
  system.reset();
  {
    std::lock_guard lock(mutex);
    stopped = true;
  }
  stopped_cv.notify_one();
  watchdog.join();
}
}  // namespace

int run_race(const RaceConfig& config, std::ostream& out, std::ostream& err) {
  RallyActorSystemConfig cfg;
  const auto& drivers = config.load_drivers;
  if (drivers.hosts.empty())
    cfg.register_actor_types();
  else
    cfg.enable_network({drivers.tls_certificate, drivers.tls_key, drivers.tls_ca_file});
  auto system = std::make_unique<caf::actor_system>(cfg);
  int exit_code = exit_error;
  {
    caf::scoped_actor self{*system};
    auto benchmark = self->spawn<BenchmarkActor, caf::monitored>(config, &out, &err);
    bool answered = false;
    self->request(benchmark, caf::infinite, run_atom::value)
        .receive([&](int code) { exit_code = code, answered = true; },
                 [&](caf::error& e) { err << "[ERROR] the race ended abnormally: " << system->render(e) << "\n"; });
    if (!answered) exit_code = exit_error;
  }
  stop_with_deadline(std::move(system), exit_code, err);
  return exit_code;
}

}  // namespace rally::actors
