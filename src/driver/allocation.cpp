#include "rally/driver/allocation.hpp"

#include <algorithm>

namespace rally::driver {

Allocation::Allocation(const track::Challenge& challenge, std::size_t max_workers) {
  for (std::uint32_t s = 0; s < challenge.schedule.size(); ++s) {
    std::vector<ClientTask> step_tasks;
    std::uint32_t next_client = 0;
    const auto& tasks = challenge.schedule[s].tasks;
    for (std::uint32_t t = 0; t < tasks.size(); ++t) {
      for (std::uint32_t c = 0; c < tasks[t].clients; ++c) {
        step_tasks.push_back(ClientTask{s, t, c, tasks[t].clients, next_client++});
      }
    }
    clients_ = std::max<std::size_t>(clients_, next_client);
    per_step_.push_back(std::move(step_tasks));
  }
  workers_ = std::max<std::size_t>(1, std::min(std::max<std::size_t>(max_workers, 1), clients_));
}

std::vector<ClientTask> Allocation::tasks_for(std::size_t worker, std::size_t step) const {
  std::vector<ClientTask> out;
  for (const auto& ct : per_step_.at(step)) {
    if (worker_of(ct.global_client) == worker) out.push_back(ct);
  }
  return out;
}

std::vector<ClientTask> Allocation::tasks_for(std::size_t worker) const {
  std::vector<ClientTask> out;
  for (std::size_t s = 0; s < per_step_.size(); ++s) {
    auto part = tasks_for(worker, s);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace rally::driver
