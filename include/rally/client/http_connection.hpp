#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "rally/common/clock.hpp"
#include "rally/common/host.hpp"

namespace rally::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;

struct Timeouts {
  std::chrono::milliseconds connect{10'000};
  std::chrono::milliseconds request{60'000};
};

// The outcome of one request/response exchange. Errors are values: `ec` is set for
// transport failures and timeouts, `status` holds the HTTP status otherwise.
struct Exchange {
  boost::system::error_code ec;
  unsigned status = 0;
  Nanos service_time = 0;  // first byte written to last byte read
  bool connect_failed = false;
};

// One keep-alive HTTP/1.1 connection, owned by one simulated client and used only on
// its Worker's io thread. Reconnects when the server closed an idle connection.
class HttpConnection {
 public:
  HttpConnection(asio::any_io_executor executor, HostPort target, Timeouts timeouts);

  // Sends `request` (Host and keep-alive are set here) and reads the whole response, within
  // `timeout` (zero: the connection's request timeout).
  asio::awaitable<Exchange> exchange(Request& request, std::chrono::milliseconds timeout = {});

  // The body of the last response; valid until the next exchange.
  [[nodiscard]] const std::string& body() const { return body_; }
  [[nodiscard]] const HostPort& target() const { return target_; }
  [[nodiscard]] const Timeouts& timeouts() const { return timeouts_; }
  [[nodiscard]] asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  asio::awaitable<boost::system::error_code> connect();
  asio::awaitable<Exchange> attempt(Request& request, std::chrono::milliseconds timeout);
  void reset();  // closes the connection and forgets buffered bytes

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string body_;
  HostPort target_;
  std::string host_header_;
  Timeouts timeouts_;
  std::vector<tcp::endpoint> endpoints_;  // resolved once
  bool connected_ = false;
};

}  // namespace rally::client
