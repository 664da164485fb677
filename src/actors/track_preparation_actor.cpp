#include "track_preparation_actor.hpp"

#include <algorithm>

#include <caf/actor_system.hpp>
#include <caf/message.hpp>

#include "rally/actors/trace.hpp"
#include "rally/common/cpu.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/redaction.hpp"
#include "rally/track/track_loader.hpp"

#include "task_execution_actor.hpp"

namespace rally::actors {

std::vector<PreparationTask> preparation_plan(const track::Track& track, const RaceConfig& config) {
  std::vector<PreparationTask> plan;
  for (const auto& corpus : track.corpora) {
    for (const auto& doc : corpus.documents) {
      track::CorpusFileSpec spec;
      spec.track_directory = track.directory;
      spec.corpus = corpus.name;
      spec.base_url = doc.base_url;
      spec.source_file = doc.source_file;
      spec.document_file = doc.document_file;
      spec.document_count = doc.document_count;
      spec.compressed_bytes = doc.compressed_bytes.value_or(0);
      spec.uncompressed_bytes = doc.uncompressed_bytes.value_or(0);
      spec.includes_action_and_meta_data = doc.includes_action_and_meta_data;
      spec.offline = config.offline;
      spec.allow_synthetic = config.test_mode;
      spec.synthetic_generator = corpus.synthetic_generator;
      plan.push_back(std::move(spec));
    }
  }
  return plan;
}

TrackPreparationActor::TrackPreparationActor(caf::actor_config& cfg) : ActorBase(cfg) {}

void TrackPreparationActor::fail(const std::string& reason) {
  trace("TrackPreparationActor", "DriverActor", "BenchmarkFailure");
  send(driver_, BenchmarkFailure{reason});
}

void TrackPreparationActor::on_prepare_track(const PrepareTrack& msg) {
  register_race_secrets(msg.config);  // on a rally-daemon: its log and stderr must not show them
  try {
    auto track = track::load_track(msg.track, track::LoadOptions::for_race(msg.config));
    for (auto& task : preparation_plan(track, msg.config)) tasks_.push_back(std::move(task));
  } catch (const std::exception& e) {
    fail(e.what());
    return;
  }
  auto count = std::max<std::size_t>(1, std::min(available_cpus(), tasks_.size()));
  for (std::size_t i = 0; i < count; ++i) {
    // By type, not by registered name: a daemon registers no names (docs/distributed.md).
    auto executor = spawn<TaskExecutionActor>();
    monitor(executor);
    executors_.push_back(executor);
    trace("TrackPreparationActor", "TaskExecutionActor", "StartTaskLoop");
    send(executor, StartTaskLoop{host_});
  }
}

void TrackPreparationActor::on_exit() {
  driver_ = caf::actor{};
  executors_.clear();
}

caf::behavior TrackPreparationActor::make_behavior() {
  set_exit_handler([this](caf::exit_msg& msg) {
    for (auto& executor : executors_) {
      demonitor(executor);
      trace("TrackPreparationActor", "TaskExecutionActor", "ActorExitRequest");
      send_exit(executor, msg.reason);
    }
    quit(msg.reason);
  });
  set_down_handler(
      [this](caf::down_msg& msg) { fail("a TaskExecutionActor on " + host_ + " stopped: " + to_string(msg.reason)); });
  return {
      [this](const Bootstrap& msg) {
        host_ = msg.host;
        driver_ = caf::actor_cast<caf::actor>(current_sender());
        trace("TrackPreparationActor", "DriverActor", "ReadyForWork");
        send(driver_, ReadyForWork{});
      },
      [this](const PrepareTrack& msg) { on_prepare_track(msg); },
      [this](ReadyForWork& msg) {
        for (auto& note : msg.notes) notes_.push_back(std::move(note));
        auto executor = caf::actor_cast<caf::actor>(current_sender());
        if (tasks_.empty()) {
          trace("TrackPreparationActor", "TaskExecutionActor", "WorkerIdle");
          send(executor, WorkerIdle{});
          return;
        }
        trace("TrackPreparationActor", "TaskExecutionActor", "DoTask");
        send(executor, DoTask{tasks_.front()});
        tasks_.pop_front();
      },
      [this](WorkerIdle) {
        if (++idle_ == executors_.size()) {
          trace("TrackPreparationActor", "DriverActor", "TrackPrepared");
          send(driver_, TrackPrepared{host_, notes_});
        }
      },
      [this](const BenchmarkFailure& msg) { fail(msg.reason); },
  };
}

}  // namespace rally::actors
