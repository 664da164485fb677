#pragma once

// The one protocol header: every message the actors exchange, with the seed's names
// (../shared/seed/rally-actor-system.md). Each is a plain struct with an `inspect`
// overload and is registered with the actor system, so any of them can cross a process
// boundary.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/sec.hpp>

#include "rally/common/race_config.hpp"
#include "rally/driver/allocation.hpp"
#include "rally/track/corpus_preparation.hpp"
#include "rally/track/track.hpp"

namespace caf {
class actor_system_config;
}

namespace rally::actors {

// A unit of track preparation: one corpus document file to make ready on a host.
using PreparationTask = track::CorpusFileSpec;

struct PrepareBenchmark {
  RaceConfig config;
  track::TrackFiles track;
};
struct Bootstrap {
  std::uint32_t id = 0;
  std::string host;
};
struct ReadyForWork {
  std::vector<std::string> notes;  // from the task just done, e.g. that a corpus is synthetic
};
struct PrepareTrack {
  RaceConfig config;
  track::TrackFiles track;
};
struct StartTaskLoop {
  std::string host;
};
struct DoTask {
  PreparationTask task;
};
struct WakeupMessage {};
struct WorkerIdle {};
struct TrackPrepared {
  std::string host;
  std::vector<std::string> notes;
};
struct PreparationComplete {
  std::string distribution;
  std::string version;
  std::vector<std::string> notes;
  std::string load_drivers;  // JSON array: the daemons raced with (empty: Workers in this process)
};
struct StartBenchmark {};
struct StartWorker {
  std::uint32_t worker_id = 0;
  RaceConfig config;
  track::TrackFiles track;
  std::vector<driver::ClientTask> tasks;
};
struct Drive {
  std::uint32_t step = 0;
  // On the Worker's host's monotonic clock: the coordinator's start shifted by the host's
  // clock offset, estimated when the coordinator connected.
  std::int64_t start_ns = 0;
};
// completed-by: a Worker's clients of a task are done; the Driver may end the step.
struct TaskFinishedOnWorker {
  std::uint32_t worker_id = 0;
  std::uint32_t step = 0;
  std::uint32_t task = 0;
};
// completed-by: the completing task is done everywhere; the Worker's clients stop.
struct CompleteCurrentTask {
  std::uint32_t step = 0;
};
struct UpdateSamples {
  std::uint32_t worker_id = 0;
  std::string samples;  // metrics::encode_intervals blob
};
struct JoinPointReached {
  std::uint32_t worker_id = 0;
  std::uint32_t join_point = 0;
};
struct TaskFinished {
  std::string results;  // JSON array of metrics::TaskResult
};
struct BenchmarkComplete {
  std::string cluster_metrics;  // JSON array of metrics::ClusterMetric (Rally's cluster rows)
};
struct BenchmarkFailure {
  std::string reason;
};
// A load-driver host was lost and the race goes on without it (--on-load-driver-loss=continue).
struct BenchmarkDegraded {
  std::string note;
};

// Worker-internal: its io thread hands results to the actor in batches.
struct SamplesReady {
  std::string samples;
};
struct LocalTaskDone {
  std::uint32_t step = 0;
  std::uint32_t task = 0;
};
struct StepDone {
  std::uint32_t step = 0;
  bool ok = true;
  std::string failure;
  std::string samples;
};

// Coordinator <-> rally-daemon (docs/distributed.md). Each is a request the DaemonActor
// answers. The daemon spawns nothing and answers no clock probe for a coordinator that has
// not logged in.
inline constexpr std::uint32_t daemon_protocol = 1;
struct DaemonHello {  // -> DaemonChallenge
  std::string version;
  std::uint32_t protocol = 0;
  std::string nonce;  // for the daemon to prove the secret with (driver::daemon_proof)
};
struct DaemonChallenge {
  std::string refusal;  // why the daemon will not serve this coordinator; empty: go on
  std::string version;
  std::uint32_t protocol = 0;
  std::string nonce;  // for the coordinator to prove the secret with (driver::coordinator_proof)
  std::string proof;  // the daemon's, of the coordinator's nonce; empty when it has no secret
};
struct DaemonLogin {  // -> DaemonWelcome
  std::string proof;
};
struct DaemonWelcome {
  std::string refusal;  // empty: admitted
  std::string hostname;
  std::uint32_t cpus = 0;
  std::uint32_t workers = 0;     // Workers the daemon offers (its --workers, else its CPUs)
  std::uint64_t open_files = 0;  // files its process may open: a socket per client
};
struct ClockProbe {};  // -> ClockReading
struct ClockReading {
  std::int64_t monotonic_ns = 0;
};
struct SpawnActor {  // -> SpawnedActor
  std::string type;  // a registered type name: TrackPreparationActor or Worker
};
struct SpawnedActor {
  std::string refusal;
  caf::actor actor;
};

// Registers every message type; must run on every node of the actor system.
void register_message_types(caf::actor_system_config& cfg);

}  // namespace rally::actors

