// The DaemonActor in process: what a coordinator may do before and after it logs in, and
// that its actors stop when it goes. (The network between them is tested end to end in
// tests/integration/test_distributed.py.)

#include "actors/daemon_actor.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include "rally/actors/daemon_runner.hpp"
#include "rally/actors/messages.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/secret.hpp"

#include "actors/system_config.hpp"

namespace rally::actors {
namespace {

namespace fs = std::filesystem;
constexpr auto timeout = std::chrono::seconds(5);
const std::string secret = "sixteen-or-more-characters";

class DaemonActorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_path_ = fs::temp_directory_path() / ("rally-daemon-actor-" + std::to_string(::getpid()) + ".log");
    fs::remove(log_path_);
    log_.open_file(log_path_.string());
    cfg_.enable_network({});
    system_ = std::make_unique<caf::actor_system>(cfg_);
    driver::DaemonIdentity identity{"9.9.9", daemon_protocol, secret, "test-host", 4, 3};
    daemon_ = system_->spawn<DaemonActor>(identity, &log_, system_->middleman().actor_handle());
  }
  void TearDown() override {
    caf::anon_send_exit(daemon_, caf::exit_reason::user_shutdown);
    daemon_ = caf::actor{};
    system_.reset();
    fs::remove(log_path_);
  }

