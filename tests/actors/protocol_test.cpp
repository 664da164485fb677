// The actor protocol: a whole race, in process, against a fake cluster, with every
// message recorded. The recording must follow the seed's two sequence diagrams
// (../shared/seed/rally-actor-system.md): the same participants, the same order.

#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "rally/actors/race_runner.hpp"
#include "rally/actors/trace.hpp"

#include "fakes/fake_cluster.hpp"

namespace rally::actors {
namespace {

namespace fs = std::filesystem;

struct Arrow {
  std::string from, to, message;
  bool operator==(const Arrow&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Arrow& a) {
  return os << a.from << " -->> " << a.to << ": " << a.message;
}

class Recording {
 public:
  void add(std::string_view from, std::string_view to, std::string_view message) {
    std::lock_guard lock(mutex_);
    arrows_.push_back({std::string(from), std::string(to), std::string(message)});
  }
  std::vector<Arrow> arrows() const {
    std::lock_guard lock(mutex_);
    return arrows_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Arrow> arrows_;
};

// Checks that `expected` occurs in `recorded` in this order (other arrows may come
// between, as the diagrams leave out repetitions). Returns a description of the first
// arrow not found, or "" when all are found.
std::string find_in_order(const std::vector<Arrow>& recorded, const std::vector<Arrow>& expected,
                          std::size_t& position) {
  for (const auto& want : expected) {
    auto it = std::find(recorded.begin() + static_cast<long>(position), recorded.end(), want);
    if (it == recorded.end()) {
      std::ostringstream os;
      os << "missing, or out of order: " << want;
      return os.str();
    }
    position = static_cast<std::size_t>(it - recorded.begin()) + 1;
  }
  return "";
}

std::size_t count(const std::vector<Arrow>& recorded, const Arrow& a) {
  return static_cast<std::size_t>(std::count(recorded.begin(), recorded.end(), a));
}

class ProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rally-protocol-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // A fresh copy, so that the corpus has no offset table and preparation does real work.
    fs::copy(fs::path(RALLY_SOURCE_DIR) / "tests/tracks/tiny", dir_ / "tiny", fs::copy_options::recursive);
    fs::remove(dir_ / "tiny" / "documents.json.offset");
    set_trace_sink([this](std::string_view f, std::string_view t, std::string_view m) { recording_.add(f, t, m); });
  }
  void TearDown() override {
    set_trace_sink(nullptr);
    fs::remove_all(dir_);
  }

  RaceConfig config() const {
    RaceConfig c;
    c.race_id = "protocol-test";
    c.track_path = (dir_ / "tiny").string();
    c.target_hosts = {HostPort{"127.0.0.1", cluster_.port()}};
    c.races_dir = (dir_ / "races").string();
    c.worker_count = 2;
    c.sample_interval_ms = 50;
    return c;
  }

