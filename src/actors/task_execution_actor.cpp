#include "task_execution_actor.hpp"

#include <algorithm>
#include <iostream>

#include "rally/actors/trace.hpp"
#include "rally/common/errors.hpp"

#include <unistd.h>

namespace rally::actors {

namespace {
// Short steps keep one of the two scheduler threads free for the rest of the system.
constexpr std::chrono::milliseconds step_budget{50};
// On a terminal a bar redrawn twice a second; elsewhere (CI logs) a line every 5 s.
const bool on_terminal = ::isatty(STDERR_FILENO) == 1;
const Nanos status_interval = on_terminal ? ns_per_s / 2 : 5 * ns_per_s;

std::string bar(double fraction) {
  constexpr int width = 30;
  int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width);
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}
}  // namespace

TaskExecutionActor::TaskExecutionActor(caf::actor_config& cfg) : ActorBase(cfg) {}

void TaskExecutionActor::on_exit() {
  preparation_.reset();  // an unfinished download keeps its .part file for the next race
  parent_ = caf::actor{};
}

void TaskExecutionActor::fail(const std::string& reason) {
  preparation_.reset();
  trace("TaskExecutionActor", "TrackPreparationActor", "BenchmarkFailure");
  send(parent_, BenchmarkFailure{reason});
}

caf::behavior TaskExecutionActor::make_behavior() {
  return {
      [this](const StartTaskLoop& msg) {
        parent_ = caf::actor_cast<caf::actor>(current_sender());
        host_ = msg.host;
        trace("TaskExecutionActor", "TrackPreparationActor", "ReadyForWork");
        send(parent_, ReadyForWork{});
      },
      [this](const DoTask& msg) {
        preparation_ =
            std::make_unique<track::CorpusPreparation>(msg.task, track::CorpusPreparation::default_data_root());
        last_status_ = monotonic_ns();
        trace("TaskExecutionActor", "TaskExecutionActor", "WakeupMessage");
        send(this, WakeupMessage{});
      },
      [this](WakeupMessage) {
        if (!preparation_) return;
        try {
          if (!preparation_->step(step_budget)) {
            if (auto now = monotonic_ns(); now - last_status_ > status_interval) {
              last_status_ = now;
              if (on_terminal) {
                std::cerr << "\r\033[K" << bar(preparation_->progress()) << " " << host_ << ": "
                          << preparation_->status() << std::flush;
                drew_bar_ = true;
              } else {
                std::cerr << "[INFO] " << host_ << ": " << preparation_->status() << "\n" << std::flush;
              }
            }
            trace("TaskExecutionActor", "TaskExecutionActor", "WakeupMessage");
            send(this, WakeupMessage{});
            return;
          }
        } catch (const std::exception& e) {
          fail(e.what());
          return;
        }
        if (drew_bar_) std::cerr << "\r\033[K" << std::flush;
        drew_bar_ = false;
        ReadyForWork done{preparation_->notes()};
        preparation_.reset();
        trace("TaskExecutionActor", "TrackPreparationActor", "ReadyForWork");
        send(parent_, std::move(done));
      },
      [this](WorkerIdle) {
        trace("TaskExecutionActor", "TrackPreparationActor", "WorkerIdle");
        send(parent_, WorkerIdle{});
      },
  };
}

}  // namespace rally::actors
