#include "rally/track/download.hpp"

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

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"
#include "rally/track/corpus_url.hpp"

#include "track/corpus_http.hpp"
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
class DownloadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have("nginx") || !have("openssl")) return;
    certificates_ = new TempDir();
    auto script = std::string(RALLY_SOURCE_DIR) + "/tests/unit/track/download_support/make_test_ca.sh";
    if (std::system((script + " " + certificates_->str()).c_str()) != 0) throw std::runtime_error("failed: " + script);
  }
  static void TearDownTestSuite() {
    delete certificates_;
    certificates_ = nullptr;
  }

  void SetUp() override {
    if (!have("nginx") || !have("openssl")) GTEST_SKIP() << "nginx and openssl are needed";
    // Incompressible bytes, as a real archive would be.
    std::mt19937_64 random(42);
    content_.resize(1u << 20);
    for (auto& c : content_) c = static_cast<char>(random());
    root_ = dir_ / "www";
    dir_.write("www/data.json.gz", content_);
    target_ = dir_ / "data/corpus/data.json.gz";
  }

  static std::string cert(const std::string& name) { return *certificates_ / name; }

  [[nodiscard]] DownloadOptions options(const std::string& url) const {
    DownloadOptions o;
    o.url = url;
    o.target = target_;
    o.connect_timeout = 5s;
    o.stall_timeout = 5s;
    return o;
  }

  static std::string http(std::uint16_t port, const std::string& path = "/data.json.gz") {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  [[nodiscard]] std::string part() const { return target_ + ".part"; }
  [[nodiscard]] bool nothing_left() const { return !fs::exists(target_) && !fs::exists(part()); }

  static TempDir* certificates_;
  TempDir dir_;
  std::string content_;
  std::string root_;
  std::string target_;
};

TempDir* DownloadTest::certificates_ = nullptr;

TEST_F(DownloadTest, DownloadsTheFileWithThrottledProgress) {
  Nginx nginx(dir_, "nginx", root_);
  std::vector<std::pair<Clock::time_point, DownloadProgress>> calls;
  auto o = options(http(nginx.port(), "/slow/data.json.gz"));  // 512 KB/s: about 2 s
  o.on_progress = [&](const DownloadProgress& p) { calls.emplace_back(Clock::now(), p); };
  auto start = Clock::now();
  download_file(o);
  auto elapsed = Clock::now() - start;
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_FALSE(fs::exists(part()));
  ASSERT_GE(calls.size(), 2u);
  EXPECT_LE(calls.size(), static_cast<std::size_t>(elapsed / 500ms) + 2);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second.total, content_.size());
    if (i == 0) continue;
    EXPECT_GE(calls[i].second.bytes, calls[i - 1].second.bytes);
    // At most every 0.5 s, except the final report that says "done".
    if (i + 1 < calls.size()) {
      EXPECT_GE(calls[i].first - calls[i - 1].first, 450ms);
    }
  }
  EXPECT_EQ(calls.back().second.bytes, content_.size());
  EXPECT_THAT(nginx.wait_for_log("200 /slow/"), HasSubstr("200 /slow/data.json.gz \"-\""));
}

TEST_F(DownloadTest, StepsStayWithinTheirBudget) {
  Nginx nginx(dir_, "nginx", root_);
  Download download(options(http(nginx.port())));
  int steps = 0;
  while (!download.step(20ms)) {
    ASSERT_LT(++steps, 1000);
  }
  EXPECT_TRUE(download.step(20ms));  // done stays done
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_EQ(download.progress().bytes, content_.size());

  RawServer silent([](int) {}, true);
  Download waiting(options(http(silent.port())));
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    EXPECT_FALSE(waiting.step(50ms));
    EXPECT_LT(Clock::now() - start, 300ms);
  }
}

