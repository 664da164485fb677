#include "rally/client/reachability.hpp"

#include <cstdlib>
#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "rally/common/clock.hpp"

#include <unistd.h>

namespace rally::client {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A port that accepts connections (the kernel completes them from the backlog) and never
// answers: what a frozen daemon looks like.
struct SilentListener {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  [[nodiscard]] HostPort address() const { return {"127.0.0.1", acceptor.local_endpoint().port()}; }
};

HostPort closed_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  HostPort address{"127.0.0.1", acceptor.local_endpoint().port()};
  return address;  // closed when `acceptor` goes
}

TEST(Reachability, PlainTcpNeedsOnlyTheConnect) {
  SilentListener listener;
  auto outcomes = check_reachable({listener.address()}, {}, std::chrono::milliseconds(2000));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0], "");
}

TEST(Reachability, ARefusedPortSaysSo) {
  auto outcomes = check_reachable({closed_port()}, {}, std::chrono::milliseconds(2000));
  EXPECT_NE(outcomes.at(0).find("refused"), std::string::npos) << outcomes[0];
}

TEST(Reachability, MissingTlsFilesAreNamedForEveryTarget) {
  auto outcomes =
      check_reachable({closed_port(), closed_port()}, {"/nonexistent.pem", "/nonexistent.key", "/no-ca.pem"},
                      std::chrono::milliseconds(2000));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_NE(outcomes[1].find("cannot load the TLS files"), std::string::npos) << outcomes[1];
}

TEST(Reachability, SilentPeersTakeOneTimeoutTogetherNotOneEach) {
  // With TLS, a peer that accepts and never answers the handshake is "no answer".
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("rally-reachability-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto script = std::string(RALLY_SOURCE_DIR) + "/tests/unit/track/download_support/make_test_ca.sh";
  ASSERT_EQ(std::system((script + " " + dir.string()).c_str()), 0) << script;
  TlsIdentity tls{(dir / "server.pem").string(), (dir / "server.key").string(), (dir / "ca.pem").string()};
  SilentListener a, b;
  auto started = monotonic_ns();
  auto outcomes = check_reachable({a.address(), closed_port(), b.address()}, tls, std::chrono::milliseconds(500));
  auto took_ms = (monotonic_ns() - started) / ns_per_ms;
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0], "no answer within 500 ms");
  EXPECT_NE(outcomes[1].find("refused"), std::string::npos) << outcomes[1];
  EXPECT_EQ(outcomes[2], "no answer within 500 ms");
  EXPECT_LT(took_ms, 900) << "the targets were checked one after the other";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace rally::client
