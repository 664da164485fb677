// Keep-alive HTTP/1.1 connections over TCP or TLS. The request head is written by hand
// into a reused string and sent with the body (or the bulk's scatter/gather pieces) in one
// gathered write; the response is read by ResponseParser into a reused body string.

#include <algorithm>
#include <cerrno>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "client_shared.hpp"
#include "gzip.hpp"
#include "response_parser.hpp"
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

namespace rally::client {

namespace {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<tcp::socket>;

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

// A non-owning view of buffers, so that an asynchronous write does not copy the vector.
struct BufferRange {
  using value_type = asio::const_buffer;
  using const_iterator = const asio::const_buffer*;
  const asio::const_buffer* first;
  const asio::const_buffer* last;
  [[nodiscard]] const_iterator begin() const { return first; }
  [[nodiscard]] const_iterator end() const { return last; }
};

template <class Stream>
class StreamConnection final : public Connection {
 public:
  static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

  StreamConnection(asio::any_io_executor executor, HostPort target, std::shared_ptr<const ClientSetup::Shared> shared)
      : Connection(executor, std::move(target), shared->timeouts),
        shared_(std::move(shared)),
        resolver_(executor),
        deadline_(executor),
        host_header_(target_.to_string()),
        alive_(std::make_shared<char>()) {}

  ~StreamConnection() override { deadline_.cancel(); }

