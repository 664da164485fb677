#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "rally/actors/daemon_runner.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/log.hpp"
#include "rally/common/redacting_stream.hpp"
#include "rally/common/redaction.hpp"
#include "rally/common/secret.hpp"
#include "rally/metrics/store_config.hpp"
#include "rally/version.hpp"

#include "tls_refusals.hpp"
#include <signal.h>

// rally-daemon: hosts Workers (and track preparation) for a coordinator's race on this
// load-driver host. docs/distributed.md tells how to run it.
int main(int argc, char** argv) {
  // Before any thread starts: SIGINT and SIGTERM are taken by run_daemon's sigwait.
  sigset_t stop{};
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  rally::redact_standard_streams();  // and Log redacts its file's lines

  CLI::App app{
      "rally-daemon: runs a rally coordinator's Workers on this load-driver host. One race at a time; "
      "stop it with SIGINT or SIGTERM.",
      "rally-daemon"};
  bool show_version = false;
  std::string listen = "127.0.0.1:1900";
  std::string secret_file;
  std::string log_file = rally::metrics::rally_config_dir() + "/logs/rally-daemon.log";
  rally::actors::DaemonOptions options;
  app.add_flag("--version", show_version, "Print the version and exit");
  app.add_option("--listen", listen,
                 "The address and port to accept coordinators on, ADDR:PORT (port 0: any free port, logged). "
                 "Bound to that address only")
      ->capture_default_str();
  app.add_option("--secret-file", secret_file,
                 "A file (mode 600) holding the secret coordinators must prove; else RALLY_DAEMON_SECRET, if set");
  app.add_option("--tls-certificate", options.tls_certificate, "TLS: this daemon's certificate (PEM)");
  app.add_option("--tls-key", options.tls_key, "TLS: its private key (PEM)");
  app.add_option("--tls-ca-file", options.tls_ca_file,
                 "TLS: the CA that signs coordinators' certificates; a coordinator without one is refused");
  app.add_flag("--insecure", options.insecure,
               "Listen on a non-loopback address without TLS and a secret (only on a network you trust)");
  app.add_option("--workers", options.workers, "Workers (io threads) to offer a race (default: one per CPU)")
      ->check(CLI::Range(1u, 4096u));
  app.add_option("--log-file", log_file, "Where to log besides stderr")->capture_default_str();
  // Tests only: a daemon that claims another version, to check the coordinator refuses it.
  app.add_option("--advertise-version", options.advertise_version)->group("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? rally::exit_success : rally::exit_error;
  }
  if (show_version) {
    std::cout << "rally-daemon " << rally::version << "\n";
    return rally::exit_success;
  }
  rally::Log log;
  try {
    options.listen = rally::actors::parse_listen_address(listen);
    if (!secret_file.empty()) {
      options.secret = rally::read_secret_file(secret_file);
    } else if (const char* env = std::getenv("RALLY_DAEMON_SECRET"); env != nullptr && *env != '\0') {
      options.secret = env;
      if (options.secret.size() < 16) throw rally::RallyError("RALLY_DAEMON_SECRET is shorter than 16 characters");
    }
    rally::register_secret(options.secret);
    rally::actors::check_daemon_options(options);
    log.open_file(log_file);
  } catch (const rally::RallyError& e) {
    std::cerr << "[ERROR] rally-daemon: " << e.what() << "\n";
    return rally::exit_error;
  }
  if (!options.tls_certificate.empty()) rally::app::log_tls_refusals_to(&log);
  try {
    return rally::actors::run_daemon(options, log);
  } catch (const std::exception& e) {
    log.error(std::string("rally-daemon failed: ") + e.what());
    return rally::exit_error;
  }
}
