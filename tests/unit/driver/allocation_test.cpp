#include "rally/driver/allocation.hpp"

#include <gtest/gtest.h>

#include "unit/driver/driver_test_support.hpp"

namespace rally::driver {
namespace {

using testing::task;
using testing::track_with;

TEST(Allocation, SimulatedClientsAreTheLargestStep) {
  auto t = track_with({{{task("a", 1)}}, {{task("b", 4)}}, {{task("c", 2), task("d", 3)}}});
  Allocation a(t.challenges[0], 16);
  EXPECT_EQ(a.clients(), 5u);
  EXPECT_EQ(a.steps(), 3u);
  EXPECT_EQ(a.workers(), 5u);  // never more Workers than clients
}

TEST(Allocation, WorkersAreCappedByCapacity) {
  auto t = track_with({{{task("a", 8)}}});
  Allocation a(t.challenges[0], 3);
  EXPECT_EQ(a.workers(), 3u);
  // Client c runs on Worker c % workers.
  std::size_t per_worker[3] = {};
  for (std::size_t w = 0; w < 3; ++w) {
    for (const auto& ct : a.tasks_for(w, 0)) {
      EXPECT_EQ(ct.global_client % 3, w);
      ++per_worker[w];
    }
  }
  EXPECT_EQ(per_worker[0], 3u);
  EXPECT_EQ(per_worker[1], 3u);
  EXPECT_EQ(per_worker[2], 2u);
}

TEST(Allocation, ParallelTasksTakeConsecutiveClientIds) {
  auto t = track_with({{{task("c", 2), task("d", 3)}}});
  Allocation a(t.challenges[0], 1);
  auto tasks = a.tasks_for(0, 0);
  ASSERT_EQ(tasks.size(), 5u);
  for (std::uint32_t i = 0; i < 5; ++i) EXPECT_EQ(tasks[i].global_client, i);
  EXPECT_EQ(tasks[0].task, 0u);
  EXPECT_EQ(tasks[1].client_index, 1u);
  EXPECT_EQ(tasks[1].task_clients, 2u);
  EXPECT_EQ(tasks[2].task, 1u);
  EXPECT_EQ(tasks[2].client_index, 0u);
  EXPECT_EQ(tasks[4].client_index, 2u);
  EXPECT_EQ(tasks[4].task_clients, 3u);
}

TEST(Allocation, AWorkerMayHaveNothingToDoInAStep) {
  auto t = track_with({{{task("one", 1)}}, {{task("two", 2)}}});
  Allocation a(t.challenges[0], 2);
  EXPECT_EQ(a.tasks_for(0, 0).size(), 1u);
  EXPECT_TRUE(a.tasks_for(1, 0).empty());
  EXPECT_EQ(a.tasks_for(1, 1).size(), 1u);
  auto all = a.tasks_for(1);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].step, 1u);
}

TEST(Allocation, EveryClientTaskIsAllocatedExactlyOnce) {
  auto t = track_with({{{task("a", 7), task("b", 5)}}, {{task("c", 3)}}});
  Allocation a(t.challenges[0], 4);
  std::size_t total = 0;
  for (std::size_t w = 0; w < a.workers(); ++w) total += a.tasks_for(w).size();
  EXPECT_EQ(total, 15u);
}

}  // namespace
}  // namespace rally::driver
