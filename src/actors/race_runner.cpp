#include "rally/actors/race_runner.hpp"

#include <atomic>
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
#include <signal.h>

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

// Ctrl-C and SIGTERM during a race: the first ends it cleanly (the BenchmarkActor stores what
// was measured, marked interrupted, and the process exits 130); a second exits at once.
// The signals are blocked in every thread of the actor system and taken here with sigtimedwait.
class InterruptWatcher {
 public:
  InterruptWatcher() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);  // before the actor system starts its threads
  }
  ~InterruptWatcher() {
    stop();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  // Before the actor system goes: the thread holds a handle of one of its actors.
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  void watch(caf::actor benchmark, std::ostream& err) {
    thread_ = std::thread([this, benchmark = std::move(benchmark), &err] {
      int received = 0;
      const timespec poll{0, 200'000'000};
      while (!stop_.load()) {
        int signal = sigtimedwait(&signals_, nullptr, &poll);
        if (signal <= 0) continue;
        if (++received > 1) {
          err << "\n[WARNING] interrupted again: exiting now, without storing the race\n" << std::flush;
          std::_Exit(exit_interrupted);
        }
        err << "\n[INFO] " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
            << ": stopping the race and storing its results so far (again to exit at once)\n"
            << std::flush;
        caf::anon_send(benchmark, interrupt_atom::value, signal);
      }
    });
  }

 private:
  sigset_t signals_{};
  sigset_t previous_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

int run_race(const RaceConfig& config, std::ostream& out, std::ostream& err) {
  RallyActorSystemConfig cfg;
  const auto& drivers = config.load_drivers;
  if (drivers.hosts.empty())
    cfg.register_actor_types();
  else
    cfg.enable_network({drivers.tls_certificate, drivers.tls_key, drivers.tls_ca_file});
  InterruptWatcher interrupts;  // first: its signal mask is inherited by the system's threads
  auto system = std::make_unique<caf::actor_system>(cfg);
  int exit_code = exit_error;
  {
    caf::scoped_actor self{*system};
    auto benchmark = self->spawn<BenchmarkActor, caf::monitored>(config, &out, &err);
    interrupts.watch(benchmark, err);
    bool answered = false;
    self->request(benchmark, caf::infinite, run_atom::value)
        .receive([&](int code) { exit_code = code, answered = true; },
                 [&](caf::error& e) { err << "[ERROR] the race ended abnormally: " << system->render(e) << "\n"; });
    if (!answered) exit_code = exit_error;
  }
  interrupts.stop();
  stop_with_deadline(std::move(system), exit_code, err);
  return exit_code;
}

}  // namespace rally::actors
