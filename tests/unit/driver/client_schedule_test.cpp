#include "rally/driver/client_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

namespace rally::driver {
namespace {

using metrics::SampleType;

track::Task task() {
  track::Task t;
  t.name = "t";
  return t;
}

// Drives a schedule with a fake clock: each request "takes" `service` ns.
std::vector<ClientSchedule::Request> run(ClientSchedule& s, Nanos start, Nanos service, std::size_t limit = 100000) {
  std::vector<ClientSchedule::Request> out;
  Nanos now = start;
  while (out.size() < limit) {
    auto r = s.next(now);
    if (!r) break;
    out.push_back(*r);
    now = std::max(now, r->due) + service;
  }
  return out;
}

TEST(ClientSchedule, IterationsWithWarmup) {
  auto t = task();
  t.warmup_iterations = 2;
  t.iterations = 3;
  ClientSchedule s(t, false, 0, 1);
  auto requests = run(s, 0, 10);
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[0].type, SampleType::warmup);
  EXPECT_EQ(requests[1].type, SampleType::warmup);
  EXPECT_EQ(requests[2].type, SampleType::normal);
  EXPECT_EQ(requests[4].type, SampleType::normal);
}

TEST(ClientSchedule, WithoutIterationsOneRequestOrTheWholeFiniteSource) {
  ClientSchedule once(task(), false, 0, 1);
  EXPECT_EQ(run(once, 0, 10).size(), 1u);
  ClientSchedule finite(task(), true, 0, 1);
  EXPECT_EQ(run(finite, 0, 10, 500).size(), 500u) << "a bulk runs until its corpus is used up";
}

TEST(ClientSchedule, ZeroIterationsCountAsNoneGiven) {
  // Rally: `if task.iterations:` — 0 is unset, so one request; never an endless loop.
  auto t = task();
  t.iterations = 0;
  ClientSchedule s(t, false, 0, 1);
  EXPECT_EQ(run(s, 0, 10, 1000).size(), 1u);
}

TEST(ClientSchedule, UnthrottledRequestsAreDueAtOnce) {
  auto t = task();
  t.iterations = 3;
  ClientSchedule s(t, false, 0, 1);
  EXPECT_EQ(s.next(100)->due, 100);
  EXPECT_EQ(s.next(250)->due, 250);
}

TEST(ClientSchedule, DeterministicThrottlingIsAnAbsoluteTimeline) {
  auto t = task();
  t.iterations = 5;
  t.clients = 4;
  t.target_throughput = 8;  // 2 ops/s per client: one every 500 ms
  ClientSchedule s(t, false, 1'000, 1);
  auto requests = run(s, 1'000, 10 * ns_per_ms);
  ASSERT_EQ(requests.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(requests[i].due, 1'000 + static_cast<Nanos>(i) * 500 * ns_per_ms);
}

TEST(ClientSchedule, FallingBehindKeepsTheIntendedTimes) {
  auto t = task();
  t.iterations = 4;
  t.target_throughput = 10;  // every 100 ms
  ClientSchedule s(t, false, 0, 1);
  // Each request takes 250 ms: the due times stay on the timeline, so the lag is latency.
  auto requests = run(s, 0, 250 * ns_per_ms);
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[3].due, 300 * ns_per_ms);
}

TEST(ClientSchedule, PoissonHasTheTargetMeanRate) {
  auto t = task();
  t.iterations = 20000;
  t.target_throughput = 100;  // mean gap 10 ms
  t.poisson = true;
  ClientSchedule s(t, false, 0, 42);
  auto requests = run(s, 0, 0);
  ASSERT_EQ(requests.size(), 20000u);
  EXPECT_EQ(requests[0].due, 0) << "the first request is not held back";
  double mean_gap = static_cast<double>(requests.back().due) / 19999.0 / ns_per_ms;
  EXPECT_NEAR(mean_gap, 10.0, 0.3);
  std::vector<double> gaps;
  for (std::size_t i = 1; i < requests.size(); ++i)
    gaps.push_back(static_cast<double>(requests[i].due - requests[i - 1].due));
  double mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / static_cast<double>(gaps.size());
  double var = 0;
  for (double g : gaps) var += (g - mean) * (g - mean);
  EXPECT_NEAR(std::sqrt(var / static_cast<double>(gaps.size())) / mean, 1.0, 0.05) << "exponential gaps";
}

TEST(ClientSchedule, TimePeriodsDecideWarmupAndTheEnd) {
  auto t = task();
  t.warmup_time_period = 2;
  t.time_period = 3;
  ClientSchedule s(t, false, 0, 1);
  auto requests = run(s, 0, 500 * ns_per_ms);  // a request every 500 ms
  ASSERT_EQ(requests.size(), 10u);             // 5 s in all
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(requests[i].type, SampleType::warmup) << i;
  for (std::size_t i = 4; i < 10; ++i) EXPECT_EQ(requests[i].type, SampleType::normal) << i;
}

TEST(ClientSchedule, WarmupTimeOnAFiniteSourceRunsItToTheEnd) {
  auto t = task();
  t.warmup_time_period = 1;
  ClientSchedule s(t, true, 0, 1);
  auto requests = run(s, 0, 100 * ns_per_ms, 50);
  ASSERT_EQ(requests.size(), 50u);
  EXPECT_EQ(requests[9].type, SampleType::warmup);
  EXPECT_EQ(requests[10].type, SampleType::normal);
}

}  // namespace
}  // namespace rally::driver

namespace rally::driver {
namespace {

// Rally's ramp-up: client i of n joins at i/n of the ramp-up period; the warmup and the
// time period still count from the task's start, so all clients end together.
TEST(ClientSchedule, RampUpStaggersTheClientsFirstRequests) {
  auto t = task();
  t.clients = 4;
  t.warmup_time_period = 10;
  t.time_period = 20;
  t.ramp_up_time_period = 8;
  constexpr Nanos s = ns_per_s;
  for (std::uint32_t client = 0; client < 4; ++client) {
    ClientSchedule schedule(t, false, 0, 1, client);
    auto requests = run(schedule, 0, s / 2);
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests.front().due, static_cast<Nanos>(client) * 2 * s) << "client " << client;
    EXPECT_EQ(requests.front().type, SampleType::warmup);
    // Every client runs to the end of the task's time period: 30 s from the task's start.
    auto last = requests.back().due;
    EXPECT_GE(last, 29 * s);
    EXPECT_LT(last, 30 * s);
    EXPECT_EQ(requests.back().type, SampleType::normal);
  }
}

TEST(ClientSchedule, RampUpWithAThrottledScheduleStartsEachTimelineAtTheClientsStart) {
  auto t = task();
  t.clients = 2;
  t.warmup_time_period = 4;
  t.time_period = 4;
  t.ramp_up_time_period = 4;
  t.target_throughput = 2;  // 1 per client and second
  ClientSchedule second(t, false, 0, 1, 1);
  auto requests = run(second, 0, 1000);
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0].due, 2 * ns_per_s);
  EXPECT_EQ(requests[1].due, 3 * ns_per_s);
  EXPECT_EQ(requests[2].due, 4 * ns_per_s);
  EXPECT_EQ(requests.back().due, 7 * ns_per_s);  // the period ends at 8 s for both clients
}

}  // namespace
}  // namespace rally::driver

