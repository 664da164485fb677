#include "rally/track/download.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "rally/common/errors.hpp"
#include "rally/track/corpus_url.hpp"

#include "corpus_http.hpp"
#include "corpus_sha256.hpp"
#include <fcntl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rally::track {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Large enough that a fast link needs few wakeups, small enough to bound a step's disk write.
constexpr std::size_t chunk_size = 256u << 10;

// What one request/response exchange leads to.
struct Answer {
  enum class Kind : std::uint8_t { complete, redirect, restart };
  Kind kind = Kind::complete;
  std::string location;
};

}  // namespace

std::string offline_message(const std::string& target, const std::string& url) {
  return target + " is missing and rally is offline (--offline): place it at " + target +
         " or run without --offline to download it from " + url;
}

struct Download::Impl {
  enum class Phase : std::uint8_t { idle, transferring, verifying, done, failed };

  explicit Impl(DownloadOptions o) : options(std::move(o)), part(options.target + ".part") {
    if (options.offline) throw RallyError(offline_message(options.target, options.url));
    url = parse_url(options.url);
    if (options.expected_sha256) {
      expected_sha256 = lower_hex(*options.expected_sha256);
      if (!expected_sha256) {
        throw RallyError("cannot download " + options.url + ": the expected SHA-256 '" + *options.expected_sha256 +
                         "' is not 64 hex digits");
      }
    }
    chunk.resize(chunk_size);
  }

  ~Impl() {
    close_files();
    // An empty part resumes nothing; a part we never opened may hold an earlier attempt.
    if ((phase == Phase::transferring || phase == Phase::verifying) && size == 0) ::unlink(part.c_str());
  }

  bool step(std::chrono::milliseconds budget) {
    if (phase == Phase::failed) throw RallyError(error);
    if (phase == Phase::done) return true;
    const auto deadline = Clock::now() + std::max(budget, std::chrono::milliseconds(1));
    try {
      if (phase == Phase::idle) start();
      if (phase == Phase::transferring) {
        io.run_until(deadline);
        if (!transfer_finished) return false;
        if (transfer_error) std::rethrow_exception(transfer_error);
        report(true);
        phase = Phase::verifying;
      }
      if (!verify(deadline)) return false;
      phase = Phase::done;
      return true;
    } catch (const RallyError& e) {
      set_failed(e.what());
    } catch (const std::exception& e) {
      set_failed(fail(e.what()).what());
    }
    throw RallyError(error);
  }

