// Keep-alive HTTP/1.1 connections over TCP or TLS. The request head is written by hand
// into a reused string and sent with the body (or the bulk's scatter/gather pieces) in one
// gathered write; the response is read by ResponseParser into a reused body string.

#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "client_shared.hpp"
#include "gzip.hpp"
#include "response_parser.hpp"
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace rally::client {

namespace {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Bulk responses with detailed results and large searches exceed Beast's 8 MB default.
constexpr std::uint64_t body_limit = 1ull << 30;

void append_number(std::string& out, std::size_t n) {
  char digits[24];
  char* end = digits + sizeof digits;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0);
  out.append(p, end);
}

bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == beast::http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

template <class Stream>
class StreamConnection final : public Connection {
 public:
  static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

  StreamConnection(asio::any_io_executor executor, HostPort target, std::shared_ptr<const ClientSetup::Shared> shared)
      : Connection(executor, std::move(target), shared->timeouts),
        shared_(std::move(shared)),
        resolver_(executor),
        host_header_(target_.to_string()) {}

  asio::awaitable<Exchange> exchange(HttpRequest& request, std::chrono::milliseconds timeout) override {
    const bool reused = stream_.has_value();
    Attempt result;
    for (int round = 0; round < 2; ++round) {
      if (!stream_) {
        if (auto ec = co_await connect()) {
          stream_.reset();
          result = Attempt{};
          result.ec = ec;
          result.connect_failed = true;
          co_return result;
        }
      }
      result = co_await attempt(request, timeout);
      if (!result.ec) co_return result;
      reset();
      // A server may close an idle keep-alive connection just as we reuse it: then, and
      // only then, the request goes once more on a new connection. Nothing was answered, so
      // this is safe for every request.
      if (!(reused && round == 0 && !result.response_started && is_stale_connection_error(result.ec))) break;
    }
    co_return static_cast<Exchange>(result);
  }

  [[nodiscard]] std::string describe(const boost::system::error_code& ec) const override {
    if constexpr (tls) {
      if (verify_result_ != X509_V_OK) {
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify_result_) +
               " (trusted CAs: " + shared_->trusted_cas + ")";
      }
      if (ec.category() == asio::error::get_ssl_category()) return "TLS error: " + ec.message();
    }
    if (ec == beast::error::timeout) return "timed out";
    return ec.message();
  }

 private:
  struct Attempt : Exchange {
    bool response_started = false;
  };

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(*stream_); }

  asio::awaitable<boost::system::error_code> connect() {
    if (endpoints_.empty()) {  // resolved once per connection, bounded by the connect timeout
      asio::steady_timer deadline(executor_, timeouts_.connect);
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
    if constexpr (tls) {
      stream_.emplace(executor_, *shared_->tls_context);
    } else {
      stream_.emplace(executor_);
    }
    lowest().expires_after(timeouts_.connect);
    auto [cec, endpoint] = co_await lowest().async_connect(endpoints_, use_tuple);
    if (cec) co_return cec;
    boost::system::error_code ignored;
    lowest().socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (tls) {
      SSL* handle = stream_->native_handle();
      boost::system::error_code ip_ec;
      asio::ip::make_address(target_.host, ip_ec);
      if (shared_->verify_certs) {
        if (!ip_ec) {
          X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), target_.host.c_str());
        } else {
          SSL_set1_host(handle, target_.host.c_str());
        }
      }
      if (ip_ec) SSL_set_tlsext_host_name(handle, target_.host.c_str());
      lowest().expires_after(timeouts_.connect);
      auto [hec] = co_await stream_->async_handshake(asio::ssl::stream_base::client, use_tuple);
      verify_result_ = SSL_get_verify_result(handle);
      if (hec) co_return hec;
      verify_result_ = X509_V_OK;
    }
    co_return boost::system::error_code{};
  }

  void build_head(const HttpRequest& request, std::size_t body_size, bool compressed) {
    head_.clear();
    auto method = beast::http::to_string(request.method);
    head_.append(method.data(), method.size());
    head_ += ' ';
    head_ += request.target;
    head_ += " HTTP/1.1\r\nHost: ";
    head_ += host_header_;
    head_ += "\r\n";
    head_ += shared_->header_block;
    if (body_size > 0 || request.method == http::verb::post || request.method == http::verb::put) {
      head_ += "Content-Type: ";
      head_ += request.content_type == ContentType::ndjson ? shared_->ndjson_type : shared_->json_type;
      head_ += "\r\nContent-Length: ";
      append_number(head_, body_size);
      head_ += "\r\n";
      if (compressed) head_ += "Content-Encoding: gzip\r\n";
    }
    if (request.headers) {
      for (const auto& [name, value] : *request.headers) {
        head_ += name;
        head_ += ": ";
        head_ += value;
        head_ += "\r\n";
      }
    }
    head_ += "\r\n";
  }

  asio::awaitable<Attempt> attempt(HttpRequest& request, std::chrono::milliseconds timeout) {
    Attempt result;
    buffers_.clear();
    std::size_t body_size = request.body_size();
    bool compressed = shared_->compress && body_size > 0;
    if (compressed) {
      if (request.pieces.empty()) {
        gzip_.compress(std::array<asio::const_buffer, 1>{asio::buffer(request.body)}, body_size, compressed_);
      } else {
        gzip_.compress(request.pieces, body_size, compressed_);
      }
      body_size = compressed_.size();
    }
    build_head(request, body_size, compressed);
    buffers_.push_back(asio::buffer(head_));
    if (compressed) {
      buffers_.push_back(asio::buffer(compressed_));
    } else if (!request.pieces.empty()) {
      buffers_.insert(buffers_.end(), request.pieces.begin(), request.pieces.end());
    } else if (!request.body.empty()) {
      buffers_.push_back(asio::buffer(request.body));
    }
    lowest().expires_after(timeout.count() > 0 ? timeout : timeouts_.request);
    Nanos start = monotonic_ns();
    auto [wec, written] = co_await asio::async_write(*stream_, buffers_, use_tuple);
    result.bytes_sent = written;
    if (wec) {
      result.ec = wec;
      co_return result;
    }
    ResponseParser parser(body_, body_limit);
    auto [rec, read] = co_await beast::http::async_read(*stream_, buffer_, parser, use_tuple);
    result.service_time = monotonic_ns() - start;
    result.response_started = read > 0 || parser.got_some();
    if (rec) {
      result.ec = rec;
      co_return result;
    }
    result.status = parser.status();
    if (parser.gzip()) {
      if (!gzip_.decompress(body_, inflated_)) {
        result.ec = beast::http::error::bad_transfer_encoding;
        co_return result;
      }
      body_.swap(inflated_);
    }
    if (!parser.keep_alive()) reset();
    co_return result;
  }

  void reset() {
    if (stream_) {
      boost::system::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().close();
    }
    stream_.reset();
    buffer_.clear();
  }

  std::shared_ptr<const ClientSetup::Shared> shared_;
  tcp::resolver resolver_;
  std::optional<Stream> stream_;  // open connection; re-made for every connect (TLS state)
  beast::flat_buffer buffer_;
  std::string host_header_;
  std::string head_;
  std::string compressed_;
  std::string inflated_;
  std::vector<asio::const_buffer> buffers_;
  std::vector<tcp::endpoint> endpoints_;
  Gzip gzip_;
  long verify_result_ = X509_V_OK;
};

}  // namespace

std::unique_ptr<Connection> make_tcp_connection(asio::any_io_executor executor, HostPort target,
                                                std::shared_ptr<const ClientSetup::Shared> shared) {
  return std::make_unique<StreamConnection<beast::tcp_stream>>(std::move(executor), std::move(target),
                                                               std::move(shared));
}

std::unique_ptr<Connection> make_tls_connection(asio::any_io_executor executor, HostPort target,
                                                std::shared_ptr<const ClientSetup::Shared> shared) {
  return std::make_unique<StreamConnection<TlsStream>>(std::move(executor), std::move(target), std::move(shared));
}

}  // namespace rally::client
