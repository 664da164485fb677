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
#include "unit/track/download_servers.hpp"
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

}  // namespace
}  // namespace rally::track
