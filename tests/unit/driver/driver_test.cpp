#include "rally/driver/driver.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "rally/metrics/sample_collector.hpp"

#include "unit/driver/driver_test_support.hpp"

namespace rally::driver {
namespace {

using testing::RecordingTarget;
using testing::task;
using testing::track_with;

std::size_t count(const std::vector<std::string>& calls, const std::string& prefix) {
  return static_cast<std::size_t>(
      std::count_if(calls.begin(), calls.end(), [&](const std::string& c) { return c.rfind(prefix, 0) == 0; }));
}

class DriverTest : public ::testing::Test {
 protected:
  void start(std::vector<track::Step> steps, std::size_t capacity) {
    track_ = track_with(std::move(steps));
    driver_ = std::make_unique<Driver>(target_, config_, track_, capacity);
    driver_->prepare_benchmark();
    driver_->track_prepared("localhost");
    driver_->start_benchmark(0);
  }

  RaceConfig config_;
  track::Track track_;
  RecordingTarget target_;
  std::unique_ptr<Driver> driver_;
};

TEST_F(DriverTest, PreparesTheTrackThenReportsPreparationComplete) {
  track_ = track_with({{{task("a", 1)}}});
  Driver driver(target_, config_, track_, 2);
  driver.prepare_benchmark();
  EXPECT_EQ(target_.calls, std::vector<std::string>{"prepare_track localhost"});
  driver.track_prepared("localhost");
  EXPECT_EQ(target_.calls.back(), "preparation_complete");
}

TEST_F(DriverTest, StartCreatesAndStartsOneWorkerPerClientUpToCapacity) {
  start({{{task("a", 3)}}}, 2);
  EXPECT_EQ(count(target_.calls, "create_worker"), 2u);
  EXPECT_EQ(count(target_.calls, "start_worker"), 2u);
  ASSERT_EQ(target_.started.size(), 2u);
  EXPECT_EQ(target_.started[0].size() + target_.started[1].size(), 3u);
}

TEST_F(DriverTest, DrivesAStepOnlyWhenEveryWorkerReachedItsJoinPoint) {
  start({{{task("a", 2)}}, {{task("b", 2)}}}, 2);
  driver_->joinpoint_reached(1, 0, 10);
  EXPECT_EQ(count(target_.calls, "drive"), 0u) << "one Worker is not there yet";
  driver_->joinpoint_reached(0, 0, 20);
  EXPECT_EQ(count(target_.calls, "drive"), 2u);
  EXPECT_EQ(target_.calls.back(), "drive 1 step 0 at 20");
  EXPECT_EQ(driver_->current_step(), 0u);

  driver_->joinpoint_reached(0, 1, 30);
  EXPECT_EQ(count(target_.calls, "task_finished"), 0u);
  driver_->joinpoint_reached(1, 1, 40);
  EXPECT_EQ(count(target_.calls, "task_finished a"), 1u);
  EXPECT_EQ(count(target_.calls, "drive"), 4u);
  EXPECT_EQ(target_.calls.back(), "drive 1 step 1 at 40");

  driver_->joinpoint_reached(1, 2, 50);
  driver_->joinpoint_reached(0, 2, 60);
  EXPECT_EQ(count(target_.calls, "task_finished b"), 1u);
  EXPECT_EQ(target_.calls.back(), "benchmark_complete");
  EXPECT_TRUE(driver_->finished());
}

TEST_F(DriverTest, ParallelTasksFinishTogether) {
  start({{{task("c", 1), task("d", 1)}}}, 2);
  driver_->joinpoint_reached(0, 0, 1);
  driver_->joinpoint_reached(1, 0, 1);
  driver_->joinpoint_reached(0, 1, 2);
  driver_->joinpoint_reached(1, 1, 2);
  ASSERT_EQ(target_.finished.size(), 2u);
  EXPECT_EQ(target_.finished[0].task, "c");
  EXPECT_EQ(target_.finished[1].task, "d");
}

TEST_F(DriverTest, CompletedByStopsTheStepWhenTheTaskIsDoneOnEveryWorker) {
  track::Step step{{task("indexing", 2), task("queries", 2)}, "indexing"};
  start({step}, 2);
  driver_->joinpoint_reached(0, 0, 0);
  driver_->joinpoint_reached(1, 0, 0);
  // Clients 0,1 run "indexing" (Workers 0 and 1); 2,3 run "queries".
  driver_->task_finished_on_worker(0, 0, 1);  // queries: not the completing task
  driver_->task_finished_on_worker(0, 0, 0);
  EXPECT_EQ(count(target_.calls, "complete"), 0u) << "Worker 1 still indexes";
  driver_->task_finished_on_worker(1, 0, 0);
  EXPECT_EQ(count(target_.calls, "complete"), 2u);
  EXPECT_EQ(target_.calls.back(), "complete 1 step 0");
  driver_->task_finished_on_worker(1, 0, 0);  // reported again: nothing more happens
  EXPECT_EQ(count(target_.calls, "complete"), 2u);
}

TEST_F(DriverTest, CompletedByAnyStopsTheStepAtTheFirstDoneTask) {
  track::Step step{{task("a", 1), task("b", 1)}, "any"};
  start({step}, 2);
  driver_->joinpoint_reached(0, 0, 0);
  driver_->joinpoint_reached(1, 0, 0);
  driver_->task_finished_on_worker(1, 0, 1);  // "b" runs only on Worker 1
  EXPECT_EQ(count(target_.calls, "complete"), 2u);
}

TEST_F(DriverTest, AJoinPointReportedTwiceOrOutOfOrderFailsTheRace) {
  start({{{task("a", 2)}}}, 2);
  driver_->joinpoint_reached(0, 0, 1);
  driver_->joinpoint_reached(0, 0, 2);
  EXPECT_EQ(target_.calls.back(), "failure");
  EXPECT_NE(target_.failure.find("Worker 0"), std::string::npos);
  EXPECT_EQ(count(target_.calls, "drive"), 0u);
}

TEST_F(DriverTest, MergesSamplesIntoTheTaskResult) {
  start({{{task("a", 1)}}}, 1);
  driver_->joinpoint_reached(0, 0, 0);
  metrics::SampleCollector collector;
  collector.begin_step(0, 0);
  for (int i = 0; i < 10; ++i) {
    metrics::RequestSample s;
    s.request_start = i * ns_per_ms;
    s.end = s.request_start + 2 * ns_per_ms;
    s.latency = s.service_time = s.processing_time = 2 * ns_per_ms;
    s.success = i != 3;
    s.error = s.success ? metrics::ErrorClass::none : metrics::ErrorClass::http;
    collector.record(s);
  }
  driver_->update_samples(0, collector.flush(), 5);
  driver_->joinpoint_reached(0, 1, 100);
  ASSERT_EQ(target_.finished.size(), 1u);
  const auto& r = target_.finished[0];
  EXPECT_EQ(r.requests, 10u);
  EXPECT_EQ(r.failed_requests, 1u);
  EXPECT_DOUBLE_EQ(r.error_rate, 10.0);
  EXPECT_EQ(r.errors_by_class.at("http"), 1u);
  ASSERT_FALSE(r.latency.empty());
  EXPECT_NEAR(r.latency.front().value_ms, 2.0, 0.01);
}

// Bug: a race that failed mid-step (a Worker's client under --on-error=abort, a refused
// connection, a lost host) stored only the steps before it: the requests of the running step,
// the failed one among them, were not in race.json.
TEST_F(DriverTest, AFailureMidStepHandsOverTheStepsResultsSoFarBeforeTheFailure) {
  start({{{task("a", 1)}}, {{task("b", 1)}}}, 1);
  driver_->joinpoint_reached(0, 0, 0);
  metrics::SampleCollector collector;
  collector.begin_step(0, 0);
  for (int i = 0; i < 3; ++i) {
    metrics::RequestSample s;
    s.request_start = i * ns_per_ms;
    s.end = s.request_start + ns_per_ms;
    s.latency = s.service_time = s.processing_time = ns_per_ms;
    s.success = i != 2;
    s.error = s.success ? metrics::ErrorClass::none : metrics::ErrorClass::transport;
    s.error_kind = s.success ? "" : "transport: Connection refused";
    collector.record(s);
  }
  driver_->update_samples(0, collector.flush(), 5);
  driver_->fail("task 'a' failed: cannot connect");
  ASSERT_GE(target_.calls.size(), 2u);
  EXPECT_EQ(target_.calls[target_.calls.size() - 2], "task_finished a");
  EXPECT_EQ(target_.calls.back(), "failure");
  ASSERT_EQ(target_.finished.size(), 1u);
  EXPECT_EQ(target_.finished[0].requests, 3u);
  EXPECT_EQ(target_.finished[0].failed_requests, 1u);
  EXPECT_EQ(target_.finished[0].errors_by_kind.at("transport: Connection refused"), 1u);
  driver_->fail("again");  // once only
  EXPECT_EQ(count(target_.calls, "failure"), 1u);
}

TEST_F(DriverTest, AFailureBetweenStepsHandsOverNothingMore) {
  start({{{task("a", 1)}}}, 1);
  driver_->fail("before any step");
  EXPECT_TRUE(target_.finished.empty());
  EXPECT_EQ(target_.calls.back(), "failure");
}

TEST_F(DriverTest, CorruptSamplesFailTheRace) {
  start({{{task("a", 1)}}}, 1);
  driver_->update_samples(0, "garbage", 1);
  EXPECT_EQ(target_.calls.back(), "failure");
  EXPECT_NE(target_.failure.find("corrupt"), std::string::npos);
}

TEST_F(DriverTest, AWorkerThatStopsReportingFailsTheRaceAfterTheStallTimeout) {
  config_.join_timeout_ms = 5'000;
  start({{{task("a", 2)}}}, 2);
  driver_->joinpoint_reached(0, 0, 0);
  driver_->joinpoint_reached(1, 0, 0);
  driver_->update_samples(0, metrics::SampleCollector().flush(), 4 * ns_per_s);
  driver_->post_process_samples(4 * ns_per_s);
  EXPECT_EQ(count(target_.calls, "failure"), 0u);
  driver_->update_samples(0, metrics::SampleCollector().flush(), 6 * ns_per_s);
  driver_->post_process_samples(6 * ns_per_s);  // Worker 1 silent for 6 s
  EXPECT_EQ(target_.calls.back(), "failure");
  EXPECT_NE(target_.failure.find("Worker 1"), std::string::npos);
  EXPECT_NE(target_.failure.find("sent nothing"), std::string::npos);
}

TEST_F(DriverTest, ALostWorkerFailsTheRaceOnce) {
  start({{{task("a", 2)}}}, 2);
  driver_->worker_lost(1, "killed");
  driver_->worker_lost(0, "killed");
  EXPECT_EQ(count(target_.calls, "failure"), 1u);
  EXPECT_NE(target_.failure.find("Worker 1"), std::string::npos);
  EXPECT_NE(target_.failure.find("killed"), std::string::npos);
}

TEST(PlaceWorkers, InterleavesHostsInProportionToTheirCapacity) {
  EXPECT_EQ(place_workers({{"a", 2}, {"b", 2}}, 4), (std::vector<std::string>{"a", "b", "a", "b"}));
  // Two clients on two equal hosts: one on each.
  EXPECT_EQ(place_workers({{"a", 2}, {"b", 2}}, 2), (std::vector<std::string>{"a", "b"}));
  auto placed = place_workers({{"big", 3}, {"small", 1}}, 4);
  EXPECT_EQ(std::count(placed.begin(), placed.end(), "big"), 3);
  EXPECT_EQ(std::count(placed.begin(), placed.end(), "small"), 1);
  EXPECT_EQ(place_workers({{"a", 1}}, 5).size(), 1u) << "never more Workers than hosts offer";
}

class DistributedDriverTest : public DriverTest {
 protected:
  void start_on_two_hosts(std::vector<track::Step> steps) {
    track_ = track_with(std::move(steps));
    driver_ = std::make_unique<Driver>(target_, config_, track_, std::vector<HostCapacity>{{"h1", 1}, {"h2", 1}});
    driver_->prepare_benchmark();
    driver_->track_prepared("h1");
    driver_->track_prepared("h2");
    driver_->start_benchmark(0);
  }
};

TEST_F(DistributedDriverTest, PreparesEveryHostAndSpreadsWorkersOverThem) {
  start_on_two_hosts({{{task("a", 2)}}});
  EXPECT_EQ(count(target_.calls, "prepare_track h1"), 1u);
  EXPECT_EQ(count(target_.calls, "prepare_track h2"), 1u);
  EXPECT_EQ(count(target_.calls, "create_worker 0 h1"), 1u);
  EXPECT_EQ(count(target_.calls, "create_worker 1 h2"), 1u);
  EXPECT_EQ(driver_->host_of_worker(1), "h2");
}

TEST_F(DistributedDriverTest, ALostHostFailsTheRaceNamingItAndTheRunningTask) {
  start_on_two_hosts({{{task("index-append", 2)}}});
  driver_->joinpoint_reached(0, 0, 0);
  driver_->joinpoint_reached(1, 0, 0);
  driver_->host_lost("h2", "remote_link_unreachable", 1);
  driver_->worker_lost(1, "remote_link_unreachable");
  EXPECT_EQ(count(target_.calls, "failure"), 1u);
  EXPECT_EQ(target_.failure,
            "load driver h2 was lost while running task 'index-append' (step 1 of 1): remote_link_unreachable");
}

TEST_F(DistributedDriverTest, ALostHostDuringPreparationFailsEvenWhenAskedToContinue) {
  config_.load_drivers.continue_on_host_loss = true;
  track_ = track_with({{{task("a", 2)}}});
  Driver driver(target_, config_, track_, std::vector<HostCapacity>{{"h1", 1}, {"h2", 1}});
  driver.prepare_benchmark();
  driver.host_lost("h1", "gone", 0);
  EXPECT_EQ(target_.failure, "load driver h1 was lost while preparing the track: gone");
}

TEST_F(DistributedDriverTest, WithContinueTheRaceGoesOnWithoutTheLostHost) {
  config_.load_drivers.continue_on_host_loss = true;
  start_on_two_hosts({{{task("a", 2)}}, {{task("b", 2)}}});
  driver_->joinpoint_reached(0, 0, 0);
  driver_->joinpoint_reached(1, 0, 0);
  driver_->joinpoint_reached(0, 1, 10);  // Worker 0 is done with step 0; Worker 1 is not
  driver_->host_lost("h2", "remote_link_unreachable", 20);
  driver_->worker_lost(1, "remote_link_unreachable");  // its Worker's down message: already counted
  EXPECT_EQ(count(target_.calls, "failure"), 0u);
  EXPECT_EQ(count(target_.calls, "degraded load driver h2 was lost while running task 'a' (step 1 of 2)"), 1u);
  // Step 0 ended with the Workers that remain; step 1 runs on h1 only.
  EXPECT_EQ(count(target_.calls, "task_finished a"), 1u);
  EXPECT_EQ(target_.calls.back(), "drive 0 step 1 at 20");
  driver_->joinpoint_reached(0, 2, 30);
  EXPECT_EQ(target_.calls.back(), "benchmark_complete");
}

TEST_F(DistributedDriverTest, StartTimesGoOutOnEachHostsClockAndSampleTimesComeBackOnOurs) {
  track_ = track_with({{{task("a", 2)}}});
  const Nanos offset = 7 * ns_per_s;  // h2's monotonic clock runs 7 s ahead of ours
  driver_ =
      std::make_unique<Driver>(target_, config_, track_, std::vector<HostCapacity>{{"h1", 1, 0}, {"h2", 1, offset}});
  driver_->prepare_benchmark();
  driver_->track_prepared("h1");
  driver_->track_prepared("h2");
  driver_->start_benchmark(0);
  const Nanos start = 100 * ns_per_s;
  driver_->joinpoint_reached(0, 0, start);
  driver_->joinpoint_reached(1, 0, start);
  EXPECT_EQ(count(target_.calls, "drive 0 step 0 at " + std::to_string(start)), 1u);
  EXPECT_EQ(count(target_.calls, "drive 1 step 0 at " + std::to_string(start + offset)), 1u);
  // Each Worker runs one second of requests on its own clock.
  for (std::uint32_t w = 0; w < 2; ++w) {
    Nanos host_start = start + (w == 1 ? offset : 0);
    metrics::SampleCollector collector;
    collector.begin_step(0, host_start);
    for (int i = 0; i < 10; ++i) {
      metrics::RequestSample s;
      s.request_start = host_start + i * 100 * ns_per_ms;
      s.end = s.request_start + 100 * ns_per_ms;
      s.latency = s.service_time = s.processing_time = 100 * ns_per_ms;
      collector.record(s);
    }
    driver_->update_samples(w, collector.flush(), start + 2 * ns_per_s);
  }
  driver_->joinpoint_reached(0, 1, start + 2 * ns_per_s);
  driver_->joinpoint_reached(1, 1, start + 2 * ns_per_s);
  ASSERT_EQ(target_.finished.size(), 1u);
  // Both hosts ran during the same second: 20 requests in 1 s, not spread over 8 s.
  EXPECT_NEAR(target_.finished[0].duration_s, 1.0, 1e-9);
  EXPECT_EQ(target_.finished[0].requests, 20u);
}

TEST_F(DistributedDriverTest, WithContinueACompletedByStepEndsWhenItsCompletingTaskRanOnlyOnTheLostHost) {
  config_.load_drivers.continue_on_host_loss = true;
  // "done" has one client (Worker 0, on h1), "background" two (Workers 1 on h2 and 0 on h1).
  track::Step step({task("done", 1), task("background", 2)}, "done");
  track_ = track_with({step});
  driver_ = std::make_unique<Driver>(target_, config_, track_, std::vector<HostCapacity>{{"h1", 1}, {"h2", 1}});
  driver_->prepare_benchmark();
  driver_->track_prepared("h1");
  driver_->track_prepared("h2");
  driver_->start_benchmark(0);
  driver_->joinpoint_reached(0, 0, 0);
  driver_->joinpoint_reached(1, 0, 0);
  ASSERT_EQ(driver_->host_of_worker(0), "h1");
  driver_->host_lost("h1", "gone", 10);
  // The completing task can never report: the step ends on the Workers that remain.
  EXPECT_EQ(count(target_.calls, "complete 1 step 0"), 1u);
  EXPECT_EQ(count(target_.calls, "complete 0 step 0"), 0u);
}

TEST_F(DistributedDriverTest, AHostThatCannotOpenASocketPerClientFailsTheRaceNamingIt) {
  track_ = track_with({{{task("a", 300)}}});
  driver_ = std::make_unique<Driver>(target_, config_, track_,
                                     std::vector<HostCapacity>{{"h1", 1, 0, 0, 100'000}, {"h2", 1, 0, 0, 300}});
  driver_->prepare_benchmark();
  driver_->track_prepared("h1");
  driver_->track_prepared("h2");
  driver_->start_benchmark(0);
  EXPECT_EQ(count(target_.calls, "create_worker"), 0u);
  EXPECT_NE(target_.failure.find("150 clients at once on h2, but its rally-daemon may open only 300 files"),
            std::string::npos)
      << target_.failure;
}

TEST_F(DistributedDriverTest, StartTimesAreSetARoundTripAhead) {
  track_ = track_with({{{task("a", 2)}}});
  driver_ = std::make_unique<Driver>(target_, config_, track_,
                                     std::vector<HostCapacity>{{"h1", 1, 0, 300}, {"h2", 1, 0, 500}});
  driver_->prepare_benchmark();
  driver_->track_prepared("h1");
  driver_->track_prepared("h2");
  driver_->start_benchmark(0);
  driver_->joinpoint_reached(0, 0, 1000);
  driver_->joinpoint_reached(1, 0, 1000);
  EXPECT_EQ(count(target_.calls, "drive 0 step 0 at 1500"), 1u);
  EXPECT_EQ(count(target_.calls, "drive 1 step 0 at 1500"), 1u);
}

TEST_F(DistributedDriverTest, LosingTheLastHostFailsEvenWithContinue) {
  config_.load_drivers.continue_on_host_loss = true;
  start_on_two_hosts({{{task("a", 2)}}});
  driver_->host_lost("h1", "gone", 0);
  EXPECT_EQ(count(target_.calls, "failure"), 0u);
  driver_->host_lost("h2", "gone", 0);
  EXPECT_EQ(count(target_.calls, "failure"), 1u);
  EXPECT_NE(target_.failure.find("load driver h2 was lost while starting its Workers"), std::string::npos);
}

}  // namespace
}  // namespace rally::driver