  std::string log_text() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // The daemon logs after looking up the peer's address: give it a moment.
  bool log_has(const std::string& text) const {
    for (int i = 0; i < 500; ++i) {
      if (log_text().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Hello and login; returns the daemon's answer to the login.
  DaemonWelcome log_in(caf::scoped_actor& self, const std::string& with_secret) {
    DaemonWelcome welcome;
    self->request(daemon_, timeout, DaemonHello{"9.9.9", daemon_protocol, "coordinator-nonce"})
        .receive([&](const DaemonChallenge& c) { challenge_ = c; },
                 [&](caf::error& e) { ADD_FAILURE() << system_->render(e); });
    self->request(daemon_, timeout, DaemonLogin{driver::coordinator_proof(with_secret, challenge_.nonce)})
        .receive([&](const DaemonWelcome& w) { welcome = w; },
                 [&](caf::error& e) { ADD_FAILURE() << system_->render(e); });
    return welcome;
  }

  SpawnedActor spawn(caf::scoped_actor& self, const std::string& type) {
    SpawnedActor spawned;
    self->request(daemon_, timeout, SpawnActor{type})
        .receive([&](SpawnedActor& s) { spawned = std::move(s); },
                 [&](caf::error& e) { ADD_FAILURE() << system_->render(e); });
    return spawned;
  }

  fs::path log_path_;
  Log log_;
  RallyActorSystemConfig cfg_;
  std::unique_ptr<caf::actor_system> system_;
  caf::actor daemon_;
  DaemonChallenge challenge_;
};

TEST_F(DaemonActorTest, SpawnsNothingForACoordinatorThatHasNotLoggedIn) {
  caf::scoped_actor stranger{*system_};
  auto spawned = spawn(stranger, "Worker");
  EXPECT_EQ(spawned.refusal, "not logged in");
  EXPECT_FALSE(spawned.actor);
  bool refused = false;
  stranger->request(daemon_, timeout, ClockProbe{})
      .receive([&](const ClockReading&) {}, [&](caf::error&) { refused = true; });
  EXPECT_TRUE(refused) << "a clock probe was answered before login";
  EXPECT_TRUE(log_has("refused to spawn a Worker for node ")) << log_text();
  EXPECT_TRUE(log_has("refused a clock probe from node ")) << log_text();
}

TEST_F(DaemonActorTest, AWrongSecretIsRefusedAndLogged) {
  caf::scoped_actor stranger{*system_};
  auto welcome = log_in(stranger, "not-the-daemons-secret");
  EXPECT_EQ(welcome.refusal, "wrong secret");
  EXPECT_EQ(spawn(stranger, "Worker").refusal, "not logged in");
  EXPECT_TRUE(log_has("[WARNING] refused coordinator at")) << log_text();
}

TEST_F(DaemonActorTest, ALoggedInCoordinatorLearnsTheHostAndSpawnsByTypeName) {
  caf::scoped_actor coordinator{*system_};
  auto welcome = log_in(coordinator, secret);
  ASSERT_EQ(welcome.refusal, "");
  EXPECT_EQ(challenge_.proof, driver::daemon_proof(secret, "coordinator-nonce")) << "the daemon proves the secret too";
  EXPECT_EQ(welcome.hostname, "test-host");
  EXPECT_EQ(welcome.cpus, 4u);
  EXPECT_EQ(welcome.workers, 3u);
  auto worker = spawn(coordinator, "Worker");
  EXPECT_EQ(worker.refusal, "");
  EXPECT_TRUE(worker.actor);
  EXPECT_EQ(spawn(coordinator, "TaskExecutionActor").refusal, "no actor type TaskExecutionActor to spawn");
  std::int64_t reading = 0;
  coordinator->request(daemon_, timeout, ClockProbe{})
      .receive([&](const ClockReading& r) { reading = r.monotonic_ns; },
               [&](caf::error& e) { ADD_FAILURE() << system_->render(e); });
  EXPECT_GT(reading, 0);
  caf::anon_send_exit(worker.actor, caf::exit_reason::user_shutdown);
}

TEST_F(DaemonActorTest, ASecondCoordinatorIsRefusedWhileTheFirstRaces) {
  caf::scoped_actor first{*system_};
  ASSERT_EQ(log_in(first, secret).refusal, "");
  caf::scoped_actor second{*system_};
  second->request(daemon_, timeout, DaemonHello{"9.9.9", daemon_protocol, "coordinator-nonce"})
      .receive([&](const DaemonChallenge& c) { EXPECT_NE(c.refusal.find("busy"), std::string::npos) << c.refusal; },
               [&](caf::error& e) { ADD_FAILURE() << system_->render(e); });
}

TEST_F(DaemonActorTest, WhenTheCoordinatorGoesItsActorsStopAndTheDaemonIsFreeAgain) {
  caf::actor worker;
  {
    caf::scoped_actor coordinator{*system_};
    ASSERT_EQ(log_in(coordinator, secret).refusal, "");
    worker = spawn(coordinator, "Worker").actor;
    ASSERT_TRUE(worker);
  }  // the coordinator is gone
  caf::scoped_actor watcher{*system_};
  watcher->monitor(worker);
  bool down = false;
  watcher->receive([&](const caf::down_msg&) { down = true; }, caf::after(timeout) >> [] {});
  EXPECT_TRUE(down) << "the Worker outlived its coordinator";
  caf::scoped_actor next{*system_};
  EXPECT_EQ(log_in(next, secret).refusal, "");
  EXPECT_TRUE(log_has("ready for the next race"));
}

TEST(DaemonOptions, ListenAddressNeedsAPort) {
  EXPECT_EQ(parse_listen_address("127.0.0.2:1900"), (HostPort{"127.0.0.2", 1900}));
  EXPECT_EQ(parse_listen_address("127.0.0.2:0").port, 0);
  EXPECT_THROW(parse_listen_address("127.0.0.2"), RallyError);
  EXPECT_THROW(parse_listen_address("127.0.0.2:70000"), RallyError);
  EXPECT_THROW(parse_listen_address("127.0.0.2:19x"), RallyError);
}

TEST(DaemonOptions, OnlyLoopbackIsLoopback) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.255.0.3"));
  EXPECT_TRUE(is_loopback("localhost"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("loadgen-1"));
}

TEST(DaemonOptions, ANonLoopbackAddressNeedsTlsAndASecretOrInsecure) {
  DaemonOptions options;
  options.listen = {"10.0.0.1", 1900};
  EXPECT_THROW(check_daemon_options(options), RallyError);
  options.secret = "sixteen-or-more-characters";
  EXPECT_THROW(check_daemon_options(options), RallyError) << "a secret alone is not enough";
  options.insecure = true;
  EXPECT_NO_THROW(check_daemon_options(options));
  DaemonOptions partial;
  partial.tls_certificate = "/nonexistent.pem";
  try {
    check_daemon_options(partial);
    FAIL() << "TLS without a key and CA was accepted";
  } catch (const RallyError& e) {
    EXPECT_NE(std::string(e.what()).find("--tls-certificate, --tls-key and --tls-ca-file together"), std::string::npos);
  }
}

}  // namespace
}  // namespace rally::actors
