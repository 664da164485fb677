#include "rally/driver/daemon_gate.hpp"

#include <gtest/gtest.h>

#include "rally/common/secret.hpp"

namespace rally::driver {
namespace {

DaemonIdentity identity(std::string secret) { return DaemonIdentity{"1.2.3", 1, std::move(secret), "loadgen-1", 8, 8}; }

TEST(DaemonGate, AdmitsTheCoordinatorThatProvesTheSecret) {
  DaemonGate gate(identity("a-secret-of-some-length"));
  auto challenge = gate.hello("node-a", "1.2.3", 1);
  ASSERT_EQ(challenge.refusal, "");
  EXPECT_EQ(challenge.nonce.size(), 64u);
  EXPECT_EQ(gate.login("node-a", coordinator_proof("a-secret-of-some-length", challenge.nonce)), "");
  EXPECT_TRUE(gate.admitted("node-a"));
  EXPECT_FALSE(gate.admitted("node-b"));
}

TEST(DaemonGate, RefusesAWrongSecret) {
  DaemonGate gate(identity("a-secret-of-some-length"));
  auto challenge = gate.hello("node-a", "1.2.3", 1);
  EXPECT_EQ(gate.login("node-a", coordinator_proof("another-secret-entirely", challenge.nonce)), "wrong secret");
  EXPECT_FALSE(gate.admitted("node-a"));
  EXPECT_EQ(gate.owner(), std::nullopt);
}

TEST(DaemonGate, ANonceProvesOneLoginOnly) {
  DaemonGate gate(identity("a-secret-of-some-length"));
  auto challenge = gate.hello("node-a", "1.2.3", 1);
  auto proof = coordinator_proof("a-secret-of-some-length", challenge.nonce);
  EXPECT_EQ(gate.login("node-a", proof), "");
  gate.end_session();
  // Replaying the same proof later does not log in again.
  EXPECT_EQ(gate.login("node-a", proof), "no hello came first");
}

TEST(DaemonGate, AProofForAnotherPeersNonceFails) {
  DaemonGate gate(identity("a-secret-of-some-length"));
  auto a = gate.hello("node-a", "1.2.3", 1);
  gate.hello("node-b", "1.2.3", 1);
  EXPECT_EQ(gate.login("node-b", coordinator_proof("a-secret-of-some-length", a.nonce)), "wrong secret");
}

TEST(DaemonGate, RefusesAnotherVersionOrProtocolBeforeAnyNonce) {
  DaemonGate gate(identity(""));
  auto old = gate.hello("node-a", "1.2.2", 1);
  EXPECT_NE(old.refusal.find("version mismatch: this daemon runs rally 1.2.3, the coordinator rally 1.2.2"),
            std::string::npos);
  EXPECT_EQ(old.nonce, "");
  EXPECT_NE(gate.hello("node-a", "1.2.3", 2).refusal.find("protocol mismatch"), std::string::npos);
  EXPECT_EQ(gate.login("node-a", ""), "no hello came first");
}

TEST(DaemonGate, WithoutASecretAnyProofLogsIn) {
  DaemonGate gate(identity(""));
  gate.hello("node-a", "1.2.3", 1);
  EXPECT_EQ(gate.login("node-a", ""), "");
}

TEST(DaemonGate, ServesOneCoordinatorAtATimeAndIsFreeWhenItsSessionEnds) {
  DaemonGate gate(identity(""));
  gate.hello("node-a", "1.2.3", 1);
  ASSERT_EQ(gate.login("node-a", ""), "");
  EXPECT_NE(gate.hello("node-b", "1.2.3", 1).refusal.find("busy"), std::string::npos);
  gate.end_session();
  gate.hello("node-b", "1.2.3", 1);
  EXPECT_EQ(gate.login("node-b", ""), "");
  EXPECT_TRUE(gate.admitted("node-b"));
}

TEST(DaemonGate, TheDaemonProvesTheSecretToo) {
  DaemonGate gate(identity("a-secret-of-some-length"));
  auto challenge = gate.hello("node-a", "1.2.3", 1, "coordinator-nonce");
  EXPECT_EQ(challenge.proof, daemon_proof("a-secret-of-some-length", "coordinator-nonce"));
  // The labels differ: neither side's proof passes for the other's.
  EXPECT_NE(daemon_proof("a-secret-of-some-length", "n"), coordinator_proof("a-secret-of-some-length", "n"));
  DaemonGate open(identity(""));
  EXPECT_EQ(open.hello("node-a", "1.2.3", 1, "coordinator-nonce").proof, "") << "no secret, nothing to prove";
}

TEST(DaemonGate, TheSameCoordinatorCannotLogInTwice) {
  DaemonGate gate(identity(""));
  gate.hello("node-a", "1.2.3", 1);
  ASSERT_EQ(gate.login("node-a", ""), "");
  EXPECT_NE(gate.hello("node-a", "1.2.3", 1).refusal.find("is the daemon listed twice?"), std::string::npos);
}

TEST(DaemonGate, PendingNoncesAreBounded) {
  DaemonGate gate(identity("a-secret-of-some-length"));
  auto first = gate.hello("node-0", "1.2.3", 1);
  for (int i = 1; i <= 300; ++i) gate.hello("node-" + std::to_string(i), "1.2.3", 1);
  // The oldest nonce was dropped to make room: its login needs a new hello.
  EXPECT_EQ(gate.login("node-0", coordinator_proof("a-secret-of-some-length", first.nonce)), "no hello came first");
}

}  // namespace
}  // namespace rally::driver
