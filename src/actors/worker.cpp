#include "worker.hpp"

#include <caf/send.hpp>

#include "rally/actors/trace.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/redaction.hpp"
#include "rally/track/track_loader.hpp"

namespace rally::actors {

Worker::Worker(caf::actor_config& cfg) : ActorBase(cfg) {}

void Worker::on_exit() {
  // Join the io thread before the executor and its clients go away.
  if (io_) io_->stop();
  executor_.reset();
  io_.reset();
  driver_ = caf::actor{};
}

void Worker::fail(const std::string& reason) {
  trace("Worker", "DriverActor", "BenchmarkFailure");
  send(driver_, BenchmarkFailure{reason});
}

void Worker::on_start_worker(StartWorker& msg) {
  driver_ = caf::actor_cast<caf::actor>(current_sender());
  id_ = msg.worker_id;
  config_ = std::move(msg.config);
  register_race_secrets(config_);  // on a rally-daemon: its log and stderr must not show them
  tasks_ = std::move(msg.tasks);
  try {
    track_ = track::load_track(msg.track, track::LoadOptions::for_race(config_));
    const auto& challenge = track_->find_challenge(config_.challenge);
    io_ = std::make_unique<driver::AsyncIoAdapter>();
    executor_ = std::make_unique<driver::AsyncExecutor>(io_->io(), *track_, challenge, config_, samples_);
    executor_->prepare();  // before any Drive, so the io thread does not touch it yet
  } catch (const std::exception& e) {
    fail("Worker " + std::to_string(id_) + " on " + host_ + ": " + e.what());
    return;
  }
  // Every client starts at the join point before the first step.
  trace("Worker", "DriverActor", "JoinPointReached");
  send(driver_, JoinPointReached{id_, 0});
  delayed_send(this, std::chrono::milliseconds(config_.sample_interval_ms), WakeupMessage{});
}

void Worker::on_drive(const Drive& msg) {
  std::vector<driver::ClientTask> step_tasks;
  for (const auto& t : tasks_) {
    if (t.step == msg.step) step_tasks.push_back(t);
  }
  auto self = caf::actor_cast<caf::actor>(this);
  io_->post([this, self, step = msg.step, start = msg.start_ns, step_tasks = std::move(step_tasks)]() mutable {
    executor_->run_step(
        step, start, std::move(step_tasks),
        [this, self](driver::StepOutcome outcome) {
          caf::anon_send(self, StepDone{outcome.step, outcome.ok, std::move(outcome.failure), samples_.flush()});
        },
        [self, step](std::uint32_t task) {
          caf::anon_send(self, LocalTaskDone{step, task});
        });
  });
}

caf::behavior Worker::make_behavior() {
  return {
      [this](const Bootstrap& msg) {
        id_ = msg.id;
        host_ = msg.host;
      },
      [this](StartWorker& msg) { on_start_worker(msg); },
      [this](const Drive& msg) {
        if (io_) on_drive(msg);
      },
      [this](WakeupMessage) {
        if (!io_) return;
        auto self = caf::actor_cast<caf::actor>(this);
        io_->post([this, self] { caf::anon_send(self, SamplesReady{samples_.flush()}); });
        delayed_send(this, std::chrono::milliseconds(config_.sample_interval_ms), WakeupMessage{});
      },
      [this](const CompleteCurrentTask& msg) {
        if (io_) io_->post([this, step = msg.step] { executor_->complete_step(step); });
      },
      [this](const LocalTaskDone& msg) {
        trace("Worker", "DriverActor", "TaskFinishedOnWorker");
        send(driver_, TaskFinishedOnWorker{id_, msg.step, msg.task});
      },
      [this](SamplesReady& msg) {
        // Sent every interval, even when empty: the Driver also reads it as a heartbeat.
        trace("Worker", "DriverActor", "UpdateSamples");
        send(driver_, UpdateSamples{id_, std::move(msg.samples)});
      },
      [this](StepDone& msg) {
        trace("Worker", "DriverActor", "UpdateSamples");
        send(driver_, UpdateSamples{id_, std::move(msg.samples)});
        if (!msg.ok) {
          fail(msg.failure);
          return;
        }
        trace("Worker", "DriverActor", "JoinPointReached");
        send(driver_, JoinPointReached{id_, msg.step + 1});
      },
  };
}

}  // namespace rally::actors
