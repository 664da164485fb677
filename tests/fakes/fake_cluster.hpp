#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace rally::testing {

// An HTTP server on 127.0.0.1 that answers like a healthy one-node cluster with canned
// bodies. For actor tests only: integration tests use a real OpenSearch node.
class FakeCluster {
 public:
  FakeCluster();
  ~FakeCluster();

  [[nodiscard]] std::uint16_t port() const { return port_; }
  // Requests seen, by "METHOD /path" without the query string.
  [[nodiscard]] std::map<std::string, std::uint64_t> requests() const;
  [[nodiscard]] std::uint64_t bulk_documents() const;

 private:
  boost::asio::awaitable<void> accept();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  void record(const std::string& key, std::uint64_t docs);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> requests_;
  std::uint64_t bulk_documents_ = 0;
  std::thread thread_;
};

}  // namespace rally::testing
