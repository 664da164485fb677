#pragma once

#include <iosfwd>

#include <caf/response_promise.hpp>

#include "rally/common/race_config.hpp"
#include "rally/race/benchmark_coordinator.hpp"

#include "actor_base.hpp"

namespace rally::actors {

// Seed: BenchmarkActor. Loads the track through BenchmarkCoordinator, asks DriverActor
// to prepare and then start the benchmark, and answers `run` with the exit code.
class BenchmarkActor : public ActorBase {
 public:
  BenchmarkActor(caf::actor_config& cfg, RaceConfig config, std::ostream* out, std::ostream* err);
  caf::behavior make_behavior() override;
  // Drops every actor handle: handles held after exit form cycles that keep actors alive.
  void on_exit() override;

 private:
  void finish(int exit_code);

  RaceConfig config_;
  race::BenchmarkCoordinator coordinator_;
  caf::actor driver_;
  caf::response_promise promise_;
  bool finished_ = false;
};

}  // namespace rally::actors