TEST_F(DownloadTest, ResumesAPartialDownloadWithRange) {
  Nginx nginx(dir_, "nginx", root_);
  auto half = content_.size() / 2;
  dir_.write("data/corpus/data.json.gz.part", content_.substr(0, half));
  std::vector<DownloadProgress> calls;
  auto o = options(http(nginx.port()));
  o.expected_size = content_.size();
  o.expected_sha256 = sha256_of(content_);  // a resumed file is hashed again as a whole
  o.on_progress = [&](const DownloadProgress& p) { calls.push_back(p); };
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_FALSE(fs::exists(part()));
  auto log = nginx.wait_for_log("206");
  EXPECT_THAT(log, HasSubstr("206 /data.json.gz \"bytes=" + std::to_string(half) + "-\" " + std::to_string(half)));
  EXPECT_THAT(log, Not(HasSubstr("200 ")));
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().bytes, content_.size());
}

TEST_F(DownloadTest, StartsOverWhenTheServerIgnoresRange) {
  Nginx nginx(dir_, "nginx", root_);
  dir_.write("data/corpus/data.json.gz.part", std::string(1000, 'x'));
  auto o = options(http(nginx.port(), "/norange/data.json.gz"));
  o.expected_sha256 = sha256_of(content_);
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_THAT(nginx.wait_for_log("200"), HasSubstr("200 /norange/data.json.gz \"bytes=1000-\""));
}

TEST_F(DownloadTest, ACompletePartIsFinishedWithoutTransfer) {
  Nginx nginx(dir_, "nginx", root_);
  dir_.write("data/corpus/data.json.gz.part", content_);
  auto o = options(http(nginx.port()));
  o.expected_size = content_.size();
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_FALSE(fs::exists(part()));
  EXPECT_THAT(nginx.wait_for_log("416"), HasSubstr("416 /data.json.gz"));
}

TEST_F(DownloadTest, APartLongerThanTheFileIsDiscarded) {
  Nginx nginx(dir_, "nginx", root_);
  dir_.write("data/corpus/data.json.gz.part", content_ + "trailing junk");
  auto o = options(http(nginx.port()));
  o.expected_size = content_.size();
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_THAT(nginx.wait_for_log("200"), HasSubstr("200 /data.json.gz \"-\""));
}

TEST_F(DownloadTest, TruncatedTransferKeepsThePartAndTheNextAttemptResumes) {
  const auto half = content_.size() / 2;
  RawServer short_server(
      [&](int fd) {
        write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(content_.size()) +
                          "\r\nConnection: close\r\n\r\n" + content_.substr(0, half));
      },
      false);
  auto url = http(short_server.port());
  EXPECT_THAT([&] { download_file(options(url)); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr(url),
                                                         HasSubstr("closed after " + std::to_string(half) + " of " +
                                                                   std::to_string(content_.size()) + " bytes"),
                                                         HasSubstr("kept in " + part()))));
  EXPECT_FALSE(fs::exists(target_));
  EXPECT_EQ(read_file(part()), content_.substr(0, half));
  EXPECT_THAT(short_server.requests().at(0), Not(HasSubstr("Range")));

  Nginx nginx(dir_, "nginx", root_);
  download_file(options(http(nginx.port())));
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_FALSE(fs::exists(part()));
  EXPECT_THAT(nginx.wait_for_log("206"), HasSubstr("206 /data.json.gz \"bytes=" + std::to_string(half) + "-\""));
}

TEST_F(DownloadTest, NotFoundNamesTheUrl) {
  Nginx nginx(dir_, "nginx", root_);
  auto url = http(nginx.port(), "/missing.json.bz2");
  EXPECT_THAT([&] { download_file(options(url)); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr("cannot download " + url), HasSubstr("HTTP 404"))));
  EXPECT_TRUE(nothing_left());
}

TEST_F(DownloadTest, RefusedConnection) {
  auto port = free_port();
  EXPECT_THAT([&] { download_file(options(http(port))); },
              ::testing::ThrowsMessage<RallyError>(
                  AllOf(HasSubstr(http(port)), HasSubstr("connection refused by 127.0.0.1:" + std::to_string(port)))));
  EXPECT_TRUE(nothing_left());
}

TEST_F(DownloadTest, ASilentServerTimesOutAfterTheStallTimeout) {
  RawServer silent([](int) {}, true);
  auto o = options(http(silent.port()));
  o.stall_timeout = 1s;
  auto start = Clock::now();
  EXPECT_THAT([&] { download_file(o); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr(o.url), HasSubstr("for 1 s (stall timeout)"))));
  auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 4s);
  EXPECT_TRUE(nothing_left());
}

