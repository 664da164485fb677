#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "rally/common/clock.hpp"
#include "rally/metrics/sample_collector.hpp"
#include "rally/track/track.hpp"

namespace rally::driver {

// One running task as the progress display shows it.
struct TaskProgress {
  std::string task;
  double percent = -1;  // of the task's work, when it is known (iterations, a time period, a corpus)
  double rate = 0;      // over the last window, in `unit`
  std::string unit = "ops/s";
  double p50_ms = -1, p99_ms = -1;  // latency over the last window; -1: no request in it
  std::uint64_t requests = 0;       // so far, warmup included
  std::uint64_t errors = 0;         // so far
  double elapsed_s = 0;
};

// The coordinator's live view of the running step: what every Worker reported since the
// last look (for rates and percentiles) and since the step began (for totals and percent
// done). Plain data in, lines out; the DriverActor decides how to show them.
class ProgressBoard {
 public:
  ProgressBoard(const track::Track& track, const track::Step& step, std::uint32_t step_index, Nanos step_start);

  void add(const metrics::TaskInterval& interval);
  // The tasks' progress at `now`; starts a new window.
  std::vector<TaskProgress> take(Nanos now);

 private:
  struct Totals {
    std::uint64_t requests = 0, weight = 0, errors = 0;
  };
  const track::Step& step_;
  std::uint32_t step_index_;
  Nanos step_start_;
  Nanos window_start_;
  std::map<std::uint32_t, metrics::TaskInterval> window_;
  std::map<std::uint32_t, Totals> totals_;
  std::vector<std::uint64_t> documents_;  // per task: a bulk's documents in all, else 0
};

// "index-append  42% | 61,234 docs/s | p50 3.1 ms | p99 12.4 ms | 0 errors | 12 s"
std::string format_progress(const TaskProgress& p);

// The documents a bulk task will index in all (its corpora and ingest-percentage), or 0.
std::uint64_t bulk_documents(const track::Track& track, const track::Task& task);

}  // namespace rally::driver

namespace rally::driver {

// Shows progress lines: on a terminal, a live block redrawn in place (one line per running
// task); elsewhere (CI logs), plain lines every `plain_interval`, and always a step's final
// lines.
class ProgressDisplay {
 public:
  ProgressDisplay(std::ostream& out, bool terminal, Nanos plain_interval = 5 * ns_per_s)
      : out_(out), terminal_(terminal), plain_interval_(plain_interval) {}

  void show(const std::vector<std::string>& lines, bool final, Nanos now);

 private:
  std::ostream& out_;
  bool terminal_;
  Nanos plain_interval_;
  std::size_t live_lines_ = 0;  // lines of the live block on screen, to redraw
  Nanos last_plain_ = 0;
};

}  // namespace rally::driver
