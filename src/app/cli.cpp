#include "cli.hpp"

#include <fstream>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>

#include "rally/common/clock.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/redaction.hpp"
#include "rally/common/secret.hpp"
#include "rally/common/text.hpp"
#include "rally/metrics/race_store.hpp"

namespace rally::app {

namespace {

// Rally's --user-tags: "key:value,key:value"; a key without a value, or a key twice, is an error.
std::vector<std::pair<std::string, std::string>> parse_user_tags(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> tags;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    auto entry = text.substr(start, end - start);
    auto colon = entry.find(':');
    if (colon == std::string::npos || colon == 0)
      throw RallyError("--user-tags: '" + entry + "' is not of the form key:value");
    auto key = entry.substr(0, colon);
    for (const auto& [k, v] : tags) {
      if (k == key) throw RallyError("--user-tags: the tag '" + key + "' is given twice");
    }
    tags.emplace_back(key, entry.substr(colon + 1));
    start = end + 1;
  }
  return tags;
}

std::string new_race_id() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  std::uniform_int_distribution<std::uint32_t> d;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%04x%08x", d(rng), d(rng) & 0xffff, (d(rng) & 0x0fff) | 0x4000,
                (d(rng) & 0x3fff) | 0x8000, d(rng) & 0xffff, d(rng));
  return buf;
}

void add_track_options(CLI::App* cmd, TrackOptions& t, bool with_filters) {
  cmd->add_option("--track", t.location.name, "A track by name: shipped with rally or in a track repository");
  cmd->add_option("--track-path", t.location.path, "A directory holding track.json, or a track .json file");
  cmd->add_option("--track-repository", t.location.repository,
                  "A git repository of tracks (URL or local path), cloned into ~/.rally/benchmarks/tracks/");
  cmd->add_option("--track-revision", t.location.revision, "A revision (branch, tag, commit) of the track repository");
  cmd->add_option("--track-params", t.params, "Track parameters: k:v,k:v, an inline JSON object, or a .json file");
  cmd->add_flag("--ignore-unused-track-params", t.ignore_unused_params,
                "Warn about track parameters the track does not use instead of failing");
  cmd->add_flag("--offline", t.location.offline, "Never touch the network: use track repositories as they are");
  cmd->add_option("--challenge", t.challenge, "The challenge (default: the track's default challenge)");
  if (with_filters) {
    cmd->add_option("--include-tasks", t.include_tasks,
                    "Only these tasks: name, type:OPERATION-TYPE or tag:TAG, comma-separated");
    cmd->add_option("--exclude-tasks", t.exclude_tasks,
                    "Skip these tasks: name, type:OPERATION-TYPE or tag:TAG, comma-separated");
    cmd->add_flag("--test-mode", t.test_mode, "A quick check of a track: iterations capped to the clients");
  }
}

// "50,99.9,100" -> {50, 99.9, 100}; each in (0, 100].
std::vector<double> parse_percentiles(const std::string& text, const char* option) {
  std::vector<double> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    auto entry = text.substr(start, end - start);
    std::size_t used = 0;
    double p = -1;
    try {
      p = std::stod(entry, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != entry.size() || !(p > 0 && p <= 100))
      throw RallyError(std::string(option) + ": '" + entry + "' is not a percentile (a number above 0, at most 100)");
    out.push_back(p);
    start = end + 1;
  }
  return out;
}

void add_report_view_options(CLI::App* cmd, ReportConfig& view, std::string& latency, std::string& throughput) {
  cmd->add_option("--show-in-report", view.show,
                  "Which rows the report shows: available (rows with values, percentiles with enough samples), "
                  "all-percentiles (every requested percentile), all (also rows without a value)")
      ->check(CLI::IsMember({"available", "all-percentiles", "all"}))
      ->capture_default_str();
  cmd->add_option("--latency-percentiles", latency,
                  "Latency, service and processing time percentiles to report (default 50,90,99,99.9,99.99,100)");
  cmd->add_option("--throughput-percentiles", throughput,
                  "Percentiles of the throughput samples to report besides min/mean/median/max, e.g. 5,95");
}

void add_report_output_options(CLI::App* cmd, ReportOutput& output, std::vector<std::string> formats) {
  cmd->add_option("--report-format", output.format, "Report format")
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  cmd->add_option("--report-file", output.file, "Also write the report to this file");
}

