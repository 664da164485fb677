#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "rally/actors/messages.hpp"
#include "rally/driver/driver.hpp"
#include "rally/metrics/cluster_metrics.hpp"
#include "rally/track/track.hpp"

#include "actor_base.hpp"
#include "load_driver_pool.hpp"

namespace rally::actors {

// Seed: DriverActor. A thin shell over driver::Driver: turns messages into calls on it
// and its requests (the DriverTarget interface) back into messages.
class DriverActor : public ActorBase, private driver::DriverTarget {
 public:
  explicit DriverActor(caf::actor_config& cfg);
  caf::behavior make_behavior() override;
  // Drops every actor handle: handles held after exit form cycles that keep actors alive.
  void on_exit() override;

 private:
  // DriverTarget
  void prepare_track(const std::string& host) override;
  void on_preparation_complete() override;
  void create_worker(std::uint32_t worker_id, const std::string& host) override;
  void start_worker(std::uint32_t worker_id, const std::vector<driver::ClientTask>& tasks) override;
  void drive_at(std::uint32_t worker_id, std::uint32_t step, Nanos start) override;
  void complete_current_task(std::uint32_t worker_id, std::uint32_t step) override;
  void on_task_finished(const std::vector<metrics::TaskResult>& results) override;
  void on_benchmark_complete() override;
  void on_benchmark_failure(const std::string& reason) override;
  void on_degraded(const std::string& note) override;
  void show_progress(const std::vector<std::string>& lines, bool final) override;

  void on_prepare_benchmark(const PrepareBenchmark& msg);
  // Once every load-driver host is connected: the cluster check, then the Driver.
  void on_load_drivers_ready();
  void on_down(const caf::down_msg& msg);
  void stop_children();
  void schedule_wakeup();

  caf::actor benchmark_actor_;
  RaceConfig config_;
  std::optional<track::Track> track_;
  std::unique_ptr<driver::Driver> driver_;
  std::string cluster_distribution_, cluster_version_;
  std::optional<metrics::ClusterSnapshot> cluster_start_;  // stats before any load, for the cluster rows
  std::vector<std::string> preparation_notes_;
  std::map<std::string, caf::actor> track_preparers_;  // by host
  std::vector<caf::actor> workers_;
  std::map<std::uint32_t, StartWorker> pending_starts_;  // until a remote Worker is spawned
  std::unique_ptr<LoadDriverPool> load_drivers_;
  bool done_ = false;
  driver::ProgressDisplay progress_;
};

}  // namespace rally::actors
