#pragma once

#include <string>
#include <vector>

#include "rally/driver/driver.hpp"
#include "rally/track/track.hpp"

namespace rally::driver::testing {

// A DriverTarget that records the Driver's requests as readable lines.
class RecordingTarget : public DriverTarget {
 public:
  std::vector<std::string> calls;
  std::vector<std::vector<ClientTask>> started;  // per worker id
  std::vector<metrics::TaskResult> finished;
  std::string failure;

  void prepare_track(const std::string& host) override { calls.push_back("prepare_track " + host); }
  void on_preparation_complete() override { calls.push_back("preparation_complete"); }
  void create_worker(std::uint32_t id, const std::string& host) override {
    calls.push_back("create_worker " + std::to_string(id) + " " + host);
  }
  void start_worker(std::uint32_t id, const std::vector<ClientTask>& tasks) override {
    calls.push_back("start_worker " + std::to_string(id));
    if (started.size() <= id) started.resize(id + 1);
    started[id] = tasks;
  }
  void drive_at(std::uint32_t id, std::uint32_t step, Nanos start) override {
    calls.push_back("drive " + std::to_string(id) + " step " + std::to_string(step) + " at " + std::to_string(start));
  }
  void on_task_finished(const std::vector<metrics::TaskResult>& results) override {
    for (const auto& r : results) calls.push_back("task_finished " + r.task);
    finished.insert(finished.end(), results.begin(), results.end());
  }
  void on_benchmark_complete() override { calls.push_back("benchmark_complete"); }
  void on_degraded(const std::string& note) override { calls.push_back("degraded " + note); }
  void on_benchmark_failure(const std::string& reason) override {
    calls.push_back("failure");
    failure = reason;
  }
  void show_progress(const std::vector<std::string>&, bool) override {}
  void complete_current_task(std::uint32_t id, std::uint32_t step) override {
    calls.push_back("complete " + std::to_string(id) + " step " + std::to_string(step));
  }
};

inline track::Task task(const std::string& name, std::uint32_t clients,
                        track::OperationType type = track::OperationType::search) {
  track::Task t;
  t.name = name;
  t.operation.name = name;
  t.operation.type = type;
  t.clients = clients;
  t.iterations = 1;
  return t;
}

// A track whose default challenge runs the given steps.
inline track::Track track_with(std::vector<track::Step> steps) {
  track::Track t;
  t.name = "test";
  track::Challenge c;
  c.name = "default";
  c.is_default = true;
  c.schedule = std::move(steps);
  t.challenges.push_back(std::move(c));
  return t;
}

}  // namespace rally::driver::testing