void parse_load_driver_options(const std::string& hosts, const std::string& secret_file, const std::string& on_loss,
                               LoadDriverConfig& drivers) {
  bool tls = !drivers.tls_certificate.empty() || !drivers.tls_key.empty() || !drivers.tls_ca_file.empty();
  if (hosts.empty()) {
    if (tls || !secret_file.empty() || on_loss != "abort")
      throw RallyError(
          "--load-driver-secret-file, --load-driver-tls-* and --on-load-driver-loss go with --load-driver-hosts");
    return;
  }
  for (std::size_t start = 0; start <= hosts.size();) {
    auto end = std::min(hosts.find(',', start), hosts.size());
    auto entry = hosts.substr(start, end - start);
    if (entry.find(':') == std::string::npos)
      throw RallyError("--load-driver-hosts: '" + entry + "' has no port: give ADDR:PORT, as rally-daemon --listen");
    start = end + 1;
  }
  drivers.hosts = parse_host_list(hosts, "load-driver-hosts");
  for (std::size_t i = 0; i < drivers.hosts.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (drivers.hosts[i] == drivers.hosts[j])
        throw RallyError("--load-driver-hosts: " + drivers.hosts[i].to_string() + " is given twice");
    }
  }
  if (tls && (drivers.tls_certificate.empty() || drivers.tls_key.empty() || drivers.tls_ca_file.empty()))
    throw RallyError(
        "TLS to the daemons needs --load-driver-tls-certificate, --load-driver-tls-key and --load-driver-tls-ca-file");
  for (const auto* file : {&drivers.tls_certificate, &drivers.tls_key, &drivers.tls_ca_file}) {
    if (!file->empty() && !std::ifstream(*file)) throw RallyError("--load-driver-tls-*: cannot read " + *file);
  }
  if (!secret_file.empty()) {
    drivers.secret = read_secret_file(secret_file);
  } else if (const char* env = std::getenv("RALLY_DAEMON_SECRET"); env != nullptr && *env != '\0') {
    drivers.secret = env;
  }
  register_secret(drivers.secret);
  drivers.continue_on_host_loss = on_loss == "continue";
}

}  // namespace