  fs::path dir_;
  testing::FakeCluster cluster_;
  Recording recording_;
};

TEST_F(ProtocolTest, ARaceFollowsTheSeedsSequenceDiagrams) {
  std::ostringstream out, err;
  ASSERT_EQ(run_race(config(), out, err), 0) << err.str();
  auto arrows = recording_.arrows();

  std::set<std::string> participants;
  for (const auto& a : arrows) participants.insert(a.from), participants.insert(a.to);
  EXPECT_EQ(participants, (std::set<std::string>{"BenchmarkActor", "DriverActor", "TrackPreparationActor",
                                                 "TaskExecutionActor", "Worker"}));

  // PrepareBenchmark
  std::size_t at = 0;
  EXPECT_EQ(find_in_order(arrows,
                          {{"BenchmarkActor", "DriverActor", "PrepareBenchmark"},
                           {"DriverActor", "TrackPreparationActor", "Bootstrap"},
                           {"TrackPreparationActor", "DriverActor", "ReadyForWork"},
                           {"DriverActor", "TrackPreparationActor", "PrepareTrack"},
                           {"TrackPreparationActor", "TaskExecutionActor", "StartTaskLoop"},
                           {"TaskExecutionActor", "TrackPreparationActor", "ReadyForWork"},
                           {"TrackPreparationActor", "TaskExecutionActor", "DoTask"},
                           {"TaskExecutionActor", "TaskExecutionActor", "WakeupMessage"},
                           {"TaskExecutionActor", "TrackPreparationActor", "WorkerIdle"},
                           {"TrackPreparationActor", "DriverActor", "TrackPrepared"},
                           {"DriverActor", "TrackPreparationActor", "ActorExitRequest"},
                           {"DriverActor", "BenchmarkActor", "PreparationComplete"}},
                          at),
            "");
  // The TrackPreparationActor passes the exit on to its TaskExecutionActors, concurrently
  // with the DriverActor's PreparationComplete.
  EXPECT_EQ(count(arrows, {"TrackPreparationActor", "TaskExecutionActor", "ActorExitRequest"}), 1u);

  // StartBenchmark: the seven steps of the tiny track, each driven on both Workers.
  std::size_t prepared_at = at;
  EXPECT_EQ(find_in_order(arrows,
                          {{"BenchmarkActor", "DriverActor", "StartBenchmark"},
                           {"DriverActor", "Worker", "Bootstrap"},
                           {"DriverActor", "Worker", "StartWorker"}},
                          at),
            "");
  for (int step = 0; step < 7; ++step) {
    EXPECT_EQ(find_in_order(arrows,
                            {{"DriverActor", "Worker", "Drive"},
                             {"Worker", "DriverActor", "UpdateSamples"},
                             {"Worker", "DriverActor", "JoinPointReached"},
                             {"DriverActor", "BenchmarkActor", "TaskFinished"}},
                            at),
              "")
        << "step " << step;
  }
  EXPECT_EQ(find_in_order(arrows, {{"DriverActor", "BenchmarkActor", "BenchmarkComplete"}}, at), "");
  EXPECT_GT(prepared_at, 0u);

  EXPECT_EQ(count(arrows, {"DriverActor", "Worker", "Bootstrap"}), 2u);
  EXPECT_EQ(count(arrows, {"DriverActor", "Worker", "StartWorker"}), 2u);
  EXPECT_EQ(count(arrows, {"DriverActor", "Worker", "Drive"}), 14u);
  EXPECT_EQ(count(arrows, {"Worker", "DriverActor", "JoinPointReached"}), 16u);  // join points 0..7, two Workers
  EXPECT_EQ(count(arrows, {"DriverActor", "BenchmarkActor", "TaskFinished"}), 7u);
  EXPECT_EQ(count(arrows, {"DriverActor", "BenchmarkActor", "BenchmarkComplete"}), 1u);
  EXPECT_EQ(count(arrows, {"DriverActor", "BenchmarkActor", "BenchmarkFailure"}), 0u);

  // And the load the fake cluster saw is what the track asks for.
  auto requests = cluster_.requests();
  EXPECT_EQ(cluster_.bulk_documents(), 1000u);
  EXPECT_EQ(requests["POST /_bulk"], 10u);
  EXPECT_EQ(requests["POST /tiny/_search"], 2u * (20 + 100) + 3u * (10 + 50));
  EXPECT_EQ(requests["DELETE /tiny"], 1u);
  EXPECT_EQ(requests["PUT /tiny"], 1u);
  EXPECT_TRUE(fs::exists(dir_ / "races" / "protocol-test" / "race.json"));
}

TEST_F(ProtocolTest, AFailedPreparationStopsBeforeAnyWorkerStarts) {
  fs::remove(dir_ / "tiny" / "documents.json");
  std::ostringstream out, err;
  EXPECT_EQ(run_race(config(), out, err), 64);
  EXPECT_NE(err.str().find("documents.json"), std::string::npos) << err.str();
  auto arrows = recording_.arrows();
  EXPECT_EQ(count(arrows, {"DriverActor", "Worker", "Bootstrap"}), 0u);
  EXPECT_EQ(count(arrows, {"DriverActor", "BenchmarkActor", "BenchmarkFailure"}), 1u);
  EXPECT_EQ(cluster_.bulk_documents(), 0u);
  EXPECT_FALSE(fs::exists(dir_ / "races" / "protocol-test" / "race.json"));
}

}  // namespace
}  // namespace rally::actors
