#include "rally/driver/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rally/common/text.hpp"

namespace rally::driver {

namespace {

double percent_done(const track::Task& task, const TaskProgress& p, std::uint64_t weight, std::uint64_t documents) {
  if (task.time_period) {
    double total = task.warmup_time_period.value_or(0) + *task.time_period;
    return total > 0 ? std::min(99.0, 100.0 * p.elapsed_s / total) : -1;  // 100: when it has ended
  }
  if (task.iterations || task.warmup_iterations) {
    double total = static_cast<double>(task.clients) *
                   static_cast<double>(task.iterations.value_or(0) + task.warmup_iterations.value_or(0));
    return total > 0 ? std::min(99.0, 100.0 * static_cast<double>(p.requests) / total) : -1;
  }
  if (task.operation.type == track::OperationType::bulk && documents > 0)
    return std::min(99.0, 100.0 * static_cast<double>(weight) / static_cast<double>(documents));
  return -1;
}

std::string thousands(double value) {
  return with_thousands(static_cast<std::uint64_t>(std::llround(std::max(0.0, value))));
}

}  // namespace

ProgressBoard::ProgressBoard(const track::Track& track, const track::Step& step, std::uint32_t step_index,
                             Nanos step_start)
    : step_(step), step_index_(step_index), step_start_(step_start), window_start_(step_start) {
  for (const auto& task : step.tasks) documents_.push_back(bulk_documents(track, task));
}

void ProgressBoard::add(const metrics::TaskInterval& interval) {
  if (interval.step != step_index_ || interval.task >= step_.tasks.size()) return;
  window_[interval.task].merge(interval);
  auto& t = totals_[interval.task];
  t.requests += interval.normal_requests + interval.warmup_requests;
  t.weight += interval.normal_weight;
  t.errors += interval.failed_requests;
}

std::vector<TaskProgress> ProgressBoard::take(Nanos now) {
  std::vector<TaskProgress> out;
  double window_s = static_cast<double>(std::max<Nanos>(now - window_start_, 1)) / 1e9;
  for (std::uint32_t i = 0; i < step_.tasks.size(); ++i) {
    const auto& task = step_.tasks[i];
    TaskProgress p;
    p.task = task.name;
    p.elapsed_s = static_cast<double>(std::max<Nanos>(now - step_start_, 0)) / 1e9;
    const auto& totals = totals_[i];
    p.requests = totals.requests;
    p.errors = totals.errors;
    bool bulk = task.operation.type == track::OperationType::bulk;
    p.unit = bulk ? "docs/s" : "ops/s";
    if (auto it = window_.find(i); it != window_.end()) {
      const auto& w = it->second;
      double amount =
          bulk ? static_cast<double>(w.normal_weight) : static_cast<double>(w.normal_requests + w.warmup_requests);
      p.rate = amount / window_s;
      if (!w.latency.empty()) {
        p.p50_ms = static_cast<double>(w.latency.value_at_percentile(50)) / 1e6;
        p.p99_ms = static_cast<double>(w.latency.value_at_percentile(99)) / 1e6;
      }
    }
    p.percent = percent_done(task, p, totals.weight, documents_[i]);
    out.push_back(std::move(p));
  }
  window_.clear();
  window_start_ = now;
  return out;
}

std::string format_progress(const TaskProgress& p) {
  char buffer[256];
  std::string percent = p.percent < 0 ? "   -" : (std::to_string(static_cast<int>(p.percent)) + "%");
  auto ms = [&](const char* name, double value) {
    if (value < 0) return std::string(name) + " -";
    std::snprintf(buffer, sizeof buffer, "%s %.1f ms", name, value);
    return std::string(buffer);
  };
  std::string latency = ms("p50", p.p50_ms) + " | " + ms("p99", p.p99_ms);
  std::snprintf(buffer, sizeof buffer, "%-28s %4s | %s %s | %s | %s error%s | %.0f s", p.task.c_str(), percent.c_str(),
                thousands(p.rate).c_str(), p.unit.c_str(), latency.c_str(),
                thousands(static_cast<double>(p.errors)).c_str(), p.errors == 1 ? "" : "s", p.elapsed_s);
  return buffer;
}

std::uint64_t bulk_documents(const track::Track& track, const track::Task& task) {
  const auto* bulk = std::get_if<track::BulkParams>(&task.operation.params);
  if (!bulk || bulk->looped) return 0;
  std::uint64_t total = 0;
  for (const auto& corpus : track.corpora) {
    if (!bulk->corpora.empty() &&
        std::find(bulk->corpora.begin(), bulk->corpora.end(), corpus.name) == bulk->corpora.end())
      continue;
    for (const auto& doc : corpus.documents) total += doc.document_count;
  }
  return static_cast<std::uint64_t>(static_cast<double>(total) * bulk->ingest_percentage / 100.0);
}

}  // namespace rally::driver

namespace rally::driver {

void ProgressDisplay::show(const std::vector<std::string>& lines, bool final, Nanos now) {
  if (terminal_) {
    // Back to the top of the live block, then every line anew (cleared to its end).
    if (live_lines_ > 0) out_ << "\033[" << live_lines_ << "F";
    for (const auto& line : lines) out_ << "\r\033[K" << line << "\n";
    for (std::size_t i = lines.size(); i < live_lines_; ++i) out_ << "\r\033[K\n";
    live_lines_ = final ? 0 : std::max(lines.size(), live_lines_);
    out_ << std::flush;
    return;
  }
  if (!final && last_plain_ != 0 && now - last_plain_ < plain_interval_) return;
  if (!final && last_plain_ == 0) {  // the first plain lines after a few seconds, not at once
    last_plain_ = now;
    return;
  }
  for (const auto& line : lines) out_ << line << "\n";
  out_ << std::flush;
  last_plain_ = final ? 0 : now;
}

}  // namespace rally::driver
