// run_operation hands each operation type to its runner. The runners are coroutines: what
// the dispatch passes them must outlive their first suspension (a request target built as a
// temporary and taken by reference dangled: found by ASan in a distributed geonames race).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "rally/client/connection.hpp"
#include "rally/client/runner.hpp"
#include "rally/common/race_config.hpp"

namespace rally::client {
namespace {

namespace asio = boost::asio;

TEST(RunnerDispatch, NodeStatsRequestsItsPath) {
  asio::io_context io;
  RaceConfig config;
  // Only the exact path answers (static responses match the path, not the query): a corrupted
  // target fails the request.
  config.client.static_responses = R"([{"path": "/_nodes/stats", "body": {"nodes": {}}}])";
  ClientSetup setup(config);
  auto connection = setup.connect_client(io.get_executor(), 0);
  ClientContext context(*connection);
  track::Operation op;
  op.name = "node-stats";
  op.type = track::OperationType::node_stats;
  op.params = track::NodeStatsParams{{{"level", "shards"}}};
  int successes = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
          auto result = co_await run_operation(op, context);
          if (result.success) ++successes;
        }
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run_for(std::chrono::seconds(10));
  EXPECT_EQ(successes, 3);
}

}  // namespace
}  // namespace rally::client
