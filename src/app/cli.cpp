#include "cli.hpp"

#include <iostream>
#include <random>

#include <CLI/CLI.hpp>

#include "rally/common/clock.hpp"
#include "rally/common/errors.hpp"
#include "rally/metrics/race_store.hpp"
#include "rally/version.hpp"

namespace rally::app {

namespace {

std::string new_race_id() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  std::uniform_int_distribution<std::uint32_t> d;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%04x%08x", d(rng), d(rng) & 0xffff, (d(rng) & 0x0fff) | 0x4000,
                (d(rng) & 0x3fff) | 0x8000, d(rng) & 0xffff, d(rng));
  return buf;
}

}  // namespace

std::variant<Command, int> parse_command_line(int argc, char** argv) {
  CLI::App app{"rally: a benchmark driver for Elasticsearch and OpenSearch, compatible with Rally's tracks.", "rally"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print rally's version and exit");

  RaceConfig config;
  std::string target_hosts = "127.0.0.1:9200";
  std::string on_error = "continue";
  double timeout_s = 60;
  auto* race = app.add_subcommand("race", "Run a benchmark: replay a track's challenge against a cluster");
  race->add_option("--track-path", config.track_path, "A directory holding track.json, or a track .json file")
      ->required();
  race->add_option("--challenge", config.challenge, "The challenge to run (default: the track's default)");
  race->add_option("--target-hosts", target_hosts, "The cluster's HTTP endpoints, host:port[,host:port...]")
      ->capture_default_str();
  race->add_option("--report-file", config.report_file, "Also write the report to this file");
  race->add_option("--report-format", config.report_format, "Report format")
      ->check(CLI::IsMember({"markdown", "csv"}))
      ->capture_default_str();
  race->add_flag("--test-mode", config.test_mode, "Quick check of a track: iterations capped to the clients");
  race->add_option("--race-id", config.race_id, "The race's id (default: a new UUID)");
  race->add_option("--on-error", on_error,
                   "What a failed request does: continue (abort on refused connections) or abort")
      ->check(CLI::IsMember({"continue", "abort"}))
      ->capture_default_str();
  race->add_option("--worker-count", config.worker_count,
                   "Workers (io threads) on this host (default: one per CPU available to rally)");
  race->add_option("--request-timeout", timeout_s, "Request timeout in seconds (Rally's client option timeout)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  race->add_option("--connect-timeout", config.connect_timeout_ms, "Connect timeout in milliseconds")
      ->check(CLI::Range(1u, 600'000u))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_success : exit_error;
  }
  if (show_version) return Command{VersionCommand{}};
  if (!*race) {
    std::cout << app.help();
    return exit_error;
  }
  try {
    config.target_hosts = parse_host_list(target_hosts, "target-hosts");
  } catch (const RallyError& e) {
    std::cerr << "[ERROR] " << e.what() << "\n";
    return exit_error;
  }
  config.on_error = on_error == "abort" ? OnError::abort : OnError::continue_on_error;
  config.request_timeout_ms = static_cast<std::uint32_t>(timeout_s * 1000);
  if (config.race_id.empty()) config.race_id = new_race_id();
  config.race_timestamp = utc_timestamp();
  config.races_dir = metrics::RaceStore::default_races_dir();
  return Command{RaceCommand{std::move(config)}};
}

}  // namespace rally::app