namespace rally::driver {
namespace {

std::vector<double> gaps_ms(const std::vector<ClientSchedule::Request>& requests) {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < requests.size(); ++i)
    gaps.push_back(static_cast<double>(requests[i].due - requests[i - 1].due) / ns_per_ms);
  return gaps;
}

std::size_t count_of(const std::vector<ClientSchedule::Request>& requests, SampleType type) {
  return static_cast<std::size_t>(
      std::count_if(requests.begin(), requests.end(), [type](const auto& r) { return r.type == type; }));
}

TEST(ClientSchedule, AThrottledTimePeriodIssuesRateTimesPeriodRequests) {
  auto t = task();
  t.target_throughput = 400;
  t.warmup_time_period = 2;
  t.time_period = 10;
  ClientSchedule s(t, false, 5 * ns_per_s, 1);
  auto requests = run(s, 5 * ns_per_s, 100'000);  // 100 us of service: never behind
  ASSERT_EQ(requests.size(), 4800u);
  EXPECT_EQ(count_of(requests, SampleType::warmup), 800u);
  EXPECT_EQ(count_of(requests, SampleType::normal), 4000u);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    ASSERT_EQ(requests[i].due, 5 * ns_per_s + static_cast<Nanos>(i) * 2'500'000) << i;
  }
  EXPECT_EQ(requests[799].type, SampleType::warmup);
  EXPECT_EQ(requests[800].type, SampleType::normal);
  EXPECT_EQ(requests.back().due, 5 * ns_per_s + 12 * ns_per_s - 2'500'000);
}

TEST(ClientSchedule, EachClientRunsAtTheTargetDividedByTheClients) {
  auto t = task();
  t.clients = 4;
  t.target_throughput = 400;  // 100 ops/s per client
  t.time_period = 10;
  for (const bool poisson : {false, true}) {
    t.poisson = poisson;
    std::size_t total = 0;
    for (std::uint32_t client = 0; client < 4; ++client) {
      ClientSchedule s(t, false, 0, client + 1, client);
      auto requests = run(s, 0, 1000);
      auto gaps = gaps_ms(requests);
      const double mean_gap = std::accumulate(gaps.begin(), gaps.end(), 0.0) / static_cast<double>(gaps.size());
      EXPECT_NEAR(mean_gap, 10.0, poisson ? 1.0 : 1e-9) << "client " << client << " poisson " << poisson;
      total += requests.size();
    }
    if (poisson) {
      EXPECT_NEAR(static_cast<double>(total), 4000.0, 150.0);
    } else {
      EXPECT_EQ(total, 4000u);
    }
  }
}

// Kolmogorov-Smirnov against the exponential distribution with the target mean (not the
// sample's), plus independence of consecutive gaps: a Poisson process.
TEST(ClientSchedule, PoissonGapsAreExponentialAndIndependent) {
  auto t = task();
  t.iterations = 20001;
  t.target_throughput = 50;  // mean gap 20 ms
  t.poisson = true;
  ClientSchedule s(t, false, 0, 7);
  auto gaps = gaps_ms(run(s, 0, 0));
  ASSERT_EQ(gaps.size(), 20000u);
  auto sorted = gaps;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());
  double d = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double cdf = 1.0 - std::exp(-sorted[i] / 20.0);
    d = std::max({d, std::abs(cdf - static_cast<double>(i) / n), std::abs(static_cast<double>(i + 1) / n - cdf)});
  }
  EXPECT_LT(d, 1.63 / std::sqrt(n)) << "KS statistic, 1% level";
  // A uniform-spacing schedule or one gap repeated would fail: the spread of an exponential.
  EXPECT_NEAR(sorted[sorted.size() / 2], 20.0 * std::log(2.0), 0.6) << "median";
  EXPECT_NEAR(sorted[static_cast<std::size_t>(0.99 * n)], 20.0 * std::log(100.0), 5.0) << "p99";
  const double mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / n;
  double cov = 0, var = 0;
  for (std::size_t i = 0; i + 1 < gaps.size(); ++i) cov += (gaps[i] - mean) * (gaps[i + 1] - mean);
  for (double g : gaps) var += (g - mean) * (g - mean);
  EXPECT_LT(std::abs(cov / var), 0.03) << "lag-1 autocorrelation";
}

