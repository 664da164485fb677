#include "rally/driver/driver.hpp"

#include <algorithm>
#include <cstdio>

namespace rally::driver {

namespace {
// Rally's units: a bulk's weight is documents, a scrolling search's is pages.
std::string throughput_unit(const track::Operation& op) {
  if (op.type == track::OperationType::bulk) return "docs/s";
  const auto* search = std::get_if<track::SearchParams>(&op.params);
  if (search && search->pages > 0) return "pages/s";
  return "ops/s";
}
}  // namespace

std::string open_file_shortfall(std::size_t clients, std::uint64_t open_files, const std::string& host) {
  constexpr std::size_t reserve = 256;  // files, logs, the actor system's own sockets
  if (open_files == 0 || clients + reserve <= open_files) return "";
  bool here = host.empty();
  return "the challenge runs " + std::to_string(clients) + " clients at once" + (here ? "" : " on " + host) + ", but " +
         (here ? "this process" : "its rally-daemon") + " may open only " + std::to_string(open_files) +
         " files (one socket per client, plus " + std::to_string(reserve) + "): raise the limit with ulimit -n" +
         (here ? "" : " where the daemon starts");
}

std::vector<std::string> place_workers(const std::vector<HostCapacity>& hosts, std::size_t workers) {
  // Smooth weighted round robin: each turn every host gains its weight in credit, the one
  // with the most credit takes the Worker and pays the total.
  std::vector<std::string> placed;
  std::vector<std::int64_t> credit(hosts.size(), 0);
  std::vector<std::size_t> taken(hosts.size(), 0);
  std::int64_t total = 0;
  for (const auto& h : hosts) total += static_cast<std::int64_t>(h.workers);
  while (placed.size() < workers) {
    std::size_t best = hosts.size();
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      if (taken[h] >= hosts[h].workers) continue;
      credit[h] += static_cast<std::int64_t>(hosts[h].workers);
      if (best == hosts.size() || credit[h] > credit[best]) best = h;
    }
    if (best == hosts.size()) break;  // every host is full
    credit[best] -= total;
    ++taken[best];
    placed.push_back(hosts[best].name);
  }
  return placed;
}

Driver::Driver(DriverTarget& target, const RaceConfig& config, const track::Track& track,
               std::vector<HostCapacity> hosts)
    : target_(target),
      config_(config),
      challenge_(track.find_challenge(config.challenge)),
      hosts_(std::move(hosts)),
      track_(track) {
  for (auto& h : hosts_) {
    h.workers = std::max<std::size_t>(h.workers, 1);
    start_lead_ = std::max(start_lead_, h.round_trip);
  }
}

void Driver::prepare_benchmark() {
  phase_ = Phase::preparing;
  for (const auto& host : hosts_) target_.prepare_track(host.name);
}

bool Driver::check_open_files() {
  for (const auto& host : hosts_) {
    if (host.open_files == 0) continue;
    std::size_t most = 0;
    for (std::size_t step = 0; step < allocation_->steps(); ++step) {
      std::size_t clients = 0;
      for (std::uint32_t w = 0; w < worker_host_.size(); ++w) {
        if (worker_host_[w] == host.name) clients += allocation_->tasks_for(w, step).size();
      }
      most = std::max(most, clients);
    }
    if (auto shortfall = open_file_shortfall(most, host.open_files, host.name); !shortfall.empty()) {
      fail(shortfall);
      return false;
    }
  }
  return true;
}

const std::string& Driver::host_of_worker(std::uint32_t worker_id) const {
  static const std::string unknown = "an unknown host";
  return worker_id < worker_host_.size() ? worker_host_[worker_id] : unknown;
}

std::string Driver::activity() const {
  switch (phase_) {
    case Phase::idle:
    case Phase::preparing:
      return "while preparing the track";
    case Phase::prepared:
      return "before the benchmark started";
    case Phase::done:
      return "after the benchmark";
    case Phase::running:
      break;
  }
  if (awaited_join_point_ == 0) return "while starting its Workers";
  const auto& step = challenge_.schedule.at(current_step_);
  std::string names;
  for (const auto& t : step.tasks) names += (names.empty() ? "'" : ", '") + t.name + "'";
  return std::string("while running task") + (step.tasks.size() > 1 ? "s " : " ") + names + " (step " +
         std::to_string(current_step_ + 1) + " of " + std::to_string(challenge_.schedule.size()) + ")";
}

void Driver::track_prepared(const std::string& /*host*/) {
  if (phase_ != Phase::preparing) return;
  if (++hosts_prepared_ == hosts_.size()) {
    phase_ = Phase::prepared;
    target_.on_preparation_complete();
  }
}

