#include "rally/metrics/task_metrics.hpp"

#include <algorithm>
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

std::vector<double> throughput_series(const TaskInterval& t, Nanos step_start) {
  std::vector<double> series;
  if (t.normal_requests == 0 || t.last_normal_end <= t.first_normal_start) return series;
  const Nanos start = t.first_normal_start;
  // Checkpoints at whole seconds of the step's clock, at least one second after the
  // normal phase began (as Rally samples once per second), then one at the last end.
  std::int64_t boundary = (start + ns_per_s - step_start) / ns_per_s;
  if (step_start + boundary * ns_per_s - start < ns_per_s) ++boundary;
  std::uint64_t cumulative = 0;
  auto bucket = t.buckets.begin();
  for (;; ++boundary) {
    Nanos at = step_start + boundary * ns_per_s;
    if (at >= t.last_normal_end) break;
    while (bucket != t.buckets.end() && bucket->second < boundary) cumulative += (bucket++)->weight;
    series.push_back(static_cast<double>(cumulative) / (static_cast<double>(at - start) / ns_per_s));
  }
  series.push_back(static_cast<double>(t.normal_weight) / (static_cast<double>(t.last_normal_end - start) / ns_per_s));
  return series;
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

TaskResult TaskMetrics::result(std::uint32_t step, std::uint32_t task, const TaskIdentity& identity,
                               Nanos step_start) const {
  TaskResult r;
  r.task = identity.task;
  r.operation = identity.operation;
  r.operation_type = identity.operation_type;
  r.include_in_reporting = identity.include_in_reporting;
  r.throughput_unit = identity.throughput_unit;
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
  return r;
}

}  // namespace rally::metrics