TEST(ClientSchedule, PoissonRepeatsForASeedAndDiffersBetweenSeeds) {
  auto t = task();
  t.iterations = 100;
  t.target_throughput = 100;
  t.poisson = true;
  const auto dues = [&](std::uint64_t seed) {
    ClientSchedule s(t, false, 0, seed);
    std::vector<Nanos> out;
    for (const auto& r : run(s, 0, 0)) out.push_back(r.due);
    return out;
  };
  EXPECT_EQ(dues(3), dues(3));
  EXPECT_NE(dues(3), dues(4));
}

TEST(ClientSchedule, TheFirstRequestIsNeverHeldBack) {
  auto t = task();
  t.iterations = 3;
  t.target_throughput = 0.01;  // one request every 100 s
  for (const bool poisson : {false, true}) {
    t.poisson = poisson;
    ClientSchedule s(t, false, 1'000, 9);
    // Asked late (the client started a little after the step), the first is already due.
    auto first = s.next(3'000);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->due, 1'000) << "poisson " << poisson;
    auto second = s.next(3'000);
    ASSERT_TRUE(second);
    EXPECT_GT(second->due, 3'000) << "poisson " << poisson;
    if (!poisson) {
      EXPECT_EQ(second->due, 1'000 + 100 * ns_per_s);
    }
  }
}

TEST(ClientSchedule, APoissonTimelineDoesNotDependOnTheClientsProgress) {
  auto t = task();
  t.iterations = 200;
  t.target_throughput = 100;
  t.poisson = true;
  ClientSchedule fast(t, false, 0, 11);
  ClientSchedule slow(t, false, 0, 11);
  auto on_time = run(fast, 0, 0);
  auto behind = run(slow, 0, 30 * ns_per_ms);  // three mean gaps per request: always behind
  ASSERT_EQ(on_time.size(), 200u);
  ASSERT_EQ(behind.size(), 200u);
  for (std::size_t i = 0; i < on_time.size(); ++i) EXPECT_EQ(on_time[i].due, behind[i].due) << i;
}

TEST(ClientSchedule, WarmupIterationsRunOnTheSameTimeline) {
  auto t = task();
  t.warmup_iterations = 3;
  t.iterations = 5;
  t.target_throughput = 10;
  ClientSchedule s(t, false, 0, 1);
  auto requests = run(s, 0, ns_per_ms);
  ASSERT_EQ(requests.size(), 8u);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].due, static_cast<Nanos>(i) * 100 * ns_per_ms) << i;
    EXPECT_EQ(requests[i].type, i < 3 ? SampleType::warmup : SampleType::normal) << i;
  }
}

TEST(ClientSchedule, ATimePeriodTakesPrecedenceOverIterations) {
  auto t = task();
  t.warmup_iterations = 50;
  t.iterations = 5;
  t.time_period = 1;
  ClientSchedule s(t, false, 0, 1);
  auto requests = run(s, 0, 100 * ns_per_ms);
  EXPECT_EQ(requests.size(), 10u);
  EXPECT_EQ(count_of(requests, SampleType::warmup), 0u) << "warmup iterations do not apply to a time period";
}

TEST(ClientSchedule, AnUnthrottledTimePeriodEndsWithTheLastRequestStartedInIt) {
  auto t = task();
  t.time_period = 1;
  ClientSchedule s(t, false, 0, 1);
  auto requests = run(s, 0, 300 * ns_per_ms);  // starts at 0, 300, 600 and 900 ms
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests.back().due, 900 * ns_per_ms);
}

}  // namespace
}  // namespace rally::driver
