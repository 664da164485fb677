#pragma once

// What the connections of one Worker share (ClientSetup::Shared), and the connection types
// behind the Connection interface. Internal to the client area.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "rally/client/connection.hpp"

#include "static_responses.hpp"

namespace rally::client {

// Addresses by host, resolved once and shared by every connection to the host.
class ResolvedHosts {
 public:
  using Endpoints = std::vector<asio::ip::tcp::endpoint>;
  [[nodiscard]] Endpoints find(const HostPort& host) const {
    std::lock_guard lock(mutex_);
    auto it = hosts_.find(host.to_string());
    return it == hosts_.end() ? Endpoints{} : it->second;
  }
  void store(const HostPort& host, const Endpoints& endpoints) const {
    std::lock_guard lock(mutex_);
    hosts_.emplace(host.to_string(), endpoints);
  }

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::string, Endpoints> hosts_;
};

struct ClientSetup::Shared {
  ResolvedHosts resolved;
  Timeouts timeouts;
  bool tls = false;
  bool verify_certs = true;
  std::string trusted_cas;  // for messages: the CA file, or the system's trust store
  // Non-const: OpenSSL objects are made from it; it is only read after set-up.
  std::shared_ptr<asio::ssl::context> tls_context;
  // Header lines sent with every request ("Name: value\r\n" each): Accept, authentication,
  // the client's headers, X-Opaque-Id, Accept-Encoding.
  std::string header_block;
  // The client's own headers and X-Opaque-Id: an operation's header of the same name
  // replaces them (Rally's per-request opaque-id), so they are kept apart.
  Headers client_headers;
  std::string client_header_block;     // the same, ready to send when the request has none
  std::string json_type, ndjson_type;  // Content-Type values for this cluster
  bool compress = false;
  std::shared_ptr<const StaticResponses> statics;
};

std::unique_ptr<Connection> make_tcp_connection(asio::any_io_executor executor, HostPort target,
                                                std::shared_ptr<const ClientSetup::Shared> shared);
std::unique_ptr<Connection> make_tls_connection(asio::any_io_executor executor, HostPort target,
                                                std::shared_ptr<const ClientSetup::Shared> shared);
std::unique_ptr<Connection> make_static_connection(asio::any_io_executor executor, HostPort target,
                                                   std::shared_ptr<const ClientSetup::Shared> shared);

}  // namespace rally::client