namespace rally {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, HostPort& x) {
  return f(caf::meta::type_name("HostPort"), x.host, x.port);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ClientOptions& x) {
  // CAF 0.17 cannot serialize an infinite double (its pack754 never returns): one never
  // gets in from another host, so a message can be passed on.
  auto finite = [&x]() -> caf::error {
    return std::isfinite(x.timeout_s) && x.timeout_s >= 0 ? caf::error{} : caf::make_error(caf::sec::invalid_argument);
  };
  return f(caf::meta::type_name("ClientOptions"), x.use_ssl, x.verify_certs, x.ca_certs, x.client_cert, x.client_key,
           x.basic_auth_user, x.basic_auth_password, x.api_key, x.headers, x.opaque_id, x.http_compress, x.timeout_s,
           x.static_responses_file, x.static_responses, caf::meta::load_callback(finite));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, RaceConfig& x) {
  return f(caf::meta::type_name("RaceConfig"), x.race_id, x.race_timestamp, x.track_path, x.challenge, x.track_params,
           x.ignore_unused_track_params, x.include_tasks, x.exclude_tasks, x.race_epoch, x.target_hosts, x.client,
           x.cluster_distribution, x.cluster_version, x.report_file, x.report_format, x.races_dir, x.user_tags,
           x.test_mode, x.offline, x.on_error, x.enable_assertions, x.worker_count, x.request_timeout_ms,
           x.connect_timeout_ms, x.sample_interval_ms, x.join_timeout_ms,
           caf::meta::load_callback([&x]() -> caf::error {
             return std::isfinite(x.race_epoch) ? caf::error{} : caf::make_error(caf::sec::invalid_argument);
           }));
}

namespace track {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CorpusFileSpec& x) {
  return f(caf::meta::type_name("CorpusFileSpec"), x.track_directory, x.corpus, x.base_url, x.source_file,
           x.document_file, x.document_count, x.compressed_bytes, x.uncompressed_bytes, x.includes_action_and_meta_data,
           x.offline, x.allow_synthetic, x.synthetic_generator);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TrackFiles& x) {
  return f(caf::meta::type_name("TrackFiles"), x.track_file, x.contents, x.globs);
}
}  // namespace track

namespace driver {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ClientTask& x) {
  return f(caf::meta::type_name("ClientTask"), x.step, x.task, x.client_index, x.task_clients, x.global_client);
}
}  // namespace driver

namespace actors {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReadyForWork& x) {
  return f(caf::meta::type_name("ReadyForWork"), x.notes);
}

#define RALLY_EMPTY_MESSAGE(T)                                \
  template <class Inspector>                                  \
  typename Inspector::result_type inspect(Inspector& f, T&) { \
    return f(caf::meta::type_name(#T));                       \
  }

RALLY_EMPTY_MESSAGE(WakeupMessage)
RALLY_EMPTY_MESSAGE(WorkerIdle)
RALLY_EMPTY_MESSAGE(StartBenchmark)
RALLY_EMPTY_MESSAGE(ClockProbe)
#undef RALLY_EMPTY_MESSAGE

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BenchmarkComplete& x) {
  return f(caf::meta::type_name("BenchmarkComplete"), x.cluster_metrics);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PrepareBenchmark& x) {
  return f(caf::meta::type_name("PrepareBenchmark"), x.config, x.track);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Bootstrap& x) {
  return f(caf::meta::type_name("Bootstrap"), x.id, x.host);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PrepareTrack& x) {
  return f(caf::meta::type_name("PrepareTrack"), x.config, x.track);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, StartTaskLoop& x) {
  return f(caf::meta::type_name("StartTaskLoop"), x.host);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DoTask& x) {
  return f(caf::meta::type_name("DoTask"), x.task);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TrackPrepared& x) {
  return f(caf::meta::type_name("TrackPrepared"), x.host, x.notes);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PreparationComplete& x) {
  return f(caf::meta::type_name("PreparationComplete"), x.distribution, x.version, x.notes, x.load_drivers);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, StartWorker& x) {
  return f(caf::meta::type_name("StartWorker"), x.worker_id, x.config, x.track, x.tasks);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Drive& x) {
  return f(caf::meta::type_name("Drive"), x.step, x.start_ns);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TaskFinishedOnWorker& x) {
  return f(caf::meta::type_name("TaskFinishedOnWorker"), x.worker_id, x.step, x.task);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CompleteCurrentTask& x) {
  return f(caf::meta::type_name("CompleteCurrentTask"), x.step);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, LocalTaskDone& x) {
  return f(caf::meta::type_name("LocalTaskDone"), x.step, x.task);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, UpdateSamples& x) {
  return f(caf::meta::type_name("UpdateSamples"), x.worker_id, x.samples);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, JoinPointReached& x) {
  return f(caf::meta::type_name("JoinPointReached"), x.worker_id, x.join_point);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TaskFinished& x) {
  return f(caf::meta::type_name("TaskFinished"), x.results);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SamplesReady& x) {
  return f(caf::meta::type_name("SamplesReady"), x.samples);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, StepDone& x) {
  return f(caf::meta::type_name("StepDone"), x.step, x.ok, x.failure, x.samples);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BenchmarkFailure& x) {
  return f(caf::meta::type_name("BenchmarkFailure"), x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BenchmarkDegraded& x) {
  return f(caf::meta::type_name("BenchmarkDegraded"), x.note);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DaemonHello& x) {
  return f(caf::meta::type_name("DaemonHello"), x.version, x.protocol, x.nonce);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DaemonChallenge& x) {
  return f(caf::meta::type_name("DaemonChallenge"), x.refusal, x.version, x.protocol, x.nonce, x.proof);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DaemonLogin& x) {
  return f(caf::meta::type_name("DaemonLogin"), x.proof);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DaemonWelcome& x) {
  return f(caf::meta::type_name("DaemonWelcome"), x.refusal, x.hostname, x.cpus, x.workers, x.open_files);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ClockReading& x) {
  return f(caf::meta::type_name("ClockReading"), x.monotonic_ns);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SpawnActor& x) {
  return f(caf::meta::type_name("SpawnActor"), x.type);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SpawnedActor& x) {
  return f(caf::meta::type_name("SpawnedActor"), x.refusal, x.actor);
}

}  // namespace actors
}  // namespace rally