void Driver::start_benchmark(Nanos now) {
  if (phase_ != Phase::prepared) return;
  phase_ = Phase::running;
  std::size_t capacity = 0;
  for (const auto& h : hosts_) capacity += h.workers;
  allocation_.emplace(challenge_, capacity);
  auto workers = allocation_->workers();
  worker_host_ = place_workers(hosts_, workers);
  worker_clock_offset_.clear();
  for (const auto& name : worker_host_) {
    auto host = std::find_if(hosts_.begin(), hosts_.end(), [&](const HostCapacity& h) { return h.name == name; });
    worker_clock_offset_.push_back(host->clock_offset);
  }
  worker_join_point_.assign(workers, no_join_point);
  worker_last_seen_.assign(workers, now);
  worker_gone_.assign(workers, false);
  awaited_join_point_ = 0;
  if (!check_open_files()) return;
  for (std::uint32_t w = 0; w < workers; ++w) target_.create_worker(w, worker_host_[w]);
  for (std::uint32_t w = 0; w < workers; ++w) target_.start_worker(w, allocation_->tasks_for(w));
}

void Driver::joinpoint_reached(std::uint32_t worker_id, std::uint32_t join_point, Nanos now) {
  if (phase_ != Phase::running || worker_id >= worker_join_point_.size()) return;
  worker_last_seen_[worker_id] = now;
  // Join points are passed in order, each exactly once per Worker.
  if (join_point != worker_join_point_[worker_id] + 1) {
    fail("Worker " + std::to_string(worker_id) + " reported join point " + std::to_string(join_point) + " after " +
         std::to_string(worker_join_point_[worker_id]));
    return;
  }
  worker_join_point_[worker_id] = join_point;
  advance(join_point, now);
}

void Driver::advance(std::int64_t join_point, Nanos now) {
  for (std::uint32_t w = 0; w < worker_join_point_.size(); ++w) {
    if (racing(w) && worker_join_point_[w] != join_point) return;
  }
  // Join point j precedes step j; reaching it means step j-1 is complete everywhere.
  if (join_point > 0) finish_step(join_point - 1);
  if (phase_ != Phase::running) return;
  if (join_point >= static_cast<std::int64_t>(allocation_->steps())) {
    phase_ = Phase::done;
    if (late_requests_ > 0) {
      target_.show_progress({"[WARNING] " + std::to_string(late_requests_) +
                             " requests were measured after their step had ended and are not in the results"},
                            true);
    }
    target_.on_benchmark_complete();
    return;
  }
  current_step_ = static_cast<std::uint32_t>(join_point);
  awaited_join_point_ = join_point + 1;
  step_start_ = now + start_lead_;
  task_done_on_.clear();
  step_completing_ = false;
  board_.emplace(track_, challenge_.schedule.at(current_step_), current_step_, now);
  for (std::uint32_t w = 0; w < worker_join_point_.size(); ++w) {
    if (racing(w)) target_.drive_at(w, current_step_, step_start_ + worker_clock_offset_[w]);
  }
}

void Driver::finish_step(std::uint32_t step, bool partial) {
  std::vector<metrics::TaskResult> results;
  const auto& tasks = challenge_.schedule.at(step).tasks;
  for (std::uint32_t t = 0; t < tasks.size(); ++t) {
    const auto& task = tasks[t];
    metrics::TaskIdentity identity{task.name,
                                   task.operation.name,
                                   std::string(track::to_string(task.operation.type)),
                                   task.operation.include_in_reporting,
                                   throughput_unit(task.operation),
                                   task.target_throughput};
    results.push_back(metrics_.result(step, t, identity, step_start_));
  }
  metrics_.forget(step);        // its results are final: the histograms need not stay
  if (partial) board_.reset();  // no "100%" line for a step that did not finish
  if (board_) {
    // The final line of a task sums it up: its whole run, not the last window.
    std::vector<std::string> lines;
    auto progress = board_->take(monotonic_ns());
    for (std::size_t t = 0; t < progress.size() && t < results.size(); ++t) {
      auto& p = progress[t];
      const auto& r = results[t];
      p.percent = 100;
      p.rate =
          p.elapsed_s > 0 ? static_cast<double>(p.unit == "docs/s" ? r.total_weight : p.requests) / p.elapsed_s : 0;
      for (const auto& q : r.latency) {  // where there are enough samples; else the last window's
        if (q.percentile == 50) p.p50_ms = q.value_ms;
        if (q.percentile == 99) p.p99_ms = q.value_ms;
      }
      lines.push_back(format_progress(p));
    }
    target_.show_progress(lines, true);
    board_.reset();
  }
  target_.on_task_finished(results);
}

void Driver::task_finished_on_worker(std::uint32_t worker_id, std::uint32_t step, std::uint32_t task) {
  if (phase_ != Phase::running || step != current_step_ || step_completing_) return;
  const auto& s = challenge_.schedule.at(step);
  if (task >= s.tasks.size() || !s.completes_step(s.tasks[task].name)) return;
  task_done_on_[task].insert(worker_id);
  complete_step_if_done(task);
}

