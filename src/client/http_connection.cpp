#include "rally/client/http_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace rally::client {

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Bulk responses with detailed results and large searches exceed Beast's 8 MB default.
constexpr std::uint64_t body_limit = 1ull << 30;
}  // namespace

HttpConnection::HttpConnection(asio::any_io_executor executor, HostPort target, Timeouts timeouts)
    : resolver_(executor),
      stream_(executor),
      target_(std::move(target)),
      host_header_(target_.to_string()),
      timeouts_(timeouts) {}

asio::awaitable<boost::system::error_code> HttpConnection::connect() {
  boost::system::error_code ec;
  if (endpoints_.empty()) {
    // The resolver has no deadline of its own: a timer cancels it after the connect timeout.
    asio::steady_timer deadline(stream_.get_executor(), timeouts_.connect);
    // Shared: the handler may run after this frame moved on, if both completed at once.
    auto timed_out = std::make_shared<bool>(false);
    deadline.async_wait([this, timed_out](boost::system::error_code wait_ec) {
      if (!wait_ec) {
        *timed_out = true;
        resolver_.cancel();
      }
    });
    auto [rec, results] = co_await resolver_.async_resolve(target_.host, std::to_string(target_.port), use_tuple);
    deadline.cancel();
    if (*timed_out) co_return beast::error::timeout;
    if (rec) co_return rec;
    for (const auto& r : results) endpoints_.push_back(r.endpoint());
  }
  stream_.expires_after(timeouts_.connect);
  auto [cec, endpoint] = co_await stream_.async_connect(endpoints_, use_tuple);
  if (cec) co_return cec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  connected_ = true;
  co_return boost::system::error_code{};
}

asio::awaitable<Exchange> HttpConnection::attempt(Request& request, std::chrono::milliseconds timeout) {
  Exchange result;
  stream_.expires_after(timeout.count() > 0 ? timeout : timeouts_.request);
  Nanos start = monotonic_ns();
  auto [wec, written] = co_await http::async_write(stream_, request, use_tuple);
  if (wec) {
    result.ec = wec;
    co_return result;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  body_.clear();
  auto [rec, read] = co_await http::async_read(stream_, buffer_, parser, use_tuple);
  result.service_time = monotonic_ns() - start;
  if (rec) {
    result.ec = rec;
    co_return result;
  }
  auto& response = parser.get();
  result.status = response.result_int();
  body_ = std::move(response.body());
  if (!response.keep_alive()) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    connected_ = false;
  }
  co_return result;
}

void HttpConnection::reset() {
  stream_.close();
  connected_ = false;
  buffer_.clear();
}

asio::awaitable<Exchange> HttpConnection::exchange(Request& request, std::chrono::milliseconds timeout) {
  request.set(http::field::host, host_header_);
  request.keep_alive(true);
  request.prepare_payload();
  const bool reused = connected_;
  Exchange result;
  for (int round = 0; round < 2; ++round) {
    if (!connected_) {
      if (auto ec = co_await connect()) {
        reset();
        result = Exchange{};
        result.ec = ec;
        result.connect_failed = true;
        co_return result;
      }
    }
    result = co_await attempt(request, timeout);
    if (!result.ec) co_return result;
    reset();
    // A server may close an idle keep-alive connection just as we reuse it: then, and only
    // then, the request goes once more on a new connection.
    bool stale = reused && round == 0 && result.status == 0 &&
                 (result.ec == http::error::end_of_stream || result.ec == asio::error::eof ||
                  result.ec == asio::error::connection_reset || result.ec == asio::error::broken_pipe);
    if (!stale) break;
  }
  co_return result;
}

}  // namespace rally::client
