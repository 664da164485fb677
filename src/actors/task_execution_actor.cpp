#include "task_execution_actor.hpp"

#include <filesystem>

#include "rally/actors/trace.hpp"
#include "rally/common/errors.hpp"

namespace rally::actors {

namespace {
constexpr std::size_t bytes_per_wakeup = 16u << 20;
}

TaskExecutionActor::TaskExecutionActor(caf::actor_config& cfg) : caf::event_based_actor(cfg) {}

void TaskExecutionActor::fail(const std::string& reason) {
  builder_.reset();
  trace("TaskExecutionActor", "TrackPreparationActor", "BenchmarkFailure");
  send(parent_, BenchmarkFailure{reason});
}

void TaskExecutionActor::start(const PreparationTask& task) {
  task_ = task;
  try {
    data_file_ = track::resolve_document_path(task.track_directory, task.corpus, task.source_file);
    std::error_code ec;
    auto size = std::filesystem::file_size(data_file_, ec);
    if (task.uncompressed_bytes > 0 && size != task.uncompressed_bytes) {
      fail("corpus '" + task.corpus + "': " + data_file_ + " has " + std::to_string(size) +
           " bytes but the track expects " + std::to_string(task.uncompressed_bytes) + " (uncompressed-bytes)");
      return;
    }
    // Rally keeps an offset table that is newer than its data file.
    if (track::read_offset_table(data_file_)) {
      finish_task();
      return;
    }
    builder_ = std::make_unique<track::OffsetTableBuilder>(data_file_);
  } catch (const RallyError& e) {
    fail(e.what());
    return;
  }
  trace("TaskExecutionActor", "TaskExecutionActor", "WakeupMessage");
  send(this, WakeupMessage{});
}

void TaskExecutionActor::finish_task() {
  trace("TaskExecutionActor", "TrackPreparationActor", "ReadyForWork");
  send(parent_, ReadyForWork{});
}

void TaskExecutionActor::on_exit() {
  builder_.reset();
  parent_ = caf::actor{};
}

caf::behavior TaskExecutionActor::make_behavior() {
  return {
      [this](const StartTaskLoop&) {
        parent_ = caf::actor_cast<caf::actor>(current_sender());
        trace("TaskExecutionActor", "TrackPreparationActor", "ReadyForWork");
        send(parent_, ReadyForWork{});
      },
      [this](const DoTask& msg) { start(msg.task); },
      [this](WakeupMessage) {
        if (!builder_) return;
        try {
          if (!builder_->step(bytes_per_wakeup)) {
            trace("TaskExecutionActor", "TaskExecutionActor", "WakeupMessage");
            send(this, WakeupMessage{});
            return;
          }
          auto lines_per_document = task_.includes_action_and_meta_data ? 2 : 1;
          auto documents = builder_->table().lines / lines_per_document;
          if (documents != task_.document_count || builder_->table().lines % lines_per_document != 0) {
            fail("corpus '" + task_.corpus + "': " + data_file_ + " has " + std::to_string(documents) +
                 " documents but the track expects " + std::to_string(task_.document_count) + " (document-count)");
            return;
          }
          builder_->write();
          builder_.reset();
        } catch (const RallyError& e) {
          fail(e.what());
          return;
        }
        finish_task();
      },
      [this](WorkerIdle) {
        trace("TaskExecutionActor", "TrackPreparationActor", "WorkerIdle");
        send(parent_, WorkerIdle{});
      },
  };
}

}  // namespace rally::actors
