#pragma once

// A scripted HTTP/1.1 server on 127.0.0.1 (port 0) for client tests. One thread serves one
// connection at a time (a client uses one connection at a time), records every request as
// it arrived, and answers request n with script[n] (later requests: 200 "{}"). Every wait
// polls with a short timeout so that the destructor can stop and join the thread.

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rally::testing {

struct RecordedRequest {
  int connection = 0;  // the accepted connection it came on, counting from 0
  std::string head;    // request line and header lines, up to the blank line
  std::string body;

  [[nodiscard]] std::string request_line() const { return head.substr(0, head.find("\r\n")); }

  // Every value of header `name` (case-insensitive), in order.
  [[nodiscard]] std::vector<std::string> values(std::string_view name) const {
    std::vector<std::string> out;
    std::size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos + 2 < head.size()) {
      auto start = pos + 2;
      auto end = head.find("\r\n", start);
      auto line = std::string_view(head).substr(start, end == std::string::npos ? std::string::npos : end - start);
      auto colon = line.find(':');
      if (colon != std::string_view::npos && iequals(line.substr(0, colon), name)) {
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        out.emplace_back(value);
      }
      pos = end;
    }
    return out;
  }

  // The only value of header `name`, or nullopt when it is absent (or given twice).
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
    auto all = values(name);
    if (all.size() != 1) return std::nullopt;
    return all.front();
  }

  static bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
        return false;
    }
    return true;
  }
};

struct Reply {
  enum class Then : std::uint8_t {
    keep_open,  // wait for the next request on this connection
    close,      // close the connection
    stall,      // send nothing more and keep the connection open until the client goes
  };
  std::string bytes;  // written as they are after the request was read
  Then then = Then::keep_open;

  static Reply ok(const std::string& body = "{}", const std::string& extra_headers = "") {
    return Reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\n" + extra_headers + "\r\n" + body,
                 Then::keep_open};
  }
};

class LoopbackServer {
 public:
  explicit LoopbackServer(std::vector<Reply> script = {}) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 8) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("LoopbackServer: cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~LoopbackServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int connections() const { return connections_; }
  [[nodiscard]] std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  // Waits until `fd` is readable (or closed by the peer); false when the server stops.
  bool wait_readable(int fd) const {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      int n = ::poll(&p, 1, 20);
      if (n > 0) return true;
    }
    return false;
  }

  // Reads into `buffer` once; false when the peer closed, failed, or the server stops.
  bool read_some(int fd, std::string& buffer) const {
    if (!wait_readable(fd)) return false;
    char chunk[65536];
    auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  bool read_request(int fd, std::string& buffer, RecordedRequest& out) const {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!read_some(fd, buffer)) return false;
    }
    out.head = buffer.substr(0, head_end);
    std::size_t length = 0;
    if (auto value = out.header("Content-Length")) length = std::stoul(*value);
    while (buffer.size() < head_end + 4 + length) {
      if (!read_some(fd, buffer)) return false;
    }
    out.body = buffer.substr(head_end + 4, length);
    buffer.erase(0, head_end + 4 + length);
    return true;
  }

  static void write_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  void serve(int fd, int connection) {
    std::string buffer;
    for (;;) {
      RecordedRequest request;
      request.connection = connection;
      if (!read_request(fd, buffer, request)) return;
      std::size_t index;
      {
        std::lock_guard lock(mutex_);
        index = requests_.size();
        requests_.push_back(std::move(request));
      }
      Reply reply = index < script_.size() ? script_[index] : Reply::ok();
      write_all(fd, reply.bytes);
      if (reply.then == Reply::Then::close) return;
      if (reply.then == Reply::Then::stall) {
        std::string ignored;
        while (read_some(fd, ignored)) ignored.clear();
        return;
      }
    }
  }

  void run() {
    while (wait_readable(listen_fd_)) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      serve(fd, connections_++);
      ::close(fd);
    }
  }

  std::vector<Reply> script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

}  // namespace rally::testing
