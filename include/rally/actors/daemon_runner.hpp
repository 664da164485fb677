#pragma once

#include <cstdint>
#include <string>

#include "rally/common/host.hpp"
#include "rally/common/log.hpp"

namespace rally::actors {

// rally-daemon's options, parsed and checked by its main().
struct DaemonOptions {
  HostPort listen{"127.0.0.1", 1900};  // port 0: any free port (logged)
  std::string secret;                  // empty: no login secret (loopback or --insecure only)
  std::string tls_certificate;         // TLS: certificate, key and the CA that signs coordinators'
  std::string tls_key;
  std::string tls_ca_file;
  bool insecure = false;
  std::uint32_t workers = 0;      // Workers offered to a race; 0: one per CPU
  std::string advertise_version;  // tests only: the version told to coordinators
};

// Parses --listen's ADDR:PORT (port 0: any free port). Throws RallyError saying what is wrong.
HostPort parse_listen_address(const std::string& text);

// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback(const std::string& host);

// Throws RallyError when the options may not run: a non-loopback address needs TLS and a
// secret unless `insecure`; TLS needs all three files, readable.
void check_daemon_options(const DaemonOptions& options);

// Publishes the DaemonActor on options.listen and serves coordinators, one race at a time,
// until SIGINT or SIGTERM. Returns the exit code. SIGINT and SIGTERM must be blocked in every
// thread before it is called (main does so first thing).
int run_daemon(const DaemonOptions& options, Log& log);

}  // namespace rally::actors
