#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <caf/actor.hpp>

#include "rally/actors/messages.hpp"
#include "rally/driver/async_executor.hpp"
#include "rally/driver/async_io_adapter.hpp"
#include "rally/metrics/sample_collector.hpp"
#include "rally/track/track.hpp"

#include "actor_base.hpp"

namespace rally::actors {

// Seed: Worker. Owns an AsyncIoAdapter (an io_context on its own thread) on which an
// AsyncExecutor runs this Worker's simulated clients. The actor only relays: Drive in,
// UpdateSamples and JoinPointReached out; its WakeupMessage collects samples in batches.
class Worker : public ActorBase {
 public:
  explicit Worker(caf::actor_config& cfg);
  caf::behavior make_behavior() override;
  void on_exit() override;

 private:
  void on_start_worker(StartWorker& msg);
  void on_drive(const Drive& msg);
  void fail(const std::string& reason);

  std::uint32_t id_ = 0;
  std::string host_;
  caf::actor driver_;
  RaceConfig config_;
  std::optional<track::Track> track_;
  std::vector<driver::ClientTask> tasks_;
  // Touched only on the io thread once the executor runs.
  metrics::SampleCollector samples_;
  std::unique_ptr<driver::AsyncIoAdapter> io_;
  std::unique_ptr<driver::AsyncExecutor> executor_;
};

}  // namespace rally::actors
