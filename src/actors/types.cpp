#include <atomic>
#include <memory>
#include <mutex>

#include <caf/actor_system_config.hpp>

#include "rally/actors/messages.hpp"
#include "rally/actors/trace.hpp"

namespace rally::actors {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<HostPort>("HostPort")
      .add_message_type<RaceConfig>("RaceConfig")
      .add_message_type<track::TrackFiles>("TrackFiles")
      .add_message_type<driver::ClientTask>("ClientTask")
      .add_message_type<track::CorpusFileSpec>("CorpusFileSpec")
      .add_message_type<PrepareBenchmark>("PrepareBenchmark")
      .add_message_type<Bootstrap>("Bootstrap")
      .add_message_type<ReadyForWork>("ReadyForWork")
      .add_message_type<PrepareTrack>("PrepareTrack")
      .add_message_type<StartTaskLoop>("StartTaskLoop")
      .add_message_type<DoTask>("DoTask")
      .add_message_type<WakeupMessage>("WakeupMessage")
      .add_message_type<WorkerIdle>("WorkerIdle")
      .add_message_type<TrackPrepared>("TrackPrepared")
      .add_message_type<PreparationComplete>("PreparationComplete")
      .add_message_type<StartBenchmark>("StartBenchmark")
      .add_message_type<StartWorker>("StartWorker")
      .add_message_type<Drive>("Drive")
      .add_message_type<UpdateSamples>("UpdateSamples")
      .add_message_type<TaskFinishedOnWorker>("TaskFinishedOnWorker")
      .add_message_type<CompleteCurrentTask>("CompleteCurrentTask")
      .add_message_type<LocalTaskDone>("LocalTaskDone")
      .add_message_type<JoinPointReached>("JoinPointReached")
      .add_message_type<TaskFinished>("TaskFinished")
      .add_message_type<BenchmarkComplete>("BenchmarkComplete")
      .add_message_type<BenchmarkFailure>("BenchmarkFailure")
      .add_message_type<BenchmarkDegraded>("BenchmarkDegraded")
      .add_message_type<SamplesReady>("SamplesReady")
      .add_message_type<StepDone>("StepDone")
      .add_message_type<DaemonHello>("DaemonHello")
      .add_message_type<DaemonChallenge>("DaemonChallenge")
      .add_message_type<DaemonLogin>("DaemonLogin")
      .add_message_type<DaemonWelcome>("DaemonWelcome")
      .add_message_type<ClockProbe>("ClockProbe")
      .add_message_type<ClockReading>("ClockReading")
      .add_message_type<SpawnActor>("SpawnActor")
      .add_message_type<SpawnedActor>("SpawnedActor");
}

namespace {
// Tracing is off in production: trace() then costs one relaxed atomic load.
std::atomic<bool> tracing{false};
std::mutex sink_mutex;
std::shared_ptr<const TraceSink> sink;
}  // namespace

void set_trace_sink(TraceSink new_sink) {
  std::lock_guard lock(sink_mutex);
  sink = new_sink ? std::make_shared<const TraceSink>(std::move(new_sink)) : nullptr;
  tracing.store(sink != nullptr);
}

void trace(std::string_view from, std::string_view to, std::string_view message) {
  if (!tracing.load(std::memory_order_relaxed)) return;
  std::shared_ptr<const TraceSink> current;
  {
    std::lock_guard lock(sink_mutex);
    current = sink;
  }
  if (current) (*current)(from, to, message);
}

}  // namespace rally::actors
