#include "rally/actors/daemon_runner.hpp"

#include <fstream>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/send.hpp>

#include "rally/actors/messages.hpp"
#include "rally/common/cpu.hpp"
#include "rally/common/errors.hpp"
#include "rally/version.hpp"

#include "daemon_actor.hpp"
#include "system_config.hpp"
#include <arpa/inet.h>
#include <signal.h>
#include <unistd.h>

namespace rally::actors {

HostPort parse_listen_address(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw RallyError("--listen " + text + ": give ADDR:PORT, e.g. 127.0.0.2:1900");
  auto port_text = text.substr(colon + 1);
  std::size_t used = 0;
  unsigned long port = 65536;
  try {
    port = std::stoul(port_text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != port_text.size() || port > 65535)
    throw RallyError("--listen " + text + ": '" + port_text + "' is not a port (0 to 65535)");
  return HostPort{text.substr(0, colon), static_cast<std::uint16_t>(port)};
}

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr address{};
  if (::inet_pton(AF_INET, host.c_str(), &address) != 1) return false;
  return (ntohl(address.s_addr) >> 24) == 127;
}

namespace {
void check_readable(const std::string& path, const char* option) {
  std::ifstream in(path);
  if (!in) throw RallyError(std::string(option) + ": cannot read " + path);
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}
}  // namespace

void check_daemon_options(const DaemonOptions& options) {
  bool tls = !options.tls_certificate.empty() || !options.tls_key.empty() || !options.tls_ca_file.empty();
  if (tls && (options.tls_certificate.empty() || options.tls_key.empty() || options.tls_ca_file.empty()))
    throw RallyError("TLS needs --tls-certificate, --tls-key and --tls-ca-file together");
  if (tls) {
    check_readable(options.tls_certificate, "--tls-certificate");
    check_readable(options.tls_key, "--tls-key");
    check_readable(options.tls_ca_file, "--tls-ca-file");
  }
  if (!is_loopback(options.listen.host) && !options.insecure && (!tls || options.secret.empty()))
    throw RallyError("--listen " + options.listen.to_string() +
                     " is not a loopback address: anyone who reaches it could make this host send load. Give "
                     "--tls-certificate/--tls-key/--tls-ca-file and a secret (--secret-file or RALLY_DAEMON_SECRET), "
                     "or --insecure on a network you trust");
}

int run_daemon(const DaemonOptions& options, Log& log) {
  bool tls = !options.tls_certificate.empty();
  RallyActorSystemConfig cfg;
  cfg.enable_network({options.tls_certificate, options.tls_key, options.tls_ca_file});
  caf::actor_system system{cfg};
  // CAF's spawn server would spawn any registered actor type for any connected peer, secret
  // or not; nothing is registered, and the server is not reachable either.
  system.registry().erase(caf::atom("SpawnServ"));

  driver::DaemonIdentity identity;
  identity.version = options.advertise_version.empty() ? std::string(version) : options.advertise_version;
  identity.protocol = daemon_protocol;
  identity.secret = options.secret;
  identity.hostname = host_name();
  identity.cpus = static_cast<std::uint32_t>(available_cpus());
  identity.workers = options.workers > 0 ? options.workers : identity.cpus;
  // Every simulated client of this host's Workers holds a socket.
  auto files = raise_open_file_limit();
  identity.open_files = files;

  // The BASP broker, which knows every peer's address, is the same with TLS.
  auto daemon = system.spawn<DaemonActor>(identity, &log, system.middleman().actor_handle());
  // Bound to the address given, and to no other; no address reuse.
  auto port = tls ? caf::openssl::publish(daemon, options.listen.port, options.listen.host.c_str(), false)
                  : system.middleman().publish(daemon, options.listen.port, options.listen.host.c_str(), false);
  if (!port) {
    log.error("cannot listen on " + options.listen.to_string() + ": " + system.render(port.error()));
    caf::anon_send_exit(daemon, caf::exit_reason::user_shutdown);
    return exit_error;
  }
  log.info("rally-daemon " + identity.version + " listening on " + options.listen.host + ":" + std::to_string(*port) +
           " (" + (tls ? "TLS, coordinators need a certificate" : "plain TCP") + ", " +
           (options.secret.empty() ? "no secret" : "secret required") + "; " + std::to_string(identity.workers) +
           " Workers, " + std::to_string(files) + " open files)");

  sigset_t stop{};
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  int signal = 0;
  sigwait(&stop, &signal);
  log.info(std::string("rally-daemon stops (") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ")");
  caf::anon_send_exit(daemon, caf::exit_reason::user_shutdown);
  return exit_success;
}

}  // namespace rally::actors
