#pragma once

#include "rally/common/log.hpp"

namespace rally::app {

// CAF's OpenSSL module refuses a peer whose TLS handshake fails (no certificate, one from
// another CA, plain TCP) without telling anyone. rally-daemon wraps OpenSSL's SSL_accept,
// which the module calls, to log each refusal with the peer's address into `log`.
void log_tls_refusals_to(Log* log);

}  // namespace rally::app
