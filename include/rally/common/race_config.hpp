#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rally/common/client_options.hpp"
#include "rally/common/host.hpp"

namespace rally {

// Rally's --on-error: `continue` records errors and goes on (but a refused connection ends
// the race), `continue_on_network` survives connection errors too, `abort` stops at the first.
enum class OnError : std::uint8_t { continue_on_error, abort, continue_on_network };

// How a race's report shows its results (the report's own options; the coordinator alone
// reads them, so they do not cross to Workers).
struct ReportConfig {
  std::string show = "available";  // --show-in-report: available, all-percentiles, all
  std::vector<double> latency_percentiles{50, 90, 99, 99.9, 99.99, 100};
  std::vector<double> throughput_percentiles;
  // --baseline with --fail-on-regression: the race exits 64 when a metric regressed past
  // its threshold against the stored baseline race (METRIC:PERCENT,..., checked by the CLI).
  std::string baseline;
  std::string fail_on_regression;
};

// Rally's --load-driver-hosts: rally-daemons that run the Workers (docs/distributed.md).
// The coordinator alone reads it: it never crosses to Workers (the secret stays here).
struct LoadDriverConfig {
  std::vector<HostPort> hosts;  // empty: every Worker runs in the coordinator's process
  std::string secret;           // what each daemon's --secret-file holds (RALLY_DAEMON_SECRET)
  // TLS between coordinator and daemons (CAF's OpenSSL module): all three, or none.
  std::string tls_certificate;
  std::string tls_key;
  std::string tls_ca_file;
  // A daemon lost mid-race ends the race (false), or the race goes on with the remaining
  // hosts and is marked degraded (true).
  bool continue_on_host_loss = false;
  std::uint32_t connect_timeout_ms = 10'000;  // connecting, checking and spawning, per host

  [[nodiscard]] bool tls() const { return !tls_certificate.empty(); }
};

// The options of one race, parsed once at the edge (the CLI) and passed by const&.
// It crosses process boundaries inside messages, so it holds only plain values.
struct RaceConfig {
  std::string race_id;
  std::string race_timestamp;
  std::string track_path;
  std::string challenge;            // empty: the track's default challenge
  std::string track_params = "{}";  // a JSON object
  bool ignore_unused_track_params = false;
  std::string include_tasks;  // Rally's filter lists
  std::string exclude_tasks;
  double race_epoch = 0;  // when the race started (epoch seconds): templates render the same everywhere
  std::vector<HostPort> target_hosts{HostPort{"127.0.0.1", 9200}};
  ClientOptions client;
  // What GET / said, filled in by the DriverActor before any Worker starts: the media types
  // sent depend on it.
  std::string cluster_distribution;
  std::string cluster_version;
  std::string report_file;
  std::string report_format = "markdown";
  ReportConfig report;
  LoadDriverConfig load_drivers;
  std::string races_dir;                                       // ~/.rally/benchmarks/races
  std::vector<std::pair<std::string, std::string>> user_tags;  // --user-tags, into race.json
  bool test_mode = false;
  bool offline = false;  // never download: corpora must be on disk
  OnError on_error = OnError::continue_on_error;
  bool enable_assertions = false;  // check operations' `assertions` (Rally's --enable-assertions)
  std::uint32_t worker_count = 0;  // 0: one Worker per available CPU
  std::uint32_t request_timeout_ms = 60'000;
  std::uint32_t connect_timeout_ms = 10'000;
  std::uint32_t sample_interval_ms = 1'000;  // Worker -> Driver UpdateSamples period
  std::uint32_t join_timeout_ms = 0;         // 0: derived from the request timeout
};

}  // namespace rally
