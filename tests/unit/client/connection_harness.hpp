#pragma once

// Drives one Connection made by ClientSetup on its own io_context, one exchange at a time.

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "rally/client/connection.hpp"
#include "rally/common/race_config.hpp"

namespace rally::testing {

inline RaceConfig loopback_config(std::uint16_t port, std::uint32_t request_timeout_ms = 2000) {
  RaceConfig config;
  config.target_hosts = {HostPort{"127.0.0.1", port}};
  config.connect_timeout_ms = 2000;
  config.request_timeout_ms = request_timeout_ms;
  return config;
}

class TestClient {
 public:
  explicit TestClient(const RaceConfig& config)
      : setup_(config), connection_(setup_.connect_client(io_.get_executor(), 0)) {}

  // Runs one exchange to completion (or fails the test after 20 s).
  client::Exchange send(client::HttpRequest& request, std::chrono::milliseconds timeout = {}) {
    std::optional<client::Exchange> result;
    boost::asio::co_spawn(
        io_, [&]() -> boost::asio::awaitable<void> { result = co_await connection_->exchange(request, timeout); },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io_.restart();
    io_.run_for(std::chrono::seconds(20));
    EXPECT_TRUE(result.has_value()) << "the exchange did not complete";
    return result.value_or(client::Exchange{});
  }

  client::Exchange get(const std::string& target = "/") {
    client::HttpRequest request;
    request.target = target;
    return send(request);
  }

  [[nodiscard]] const std::string& body() const { return connection_->body(); }
  [[nodiscard]] client::Connection& connection() { return *connection_; }

 private:
  boost::asio::io_context io_;
  client::ClientSetup setup_;
  std::unique_ptr<client::Connection> connection_;
};

}  // namespace rally::testing
