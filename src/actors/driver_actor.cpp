#include "driver_actor.hpp"

#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/message.hpp>
#include <caf/send.hpp>
#include <nlohmann/json.hpp>

#include "rally/actors/trace.hpp"
#include "rally/client/cluster_probe.hpp"
#include "rally/common/cpu.hpp"
#include "rally/common/errors.hpp"
#include "rally/track/track_loader.hpp"

#include <unistd.h>

namespace rally::actors {

DriverActor::DriverActor(caf::actor_config& cfg) : ActorBase(cfg), progress_(std::cerr, ::isatty(STDERR_FILENO) == 1) {}

void DriverActor::on_exit() {
  // However the DriverActor ends, its Workers and preparers end too: they keep themselves
  // alive (wakeup loops, io threads) and the process would wait for them forever.
  for (auto& worker : workers_) {
    if (worker) caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
  }
  for (auto& [host, tpa] : track_preparers_) caf::anon_send_exit(tpa, caf::exit_reason::user_shutdown);
  benchmark_actor_ = caf::actor{};
  workers_.clear();
  pending_starts_.clear();
  track_preparers_.clear();
  load_drivers_.reset();
}

caf::behavior DriverActor::make_behavior() {
  set_down_handler([this](caf::down_msg& msg) { on_down(msg); });
  set_exit_handler([this](caf::exit_msg& msg) {
    stop_children();
    quit(msg.reason);
  });
  return {
      [this](const PrepareBenchmark& msg) {
        if (benchmark_actor_) return;  // one race per DriverActor
        benchmark_actor_ = caf::actor_cast<caf::actor>(current_sender());
        on_prepare_benchmark(msg);
      },
      [this](const ReadyForWork&) {
        // A TrackPreparationActor is bootstrapped: hand it the track.
        auto sender = caf::actor_cast<caf::actor>(current_sender());
        trace("DriverActor", "TrackPreparationActor", "PrepareTrack");
        send(sender, PrepareTrack{config_, track_->files});
      },
      [this](const TrackPrepared& msg) {
        preparation_notes_.insert(preparation_notes_.end(), msg.notes.begin(), msg.notes.end());
        auto it = track_preparers_.find(msg.host);
        if (it != track_preparers_.end()) {
          demonitor(it->second);
          trace("DriverActor", "TrackPreparationActor", "ActorExitRequest");
          send_exit(it->second, caf::exit_reason::user_shutdown);
          track_preparers_.erase(it);
        }
        driver_->track_prepared(msg.host);
      },
      [this](StartBenchmark) {
        if (done_ || !driver_) return;
        driver_->start_benchmark(monotonic_ns());
        schedule_wakeup();
      },
      // After a failure, what is still on its way from Workers is dropped.
      [this](const TaskFinishedOnWorker& msg) {
        if (!done_) driver_->task_finished_on_worker(msg.worker_id, msg.step, msg.task);
      },
      [this](const UpdateSamples& msg) {
        if (!done_) driver_->update_samples(msg.worker_id, msg.samples, monotonic_ns());
      },
      [this](const JoinPointReached& msg) {
        if (!done_) driver_->joinpoint_reached(msg.worker_id, msg.join_point, monotonic_ns());
      },
      [this](WakeupMessage) {
        if (done_) return;
        driver_->post_process_samples(monotonic_ns());
        schedule_wakeup();
      },
      // A Worker's failure goes through the Driver: the running step's results so far are kept.
      [this](const BenchmarkFailure& msg) {
        if (driver_ && !driver_->finished())
          driver_->fail(msg.reason);
        else
          on_benchmark_failure(msg.reason);
      },
  };
}

void DriverActor::on_down(const caf::down_msg& msg) {
  if (done_) return;
  bool link_lost = msg.reason == caf::exit_reason::remote_link_unreachable;
  static const std::string daemon_stopped = "its rally-daemon stopped (SIGTERM or SIGINT)";
  std::string reason = link_lost
                           ? "the connection to it broke (remote_link_unreachable: its daemon, host or network is down)"
                           : to_string(msg.reason);
  // A daemon that goes takes its host's Workers with it: name the host. A stopped daemon
  // (SIGTERM, SIGINT) stops its DaemonActor with user_shutdown, usually before its Workers.
  if (const auto* host = load_drivers_ ? load_drivers_->host_of(msg.source) : nullptr) {
    if (msg.reason == caf::exit_reason::user_shutdown) reason = daemon_stopped;
    if (driver_)
      driver_->host_lost(host->name, reason, monotonic_ns());
    else
      on_benchmark_failure("load driver " + host->name + " was lost while connecting: " + reason);
    return;
  }
  for (std::uint32_t w = 0; w < workers_.size(); ++w) {
    if (workers_[w] && workers_[w].address() == msg.source) {
      // A remote Worker stopped from outside went with its daemon (stopping, or gone).
      bool remote = workers_[w].node() != node();
      if (link_lost)
        driver_->host_lost(driver_->host_of_worker(w), reason, monotonic_ns());
      else if (remote && msg.reason == caf::exit_reason::user_shutdown)
        driver_->host_lost(driver_->host_of_worker(w), daemon_stopped, monotonic_ns());
      else
        driver_->worker_lost(w, reason);
      return;
    }
  }
  for (const auto& [host, tpa] : track_preparers_) {
    if (tpa.address() == msg.source) {
      if (link_lost)
        driver_->host_lost(host, reason, monotonic_ns());
      else
        on_benchmark_failure("track preparation on " + host + " stopped: " + reason);
      return;
    }
  }
}

void DriverActor::schedule_wakeup() {
  if (!done_) delayed_send(this, std::chrono::milliseconds(config_.sample_interval_ms), WakeupMessage{});
}

namespace {
// Every simulated client holds a socket: a step with more clients than the process may open
// files fails at once with what to do, not halfway with "Too many open files".
void check_open_file_limit(const track::Challenge& challenge) {
  std::size_t most = 0;
  for (const auto& step : challenge.schedule) {
    std::size_t clients = 0;
    for (const auto& task : step.tasks) clients += task.clients;
    most = std::max(most, clients);
  }
  if (auto shortfall = driver::open_file_shortfall(most, raise_open_file_limit(), ""); !shortfall.empty())
    throw RallyError(shortfall);
}
}  // namespace

void DriverActor::on_prepare_benchmark(const PrepareBenchmark& msg) {
  config_ = msg.config;
  try {
    track_ = track::load_track(msg.track, track::LoadOptions::for_race(config_));
    // Workers here hold the sockets; a daemon's limit is checked when Workers are placed.
    if (config_.load_drivers.hosts.empty()) check_open_file_limit(track_->find_challenge(config_.challenge));
    auto local_workers = config_.worker_count > 0 ? config_.worker_count : available_cpus();
    load_drivers_ =
        std::make_unique<LoadDriverPool>(this, config_.load_drivers, static_cast<std::uint32_t>(local_workers));
  } catch (const std::exception& e) {
    on_benchmark_failure(e.what());
    return;
  }
  // Every daemon is reached, checked and logged in to before any request goes to the cluster.
  load_drivers_->connect([this] { on_load_drivers_ready(); },
                         [this](const std::string& reason) { on_benchmark_failure(reason); });
}

void DriverActor::on_load_drivers_ready() {
  if (done_) return;
  try {
    if (load_drivers_->distributed()) {
      for (const auto& h : load_drivers_->hosts()) {
        std::cerr << "[INFO] Load driver " << h.name << " (" << h.hostname << "): " << h.workers
                  << " Workers, clock offset " << static_cast<double>(h.clock_offset) / 1e6 << " ms (± "
                  << static_cast<double>(h.round_trip) / 2e6 << " ms)\n";
      }
    }
    // Rally checks the cluster before anything else: an unreachable target fails here.
    client::ClientSetup setup(config_);
    for (const auto& host : config_.target_hosts) {
      auto info = client::probe_cluster(setup, host);
      cluster_distribution_ = info.distribution;
      cluster_version_ = info.version;
    }
    // Workers send the media types this cluster expects.
    config_.cluster_distribution = cluster_distribution_;
    config_.cluster_version = cluster_version_;
    std::cerr << "[INFO] Racing on " << cluster_distribution_ << " " << cluster_version_ << " at "
              << config_.target_hosts.front().to_string() << "\n";
    // Rally's cluster rows count what happened during the race: stats now and at the end.
    if (!setup.static_responses()) {
      try {
        cluster_start_ = client::snapshot_cluster(setup, config_.target_hosts.front());
      } catch (const RallyError& e) {
        std::cerr << "[WARNING] No cluster rows in the report: " << e.what() << "\n";
      }
    }
    std::vector<driver::HostCapacity> hosts;
    for (const auto& h : load_drivers_->hosts())
      hosts.push_back({h.name, h.workers, h.clock_offset, h.round_trip, h.open_files});
    driver::DriverTarget& target = *this;
    driver_ = std::make_unique<driver::Driver>(target, config_, *track_, std::move(hosts));
    driver_->prepare_benchmark();
  } catch (const std::exception& e) {
    on_benchmark_failure(e.what());
  }
}

void DriverActor::prepare_track(const std::string& host) {
  load_drivers_->spawn(
      host, "TrackPreparationActor",
      [this, host](caf::actor tpa) {
        if (done_) {
          send_exit(tpa, caf::exit_reason::user_shutdown);
          return;
        }
        monitor(tpa);
        track_preparers_[host] = tpa;
        trace("DriverActor", "TrackPreparationActor", "Bootstrap");
        send(tpa, Bootstrap{0, host});
      },
      [this, host](const std::string& reason) {
        on_benchmark_failure("cannot start track preparation on " + host + ": " + reason);
      });
}

void DriverActor::on_preparation_complete() {
  trace("DriverActor", "BenchmarkActor", "PreparationComplete");
  send(benchmark_actor_,
       PreparationComplete{cluster_distribution_, cluster_version_, preparation_notes_, load_drivers_->describe()});
}

void DriverActor::create_worker(std::uint32_t worker_id, const std::string& host) {
  load_drivers_->spawn(
      host, "Worker",
      [this, worker_id, host](caf::actor worker) {
        if (done_) {
          send_exit(worker, caf::exit_reason::user_shutdown);
          return;
        }
        monitor(worker);
        if (workers_.size() <= worker_id) workers_.resize(worker_id + 1);
        workers_[worker_id] = worker;
        trace("DriverActor", "Worker", "Bootstrap");
        send(worker, Bootstrap{worker_id, host});
        if (auto it = pending_starts_.find(worker_id); it != pending_starts_.end()) {
          trace("DriverActor", "Worker", "StartWorker");
          send(worker, std::move(it->second));
          pending_starts_.erase(it);
        }
      },
      [this, worker_id, host](const std::string& reason) {
        if (driver_ && driver_->host_is_lost(host)) return;  // the race goes on without it
        on_benchmark_failure("cannot start Worker " + std::to_string(worker_id) + " on " + host + ": " + reason);
      });
}

void DriverActor::start_worker(std::uint32_t worker_id, const std::vector<driver::ClientTask>& tasks) {
  StartWorker start{worker_id, config_, track_->files, tasks};
  if (worker_id >= workers_.size() || !workers_[worker_id]) {
    pending_starts_[worker_id] = std::move(start);  // sent once the Worker is spawned on its host
    return;
  }
  trace("DriverActor", "Worker", "StartWorker");
  send(workers_[worker_id], std::move(start));
}

void DriverActor::drive_at(std::uint32_t worker_id, std::uint32_t step, Nanos start) {
  trace("DriverActor", "Worker", "Drive");
  send(workers_.at(worker_id), Drive{step, start});
}

void DriverActor::complete_current_task(std::uint32_t worker_id, std::uint32_t step) {
  trace("DriverActor", "Worker", "CompleteCurrentTask");
  send(workers_.at(worker_id), CompleteCurrentTask{step});
}

void DriverActor::on_task_finished(const std::vector<metrics::TaskResult>& results) {
  trace("DriverActor", "BenchmarkActor", "TaskFinished");
  send(benchmark_actor_, TaskFinished{nlohmann::json(results).dump()});
}

void DriverActor::on_benchmark_complete() {
  done_ = true;
  stop_children();
  std::vector<metrics::ClusterMetric> cluster;
  if (cluster_start_) {
    try {
      client::ClientSetup setup(config_);
      cluster =
          metrics::cluster_metrics(*cluster_start_, client::snapshot_cluster(setup, config_.target_hosts.front()));
    } catch (const RallyError& e) {
      std::cerr << "[WARNING] No cluster rows in the report: " << e.what() << "\n";
    }
  }
  trace("DriverActor", "BenchmarkActor", "BenchmarkComplete");
  send(benchmark_actor_, BenchmarkComplete{nlohmann::json(cluster).dump()});
}

void DriverActor::on_benchmark_failure(const std::string& reason) {
  if (done_) return;
  done_ = true;
  stop_children();
  trace("DriverActor", "BenchmarkActor", "BenchmarkFailure");
  send(benchmark_actor_, BenchmarkFailure{reason});
}

void DriverActor::on_degraded(const std::string& note) {
  std::cerr << "[WARNING] " << note << "\n";
  send(benchmark_actor_, BenchmarkDegraded{note});
}

void DriverActor::show_progress(const std::vector<std::string>& lines, bool final) {
  progress_.show(lines, final, monotonic_ns());
}

void DriverActor::stop_children() {
  for (std::uint32_t w = 0; w < workers_.size(); ++w) {
    auto& worker = workers_[w];
    // A lost host's Workers are gone with it: nothing to stop, nothing to tell its proxies.
    if (!worker || (driver_ && driver_->host_is_lost(driver_->host_of_worker(w)))) continue;
    demonitor(worker);
    trace("DriverActor", "Worker", "ActorExitRequest");
    send_exit(worker, caf::exit_reason::user_shutdown);
  }
  workers_.clear();
  pending_starts_.clear();
  for (auto& [host, tpa] : track_preparers_) {
    demonitor(tpa);
    send_exit(tpa, caf::exit_reason::user_shutdown);
  }
  track_preparers_.clear();
}

}  // namespace rally::actors
