#include "rally/metrics/sample_collector.hpp"

#include <algorithm>
#include <ctime>

#include "rally/common/bytes.hpp"

namespace rally::metrics {

namespace {
constexpr std::uint64_t blob_version = 4;  // 2: errors by kind; 3: bytes, errors per second, lag, load; 4: malformed
constexpr std::size_t error_classes = static_cast<std::size_t>(ErrorClass::count_);
}  // namespace

std::string_view to_string(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::none:
      return "none";
    case ErrorClass::http:
      return "http";
    case ErrorClass::transport:
      return "transport";
    case ErrorClass::timeout:
      return "timeout";
    case ErrorClass::bulk_items:
      return "bulk";
    case ErrorClass::malformed:
      return "malformed";
    case ErrorClass::count_:
      break;
  }
  return "unknown";
}

void TaskInterval::record(const RequestSample& s, Nanos step_start) {
  if (s.type == SampleType::warmup) {
    ++warmup_requests;
    return;  // warmup samples are excluded from every statistic
  }
  ++normal_requests;
  normal_weight += s.weight;
  failed_weight += s.failed_weight;
  if (!s.success) {
    ++failed_requests;
    ++errors_by_class[static_cast<std::size_t>(s.error)];
    count_error_kind(s.error_kind.empty() ? to_string(s.error) : s.error_kind, 1);
  }
  if (first_normal_start == 0 || s.request_start < first_normal_start) first_normal_start = s.request_start;
  last_normal_end = std::max(last_normal_end, s.end);
  latency.record(s.latency);
  service_time.record(s.service_time);
  processing_time.record(s.processing_time);
  if (s.throttled) schedule_lag.record(s.schedule_lag);
  std::int64_t second = (s.end - step_start) / ns_per_s;
  // Completions arrive almost in order, so the bucket is found from the back.
  auto it = buckets.end();
  while (it != buckets.begin() && (it - 1)->second > second) --it;
  if (it != buckets.begin() && (it - 1)->second == second) {
    --it;
  } else {
    it = buckets.insert(it, SecondBucket{second});
  }
  ++it->ops;
  it->weight += s.weight;
  it->bytes += s.bytes;
  if (!s.success) ++it->errors[static_cast<std::size_t>(s.error)];
}

void WorkerLoad::merge(const WorkerLoad& o) {
  cpu_ns += o.cpu_ns;
  wall_ns += o.wall_ns;
  max_busy_ppm = std::max(max_busy_ppm, o.max_busy_ppm);
  (void)loop_lag.merge(o.loop_lag);
}

void WorkerLoad::reset() {
  cpu_ns = wall_ns = max_busy_ppm = 0;
  if (!loop_lag.empty()) loop_lag.reset();
}

void TaskInterval::count_error_kind(std::string_view kind, std::uint64_t n) {
  auto it = errors_by_kind.find(kind);
  if (it != errors_by_kind.end()) {
    it->second += n;
  } else if (errors_by_kind.size() < max_error_kinds) {
    errors_by_kind.emplace(std::string(kind), n);
  } else {
    errors_by_kind["other"] += n;
  }
}

void TaskInterval::merge(const TaskInterval& o) {
  warmup_requests += o.warmup_requests;
  normal_requests += o.normal_requests;
  failed_requests += o.failed_requests;
  normal_weight += o.normal_weight;
  failed_weight += o.failed_weight;
  for (std::size_t i = 0; i < error_classes; ++i) errors_by_class[i] += o.errors_by_class[i];
  for (const auto& [kind, n] : o.errors_by_kind) count_error_kind(kind, n);
  if (o.first_normal_start != 0 && (first_normal_start == 0 || o.first_normal_start < first_normal_start))
    first_normal_start = o.first_normal_start;
  last_normal_end = std::max(last_normal_end, o.last_normal_end);
  // All intervals use the latency configuration, so a merge can only fail on a count
  // overflow past 2^64, which no race reaches.
  (void)latency.merge(o.latency);
  (void)service_time.merge(o.service_time);
  (void)processing_time.merge(o.processing_time);
  (void)schedule_lag.merge(o.schedule_lag);
  load.merge(o.load);
  std::vector<SecondBucket> merged;
  merged.reserve(buckets.size() + o.buckets.size());
  auto a = buckets.cbegin();
  auto b = o.buckets.cbegin();
  while (a != buckets.cend() || b != o.buckets.cend()) {
    if (b == o.buckets.cend() || (a != buckets.cend() && a->second < b->second)) {
      merged.push_back(*a++);
    } else if (a == buckets.cend() || b->second < a->second) {
      merged.push_back(*b++);
    } else {
      SecondBucket sum = *a;
      sum.ops += b->ops;
      sum.weight += b->weight;
      sum.bytes += b->bytes;
      for (std::size_t i = 0; i < error_classes; ++i) sum.errors[i] += b->errors[i];
      merged.push_back(sum);
      ++a, ++b;
    }
  }
  buckets = std::move(merged);
}

void TaskInterval::reset() {
  warmup_requests = normal_requests = failed_requests = normal_weight = failed_weight = 0;
  errors_by_class.fill(0);
  errors_by_kind.clear();
  first_normal_start = last_normal_end = 0;
  // A histogram is 192 KiB: wiping untouched ones every interval would be wasted work.
  for (auto* h : {&latency, &service_time, &processing_time, &schedule_lag}) {
    if (!h->empty()) h->reset();
  }
  buckets.clear();
  load.reset();
}

