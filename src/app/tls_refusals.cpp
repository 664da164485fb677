#include "tls_refusals.hpp"

#include <atomic>
#include <string>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

namespace rally::app {

namespace {
std::atomic<Log*> refusal_log{nullptr};
// CAF may call SSL_accept again after a failure: a mark on the connection logs it once.
int logged_mark() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string peer_address(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "an unknown peer";
  char host[INET6_ADDRSTRLEN] = {};
  std::uint16_t port = 0;
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    port = ntohs(v4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    port = ntohs(v6->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}
}  // namespace

void log_tls_refusals_to(Log* log) { refusal_log.store(log); }

}  // namespace rally::app

// Interposes libssl's SSL_accept for libcaf_openssl (the executable's definition comes first
// in symbol lookup; CMake exports it). Non-blocking handshakes return "want read/write" many
// times; only a handshake that failed is logged.
extern "C" int SSL_accept(SSL* ssl) {
  using Accept = int (*)(SSL*);
  static const auto real = reinterpret_cast<Accept>(::dlsym(RTLD_NEXT, "SSL_accept"));
  if (real == nullptr) return -1;
  int result = real(ssl);
  auto* log = rally::app::refusal_log.load();
  if (result > 0 || log == nullptr) return result;
  int error = SSL_get_error(ssl, result);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return result;
  if (SSL_get_ex_data(ssl, rally::app::logged_mark()) != nullptr) return result;
  SSL_set_ex_data(ssl, rally::app::logged_mark(), ssl);
  std::string why = "the TLS handshake failed";
  if (auto code = ERR_peek_error(); code != 0) {
    if (const char* reason = ERR_reason_error_string(code)) why += std::string(": ") + reason;
  } else if (error == SSL_ERROR_SYSCALL || error == SSL_ERROR_ZERO_RETURN) {
    why += ": the peer closed the connection";
  }
  log->warning("refused a connection from " + rally::app::peer_address(SSL_get_fd(ssl)) + ": " + why +
               " (a coordinator needs a certificate signed by this daemon's --tls-ca-file)");
  return result;
}
