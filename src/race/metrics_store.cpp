#include "rally/race/metrics_store.hpp"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <utility>

#include "rally/version.hpp"

#include "store_upload.hpp"

namespace rally::race {

namespace {

double epoch_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

MetricsStore::MetricsStore() : clock_(epoch_seconds) {}

MetricsStore::MetricsStore(metrics::StoreConfig config, Clock clock)
    : config_(std::move(config)), clock_(clock ? std::move(clock) : Clock(epoch_seconds)) {}

MetricsStore MetricsStore::from_rally_ini(const std::string& path) {
  return MetricsStore(metrics::load_store_config(path));
}

void MetricsStore::on_task_finished(const std::vector<metrics::TaskResult>& results) {
  if (!config_.enabled) return;
  double now = clock_();
  // The step ran for at least its longest task: the normal phase, or up to the middle of the
  // second its last request ended in (seconds of the step's clock).
  double step_seconds = 0;
  for (const auto& r : results) {
    step_seconds = std::max(step_seconds, r.duration_s);
    if (!r.per_second.empty())
      step_seconds = std::max(step_seconds, static_cast<double>(r.per_second.back().second) + 0.5);
  }
  for (const auto& r : results) windows_[r.task] = {now - step_seconds, now};
}

metrics::StoreContext MetricsStore::context(const RaceConfig& race) const {
  metrics::StoreContext context;
  context.environment = config_.environment;
  context.rally_version = std::string(version);
  context.track_params = race.track_params;
  context.race_end_s = clock_();
  context.race_start_s = race.race_epoch > 0 ? race.race_epoch : context.race_end_s;
  context.task_windows = windows_;
  return context;
}

void MetricsStore::publish(const metrics::RaceReport& report, const RaceConfig& race, std::ostream& out,
                           std::ostream& err) const noexcept {
  if (!config_.enabled) return;
  try {
    auto docs = metrics::build_store_documents(report, context(race));
    auto result = upload_documents(config_, docs);
    if (result.failure.empty()) {
      out << "[INFO] Metrics store " << config_.url() << ": wrote " << plural(docs.races.size(), "race") << ", "
          << plural(docs.results.size(), "result") << " and " << plural(docs.metrics.size(), "metrics document") << " ("
          << metrics::store_index("*", report.meta.race_timestamp, race.race_epoch) << ").\n";
    } else {
      err << "[WARNING] Metrics store " << config_.url() << ": " << result.failure << ". " << result.written << " of "
          << docs.size() << " documents were written; the results are in race.json.\n";
    }
  } catch (const std::exception& e) {
    try {
      err << "[WARNING] Metrics store " << config_.url() << ": nothing was written: " << e.what()
          << ". The results are in race.json.\n";
    } catch (...) {
    }
  } catch (...) {
  }
}

}  // namespace rally::race