void Driver::complete_step_if_done(std::uint32_t task) {
  // Done when every racing Worker that runs a client of the task has reported it.
  const auto done_on = task_done_on_.find(task);
  for (std::uint32_t w = 0; w < allocation_->workers(); ++w) {
    auto tasks = allocation_->tasks_for(w, current_step_);
    bool runs_it = std::any_of(tasks.begin(), tasks.end(), [&](const ClientTask& ct) { return ct.task == task; });
    if (runs_it && racing(w) && (done_on == task_done_on_.end() || !done_on->second.count(w))) return;
  }
  step_completing_ = true;
  for (std::uint32_t w = 0; w < worker_join_point_.size(); ++w) {
    if (racing(w)) target_.complete_current_task(w, current_step_);
  }
}

void Driver::update_samples(std::uint32_t worker_id, std::string_view blob, Nanos now) {
  if (worker_id < worker_last_seen_.size()) worker_last_seen_[worker_id] = now;
  std::vector<metrics::TaskInterval> intervals;
  if (!metrics::decode_intervals(blob, intervals)) {
    fail("Worker " + std::to_string(worker_id) + " sent corrupt samples");
    return;
  }
  for (auto& interval : intervals) {
    // Its clock is its host's: on the coordinator's from here on.
    if (worker_id < worker_clock_offset_.size()) {
      auto offset = worker_clock_offset_[worker_id];
      if (interval.first_normal_start != 0) interval.first_normal_start -= offset;
      if (interval.last_normal_end != 0) interval.last_normal_end -= offset;
    }
    // A Worker sends a step's last samples before it reaches the join point that ends the
    // step, so nothing arrives for a finished step unless that order were broken: say so.
    if (interval.step < current_step_ || (interval.step == current_step_ && phase_ != Phase::running)) {
      late_requests_ += interval.normal_requests + interval.warmup_requests;
      continue;
    }
    metrics_.merge(interval);
    if (board_) board_->add(interval);
  }
}

Nanos Driver::stall_timeout() const {
  if (config_.join_timeout_ms > 0) return Nanos(config_.join_timeout_ms) * ns_per_ms;
  // A Worker reports every sample interval; allow for one full request timeout on top.
  return (Nanos(config_.request_timeout_ms) + Nanos(config_.connect_timeout_ms) +
          30 * Nanos(config_.sample_interval_ms)) *
         ns_per_ms;
}

void Driver::post_process_samples(Nanos now) {
  if (phase_ != Phase::running) return;
  for (std::uint32_t w = 0; w < worker_last_seen_.size(); ++w) {
    if (racing(w) && now - worker_last_seen_[w] > stall_timeout()) {
      fail("Worker " + std::to_string(w) + " on " + host_of_worker(w) + " sent nothing for " +
           std::to_string((now - worker_last_seen_[w]) / ns_per_s) + " s " + activity());
      return;
    }
  }
  // A line per task of the step, every sample interval; the DriverActor shows them live
  // on a terminal and every few seconds elsewhere.
  if (board_) {
    std::vector<std::string> lines;
    for (const auto& p : board_->take(now)) lines.push_back(format_progress(p));
    target_.show_progress(lines, false);
  }
}

void Driver::worker_lost(std::uint32_t worker_id, const std::string& reason) {
  if (worker_id < worker_gone_.size() && !racing(worker_id)) return;  // its host was lost already
  fail("Worker " + std::to_string(worker_id) + " on " + host_of_worker(worker_id) + " was lost " + activity() + ": " +
       reason);
}

void Driver::host_lost(const std::string& host, const std::string& reason, Nanos now) {
  if (phase_ == Phase::done || !lost_hosts_.insert(host).second) return;
  auto what = "load driver " + host + " was lost " + activity() + ": " + reason;
  std::size_t remaining = 0;
  for (std::uint32_t w = 0; w < worker_host_.size(); ++w) {
    if (racing(w) && worker_host_[w] != host) ++remaining;
  }
  if (!config_.load_drivers.continue_on_host_loss || phase_ != Phase::running || remaining == 0) {
    fail(what);
    return;
  }
  for (std::uint32_t w = 0; w < worker_host_.size(); ++w) {
    if (worker_host_[w] == host) worker_gone_[w] = true;
  }
  target_.on_degraded(what + "; the race went on with " + std::to_string(remaining) + " of " +
                      std::to_string(worker_host_.size()) + " Workers");
  // A completed-by task may now be done everywhere it still runs, or run nowhere.
  if (awaited_join_point_ > 0 && !step_completing_) {
    const auto& step = challenge_.schedule.at(current_step_);
    for (std::uint32_t t = 0; t < step.tasks.size() && !step_completing_; ++t) {
      if (step.completes_step(step.tasks[t].name)) complete_step_if_done(t);
    }
  }
  // The lost Workers' clients are gone: what they were due to do is not done.
  advance(awaited_join_point_, now);
}

void Driver::fail(const std::string& reason) {
  if (phase_ == Phase::done) return;
  bool step_running = phase_ == Phase::running && board_.has_value();  // driven, not yet finished
  phase_ = Phase::done;
  if (step_running) finish_step(current_step_, true);
  target_.on_benchmark_failure(reason);
}

}  // namespace rally::driver
