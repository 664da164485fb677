#include "rally/race/benchmark_coordinator.hpp"

#include <ostream>

#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"
#include "rally/metrics/race_store.hpp"
#include "rally/metrics/report.hpp"
#include "rally/track/track_loader.hpp"
#include "rally/version.hpp"

namespace rally::race {

BenchmarkCoordinator::BenchmarkCoordinator(const RaceConfig& config, std::ostream& out, std::ostream& err)
    : config_(config), out_(out), err_(err) {}

const track::Track& BenchmarkCoordinator::setup() {
  track_ = track::load_track(config_.track_path, track::LoadOptions::for_race(config_));
  (void)track_->find_challenge(config_.challenge);  // an unknown challenge fails here, before any load
  return *track_;
}

void BenchmarkCoordinator::on_preparation_complete(const PreparationResult& preparation) {
  cluster_ = preparation.cluster;
  notes_ = preparation.notes;
  for (const auto& note : notes_) err_ << "[NOTE] " << note << "\n";
}

void BenchmarkCoordinator::on_task_finished(const std::vector<metrics::TaskResult>& results) {
  results_.insert(results_.end(), results.begin(), results.end());
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
  race["results"] = {{"op_metrics", results_}};
  race["notes"] = notes_;
  if (!config_.user_tags.empty()) {
    nlohmann::json tags = nlohmann::json::object();
    for (const auto& [key, value] : config_.user_tags) tags[key] = value;
    race["user-tags"] = tags;
  }
  race["track-params"] = nlohmann::json::parse(config_.track_params.empty() ? "{}" : config_.track_params);
  return metrics::RaceStore(config_.races_dir).store(config_.race_id, race);
}

int BenchmarkCoordinator::on_benchmark_complete() {
  auto lines = metrics::report_lines(results_);
  auto markdown = metrics::format_markdown(lines);
  out_ << metrics::final_score_banner() << markdown << "\n";
  for (const auto& note : notes_) out_ << "[NOTE] " << note << "\n";
  if (!config_.report_file.empty()) {
    std::string content = markdown;
    if (config_.report_format == "csv") content = metrics::format_csv(lines);
    if (config_.report_format == "json") {
      metrics::ReportMeta meta;
      meta.race_id = config_.race_id;
      meta.race_timestamp = config_.race_timestamp;
      meta.track = track_ ? track_->name : "";
      meta.challenge = track_ ? track_->find_challenge(config_.challenge).name : config_.challenge;
      meta.distribution = cluster_.distribution;
      meta.distribution_version = cluster_.version;
      meta.user_tags = config_.user_tags;
      meta.notes = notes_;
      content = metrics::format_json(results_, meta);
    }
    write_file_atomically(config_.report_file, content);
  }
  auto path = store_race("success", "");
  out_ << "[INFO] Race id is [" << config_.race_id << "], stored in " << path << "\n";
  out_ << "\n----------------------------------\n[INFO] SUCCESS\n----------------------------------\n";
  out_.flush();
  return exit_success;
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
  }
  err_.flush();
  return exit_error;
}

}  // namespace rally::race