TEST_F(DownloadTest, AStallInTheBodyKeepsWhatArrived) {
  RawServer stalling(
      [&](int fd) {
        write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(content_.size()) + "\r\n\r\n" +
                          content_.substr(0, 5000));
      },
      true);
  auto o = options(http(stalling.port()));
  o.stall_timeout = 500ms;
  EXPECT_THAT([&] { download_file(o); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr("0.5 s (stall timeout)"), HasSubstr(part()))));
  EXPECT_EQ(read_file(part()), content_.substr(0, 5000));
}

TEST_F(DownloadTest, CancellationEndsRunPromptlyAndKeepsNothingEmpty) {
  RawServer silent([](int) {}, true);
  std::stop_source stop;
  std::jthread canceller([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  auto start = Clock::now();
  EXPECT_THAT([&] { download_file(options(http(silent.port())), stop.get_token()); },
              ::testing::ThrowsMessage<RallyError>(HasSubstr("cancelled")));
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_TRUE(nothing_left());
}

TEST_F(DownloadTest, WrongExpectedSizeFailsAndDiscardsThePart) {
  Nginx nginx(dir_, "nginx", root_);
  auto o = options(http(nginx.port()));
  o.expected_size = content_.size() + 1;
  o.expected_size_name = "compressed-bytes";
  EXPECT_THAT([&] { download_file(o); },
              ::testing::ThrowsMessage<RallyError>(
                  AllOf(HasSubstr(o.url), HasSubstr("offers " + std::to_string(content_.size()) + " bytes"),
                        HasSubstr("expects " + std::to_string(content_.size() + 1) + " (compressed-bytes)"))));
  EXPECT_TRUE(nothing_left());
}

TEST_F(DownloadTest, ABodyEndedByCloseIsCheckedAgainstTheExpectedSize) {
  // No Content-Length: only the expected size can tell a complete body from a short one.
  RawServer unsized([&](int fd) { write_all(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + content_); }, false);
  auto o = options(http(unsized.port()));
  o.expected_size = content_.size() + 10;
  EXPECT_THAT([&] { download_file(o); }, ::testing::ThrowsMessage<RallyError>(
                                             AllOf(HasSubstr("received " + std::to_string(content_.size())),
                                                   HasSubstr("expects " + std::to_string(content_.size() + 10)))));
  EXPECT_TRUE(nothing_left());
  o.expected_size = content_.size();
  std::optional<DownloadProgress> last;
  o.on_progress = [&](const DownloadProgress& p) { last = p; };
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->total, content_.size());  // the expected size stands in for the unknown length
}

TEST_F(DownloadTest, ChecksumIsVerified) {
  Nginx nginx(dir_, "nginx", root_);
  auto o = options(http(nginx.port()));
  auto good = sha256_of(content_);
  auto bad = sha256_of(content_ + "!");
  o.expected_sha256 = bad;
  EXPECT_THAT([&] { download_file(o); },
              ::testing::ThrowsMessage<RallyError>(
                  AllOf(HasSubstr(o.url), HasSubstr("SHA-256 mismatch"), HasSubstr(good), HasSubstr(bad))));
  EXPECT_TRUE(nothing_left());
  std::transform(good.begin(), good.end(), good.begin(), ::toupper);
  o.expected_sha256 = good;  // either case
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  o.expected_sha256 = "abc";
  EXPECT_THAT([&] { Download d(o); }, ::testing::ThrowsMessage<RallyError>(HasSubstr("not 64 hex digits")));
}

TEST_F(DownloadTest, FollowsRedirects) {
  Nginx nginx(dir_, "nginx", root_);
  for (const char* path : {"/moved", "/sub/moved", "/chain"}) {
    SCOPED_TRACE(path);
    download_file(options(http(nginx.port(), path)));
    EXPECT_EQ(read_file(target_), content_);
    fs::remove(target_);
  }
  auto log = nginx.wait_for_log("303 /chain");
  EXPECT_THAT(log, HasSubstr("302 /moved"));
  EXPECT_THAT(log, HasSubstr("301 /sub/moved"));
  EXPECT_THAT([&] { download_file(options(http(nginx.port(), "/loop"))); },
              ::testing::ThrowsMessage<RallyError>(HasSubstr("more than 10 redirects")));
  EXPECT_TRUE(nothing_left());
}

TEST_F(DownloadTest, OfflineFailsAtOnceWithoutNetwork) {
  auto o = options("http://127.0.0.1:1/data.json.gz");
  o.offline = true;
  EXPECT_THAT([&] { Download d(o); },
              ::testing::ThrowsMessage<RallyError>(
                  AllOf(HasSubstr(target_ + " is missing and rally is offline (--offline): place it at " + target_),
                        HasSubstr(o.url))));
  EXPECT_FALSE(fs::exists(dir_ / "data"));
}

TEST_F(DownloadTest, HttpsWithTheTestCa) {
  Nginx nginx(dir_, "nginx", root_, Nginx::Tls{cert("server.pem"), cert("server.key")});
  auto o = options("https://127.0.0.1:" + std::to_string(nginx.port()) + "/data.json.gz");
  o.ca_file = cert("ca.pem");
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  fs::remove(target_);
  // By name: SNI goes out and the name is checked against the certificate.
  o.url = "https://localhost:" + std::to_string(nginx.port()) + "/data.json.gz";
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_THAT(nginx.wait_for_log("localhost"), HasSubstr("200 /data.json.gz \"-\" 1048576 \"localhost\""));
}

TEST_F(DownloadTest, HttpsResumes) {
  Nginx nginx(dir_, "nginx", root_, Nginx::Tls{cert("server.pem"), cert("server.key")});
  dir_.write("data/corpus/data.json.gz.part", content_.substr(0, 1000));
  auto o = options("https://127.0.0.1:" + std::to_string(nginx.port()) + "/data.json.gz");
  o.ca_file = cert("ca.pem");
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_THAT(nginx.wait_for_log("206"), HasSubstr("206 /data.json.gz \"bytes=1000-\""));
}

TEST_F(DownloadTest, HttpsRejectsAnUntrustedCertificate) {
  Nginx nginx(dir_, "nginx", root_, Nginx::Tls{cert("server.pem"), cert("server.key")});
  auto o = options("https://127.0.0.1:" + std::to_string(nginx.port()) + "/data.json.gz");
  o.ca_file = cert("wrong-ca.pem");
  EXPECT_THAT([&] { download_file(o); },
              ::testing::ThrowsMessage<RallyError>(
                  AllOf(HasSubstr(o.url), HasSubstr("cannot be verified"), HasSubstr(cert("wrong-ca.pem")))));
  EXPECT_TRUE(nothing_left());
  o.ca_file.clear();  // the system's store does not know the test CA either
  EXPECT_THAT([&] { download_file(o); }, ::testing::ThrowsMessage<RallyError>(AllOf(
                                             HasSubstr("cannot be verified"), HasSubstr("the system's trust store"))));
  o.ca_file = dir_ / "no-such-ca.pem";
  EXPECT_THAT([&] { download_file(o); }, ::testing::ThrowsMessage<RallyError>(HasSubstr("no-such-ca.pem")));
  EXPECT_TRUE(nothing_left());
}

TEST_F(DownloadTest, HttpsRejectsACertificateForAnotherName) {
  Nginx nginx(dir_, "nginx", root_, Nginx::Tls{cert("other.pem"), cert("other.key")});
  auto o = options("https://127.0.0.1:" + std::to_string(nginx.port()) + "/data.json.gz");
  o.ca_file = cert("ca.pem");
  EXPECT_THAT([&] { download_file(o); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr("cannot be verified"), HasSubstr("mismatch"))));
  o.url = "https://localhost:" + std::to_string(nginx.port()) + "/data.json.gz";
  EXPECT_THAT([&] { download_file(o); },
              ::testing::ThrowsMessage<RallyError>(AllOf(HasSubstr("cannot be verified"), HasSubstr("mismatch"))));
}

