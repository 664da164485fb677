#include <atomic>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "rally/client/connection.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rally::client {
namespace {

// A loopback server that answers one request per connection, then closes it: every
// keep-alive reuse by the client finds a connection the server already closed.
class OneShotServer {
 public:
  explicit OneShotServer(int connections) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, connections] {
      for (int i = 0; i < connections; ++i) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::string request;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
          auto n = ::read(c, buf, sizeof buf);
          if (n <= 0) break;
          request.append(buf, static_cast<std::size_t>(n));
        }
        if (!request.empty()) {
          ++accepted_;
          std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}";
          (void)::write(c, response.data(), response.size());
        }
        ::close(c);
      }
    });
  }
  ~OneShotServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int answered() const { return accepted_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

std::vector<Exchange> run_exchanges(std::uint16_t port, int count) {
  asio::io_context io;
  RaceConfig config;
  config.target_hosts = {HostPort{"127.0.0.1", port}};
  config.connect_timeout_ms = 2000;
  config.request_timeout_ms = 2000;
  ClientSetup setup(config);
  auto connection = setup.connect_client(io.get_executor(), 0);
  std::vector<Exchange> results;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < count; ++i) {
          HttpRequest request;
          results.push_back(co_await connection->exchange(request));
          // Give the server time to close the connection it just answered.
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run_for(std::chrono::seconds(20));
  return results;
}

TEST(HttpConnection, ReusesAClosedKeepAliveConnectionByReconnectingOnce) {
  OneShotServer server(3);
  auto results = run_exchanges(server.port(), 3);
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) {
    EXPECT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.status, 200u);
    EXPECT_GT(r.service_time, 0);
  }
  EXPECT_EQ(server.answered(), 3);
}

TEST(HttpConnection, ARefusedConnectionIsAConnectFailure) {
  std::uint16_t port = 0;
  {
    OneShotServer closed(0);  // bound, then closed: nothing listens there any more
    port = closed.port();
  }
  auto results = run_exchanges(port, 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].connect_failed);
  EXPECT_EQ(results[0].ec, asio::error::connection_refused);
}

}  // namespace
}  // namespace rally::client
