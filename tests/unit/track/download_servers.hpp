#pragma once

// Loopback servers for the download tests: an nginx of the test's own (its own prefix,
// killed by PID) and a raw socket server for truncated and stalled answers. Private to
// download_test.cpp, its only includer.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "track/corpus_sha256.hpp"
#include "unit/temp_dir.hpp"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rally::track {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using rally::testing::read_file;
using rally::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

// Every server in this file listens on 127.0.0.1 only.

int listen_loopback(std::uint16_t* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

// A port nobody listens on (bound to 0 and released; the kernel does not hand it out again
// at once).
std::uint16_t free_port() {
  std::uint16_t port = 0;
  ::close(listen_loopback(&port));
  return port;
}

bool accepts_connections(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

bool have(const char* tool) { return std::system(("command -v " + std::string(tool) + " > /dev/null").c_str()) == 0; }

// nginx as a child process with its own prefix, config and logs; stopped by its PID.
// master_process off keeps it to that one process.
class Nginx {
 public:
  struct Tls {
    std::string certificate;
    std::string key;
  };

  Nginx(const TempDir& dir, const std::string& name, const std::string& root, std::optional<Tls> tls = {},
        const std::string& extra = "")
      : prefix_(dir / name) {
    fs::create_directories(prefix_);
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      write_config(root, tls, extra);
      if (start()) return;
    }
    throw std::runtime_error("nginx does not start: " + read_file(prefix_ + "/error.log"));
  }
  ~Nginx() { stop(); }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string access_log() const { return read_file(prefix_ + "/access.log"); }

  // nginx logs a request once it is finalized, a moment after the client has the last byte.
  [[nodiscard]] std::string wait_for_log(const std::string& text) const {
    auto deadline = Clock::now() + 3s;
    while (access_log().find(text) == std::string::npos && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
    return access_log();
  }

 private:
  void write_config(const std::string& root, const std::optional<Tls>& tls, const std::string& extra) const {
    std::string listen = "127.0.0.1:" + std::to_string(port_) + (tls ? " ssl" : "");
    std::string certificates =
        tls ? "ssl_certificate " + tls->certificate + ";\n    ssl_certificate_key " + tls->key + ";" : "";
    std::string p = prefix_;
    std::ofstream(prefix_ + "/nginx.conf")
        << "master_process off;\nworker_processes 1;\npid " << p << "/nginx.pid;\nerror_log " << p
        << "/error.log info;\n"
        << "events { worker_connections 64; }\n"
        << "http {\n"
        << "  log_format rally '$status $request_uri \"$http_range\" $body_bytes_sent \"$ssl_server_name\"';\n"
        << "  access_log " << p << "/access.log rally;\n"
        << "  client_body_temp_path " << p << "/body;\n  proxy_temp_path " << p << "/proxy;\n"
        << "  fastcgi_temp_path " << p << "/fastcgi;\n  uwsgi_temp_path " << p << "/uwsgi;\n"
        << "  scgi_temp_path " << p << "/scgi;\n"
        << "  default_type application/octet-stream;\n"
        << "  server {\n    listen " << listen << ";\n    " << certificates << "\n    root " << root << ";\n"
        << "    location = /moved { return 302 /data.json.gz; }\n"
        << "    location = /sub/moved { absolute_redirect off; return 301 ../data.json.gz; }\n"
        << "    location = /chain { return 303 /moved; }\n"
        << "    location = /loop { return 302 /loop; }\n"
        << "    location /slow/ { limit_rate 512k; alias " << root << "/; }\n"
        << "    location /norange/ { max_ranges 0; alias " << root << "/; }\n"
        << "    " << extra << "\n  }\n}\n";
  }

  bool start() {
    std::string conf = prefix_ + "/nginx.conf", error_log = prefix_ + "/error.log", prefix = prefix_ + "/";
    std::string output = prefix_ + "/stderr.log";
    std::vector<std::string> args{"nginx", "-p", prefix, "-c", conf, "-e", error_log, "-g", "daemon off;"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("cannot fork nginx");
    if (pid_ == 0) {
      // Dies with the test even when the test crashes before its destructors run.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(1);
      int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execvp("nginx", argv.data());
      ::_exit(127);
    }
    for (auto deadline = Clock::now() + 5s; Clock::now() < deadline; std::this_thread::sleep_for(10ms)) {
      if (accepts_connections(port_)) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;  // exited: most likely the port was taken meanwhile
        return false;
      }
    }
    stop();
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (auto deadline = Clock::now() + 3s; Clock::now() < deadline; std::this_thread::sleep_for(5ms)) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string prefix_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// A hand-written server for what nginx will not do: answer short, or never. Reads each
// request's head, records it, then lets `respond` write (or not) on the socket.
class RawServer {
 public:
  using Respond = std::function<void(int fd)>;
  RawServer(Respond respond, bool keep_open) : respond_(std::move(respond)), keep_open_(keep_open) {
    listen_fd_ = listen_loopback(&port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~RawServer() {
    stop_ = true;
    thread_.join();
    for (int fd : open_) ::close(fd);
    ::close(listen_fd_);
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos && !stop_) {
        pollfd c{fd, POLLIN, 0};
        if (::poll(&c, 1, 20) <= 0) continue;
        auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(head);
      }
      respond_(fd);
      if (keep_open_) {
        open_.push_back(fd);
      } else {
        ::shutdown(fd, SHUT_WR);  // a FIN, so the client reads all that was sent
        ::close(fd);
      }
    }
  }

  Respond respond_;
  bool keep_open_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<int> open_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
};

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::string sha256_of(const std::string& data) {
  Sha256 sha;
  sha.update(data.data(), data.size());
  return sha.hex_digest();
}

// Shared by all tests: the test CA and certificates, made once by the support script.
}  // namespace
}  // namespace rally::track