TEST_F(DownloadTest, RedirectFromHttpToHttps) {
  Nginx secure(dir_, "secure", root_, Nginx::Tls{cert("server.pem"), cert("server.key")});
  Nginx plain(
      dir_, "plain", root_, std::nullopt,
      "location = /to-https { return 302 https://localhost:" + std::to_string(secure.port()) + "/data.json.gz; }");
  auto o = options(http(plain.port(), "/to-https"));
  o.ca_file = cert("ca.pem");
  download_file(o);
  EXPECT_EQ(read_file(target_), content_);
  EXPECT_THAT(secure.wait_for_log("200"), HasSubstr("\"localhost\""));
}

TEST(CorpusUrl, ParsesHttpAndHttpsUrls) {
  auto u = parse_url("https://rally-tracks.elastic.co/geonames/documents.json.bz2");
  EXPECT_TRUE(u.tls());
  EXPECT_EQ(u.host, "rally-tracks.elastic.co");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/geonames/documents.json.bz2");
  EXPECT_EQ(u.authority(), "rally-tracks.elastic.co");
  auto v = parse_url("HTTP://[::1]:8080?x=1#frag");
  EXPECT_EQ(v.scheme, "http");
  EXPECT_EQ(v.host, "::1");
  EXPECT_EQ(v.port, 8080);
  EXPECT_EQ(v.target, "/?x=1");
  EXPECT_EQ(v.to_string(), "http://[::1]:8080/?x=1");
  for (const char* bad : {"ftp://host/x", "host/x", "http:///x", "http://host:0/", "http://host:99999/",
                          "http://user:pw@host/", "http://[::1/"}) {
    EXPECT_THROW(parse_url(bad), RallyError) << bad;
  }
}

