#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rally/track/track.hpp"

namespace rally::driver {

// A client's part in one task of one step.
struct ClientTask {
  std::uint32_t step = 0;          // the step of the schedule
  std::uint32_t task = 0;          // the task within the step
  std::uint32_t client_index = 0;  // 0 .. task_clients-1: the client's partition of the task
  std::uint32_t task_clients = 1;
  std::uint32_t global_client = 0;
};

// Rally's allocation: a step's tasks take consecutive global client ids, the number of
// simulated clients is the largest step, and client c runs on Worker c % workers.
// A join point follows every step: no client starts step s+1 before all finished step s.
class Allocation {
 public:
  Allocation(const track::Challenge& challenge, std::size_t max_workers);

  [[nodiscard]] std::size_t clients() const { return clients_; }
  [[nodiscard]] std::size_t workers() const { return workers_; }
  [[nodiscard]] std::size_t steps() const { return per_step_.size(); }
  [[nodiscard]] std::size_t worker_of(std::uint32_t global_client) const { return global_client % workers_; }
  // What the clients of `worker` do in `step`, in client order; clients with nothing to
  // do in a step wait at its join point.
  [[nodiscard]] std::vector<ClientTask> tasks_for(std::size_t worker, std::size_t step) const;
  // Every client task of every worker, for shipping a Worker its whole part at once.
  [[nodiscard]] std::vector<ClientTask> tasks_for(std::size_t worker) const;

 private:
  std::size_t clients_ = 0;
  std::size_t workers_ = 1;
  std::vector<std::vector<ClientTask>> per_step_;
};

}  // namespace rally::driver
