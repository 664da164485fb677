#include "rally/driver/client_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace rally::driver {

namespace {
Nanos seconds(double s) { return static_cast<Nanos>(s * 1e9); }
}  // namespace

ClientSchedule::ClientSchedule(const track::Task& task, bool finite_source, Nanos start, std::uint64_t seed,
                               std::uint32_t client)
    : start_(start), client_start_(start), random_(seed) {
  if (task.ramp_up_time_period && task.clients > 0) {
    client_start_ = start + static_cast<Nanos>(seconds(*task.ramp_up_time_period) * static_cast<double>(client) /
                                               static_cast<double>(task.clients));
  }
  by_time_ = task.warmup_time_period || task.time_period;
  if (by_time_) {
    warmup_time_ = seconds(task.warmup_time_period.value_or(0));
    if (task.time_period) end_time_ = start + warmup_time_ + seconds(*task.time_period);
    // Without a time period, a finite source runs until it is used up, anything else once.
    if (!task.time_period && !finite_source) total_iterations_ = 1;
  } else {
    warmup_iterations_ = task.warmup_iterations.value_or(0);
    if (task.iterations && *task.iterations > 0) {  // Rally: 0 iterations count as none given
      total_iterations_ = warmup_iterations_ + *task.iterations;
    } else if (!finite_source) {
      total_iterations_ = warmup_iterations_ + 1;
    }
  }
  if (task.target_throughput && *task.target_throughput > 0) {
    double per_client = *task.target_throughput / static_cast<double>(std::max<std::uint32_t>(task.clients, 1));
    interval_ = seconds(1.0 / per_client);
    poisson_ = task.poisson;
  }
}

double ClientSchedule::exponential() { return -std::log(random_.uniform()); }

std::optional<ClientSchedule::Request> ClientSchedule::next(Nanos now) {
  if (total_iterations_ > 0 && issued_ >= total_iterations_) return std::nullopt;
  Request r;
  if (interval_ == 0) {
    r.due = issued_ == 0 ? std::max(now, client_start_) : now;
  } else if (issued_ == 0) {
    r.due = client_start_;
  } else if (poisson_) {
    r.due = last_due_ + static_cast<Nanos>(exponential() * static_cast<double>(interval_));
  } else {
    r.due = client_start_ + static_cast<Nanos>(issued_) * interval_;
  }
  // A time-based client stops once a request would start past the end of its period.
  if (end_time_ > 0 && std::max(r.due, now) >= end_time_) return std::nullopt;
  if (by_time_) {
    r.type = std::max(r.due, now) - start_ < warmup_time_ ? metrics::SampleType::warmup : metrics::SampleType::normal;
  } else {
    r.type = issued_ < warmup_iterations_ ? metrics::SampleType::warmup : metrics::SampleType::normal;
  }
  last_due_ = r.due;
  ++issued_;
  return r;
}

}  // namespace rally::driver