  asio::awaitable<Exchange> exchange(HttpRequest& request, std::chrono::milliseconds timeout) override {
    const bool reused = stream_.has_value();
    Attempt result;
    for (int round = 0; round < 2; ++round) {
      if (!stream_) {
        arm(timeouts_.connect);
        auto ec = co_await connect();
        disarm();
        if (ec) {
          reset();
          result = Attempt{};
          result.ec = ec;
          result.connect_failed = true;
          co_return static_cast<Exchange>(result);
        }
      }
      arm(timeout.count() > 0 ? timeout : timeouts_.request);
      result = co_await attempt(request);
      disarm();
      if (!result.ec) co_return static_cast<Exchange>(result);
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
    if (ec == beast::http::error::partial_message) return "the connection closed in the middle of the response";
    return ec.message();
  }

 private:
  struct Attempt : Exchange {
    bool response_started = false;
  };

  tcp::socket& socket() {
    if constexpr (tls) {
      return stream_->next_layer();
    } else {
      return *stream_;
    }
  }

  // One deadline per exchange (not per socket operation): when it passes, the socket's
  // pending operation is cancelled and reported as a timeout.
  void arm(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    ++generation_;
    deadline_.expires_after(timeout);
    deadline_.async_wait(
        [this, alive = std::weak_ptr<char>(alive_), generation = generation_](boost::system::error_code ec) {
          if (ec || alive.expired() || generation != generation_) return;
          timed_out_ = true;
          resolver_.cancel();
          if (stream_) {
            boost::system::error_code ignored;
            socket().cancel(ignored);
          }
        });
  }
  void disarm() {
    ++generation_;
    deadline_.cancel();
  }
  boost::system::error_code timed(boost::system::error_code ec) const {
    return timed_out_ && ec ? boost::system::error_code(beast::error::timeout) : ec;
  }

  asio::awaitable<boost::system::error_code> connect() {
    verify_result_ = X509_V_OK;  // describes this attempt's handshake only
    if (endpoints_.empty()) endpoints_ = shared_->resolved.find(target_);
    if (endpoints_.empty()) {  // resolved once per host for all the Worker's connections
      auto [rec, results] = co_await resolver_.async_resolve(target_.host, std::to_string(target_.port), use_tuple);
      if (rec) co_return timed(rec);
      for (const auto& r : results) endpoints_.push_back(r.endpoint());
      shared_->resolved.store(target_, endpoints_);
    }
    if constexpr (tls) {
      stream_.emplace(executor_, *shared_->tls_context);
    } else {
      stream_.emplace(executor_);
    }
    auto [cec, endpoint] = co_await asio::async_connect(socket(), endpoints_, use_tuple);
    if (cec) co_return timed(cec);
    boost::system::error_code ignored;
    socket().set_option(tcp::no_delay(true), ignored);
    socket().non_blocking(true, ignored);
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
      auto [hec] = co_await stream_->async_handshake(asio::ssl::stream_base::client, use_tuple);
      verify_result_ = SSL_get_verify_result(handle);
      if (hec) co_return timed(hec);
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
    if (!request.headers) {
      head_ += shared_->client_header_block;
    } else {
      for (const auto& header : shared_->client_headers) {
        bool replaced = std::any_of(request.headers->begin(), request.headers->end(),
                                    [&](const auto& h) { return beast::iequals(h.first, header.first); });
        if (replaced) continue;
        head_ += header.first;
        head_ += ": ";
        head_ += header.second;
        head_ += "\r\n";
      }
    }
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

  // Plain TCP: the head, then the body's buffers, go to sendmsg up to 1024 at a time (Asio's
  // own writes take 64, which splits a 5,000-document bulk into hundreds of small segments).
  asio::awaitable<boost::system::error_code> write_all(BufferRange body, std::uint64_t& written) {
    constexpr std::size_t max_iov = 1024;
    iovec iov[max_iov];
    // Buffer i: the head for 0, else body's i-1; no copy of the body's (many) buffers.
    const std::size_t buffers = 1 + static_cast<std::size_t>(body.last - body.first);
    auto at = [&](std::size_t i) { return i == 0 ? asio::const_buffer(asio::buffer(head_)) : body.first[i - 1]; };
    std::size_t index = 0, offset = 0;
    const int fd = socket().native_handle();
    while (index < buffers) {
      std::size_t count = 0;
      for (std::size_t i = index; i < buffers && count < max_iov; ++i, ++count) {
        const auto b = at(i);
        std::size_t skip = i == index ? offset : 0;
        iov[count].iov_base = const_cast<char*>(static_cast<const char*>(b.data()) + skip);
        iov[count].iov_len = b.size() - skip;
      }
      msghdr message{};
      message.msg_iov = iov;
      message.msg_iovlen = count;
      auto n = ::sendmsg(fd, &message, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
          co_return boost::system::error_code(errno, boost::asio::error::get_system_category());
        auto [wec] = co_await socket().async_wait(tcp::socket::wait_write, use_tuple);
        if (wec) co_return timed(wec);
        continue;
      }
      written += static_cast<std::uint64_t>(n);
      auto left = static_cast<std::size_t>(n);
      while (left > 0 && index < buffers) {
        std::size_t available = at(index).size() - offset;
        if (left < available) {
          offset += left;
          left = 0;
        } else {
          left -= available;
          ++index;
          offset = 0;
        }
      }
      while (index < buffers && at(index).size() == 0) ++index;
    }
    co_return boost::system::error_code{};
  }

  asio::awaitable<Attempt> attempt(HttpRequest& request) {
    Attempt result;
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
    // The body as buffers, without copying the pieces: one string, or the request's pieces.
    asio::const_buffer single = asio::buffer(compressed ? compressed_ : request.body);
    BufferRange body = compressed || request.pieces.empty()
                           ? BufferRange{&single, &single + (single.size() > 0 ? 1 : 0)}
                           : BufferRange{request.pieces.data(), request.pieces.data() + request.pieces.size()};
    Nanos start = monotonic_ns();
    boost::system::error_code wec;
    if constexpr (tls) {
      // TLS: Beast's ssl_stream gathers small buffers into full records itself.
      auto [ec, n] = co_await asio::async_write(*stream_, beast::buffers_cat(asio::buffer(head_), body), use_tuple);
      wec = ec;
      result.bytes_sent = n;
    } else {
      wec = co_await write_all(body, result.bytes_sent);
    }
    if (wec) {
      result.ec = timed(wec);
      co_return result;
    }
    ResponseParser parser(body_, body_limit);
    parser.eager(true);
    parser.skip(request.method == http::verb::head);  // a HEAD answer announces a body it does not send
    boost::system::error_code ec;
    for (;;) {
      if (buffer_.size() > 0) {
        auto used = parser.put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == beast::http::error::need_more) {
          ec = {};
        } else if (ec) {
          break;
        }
        if (parser.is_done()) break;
        if (used > 0 && buffer_.size() > 0) continue;  // more to parse without reading
      }
      // Small reads for small answers keep an idle client's memory low; a buffer that once
      // grew for a large answer is used whole.
      auto room = std::clamp<std::size_t>(buffer_.capacity() - buffer_.size(), min_read, max_read);
      auto [rec, n] = co_await stream_->async_read_some(buffer_.prepare(room), use_tuple);
      buffer_.commit(n);
      if (n > 0) result.response_started = true;
      if (rec == asio::error::eof || rec == asio::ssl::error::stream_truncated) {
        // A response without a length ends with the connection.
        if (parser.got_some() && n == 0) {
          parser.put_eof(ec);
          if (!ec && parser.is_done()) break;
          if (ec) break;  // partial_message: the answer was cut short (Content-Length or chunks not all there)
        }
        ec = rec == asio::error::eof && !parser.got_some()
                 ? boost::system::error_code(beast::http::error::end_of_stream)
                 : rec;
        break;
      }
      if (rec) {
        ec = rec;
        break;
      }
    }
    result.service_time = monotonic_ns() - start;
    if (ec) {
      result.ec = timed(ec);
      co_return result;
    }
    result.status = parser.status();
    if (parser.gzip() && !body_.empty()) {
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
      socket().shutdown(tcp::socket::shutdown_both, ignored);
      socket().close(ignored);
    }
    stream_.reset();
    buffer_.clear();
  }

  static constexpr std::size_t min_read = 4 * 1024, max_read = 256 * 1024;

  std::shared_ptr<const ClientSetup::Shared> shared_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  std::optional<Stream> stream_;  // open connection; re-made for every connect (TLS state)
  beast::flat_buffer buffer_;
  std::string host_header_;
  std::string head_;
  std::string compressed_;
  std::string inflated_;
  std::vector<tcp::endpoint> endpoints_;
  Gzip gzip_;
  long verify_result_ = X509_V_OK;
  bool timed_out_ = false;
  std::uint64_t generation_ = 0;
  std::shared_ptr<char> alive_;  // the deadline's handler checks it: it may outlive us
};

}  // namespace

std::unique_ptr<Connection> make_tcp_connection(asio::any_io_executor executor, HostPort target,
                                                std::shared_ptr<const ClientSetup::Shared> shared) {
  return std::make_unique<StreamConnection<tcp::socket>>(std::move(executor), std::move(target), std::move(shared));
}

std::unique_ptr<Connection> make_tls_connection(asio::any_io_executor executor, HostPort target,
                                                std::shared_ptr<const ClientSetup::Shared> shared) {
  return std::make_unique<StreamConnection<TlsStream>>(std::move(executor), std::move(target), std::move(shared));
}

}  // namespace rally::client
