#include "rally/race/benchmark_coordinator.hpp"

#include <ostream>

#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"
#include "rally/common/redaction.hpp"
#include "rally/metrics/compare.hpp"
#include "rally/metrics/race_store.hpp"
#include "rally/metrics/report.hpp"
#include "rally/metrics/store_config.hpp"
#include "rally/track/track_loader.hpp"
#include "rally/version.hpp"

namespace rally::race {

BenchmarkCoordinator::BenchmarkCoordinator(const RaceConfig& config, std::ostream& out, std::ostream& err)
    : config_(config), out_(out), err_(err) {}

const track::Track& BenchmarkCoordinator::setup() {
  metrics_store_ = MetricsStore::from_rally_ini(metrics::rally_ini_path());  // a bad rally.ini ends the race here
  track_ = track::load_track(config_.track_path, track::LoadOptions::for_race(config_));
  (void)track_->find_challenge(config_.challenge);  // an unknown challenge fails here, before any load
  return *track_;
}

void BenchmarkCoordinator::on_preparation_complete(const PreparationResult& preparation) {
  cluster_ = preparation.cluster;
  notes_ = preparation.notes;
  load_drivers_ = preparation.load_drivers;
  for (const auto& note : notes_) err_ << "[NOTE] " << note << "\n";
}

void BenchmarkCoordinator::on_degraded(const std::string& note) {
  degraded_.push_back(note);
  notes_.push_back("Degraded: " + note);
}

void BenchmarkCoordinator::on_task_finished(const std::vector<metrics::TaskResult>& results) {
  results_.insert(results_.end(), results.begin(), results.end());
  metrics_store_.on_task_finished(results);
}

std::string BenchmarkCoordinator::store_race(const std::string& status, const std::string& failure) {
  nlohmann::json race;
  race["rally-version"] = std::string(version);
  race["race-id"] = config_.race_id;
  race["race-timestamp"] = config_.race_timestamp;
  race["pipeline"] = "benchmark-only";
  race["status"] = status;
  if (!failure.empty()) race["failure"] = failure;
  race["track"] = track_ ? track_->name : "";
  race["track-path"] = config_.track_path;
  race["challenge"] = track_ ? track_->find_challenge(config_.challenge).name : config_.challenge;
  race["test-mode"] = config_.test_mode;
  nlohmann::json hosts = nlohmann::json::array();
  for (const auto& h : config_.target_hosts) hosts.push_back(h.to_string());
  race["target-hosts"] = hosts;
  // Credentials and header values are masked: race.json is shared and uploaded.
  race["client-options"] = nlohmann::json::parse(describe_client_options(config_.client));
  race["cluster"] = {{"distribution-flavor", cluster_.distribution}, {"distribution-version", cluster_.version}};
  race["results"] = {{"op_metrics", results_}, {"cluster", cluster_metrics_}};
  race["notes"] = notes_;
  // The daemons raced with, and the clock offsets their start times were shifted by.
  if (!load_drivers_.empty()) race["load-driver-hosts"] = nlohmann::json::parse(load_drivers_, nullptr, false);
  if (!degraded_.empty()) race["degraded"] = degraded_;
  if (!config_.user_tags.empty()) {
    nlohmann::json tags = nlohmann::json::object();
    for (const auto& [key, value] : config_.user_tags) tags[key] = value;
    race["user-tags"] = tags;
  }
  // secret_* params are masked (Rally's convention); they were used to render the track.
  race["track-params"] =
      mask_secret_params(nlohmann::json::parse(config_.track_params.empty() ? "{}" : config_.track_params));
  return metrics::RaceStore(config_.races_dir).store(config_.race_id, race);
}

metrics::RaceReport BenchmarkCoordinator::race_report(const std::string& status) const {
  metrics::RaceReport report;
  auto& meta = report.meta;
  meta.race_id = config_.race_id;
  meta.race_timestamp = config_.race_timestamp;
  meta.status = status;
  meta.track = track_ ? track_->name : "";
  meta.challenge = track_ ? track_->find_challenge(config_.challenge).name : config_.challenge;
  meta.distribution = cluster_.distribution;
  meta.distribution_version = cluster_.version;
  meta.user_tags = config_.user_tags;
  meta.notes = notes_;
  report.results = results_;
  report.cluster = cluster_metrics_;
  return report;
}

int BenchmarkCoordinator::on_benchmark_complete() {
  // A race that lost a load-driver host finished, but with less load than asked for.
  const std::string status = degraded_.empty() ? "success" : "degraded";
  auto report = race_report(status);
  auto options = metrics::report_options(config_.report);
  out_ << metrics::final_score_banner() << metrics::render_report(report, "markdown", options) << "\n";
  for (const auto& note : notes_) out_ << "[NOTE] " << note << "\n";
  // The results first: a report file that cannot be written must not cost the race.json.
  std::string path;
  try {
    path = store_race(status, "");
  } catch (const std::exception& e) {
    out_.flush();
    err_ << "[ERROR] The race finished, but its results could not be stored: " << e.what() << "\n";
    err_.flush();
    return exit_error;
  }
  out_ << "[INFO] Race id is [" << config_.race_id << "], stored in " << path << "\n";
  bool report_written = true;
  if (!config_.report_file.empty()) {
    try {
      write_file_atomically(config_.report_file,
                            redact(metrics::render_report(report, config_.report_format, options)));
    } catch (const std::exception& e) {
      err_ << "[ERROR] The race is stored in " << path << ", but the report file could not be written: " << e.what()
           << "\n";
      report_written = false;
    }
  }
  metrics_store_.publish(report, config_, out_, err_);
  int code = check_baseline();
  out_ << "\n----------------------------------\n[INFO] "
       << (code != exit_success ? "REGRESSION"
           : !report_written    ? "ERROR (the report file was not written)"
           : degraded_.empty()  ? "SUCCESS"
                                : "SUCCESS (DEGRADED)")
       << "\n----------------------------------\n";
  out_.flush();
  return report_written ? code : exit_error;
}

int BenchmarkCoordinator::check_baseline() {
  const auto& report = config_.report;
  if (report.baseline.empty() || report.fail_on_regression.empty()) return exit_success;
  auto baseline = metrics::RaceStore(config_.races_dir).load(report.baseline);
  if (baseline.status != "success")
    err_ << "[WARNING] the baseline race [" << report.baseline << "] is " << baseline.status
         << ": its numbers may not stand for the load its track asks for.\n";
  if (!degraded_.empty())
    err_ << "[WARNING] this race is degraded (a load-driver host was lost): a regression may be the lost load.\n";
  auto comparison = metrics::compare_results(baseline.results, results_);
  auto thresholds = metrics::parse_regression_thresholds(report.fail_on_regression);
  for (const auto& metric : metrics::unchecked_metrics(comparison, thresholds)) {
    err_ << "[WARNING] fail-on-regression: no task of both races has " << metric << "; it was not checked.\n";
  }
  auto regressions = metrics::find_regressions(comparison, thresholds);
  if (regressions.empty()) {
    out_ << "[INFO] No regression against the baseline race [" << report.baseline
         << "] past the --fail-on-regression thresholds.\n";
    return exit_success;
  }
  for (const auto& r : regressions) err_ << "[ERROR] " << metrics::describe(r) << "\n";
  err_ << "[ERROR] " << regressions.size() << (regressions.size() == 1 ? " regression" : " regressions")
       << " against the baseline race [" << report.baseline << "] past the --fail-on-regression thresholds.\n";
  return exit_error;
}

int BenchmarkCoordinator::on_interrupted(const std::string& signal) {
  err_ << "[INFO] The race was interrupted (" << signal << ").\n";
  if (started_) {
    try {
      auto path = store_race("interrupted", "interrupted by " + signal);
      err_ << "[INFO] The results so far are stored, marked interrupted, in " << path << "\n";
    } catch (const std::exception& e) {
      err_ << "[ERROR] " << e.what() << "\n";
    }
  }
  err_.flush();
  return exit_interrupted;
}

int BenchmarkCoordinator::on_benchmark_failure(const std::string& reason) {
  err_ << "[ERROR] Cannot race. " << reason << "\n";
  if (started_) {
    try {
      auto path = store_race("failed", reason);
      err_ << "[INFO] The results so far are stored, marked failed, in " << path << "\n";
    } catch (const std::exception& e) {
      err_ << "[ERROR] " << e.what() << "\n";
    }
    metrics_store_.publish(race_report("failed"), config_, out_, err_);
  }
  err_.flush();
  return exit_error;
}

}  // namespace rally::race
