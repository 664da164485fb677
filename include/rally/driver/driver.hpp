#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rally/common/clock.hpp"
#include "rally/common/race_config.hpp"
#include "rally/driver/allocation.hpp"
#include "rally/driver/progress.hpp"
#include "rally/metrics/task_metrics.hpp"
#include "rally/metrics/task_result.hpp"
#include "rally/track/track.hpp"

namespace rally::driver {

// What the Driver asks of the actor world. DriverActor implements it by sending the
// seed's messages; tests implement it by recording the calls.
class DriverTarget {
 public:
  virtual ~DriverTarget() = default;
  virtual void prepare_track(const std::string& host) = 0;  // a TrackPreparationActor on `host`
  virtual void on_preparation_complete() = 0;
  virtual void create_worker(std::uint32_t worker_id, const std::string& host) = 0;
  virtual void start_worker(std::uint32_t worker_id, const std::vector<ClientTask>& tasks) = 0;
  virtual void drive_at(std::uint32_t worker_id, std::uint32_t step, Nanos start) = 0;
  // completed-by: the step's completing task is done; the Worker's other clients stop.
  virtual void complete_current_task(std::uint32_t worker_id, std::uint32_t step) = 0;
  virtual void on_task_finished(const std::vector<metrics::TaskResult>& results) = 0;
  virtual void on_benchmark_complete() = 0;
  virtual void on_benchmark_failure(const std::string& reason) = 0;
  // A load-driver host was lost and the race goes on without it (continue_on_host_loss).
  virtual void on_degraded(const std::string& note) = 0;
  // One line per task of the running step; `final` when the step has just ended.
  virtual void show_progress(const std::vector<std::string>& lines, bool final) = 0;
};

// A load-driver host, how many Workers it may run, and its monotonic clock's offset to the
// coordinator's (estimated at connect time): start times sent to its Workers are shifted by
// it, and times in their samples shifted back.
struct HostCapacity {
  std::string name;
  std::size_t workers = 1;
  Nanos clock_offset = 0;
  Nanos round_trip = 0;          // to the host: start times are set this far ahead, so they are not past on arrival
  std::uint64_t open_files = 0;  // the files its Workers may open (one socket per client); 0: not checked here
};

// Every simulated client holds a socket. "" when `clients` at once fit in `open_files` (0: not
// known), else what is wrong and what to do, naming `host` (empty: this process).
std::string open_file_shortfall(std::size_t clients, std::uint64_t open_files, const std::string& host);

// Which host each Worker runs on: hosts take Workers in proportion to their capacity,
// interleaved (a, b, a, b, ... for equal hosts) so that a task's few clients spread over
// hosts too. Never more Workers on a host than it offers.
std::vector<std::string> place_workers(const std::vector<HostCapacity>& hosts, std::size_t workers);

// Rally's Driver: prepares the track on every load-driver host, allocates clients to
// Workers, moves all Workers through the schedule's join points together, merges their
// samples and turns them into task results. Knows nothing of CAF; time comes in as `now`.
class Driver {
 public:
  Driver(DriverTarget& target, const RaceConfig& config, const track::Track& track, std::vector<HostCapacity> hosts);
  // All Workers in this process ("localhost").
  Driver(DriverTarget& target, const RaceConfig& config, const track::Track& track, std::size_t worker_capacity)
      : Driver(target, config, track, std::vector<HostCapacity>{{"localhost", worker_capacity}}) {}

  void prepare_benchmark();
  void track_prepared(const std::string& host);
  void start_benchmark(Nanos now);
  void joinpoint_reached(std::uint32_t worker_id, std::uint32_t join_point, Nanos now);
  void update_samples(std::uint32_t worker_id, std::string_view blob, Nanos now);
  // A Worker's clients of `task` in `step` are all done (sent only for completed-by steps).
  void task_finished_on_worker(std::uint32_t worker_id, std::uint32_t step, std::uint32_t task);
  // Periodic: progress lines and the liveness of Workers.
  void post_process_samples(Nanos now);
  void worker_lost(std::uint32_t worker_id, const std::string& reason);
  // A load-driver host (its daemon, or the connection to it) is gone: the race fails naming
  // it and what ran, or, with continue_on_host_loss while running, goes on without its Workers.
  void host_lost(const std::string& host, const std::string& reason, Nanos now);
  [[nodiscard]] const std::string& host_of_worker(std::uint32_t worker_id) const;
  [[nodiscard]] bool host_is_lost(const std::string& host) const { return lost_hosts_.count(host) > 0; }

  // Ends the race: the results so far of a running step (what its Workers sent, the request
  // that failed included) go out as its task results first, so that the stored race has them.
  void fail(const std::string& reason);

  [[nodiscard]] bool finished() const { return phase_ == Phase::done; }
  [[nodiscard]] const Allocation* allocation() const { return allocation_ ? &*allocation_ : nullptr; }
  [[nodiscard]] std::uint32_t current_step() const { return current_step_; }

 private:
  enum class Phase { idle, preparing, prepared, running, done };

  // Every host may open a socket per client it runs; else the race fails now, naming it.
  bool check_open_files();
  // completed-by: ends the step once `task` is done on every racing Worker that runs it.
  void complete_step_if_done(std::uint32_t task);
  // Moves on once every Worker still racing reached `join_point`.
  void advance(std::int64_t join_point, Nanos now);
  // `partial`: the step ends unfinished (the race failed); its results are what arrived.
  void finish_step(std::uint32_t step, bool partial = false);
  // "while running task 'x' (step 2 of 3)", or what else the race was doing.
  [[nodiscard]] std::string activity() const;
  [[nodiscard]] bool racing(std::uint32_t worker_id) const { return !worker_gone_.at(worker_id); }
  [[nodiscard]] Nanos stall_timeout() const;

  DriverTarget& target_;
  const RaceConfig& config_;
  const track::Challenge& challenge_;
  std::vector<HostCapacity> hosts_;
  std::vector<std::string> worker_host_;  // per Worker
  std::vector<Nanos> worker_clock_offset_;
  std::vector<bool> worker_gone_;  // on a lost host (continue_on_host_loss)
  std::set<std::string> lost_hosts_;
  std::int64_t awaited_join_point_ = 0;
  Nanos start_lead_ = 0;
  std::size_t hosts_prepared_ = 0;
  Phase phase_ = Phase::idle;
  std::optional<Allocation> allocation_;
  static constexpr std::int64_t no_join_point = -1;
  std::vector<std::int64_t> worker_join_point_;  // the join point each worker last reached
  std::vector<Nanos> worker_last_seen_;
  std::uint32_t current_step_ = 0;
  std::uint64_t late_requests_ = 0;  // samples that came after their step's results: never silently dropped
  std::map<std::uint32_t, std::set<std::uint32_t>> task_done_on_;  // task -> Workers, current step
  bool step_completing_ = false;
  Nanos step_start_ = 0;
  const track::Track& track_;
  std::optional<ProgressBoard> board_;  // the running step's
  metrics::TaskMetrics metrics_;
};

}  // namespace rally::driver