std::string encode_intervals(const std::vector<TaskInterval>& intervals) {
  ByteWriter w;
  w.varint(blob_version);
  std::size_t n = std::count_if(intervals.begin(), intervals.end(), [](const TaskInterval& t) { return !t.empty(); });
  w.varint(n);
  for (const auto& t : intervals) {
    if (t.empty()) continue;
    w.varint(t.step);
    w.varint(t.task);
    w.varint(t.warmup_requests);
    w.varint(t.normal_requests);
    w.varint(t.failed_requests);
    w.varint(t.normal_weight);
    w.varint(t.failed_weight);
    for (auto count : t.errors_by_class) w.varint(count);
    w.varint(t.errors_by_kind.size());
    for (const auto& [kind, n] : t.errors_by_kind) {
      w.bytes(kind);
      w.varint(n);
    }
    w.svarint(t.first_normal_start);
    w.svarint(t.last_normal_end);
    w.bytes(t.latency.serialize());
    w.bytes(t.service_time.serialize());
    w.bytes(t.processing_time.serialize());
    w.bytes(t.schedule_lag.serialize());
    w.varint(t.buckets.size());
    for (const auto& b : t.buckets) {
      w.svarint(b.second);
      w.varint(b.ops);
      w.varint(b.weight);
      w.varint(b.bytes);
      for (auto count : b.errors) w.varint(count);
    }
    w.varint(t.load.cpu_ns);
    w.varint(t.load.wall_ns);
    w.varint(t.load.max_busy_ppm);
    w.bytes(t.load.loop_lag.serialize());
  }
  return w.take();
}

bool decode_intervals(std::string_view blob, std::vector<TaskInterval>& out) {
  ByteReader r(blob);
  if (r.varint() != blob_version) return false;
  auto n = r.varint();
  if (!r.ok() || n > 1'000'000) return false;
  std::vector<TaskInterval> result;
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    TaskInterval t;
    t.step = static_cast<std::uint32_t>(r.varint());
    t.task = static_cast<std::uint32_t>(r.varint());
    t.warmup_requests = r.varint();
    t.normal_requests = r.varint();
    t.failed_requests = r.varint();
    t.normal_weight = r.varint();
    t.failed_weight = r.varint();
    for (auto& count : t.errors_by_class) count = r.varint();
    auto kinds = r.varint();
    if (!r.ok() || kinds > TaskInterval::max_error_kinds + 1) return false;
    for (std::uint64_t k = 0; k < kinds && r.ok(); ++k) {
      std::string kind(r.bytes());
      t.errors_by_kind[kind] = r.varint();
    }
    t.first_normal_start = r.svarint();
    t.last_normal_end = r.svarint();
    for (auto* h : {&t.latency, &t.service_time, &t.processing_time, &t.schedule_lag}) {
      auto decoded = HdrHistogram::deserialize(r.bytes());
      // Merging needs the same configuration: a foreign one is corrupt input.
      if (!decoded || !r.ok() || !decoded->same_configuration(*h)) return false;
      *h = std::move(*decoded);
    }
    auto buckets = r.varint();
    if (!r.ok() || buckets > blob.size()) return false;
    for (std::uint64_t b = 0; b < buckets && r.ok(); ++b) {
      SecondBucket bucket;
      bucket.second = r.svarint();
      bucket.ops = r.varint();
      bucket.weight = r.varint();
      bucket.bytes = r.varint();
      for (auto& count : bucket.errors) {
        auto n = r.varint();
        if (n > UINT32_MAX) return false;
        count = static_cast<std::uint32_t>(n);
      }
      if (!t.buckets.empty() && t.buckets.back().second >= bucket.second) return false;
      t.buckets.push_back(bucket);
    }
    t.load.cpu_ns = r.varint();
    t.load.wall_ns = r.varint();
    t.load.max_busy_ppm = r.varint();
    auto lag = HdrHistogram::deserialize(r.bytes());
    if (!lag || !r.ok() || !lag->same_configuration(t.load.loop_lag)) return false;
    t.load.loop_lag = std::move(*lag);
    result.push_back(std::move(t));
  }
  if (!r.ok() || !r.at_end()) return false;
  for (auto& t : result) out.push_back(std::move(t));
  return true;
}

void SampleCollector::begin_step(std::uint32_t step, Nanos step_start) {
  step_start_ = step_start;
  // Earlier steps were flushed when they ended: their intervals would only take memory.
  std::erase_if(intervals_, [step](const TaskInterval& t) { return t.step < step && t.empty(); });
}

TaskInterval& SampleCollector::interval_for(std::uint32_t step, std::uint32_t task) {
  for (auto& t : intervals_) {
    if (t.step == step && t.task == task) return t;
  }
  auto& t = intervals_.emplace_back();
  t.step = step;
  t.task = task;
  return t;
}

void SampleCollector::record(const RequestSample& sample) {
  interval_for(sample.step, sample.task).record(sample, step_start_);
}

bool SampleCollector::empty() const {
  return std::all_of(intervals_.begin(), intervals_.end(), [](const TaskInterval& t) { return t.empty(); });
}

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string SampleCollector::flush() {
  // The io thread's load since the last flush goes with every task it ran requests of.
  auto cpu = thread_cpu_ns();
  auto now = monotonic_ns();
  if (last_cpu_ns_ != 0 && now > last_flush_) {
    WorkerLoad load;
    load.cpu_ns = cpu - last_cpu_ns_;
    load.wall_ns = static_cast<std::uint64_t>(now - last_flush_);
    load.max_busy_ppm = load.cpu_ns * 1'000'000 / load.wall_ns;
    load.loop_lag = loop_lag_;
    for (auto& t : intervals_) {
      if (!t.empty()) t.load.merge(load);
    }
  }
  last_cpu_ns_ = cpu;
  last_flush_ = now;
  if (!loop_lag_.empty()) loop_lag_.reset();
  auto blob = encode_intervals(intervals_);
  for (auto& t : intervals_) t.reset();
  return blob;
}

}  // namespace rally::metrics
