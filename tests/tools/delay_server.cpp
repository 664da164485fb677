// A test target that answers after a precise delay, for the measurement tests
// (tests/integration/test_measurement.py). Python's asyncio timers are millisecond-grained;
// a steady_timer is not, so service times of a millisecond can be checked to a few percent.
//
//   delay_server [--port N] [--delay-us N]
//
// Listens on 127.0.0.1 (port 0: one the kernel picks) and prints "port N" on stdout once
// it accepts connections, then "serving" when it answers its first request other than
// `GET /` (a test can wait for the load to begin). `GET /` answers like an OpenSearch 2.19.6 node at once, because
// rally probes it before any load; every other request gets a small search-shaped JSON
// body `delay-us` microseconds after it was read. Keep-alive HTTP/1.1; SIGTERM or SIGINT
// stops it.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::microseconds kSpin{200};

constexpr std::string_view kRoot = R"({"name":"delay-server","cluster_name":"delay","cluster_uuid":"delay-uuid",)"
                                   R"("version":{"distribution":"opensearch","number":"2.19.6",)"
                                   R"("build_type":"tar","lucene_version":"9.12.1",)"
                                   R"("minimum_wire_compatibility_version":"7.10.0",)"
                                   R"("minimum_index_compatibility_version":"7.0.0"},)"
                                   R"("tagline":"The OpenSearch Project: https://opensearch.org/"})";
constexpr std::string_view kAnswer = R"({"took":1,"timed_out":false,)"
                                     R"("_shards":{"total":1,"successful":1,"skipped":0,"failed":0},)"
                                     R"("hits":{"total":{"value":0,"relation":"eq"},"max_score":null,"hits":[]}})";

struct Options {
  unsigned short port = 0;
  std::chrono::microseconds delay{0};
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "delay_server: %s\nusage: delay_server [--port N] [--delay-us N]\n", why);
  std::exit(2);
}

long long number(std::string_view flag, const char* text) {
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || value < 0) usage(("bad value for " + std::string(flag)).c_str());
  return value;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + std::string(arg)).c_str());
    if (arg == "--port") {
      const long long port = number(arg, argv[++i]);
      if (port > 65535) usage("--port out of range");
      options.port = static_cast<unsigned short>(port);
    } else if (arg == "--delay-us") {
      options.delay = std::chrono::microseconds(number(arg, argv[++i]));
    } else {
      usage(("unknown option " + std::string(arg)).c_str());
    }
  }
  return options;
}

void announce_first_request() {
  static bool announced = false;  // one io thread: no race
  if (announced) return;
  announced = true;
  std::printf("serving\n");
  std::fflush(stdout);
}

asio::awaitable<void> serve(tcp::socket socket, std::chrono::microseconds delay) {
  socket.set_option(tcp::no_delay(true));
  boost::beast::flat_buffer buffer;
  asio::steady_timer timer(socket.get_executor());
  for (;;) {
    http::request<http::string_body> request;
    auto [read_ec, read_bytes] = co_await http::async_read(socket, buffer, request, use_tuple);
    if (read_ec) co_return;  // the client closed the connection, or sent garbage
    const bool root = request.method() == http::verb::get && request.target() == "/";
    if (!root && delay.count() > 0) {
      // From the moment the request was read: the delay is the whole of the server's time.
      const auto deadline = std::chrono::steady_clock::now() + delay;
      if (delay > kSpin) {
        timer.expires_at(deadline - kSpin);
        co_await timer.async_wait(use_tuple);
      }
      // Waking from a timer takes tens of microseconds on a busy machine; spinning the
      // last stretch keeps that out of the delay.
      while (std::chrono::steady_clock::now() < deadline) {
      }
    }
    http::response<http::string_body> response(http::status::ok, request.version());
    response.set(http::field::content_type, "application/json; charset=UTF-8");
    response.body() = root ? kRoot : kAnswer;
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    auto [write_ec, write_bytes] = co_await http::async_write(socket, response, use_tuple);
    if (write_ec || !response.keep_alive()) co_return;
    if (!root) announce_first_request();
  }
}

asio::awaitable<void> accept(tcp::acceptor& acceptor, std::chrono::microseconds delay) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;  // e.g. out of descriptors for a moment
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), delay), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  try {
    asio::io_context io(1);
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), options.port));
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
    std::printf("port %u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
    std::fflush(stdout);
    asio::co_spawn(io, accept(acceptor, options.delay), asio::detached);
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "delay_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