  void start() {
    std::error_code ec;
    auto dir = std::filesystem::path(options.target).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw fail("cannot open " + part + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw fail("cannot stat " + part + ": " + std::strerror(errno));
    size = static_cast<std::uint64_t>(st.st_size);
    // A part longer than the whole file is from some other file: no resume can fix it.
    if (options.expected_size && size > *options.expected_size) truncate_part();
    phase = Phase::transferring;
    last_report = Clock::now();
    asio::co_spawn(io, transfer(), [this](const std::exception_ptr& e) {
      transfer_error = e;
      transfer_finished = true;
    });
  }

  asio::awaitable<void> transfer() {
    int redirects = 0;
    int restarts = 0;
    for (;;) {
      co_await connect();
      // Not `?:` with two co_awaits: GCC 12 destroys the result twice.
      Answer answer;
      if (url.tls()) {
        answer = co_await fetch(*tls, beast::get_lowest_layer(*tls));
      } else {
        answer = co_await fetch(*plain, *plain);
      }
      close_connection();
      switch (answer.kind) {
        case Answer::Kind::complete:
          co_return;
        case Answer::Kind::restart:
          // Once without Range must work; more means the server changes its mind.
          if (++restarts > 2) throw fail("the server answers range requests inconsistently");
          break;
        case Answer::Kind::redirect:
          if (++redirects > options.max_redirects) {
            throw fail("more than " + std::to_string(options.max_redirects) + " redirects (the last to " +
                       answer.location + ")");
          }
          try {
            url = parse_url(resolve_location(url, answer.location));
          } catch (const RallyError& e) {
            throw fail(std::string("the server redirects to an unusable URL: ") + e.what());
          }
          break;
      }
    }
  }

  asio::awaitable<void> connect() {
    // Asio's resolver has no deadline of its own: a timer cancels it.
    asio::steady_timer timer(io, options.connect_timeout);
    timer.async_wait([this](boost::system::error_code ec) {
      if (!ec) resolver.cancel();
    });
    auto [rec, endpoints] = co_await resolver.async_resolve(url.host, std::to_string(url.port), use_tuple);
    timer.cancel();
    if (rec == asio::error::operation_aborted) {
      throw fail("cannot resolve host '" + url.host + "' within " + seconds(options.connect_timeout) +
                 " (connect timeout)");
    }
    if (rec) throw fail("cannot resolve host '" + url.host + "': " + rec.message());

    beast::tcp_stream* lowest = nullptr;
    if (url.tls()) {
      make_tls_context();
      tls.emplace(io, *tls_context);
      lowest = &beast::get_lowest_layer(*tls);
    } else {
      plain.emplace(io);
      lowest = &*plain;
    }
    lowest->expires_after(options.connect_timeout);
    auto [cec, endpoint] = co_await lowest->async_connect(endpoints, use_tuple);
    if (cec == beast::error::timeout) {
      throw fail("no connection to " + url.authority() + " within " + seconds(options.connect_timeout) +
                 " (connect timeout)");
    }
    if (cec == asio::error::connection_refused) throw fail("connection refused by " + url.authority());
    if (cec) throw fail("cannot connect to " + url.authority() + ": " + cec.message());
    if (!url.tls()) co_return;

    SSL* handle = tls->native_handle();
    boost::system::error_code ip_ec;
    asio::ip::make_address(url.host, ip_ec);
    if (!ip_ec) {
      // An IP literal gets no SNI (RFC 6066) and is matched against the IP SANs.
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), url.host.c_str());
    } else {
      SSL_set_tlsext_host_name(handle, url.host.c_str());
      SSL_set1_host(handle, url.host.c_str());
    }
    lowest->expires_after(options.connect_timeout);
    auto [hec] = co_await tls->async_handshake(ssl::stream_base::client, use_tuple);
    if (!hec) co_return;
    auto verify = SSL_get_verify_result(handle);
    if (verify != X509_V_OK) {
      throw fail("the TLS certificate of " + url.authority() +
                 " cannot be verified: " + X509_verify_cert_error_string(verify) + " (trusted CAs: " +
                 (options.ca_file.empty() ? std::string("the system's trust store") : options.ca_file) + ")");
    }
    if (hec == beast::error::timeout) {
      throw fail("no TLS handshake with " + url.authority() + " within " + seconds(options.connect_timeout) +
                 " (connect timeout)");
    }
    throw fail("TLS handshake with " + url.authority() + " failed: " + hec.message());
  }

  void make_tls_context() {
    if (tls_context) return;
    tls_context.emplace(ssl::context::tls_client);
    tls_context->set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (options.ca_file.empty()) {
      tls_context->set_default_verify_paths(ec);
    } else {
      tls_context->load_verify_file(options.ca_file, ec);
    }
    if (ec) {
      auto what = options.ca_file.empty() ? "the system's trust store" : "the CA file " + options.ca_file;
      throw fail("cannot load " + what + ": " + ec.message());
    }
  }

  template <class Stream>
  asio::awaitable<Answer> fetch(Stream& stream, beast::tcp_stream& lowest) {
    http::request<http::empty_body> request{http::verb::get, url.target, 11};
    request.set(http::field::host, url.authority());
    request.set(http::field::user_agent, "rally-cpp");
    // Without it a server may compress, and the sizes in the track would not match.
    request.set(http::field::accept_encoding, "identity");
    request.keep_alive(false);
    const std::uint64_t offset = size;
    if (offset > 0) request.set(http::field::range, "bytes=" + std::to_string(offset) + "-");
    lowest.expires_after(options.stall_timeout);
    auto [wec, written] = co_await http::async_write(stream, request, use_tuple);
    if (wec) throw transport_error(wec, false);

    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);  // corpora are gigabytes
    lowest.expires_after(options.stall_timeout);
    auto [hec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (hec) throw transport_error(hec, false);
    auto& response = parser.get();
    const unsigned status = response.result_int();
    if (is_redirect(status)) {
      auto location = response[http::field::location];
      if (location.empty()) throw fail("HTTP " + std::to_string(status) + " redirect without a Location header");
      co_return Answer{Answer::Kind::redirect, std::string(location)};
    }
    if (status == 416 && offset > 0) {
      // Asking for bytes past the end: complete when the server's total is what we have.
      auto range = parse_content_range(response[http::field::content_range]);
      if (range && range->total && *range->total == offset) {
        total = offset;
        co_return Answer{};
      }
      truncate_part();
      co_return Answer{Answer::Kind::restart, {}};
    }
    std::optional<std::uint64_t> body_length;
    if (parser.content_length()) body_length = *parser.content_length();
    if (status == 206) {
      auto range = parse_content_range(response[http::field::content_range]);
      if (!range || !range->first || *range->first != offset) {
        truncate_part();  // not the range we asked for: start over rather than splice
        co_return Answer{Answer::Kind::restart, {}};
      }
      total = range->total ? range->total : (body_length ? std::optional(offset + *body_length) : std::nullopt);
    } else if (status == 200) {
      if (offset > 0) truncate_part();  // the server ignored Range: the body is the whole file
      sha.reset();
      sha_covers_file = true;
      total = body_length;
    } else {
      throw fail(describe_status(status, response.reason()));
    }
    if (options.expected_size && total && *total != *options.expected_size) {
      discard_part = true;
      throw fail("the server offers " + std::to_string(*total) + " bytes but the track expects " +
                 expected_size_text());
    }
    while (!parser.is_done()) {
      response.body().data = chunk.data();
      response.body().size = chunk.size();
      lowest.expires_after(options.stall_timeout);
      auto [rec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
      append(chunk.data(), chunk.size() - response.body().size);
      if (rec && rec != http::error::need_buffer) throw transport_error(rec, true);
      report(false);
    }
    co_return Answer{};
  }

  void append(const char* data, std::size_t n) {
    if (sha_covers_file) sha.update(data, n);
    while (n > 0) {
      auto w = ::write(fd, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw fail("cannot write " + part + ": " + std::strerror(errno));
      }
      data += w;
      n -= static_cast<std::size_t>(w);
      size += static_cast<std::uint64_t>(w);
    }
  }

  void truncate_part() {
    if (::ftruncate(fd, 0) != 0) throw fail("cannot truncate " + part + ": " + std::strerror(errno));
    size = 0;
  }

  // Checks size and checksum, then gives the file its final name. Hashing a resumed file
  // reads it again, in chunks, so that it too respects the step budget.
  bool verify(Clock::time_point deadline) {
    if (options.expected_size && size != *options.expected_size) {
      discard_part = true;
      throw fail("received " + std::to_string(size) + " bytes but the track expects " + expected_size_text());
    }
    if (expected_sha256) {
      if (!sha_covers_file) {
        if (verify_fd < 0) {
          verify_fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
          if (verify_fd < 0) throw fail("cannot read " + part + ": " + std::strerror(errno));
          sha.reset();
          verify_offset = 0;
        }
        while (verify_offset < size) {
          auto n = ::pread(verify_fd, chunk.data(), chunk.size(), static_cast<off_t>(verify_offset));
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) throw fail("cannot read " + part + ": " + (n < 0 ? std::strerror(errno) : "it shrank"));
          sha.update(chunk.data(), static_cast<std::size_t>(n));
          verify_offset += static_cast<std::uint64_t>(n);
          if (Clock::now() >= deadline && verify_offset < size) return false;
        }
        sha_covers_file = true;
      }
      auto actual = sha.hex_digest();
      if (actual != *expected_sha256) {
        discard_part = true;
        throw fail("SHA-256 mismatch: the file has " + actual + " but " + *expected_sha256 + " is expected");
      }
    }
    if (::fdatasync(fd) != 0) throw fail("cannot sync " + part + ": " + std::strerror(errno));
    close_files();
    if (::rename(part.c_str(), options.target.c_str()) != 0) {
      throw fail("cannot rename " + part + " to " + options.target + ": " + std::strerror(errno));
    }
    return true;
  }

  RallyError transport_error(const boost::system::error_code& ec, bool in_body) const {
    if (ec == beast::error::timeout) {
      return fail("no data from " + url.authority() + " for " + seconds(options.stall_timeout) + " (stall timeout)");
    }
    bool closed = ec == http::error::partial_message || ec == http::error::end_of_stream || ec == asio::error::eof ||
                  ec == asio::error::connection_reset || ec == ssl::error::stream_truncated;
    if (closed && in_body) {
      return fail("the connection closed after " + std::to_string(size) + " of " +
                  (total ? std::to_string(*total) : std::string("?")) + " bytes");
    }
    if (closed) return fail(url.authority() + " closed the connection without an answer");
    return fail("transfer from " + url.authority() + " failed: " + ec.message());
  }

  [[nodiscard]] std::string expected_size_text() const {
    auto text = std::to_string(options.expected_size.value_or(0));
    return options.expected_size_name.empty() ? text : text + " (" + options.expected_size_name + ")";
  }

  [[nodiscard]] RallyError fail(const std::string& what) const {
    auto where = url.to_string() != options.url && !url.host.empty() ? " (redirected to " + url.to_string() + ")" : "";
    return RallyError("cannot download " + options.url + where + ": " + what);
  }

  void set_failed(std::string message) {
    close_connection();
    close_files();
    if (discard_part || size == 0) {
      ::unlink(part.c_str());
      size = 0;
    } else {
      message += "; the first " + std::to_string(size) + " bytes are kept in " + part +
                 " and the next attempt resumes from there";
    }
    error = std::move(message);
    phase = Phase::failed;
  }

  void report(bool force) {
    if (!options.on_progress) return;
    auto now = Clock::now();
    if (!force && now - last_report < options.progress_interval) return;
    last_report = now;
    options.on_progress(progress());
  }

  [[nodiscard]] DownloadProgress progress() const { return {size, total ? total : options.expected_size}; }

  void close_connection() {
    beast::error_code ignored;
    if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
    if (plain) plain->socket().close(ignored);
    buffer.clear();
  }

  void close_files() {
    if (fd >= 0) ::close(fd);
    if (verify_fd >= 0) ::close(verify_fd);
    fd = verify_fd = -1;
  }

  DownloadOptions options;
  std::string part;
  Url url;
  std::optional<std::string> expected_sha256;
  // Declared before every I/O object so that it is destroyed after them: pending
  // operations (and the coroutine they own) are released with it.
  asio::io_context io{1};
  std::optional<ssl::context> tls_context;
  tcp::resolver resolver{io};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::vector<char> chunk;
  int fd = -1;
  int verify_fd = -1;
  std::uint64_t size = 0;  // bytes in the part file
  std::optional<std::uint64_t> total;
  Sha256 sha;
  bool sha_covers_file = false;  // sha has seen every byte of the part, from byte 0
  std::uint64_t verify_offset = 0;
  Phase phase = Phase::idle;
  bool transfer_finished = false;
  std::exception_ptr transfer_error;
  bool discard_part = false;  // the part is wrong, not short: resuming it cannot help
  std::string error;
  Clock::time_point last_report;
};

Download::Download(DownloadOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Download::~Download() = default;

bool Download::step(std::chrono::milliseconds budget) { return impl_->step(budget); }

void Download::run(std::stop_token stop) {
  while (!impl_->step(std::chrono::milliseconds(100))) {
    if (stop.stop_requested()) {
      impl_->set_failed(impl_->fail("cancelled").what());
      throw RallyError(impl_->error);
    }
  }
}

DownloadProgress Download::progress() const { return impl_->progress(); }
const std::string& Download::url() const { return impl_->options.url; }
std::string Download::part_file() const { return impl_->part; }

void download_file(DownloadOptions options, std::stop_token stop) { Download(std::move(options)).run(std::move(stop)); }

}  // namespace rally::track
