#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>

#include "rally/common/clock.hpp"
#include "rally/common/host.hpp"
#include "rally/common/race_config.hpp"

namespace rally::client {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct Timeouts {
  std::chrono::milliseconds connect{10'000};
  std::chrono::milliseconds request{60'000};
};

enum class ContentType : std::uint8_t { json, ndjson };

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request as a runner prepares it. A client reuses one HttpRequest for all its
// requests: its strings and vectors keep their capacity, so steady-state requests do not
// allocate. Host, Content-Length, authentication and the client's headers are the
// connection's business.
struct HttpRequest {
  http::verb method = http::verb::get;
  std::string target = "/";  // path and query string
  ContentType content_type = ContentType::json;
  std::string body;
  // When not empty, the body instead of `body`: scatter/gather buffers, e.g. bulk lines
  // straight from the memory-mapped corpus.
  std::vector<asio::const_buffer> pieces;
  const Headers* headers = nullptr;  // the operation's own headers (headers, opaque-id)

  [[nodiscard]] std::size_t body_size() const;
  // The path without the query string.
  [[nodiscard]] std::string_view path() const;
};

// The outcome of one request/response exchange. Errors are values: `ec` is set for
// transport failures and timeouts, `status` holds the HTTP status otherwise.
struct Exchange {
  boost::system::error_code ec;
  unsigned status = 0;
  Nanos service_time = 0;       // first byte written to last byte read
  bool connect_failed = false;  // no connection (refused, DNS, TLS handshake)
  std::uint64_t bytes_sent = 0;
};

// One simulated client's connection to one target, used only on its Worker's io thread:
// a keep-alive HTTP/1.1 connection (plain or TLS), or canned answers (static_responses).
class Connection {
 public:
  virtual ~Connection() = default;

  // Sends `request` and reads the whole response, within `timeout` (zero: the connection's
  // request timeout). A keep-alive connection that the server had closed is reopened and
  // the request sent once more.
  virtual asio::awaitable<Exchange> exchange(HttpRequest& request, std::chrono::milliseconds timeout = {}) = 0;

  // The body of the last response (decompressed); valid until the next exchange.
  [[nodiscard]] const std::string& body() const { return body_; }
  [[nodiscard]] const HostPort& target() const { return target_; }
  [[nodiscard]] const Timeouts& timeouts() const { return timeouts_; }
  [[nodiscard]] const asio::any_io_executor& executor() const { return executor_; }
  // A readable description of the last transport error (e.g. the TLS verification failure).
  [[nodiscard]] virtual std::string describe(const boost::system::error_code& ec) const { return ec.message(); }

 protected:
  Connection(asio::any_io_executor executor, HostPort target, Timeouts timeouts)
      : executor_(std::move(executor)), target_(std::move(target)), timeouts_(timeouts) {}

  std::string body_;
  asio::any_io_executor executor_;
  HostPort target_;
  Timeouts timeouts_;
};

// What every connection of a race shares, built once per Worker from the race's options:
// the TLS context, the header block (authentication, the client's headers, media types for
// the cluster), compression and static responses. Throws RallyError on bad options (an
// unreadable CA file, a malformed static_responses file).
class ClientSetup {
 public:
  explicit ClientSetup(const RaceConfig& config);
  ~ClientSetup();

  // A connection to `target` (opened lazily, by the first exchange).
  [[nodiscard]] std::unique_ptr<Connection> connect(asio::any_io_executor executor, const HostPort& target) const;
  // Client `index`'s connection: clients spread over the target hosts round-robin.
  [[nodiscard]] std::unique_ptr<Connection> connect_client(asio::any_io_executor executor, std::size_t index) const;

  [[nodiscard]] const Timeouts& timeouts() const;
  [[nodiscard]] bool static_responses() const;
  // What GET / said (RaceConfig::cluster_distribution); empty before the probe.
  [[nodiscard]] const std::string& distribution() const { return distribution_; }

  struct Shared;

 private:
  std::shared_ptr<const Shared> shared_;
  std::vector<HostPort> hosts_;
  std::string distribution_;
};

// Media types for the cluster: Elasticsearch 8 and later get Rally's compatible-with types.
std::string content_type_for(ContentType type, const std::string& distribution, const std::string& version);
std::string accept_for(const std::string& distribution, const std::string& version);

}  // namespace rally::client