TEST(CorpusUrl, ResolvesRedirectLocations) {
  auto base = parse_url("http://a.example:81/corpora/geonames/documents.json.bz2?sig=1");
  EXPECT_EQ(resolve_location(base, "https://b.example/x"), "https://b.example/x");
  EXPECT_EQ(resolve_location(base, "//cdn.example/y"), "http://cdn.example/y");
  EXPECT_EQ(resolve_location(base, "/z"), "http://a.example:81/z");
  EXPECT_EQ(resolve_location(base, "other.json.bz2"), "http://a.example:81/corpora/geonames/other.json.bz2");
  EXPECT_EQ(resolve_location(base, "../nyc/d.json?x"), "http://a.example:81/corpora/nyc/d.json?x");
  EXPECT_EQ(resolve_location(base, "./../../../../top"), "http://a.example:81/top");
  EXPECT_EQ(resolve_location(base, "?sig=2"), "http://a.example:81/corpora/geonames/documents.json.bz2?sig=2");
}

TEST(CorpusUrl, JoinsBaseUrlAndSourceFile) {
  EXPECT_EQ(corpus_file_url("http://h/corpora/geonames", "documents.json.bz2"),
            "http://h/corpora/geonames/documents.json.bz2");
  EXPECT_EQ(corpus_file_url("http://h/corpora/geonames/", "/documents.json.bz2"),
            "http://h/corpora/geonames/documents.json.bz2");
}

TEST(CorpusHttp, ParsesContentRange) {
  auto r = parse_content_range("bytes 100-199/200");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 100u);
  EXPECT_EQ(r->last, 199u);
  EXPECT_EQ(r->total, 200u);
  auto unsatisfiable = parse_content_range("bytes */200");
  ASSERT_TRUE(unsatisfiable);
  EXPECT_FALSE(unsatisfiable->first);
  EXPECT_EQ(unsatisfiable->total, 200u);
  auto unknown = parse_content_range("bytes 5-9/*");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->total);
  for (const char* bad : {"", "bytes 5-9", "items 1-2/3", "bytes 9-5/10", "bytes x-9/10"}) {
    EXPECT_FALSE(parse_content_range(bad)) << bad;
  }
  EXPECT_EQ(seconds(1500ms), "1.5 s");
  EXPECT_EQ(seconds(30s), "30 s");
}

}  // namespace
}  // namespace rally::track
