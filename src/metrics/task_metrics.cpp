#include "rally/metrics/task_metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <vector>

namespace rally::metrics {

bool TaskMetrics::merge(std::string_view blob) {
  std::vector<TaskInterval> intervals;
  if (!decode_intervals(blob, intervals)) return false;
  for (const auto& interval : intervals) merge(interval);
  return true;
}

void TaskMetrics::merge(const TaskInterval& interval) {
  auto key = std::make_pair(interval.step, interval.task);
  auto it = tasks_.find(key);
  if (it == tasks_.end()) {
    tasks_.emplace(key, interval);
  } else {
    it->second.merge(interval);
  }
}

std::uint64_t TaskMetrics::requests(std::uint32_t step, std::uint32_t task) const {
  auto it = tasks_.find({step, task});
  return it == tasks_.end() ? 0 : it->second.normal_requests;
}

namespace {

struct Checkpoint {
  std::int64_t boundary;  // whole seconds since the step began
  double value;           // cumulative throughput there
};

// Rally's checkpoints: whole seconds of the step's clock, at least one second after the
// normal phase began (Rally samples once per second), before the last request's end.
std::vector<Checkpoint> checkpoints(const TaskInterval& t, Nanos step_start) {
  std::vector<Checkpoint> out;
  if (t.normal_requests == 0 || t.last_normal_end <= t.first_normal_start) return out;
  const Nanos start = t.first_normal_start;
  std::int64_t boundary = (start + ns_per_s - step_start) / ns_per_s;
  if (step_start + boundary * ns_per_s - start < ns_per_s) ++boundary;
  std::uint64_t cumulative = 0;
  auto bucket = t.buckets.begin();
  for (;; ++boundary) {
    Nanos at = step_start + boundary * ns_per_s;
    if (at >= t.last_normal_end) break;
    while (bucket != t.buckets.end() && bucket->second < boundary) cumulative += (bucket++)->weight;
    out.push_back({boundary, static_cast<double>(cumulative) / (static_cast<double>(at - start) / ns_per_s)});
  }
  return out;
}

}  // namespace

std::vector<double> throughput_series(const TaskInterval& t, Nanos step_start) {
  std::vector<double> series;
  if (t.normal_requests == 0 || t.last_normal_end <= t.first_normal_start) return series;
  for (const auto& c : checkpoints(t, step_start)) series.push_back(c.value);
  series.push_back(static_cast<double>(t.normal_weight) /
                   (static_cast<double>(t.last_normal_end - t.first_normal_start) / ns_per_s));
  return series;
}

std::vector<SecondStats> per_second_series(const TaskInterval& t, Nanos step_start) {
  std::vector<SecondStats> out;
  if (t.buckets.empty()) return out;
  auto points = checkpoints(t, step_start);
  auto point = points.begin();
  auto bucket = t.buckets.begin();
  for (auto second = t.buckets.front().second; second <= t.buckets.back().second; ++second) {
    SecondStats s;
    s.second = second;
    if (bucket != t.buckets.end() && bucket->second == second) {
      s.ops = bucket->ops;
      s.weight = bucket->weight;
      s.bytes = bucket->bytes;
      for (std::size_t i = 1; i < bucket->errors.size(); ++i) {
        if (bucket->errors[i] > 0) s.errors[std::string(to_string(static_cast<ErrorClass>(i)))] = bucket->errors[i];
      }
      ++bucket;
    }
    // The checkpoint at the end of this second.
    while (point != points.end() && point->boundary < second + 1) ++point;
    if (point != points.end() && point->boundary == second + 1) s.cumulative_throughput = point->value;
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

std::vector<Percentile> percentiles(const HdrHistogram& h) {
  std::vector<Percentile> out;
  if (h.total_count() == 0) return out;
  for (double p : percentiles_for_sample_size(h.total_count())) {
    out.push_back(Percentile{p, static_cast<double>(h.value_at_percentile(p)) / 1e6});
  }
  return out;
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  auto n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

TaskResult TaskMetrics::result(std::uint32_t step, std::uint32_t task, const TaskIdentity& identity, Nanos step_start,
                               const VerdictPolicy& policy) const {
  TaskResult r;
  r.task = identity.task;
  r.operation = identity.operation;
  r.operation_type = identity.operation_type;
  r.include_in_reporting = identity.include_in_reporting;
  r.throughput_unit = identity.throughput_unit;
  r.target_throughput = identity.target_throughput;
  auto it = tasks_.find({step, task});
  if (it == tasks_.end()) return r;
  const TaskInterval& t = it->second;
  r.requests = t.normal_requests;
  r.warmup_requests = t.warmup_requests;
  r.failed_requests = t.failed_requests;
  r.total_weight = t.normal_weight;
  r.failed_weight = t.failed_weight;
  r.error_rate =
      t.normal_requests ? 100.0 * static_cast<double>(t.failed_requests) / static_cast<double>(t.normal_requests) : 0.0;
  if (t.last_normal_end > t.first_normal_start)
    r.duration_s = static_cast<double>(t.last_normal_end - t.first_normal_start) / ns_per_s;
  auto series = throughput_series(t, step_start);
  if (!series.empty()) {
    ThroughputStats s;
    s.min = *std::min_element(series.begin(), series.end());
    s.max = *std::max_element(series.begin(), series.end());
    s.mean = std::accumulate(series.begin(), series.end(), 0.0) / static_cast<double>(series.size());
    s.median = median_of(series);
    r.throughput = s;
  }
  r.latency = percentiles(t.latency);
  r.service_time = percentiles(t.service_time);
  r.processing_time = percentiles(t.processing_time);
  for (std::size_t i = 1; i < t.errors_by_class.size(); ++i) {
    if (t.errors_by_class[i] > 0)
      r.errors_by_class[std::string(to_string(static_cast<ErrorClass>(i)))] = t.errors_by_class[i];
  }
  r.errors_by_kind.insert(t.errors_by_kind.begin(), t.errors_by_kind.end());
  if (r.duration_s > 0) r.achieved_ops_per_s = static_cast<double>(t.normal_requests) / r.duration_s;
  if (r.target_throughput) r.schedule_lag = percentiles(t.schedule_lag);
  if (t.load.wall_ns > 0) {
    DriverLoad load;
    load.cpu_mean_percent = 100.0 * static_cast<double>(t.load.cpu_ns) / static_cast<double>(t.load.wall_ns);
    load.cpu_max_percent = static_cast<double>(t.load.max_busy_ppm) / 1e4;
    load.loop_lag = percentiles(t.load.loop_lag);
    r.driver_load = load;
  }
  r.per_second = per_second_series(t, step_start);
  r.histograms = {{"latency", t.latency.serialize()},
                  {"service_time", t.service_time.serialize()},
                  {"processing_time", t.processing_time.serialize()}};
  if (r.target_throughput) r.histograms["schedule_lag"] = t.schedule_lag.serialize();
  r.verdicts = verdicts_for(r, policy);
  return r;
}

namespace {

double percentile_value(const std::vector<Percentile>& ps, double p) {
  for (const auto& q : ps) {
    if (q.percentile == p) return q.value_ms;
  }
  return ps.empty() ? 0 : ps.back().value_ms;  // too few samples for p: the highest there is
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace

std::vector<Verdict> verdicts_for(const TaskResult& r, const VerdictPolicy& policy) {
  std::vector<Verdict> out;
  if (r.target_throughput && *r.target_throughput > 0 && r.requests > 0 &&
      r.achieved_ops_per_s < *r.target_throughput * (1 - policy.target_shortfall)) {
    double shortfall = 100 * (1 - r.achieved_ops_per_s / *r.target_throughput);
    double lag_p50 = percentile_value(r.schedule_lag, 50), lag_p99 = percentile_value(r.schedule_lag, 99);
    if (auto lag = r.histogram("schedule_lag"); lag && !lag->empty()) {
      lag_p50 = static_cast<double>(lag->value_at_percentile(50)) / 1e6;
      lag_p99 = static_cast<double>(lag->value_at_percentile(99)) / 1e6;
    }
    out.push_back({"target-throughput-missed",
                   "target throughput missed: achieved " + fixed(r.achieved_ops_per_s, 2) + " ops/s of the target " +
                       fixed(*r.target_throughput, 2) + " ops/s (" + fixed(shortfall, 1) +
                       "% short); requests started late against the schedule by " + fixed(lag_p50, 2) +
                       " ms (p50) and " + fixed(lag_p99, 2) + " ms (p99)"});
  }
  if (r.driver_load) {
    const auto& load = *r.driver_load;
    // The lag verdict needs p99 itself (100 samples: a second of probing), not a maximum.
    bool has_p99 =
        std::any_of(load.loop_lag.begin(), load.loop_lag.end(), [](const Percentile& p) { return p.percentile == 99; });
    double lag_p99 = has_p99 ? percentile_value(load.loop_lag, 99) : 0;
    if (load.cpu_mean_percent >= policy.saturated_cpu_percent) {
      out.push_back({"driver-saturated",
                     "the load driver was saturated: its Workers' io threads were busy " +
                         fixed(load.cpu_mean_percent, 0) + "% of the time (busiest interval " +
                         fixed(load.cpu_max_percent, 0) + "%), event-loop lag p99 " + fixed(lag_p99, 2) +
                         " ms; latencies include time spent waiting in the driver, and more Workers or load driver "
                         "hosts would add load"});
    } else if (lag_p99 >= policy.saturated_loop_lag_ms) {
      out.push_back({"driver-saturated",
                     "the load driver's event loop ran late: lag p99 " + fixed(lag_p99, 2) +
                         " ms while its io threads were busy only " + fixed(load.cpu_mean_percent, 0) +
                         "% of the time, so other processes took the host's CPUs; latencies include that delay"});
    }
  }
  return out;
}

}  // namespace rally::metrics