std::variant<Command, int> parse_command_line(int argc, char** argv) {
  // Options end up in race.json and reports, which are UTF-8 JSON: other bytes are refused
  // here rather than when the results are written. Not quoted: it may be a password.
  for (int i = 1; i < argc; ++i) {
    if (auto at = invalid_utf8_at(argv[i]); at != std::string_view::npos) {
      std::cerr << "rally: argument " << i << " is not UTF-8 text (byte " << at + 1 << ")\n";
      return exit_error;
    }
  }
  CLI::App app{"rally: a benchmark driver for Elasticsearch and OpenSearch, compatible with Rally's tracks.", "rally"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print rally's version and exit");

  RaceCommand race_cmd;
  auto& config = race_cmd.config;
  std::string target_hosts = "127.0.0.1:9200";
  std::string on_error = "continue";
  std::string client_options;
  std::string user_tags;
  double timeout_s = 0;
  auto* race = app.add_subcommand("race", "Run a benchmark: replay a track's challenge against a cluster");
  add_track_options(race, race_cmd.track, true);
  race->add_option("--target-hosts", target_hosts, "The cluster's HTTP endpoints, host:port[,host:port...]")
      ->capture_default_str();
  race->add_option("--report-file", config.report_file, "Also write the report to this file");
  race->add_option("--report-format", config.report_format,
                   "Format of --report-file: markdown, csv, json (for tools: docs/report-json.md) or html "
                   "(one page with charts)")
      ->check(CLI::IsMember({"markdown", "csv", "json", "html"}))
      ->capture_default_str();
  std::string race_latency_percentiles, race_throughput_percentiles;
  add_report_view_options(race, config.report, race_latency_percentiles, race_throughput_percentiles);
  race->add_option("--baseline", config.report.baseline,
                   "A stored race to check this one against with --fail-on-regression");
  race->add_option("--fail-on-regression", config.report.fail_on_regression,
                   "With --baseline: exit 64 when a metric regressed by more than PERCENT against it, "
                   "METRIC:PERCENT[,...] as for compare");
  race->add_option("--race-id", config.race_id, "The race's id (default: a new UUID)");
  race->add_option("--on-error", on_error,
                   "What a failed request does: continue (but stop on refused connections), "
                   "continue-on-network (also go on after connection errors) or abort")
      ->check(CLI::IsMember({"continue", "abort", "continue-on-network"}))
      ->capture_default_str();
  race->add_option("--user-tags", user_tags,
                   "Tags stored with the race, shown by list races: key:value,key:value (e.g. intention:baseline)");
  race->add_flag("--enable-assertions", config.enable_assertions,
                 "Check the operations' assertions; a failed one ends the race");
  race->add_option("--worker-count", config.worker_count,
                   "Workers (io threads) on this host (default: one per CPU available to rally)");
  race->add_option("--client-options", client_options,
                   "Rally's client options: k:v,k:v (timeout, use_ssl, verify_certs, ca_certs, client_cert, "
                   "client_key, basic_auth_user, basic_auth_password, api_key, http_compress, opaque-id, "
                   "static_responses), inline JSON (also for headers) or a .json file");
  race->add_option("--request-timeout", timeout_s,
                   "Request timeout in seconds (default 60; the client option timeout says the same)")
      ->check(CLI::PositiveNumber);
  race->add_option("--connect-timeout", config.connect_timeout_ms, "Connect timeout in milliseconds")
      ->check(CLI::Range(1u, 600'000u))
      ->capture_default_str();

  std::string load_driver_hosts, load_driver_secret_file, on_load_driver_loss = "abort";
  auto& drivers = config.load_drivers;
  race->add_option("--load-driver-hosts", load_driver_hosts,
                   "rally-daemons to run the Workers on, ADDR:PORT[,ADDR:PORT...] (default: this process; "
                   "docs/distributed.md)");
  race->add_option("--load-driver-secret-file", load_driver_secret_file,
                   "A file (mode 600) with the daemons' secret; else RALLY_DAEMON_SECRET, if set");
  race->add_option("--load-driver-tls-certificate", drivers.tls_certificate,
                   "TLS to the daemons: this coordinator's certificate (PEM)");
  race->add_option("--load-driver-tls-key", drivers.tls_key, "TLS to the daemons: its private key (PEM)");
  race->add_option("--load-driver-tls-ca-file", drivers.tls_ca_file,
                   "TLS to the daemons: the CA that signs the daemons' certificates");
  race->add_option("--on-load-driver-loss", on_load_driver_loss,
                   "A daemon lost mid-race: abort the race (results so far stored, marked failed) or continue "
                   "on the remaining hosts (marked degraded)")
      ->check(CLI::IsMember({"abort", "continue"}))
      ->capture_default_str();

  RenderTrackCommand render_cmd;
  auto* render = app.add_subcommand("render-track", "Print a track as rally renders it (templates and parts resolved)");
  add_track_options(render, render_cmd.track, false);
  render->add_option("--output-path", render_cmd.output_path, "Write the rendered track here instead of stdout");

  ValidateTrackCommand validate_cmd;
  auto* validate = app.add_subcommand("validate-track", "Load a track and check every challenge, without a cluster");
  add_track_options(validate, validate_cmd.track, true);

  InfoCommand info_cmd;
  auto* info = app.add_subcommand("info", "Describe a track: corpora, challenges and their schedules");
  add_track_options(info, info_cmd.track, true);

  GenerateCorpusCommand generate_cmd;
  auto* generate = app.add_subcommand(
      "generate-corpus", "Write a synthetic corpus (and its manifest) that stands in for a track's real one");
  generate->add_option("--generator", generate_cmd.generator, "The corpus shape")
      ->check(CLI::IsMember({"geonames"}))
      ->capture_default_str();
  generate->add_option("--documents", generate_cmd.documents, "How many documents")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000'000}));
  generate->add_option("--seed", generate_cmd.seed, "The same seed writes the same bytes")->capture_default_str();
  generate
      ->add_option("--output", generate_cmd.output,
                   "The document file, e.g. ~/.rally/benchmarks/data/geonames/documents-2.json")
      ->required();

  auto* list = app.add_subcommand("list", "List what rally knows");
  std::string list_what;
  ListRacesCommand list_races_cmd;
  list->add_option("what", list_what, "What to list: tracks, or the stored races newest first")
      ->required()
      ->check(CLI::IsMember({"tracks", "races"}));
  list->add_option("--limit", list_races_cmd.limit, "How many races to list")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();

  ReportCommand report_cmd;
  auto* report = app.add_subcommand("report", "Print a stored race's summary report again");
  report->add_option("--race-id", report_cmd.race_id, "The race (rally list races shows them)")->required();
  add_report_output_options(report, report_cmd.output, {"markdown", "csv", "json", "html"});
  std::string report_latency_percentiles, report_throughput_percentiles;
  add_report_view_options(report, report_cmd.view, report_latency_percentiles, report_throughput_percentiles);

  CompareCommand compare_cmd;
  std::string fail_on_regression;
  auto* compare = app.add_subcommand("compare", "Compare two stored races task by task, metric by metric");
  compare->add_option("--baseline", compare_cmd.baseline, "The baseline race's id")->required();
  compare
      ->add_option("--contender", compare_cmd.contender,
                   "The contender race's id, or several: ID,ID,... (one table, a column pair per contender)")
      ->required();
  add_report_output_options(compare, compare_cmd.output, {"markdown", "csv"});
  compare->add_option("--fail-on-regression", fail_on_regression,
                      "Exit 64 when a metric regresses by more than PERCENT in any task: METRIC:PERCENT[,...], "
                      "METRIC one of throughput.min|mean|median|max, latency.pN, service_time.pN, "
                      "processing_time.pN (N: 50, 90, 99, 99.9, 99.99, 100) or error_rate; "
                      "e.g. latency.p99:10,throughput.mean:5");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_success : exit_error;
  }
  if (show_version) return Command{VersionCommand{}};
  if (*render) return Command{std::move(render_cmd)};
  if (*validate) return Command{std::move(validate_cmd)};
  if (*info) return Command{std::move(info_cmd)};
  if (*list && list_what == "races") {
    list_races_cmd.races_dir = metrics::RaceStore::default_races_dir();
    return Command{list_races_cmd};
  }
  if (*list) return Command{ListTracksCommand{}};
  if (*report) {
    try {
      if (!report_latency_percentiles.empty())
        report_cmd.view.latency_percentiles = parse_percentiles(report_latency_percentiles, "--latency-percentiles");
      report_cmd.view.throughput_percentiles =
          parse_percentiles(report_throughput_percentiles, "--throughput-percentiles");
    } catch (const RallyError& e) {
      std::cerr << "[ERROR] " << e.what() << "\n";
      return exit_error;
    }
    report_cmd.races_dir = metrics::RaceStore::default_races_dir();
    return Command{std::move(report_cmd)};
  }
  if (*compare) {
    try {
      if (!fail_on_regression.empty())
        compare_cmd.fail_on_regression = metrics::parse_regression_thresholds(fail_on_regression);
    } catch (const RallyError& e) {
      std::cerr << "[ERROR] " << e.what() << "\n";
      return exit_error;
    }
    compare_cmd.races_dir = metrics::RaceStore::default_races_dir();
    return Command{std::move(compare_cmd)};
  }
  if (*generate) return Command{std::move(generate_cmd)};
  if (!*race) {
    std::cout << app.help();
    return exit_error;
  }
  try {
    config.target_hosts = parse_host_list(target_hosts, "target-hosts");
    config.client = parse_client_options(client_options);
    register_client_secrets(config.client);  // from here on, nothing printed shows them
    config.user_tags = parse_user_tags(user_tags);
    if (!race_latency_percentiles.empty())
      config.report.latency_percentiles = parse_percentiles(race_latency_percentiles, "--latency-percentiles");
    config.report.throughput_percentiles = parse_percentiles(race_throughput_percentiles, "--throughput-percentiles");
    if (config.report.baseline.empty() != config.report.fail_on_regression.empty())
      throw RallyError("--baseline and --fail-on-regression go together: give both or neither");
    if (!config.report.fail_on_regression.empty())
      (void)metrics::parse_regression_thresholds(config.report.fail_on_regression);
    parse_load_driver_options(load_driver_hosts, load_driver_secret_file, on_load_driver_loss, drivers);
    if (!drivers.hosts.empty() && config.worker_count > 0)
      throw RallyError(
          "--worker-count is for Workers in this process: with --load-driver-hosts, each daemon's "
          "--workers says how many it runs");
  } catch (const RallyError& e) {
    std::cerr << "[ERROR] " << e.what() << "\n";
    return exit_error;
  }
  config.on_error = on_error == "abort"                 ? OnError::abort
                    : on_error == "continue-on-network" ? OnError::continue_on_network
                                                        : OnError::continue_on_error;
  if (timeout_s <= 0) timeout_s = config.client.timeout_s > 0 ? config.client.timeout_s : 60;
  config.request_timeout_ms = static_cast<std::uint32_t>(std::min(timeout_s, 86'400.0) * 1000);
  if (config.race_id.empty()) config.race_id = new_race_id();
  config.race_timestamp = utc_timestamp();
  config.races_dir = metrics::RaceStore::default_races_dir();
  return Command{std::move(race_cmd)};
}

}  // namespace rally::app
