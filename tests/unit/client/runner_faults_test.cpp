// How runners judge answers that are not what the API returns, and how run_with_retries
// retries, against a scripted loopback server.

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "rally/client/bulk_reader.hpp"
#include "rally/client/connection.hpp"
#include "rally/client/runner.hpp"

#include "unit/client/connection_harness.hpp"
#include "unit/client/loopback_server.hpp"
#include "unit/temp_dir.hpp"

namespace rally::client {
namespace {

namespace asio = boost::asio;
using rally::testing::loopback_config;
using rally::testing::LoopbackServer;
using rally::testing::Reply;

const std::string kHits = R"({"took":1,"timed_out":false,"hits":{"total":{"value":0,"relation":"eq"},"hits":[]}})";

Reply status(unsigned code, const std::string& body) {
  return Reply{"HTTP/1.1 " + std::to_string(code) + " Status\r\nContent-Type: application/json\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body,
               Reply::Then::keep_open};
}

track::Operation search_operation(track::RequestParams params = {}, bool detailed = false) {
  track::Operation op;
  op.name = "search";
  op.type = track::OperationType::search;
  track::SearchParams p;
  p.index = "idx";
  p.body = R"({"query":{"match_all":{}}})";
  p.request_params = std::move(params);
  p.detailed_results = detailed;
  op.params = p;
  return op;
}

// One client against the server; runs operations with their retry properties.
struct Client {
  explicit Client(const LoopbackServer& server)
      : setup(loopback_config(server.port())),
        connection(setup.connect_client(io.get_executor(), 0)),
        context(*connection) {}

  OperationResult run(const track::Operation& op) {
    std::optional<OperationResult> result;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { result = co_await run_with_retries(op, context); },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io.restart();
    io.run_for(std::chrono::seconds(20));
    EXPECT_TRUE(result.has_value()) << "the operation did not complete";
    return result.value_or(OperationResult{});
  }

  asio::io_context io;
  ClientSetup setup;
  std::unique_ptr<Connection> connection;
  ClientContext context;
};

// --- malformed answers ----------------------------------------------------------------------

// Bug: search_runner.cpp took any 200 as a success without looking at it, so a proxy's HTML
// page or a truncated-but-framed body counted as a successful search.
TEST(RunnerFaults, SearchAnsweredWithSomethingElseThanJsonIsMalformed) {
  LoopbackServer server({Reply::ok("<html><body>502 upstream gone</body></html>")});
  Client client(server);
  auto result = client.run(search_operation());
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.error, metrics::ErrorClass::malformed);
  EXPECT_EQ(result.error_kind, "malformed response: not a JSON object");
  EXPECT_EQ(result.http_status, 200u);
  EXPECT_NE(result.error_description.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos)
      << result.error_description;
  EXPECT_NE(result.error_description.find("/idx/_search"), std::string::npos) << result.error_description;
}

TEST(RunnerFaults, SearchAnswerWithoutHitsIsMalformedWithOrWithoutDetailedResults) {
  LoopbackServer server({Reply::ok(R"({"took":3})"), Reply::ok(R"({"took":3})"), Reply::ok("[1,2]")});
  Client client(server);
  auto plain = client.run(search_operation());
  EXPECT_EQ(plain.error, metrics::ErrorClass::malformed);
  EXPECT_EQ(plain.error_kind, "malformed response: search response without 'hits'");
  auto detailed = client.run(search_operation({}, true));
  EXPECT_EQ(detailed.error, metrics::ErrorClass::malformed);
  EXPECT_EQ(detailed.error_kind, "malformed response: search response without 'hits'");
  auto array = client.run(search_operation({}, true));
  EXPECT_EQ(array.error_kind, "malformed response: not a JSON object");
}

TEST(RunnerFaults, SearchWithFilterPathMayLackHits) {
  LoopbackServer server({Reply::ok(R"({"took":3})"), Reply::ok(kHits)});
  Client client(server);
  EXPECT_TRUE(client.run(search_operation({{"filter_path", "took"}})).success);
  EXPECT_TRUE(client.run(search_operation()).success);
}

struct BulkFixture {
  BulkFixture() {
    std::string docs;
    for (int i = 0; i < 10; ++i) docs += R"({"n":)" + std::to_string(i) + "}\n";
    dir.write("docs.json", docs);
    track.name = "t";
    track.directory = dir.str();
    track::Document d;
    d.source_file = d.document_file = "docs.json";
    d.document_count = 10;
    d.target_index = "idx";
    track.corpora.push_back(track::Corpus{"c", "", {d}});
    params.bulk_size = 5;
    op.name = "bulk";
    op.type = track::OperationType::bulk;
    op.params = params;
  }
  void attach(Client& client) { client.context.bulk.emplace(partition_corpora(track, params, 0, 1, cache), params); }
  rally::testing::TempDir dir;
  track::Track track;
  track::BulkParams params;
  track::Operation op;
  CorpusCache cache;
};

// Bug: bulk_runner.cpp counted an answer that is not a bulk answer as class "bulk" (failed
// items) with no kind, so the report said "bulk" for what was a broken answer.
TEST(RunnerFaults, BulkAnswerThatIsNotABulkAnswerIsMalformedAndFailsEveryDocument) {
  LoopbackServer server({Reply::ok("not json"), Reply::ok(R"({"took":3})")});
  Client client(server);
  BulkFixture bulk;
  bulk.attach(client);
  auto garbage = client.run(bulk.op);
  EXPECT_FALSE(garbage.success);
  EXPECT_EQ(garbage.error, metrics::ErrorClass::malformed);
  EXPECT_EQ(garbage.error_kind, "malformed response: not JSON");
  EXPECT_EQ(garbage.weight, 5u);
  EXPECT_EQ(garbage.failed_weight, 5u);
  auto shapeless = client.run(bulk.op);
  EXPECT_EQ(shapeless.error, metrics::ErrorClass::malformed);
  EXPECT_EQ(shapeless.error_kind, "malformed response: bulk response without an 'errors' flag");
  EXPECT_EQ(shapeless.failed_weight, 5u);
}

// --- retries --------------------------------------------------------------------------------

TEST(RunnerFaults, RetryOnErrorRetriesHttpErrorsUntilTheAnswerIsGood) {
  const std::string rejected = R"({"error":{"type":"es_rejected_execution_exception","reason":"full"},"status":429})";
  LoopbackServer server({status(429, rejected), status(429, rejected), Reply::ok(R"({"errors":false,"items":[]})")});
  Client client(server);
  BulkFixture bulk;
  bulk.op.retry.retries = 3;
  bulk.op.retry.on_error = true;
  bulk.op.retry.wait_period_s = 0.01;
  bulk.attach(client);
  auto result = client.run(bulk.op);
  EXPECT_TRUE(result.success) << result.error_description;
  EXPECT_EQ(result.weight, 5u);
  EXPECT_EQ(result.failed_weight, 0u);
  ASSERT_EQ(server.requests().size(), 3u);
  // Every attempt sends the same documents.
  EXPECT_EQ(server.requests()[0].body, server.requests()[2].body);
}

TEST(RunnerFaults, RetriesAreBoundedAndTheLastErrorIsReported) {
  const std::string unavailable = R"({"error":{"type":"search_phase_execution_exception"},"status":503})";
  LoopbackServer server({status(503, unavailable), status(503, unavailable), status(503, unavailable)});
  Client client(server);
  auto op = search_operation();
  op.retry.retries = 2;
  op.retry.on_error = true;
  op.retry.wait_period_s = 0.01;
  auto result = client.run(op);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.error_kind, "HTTP 503 search_phase_execution_exception");
  EXPECT_EQ(server.requests().size(), 3u);  // the first attempt and two retries
}

TEST(RunnerFaults, HttpErrorsAreNotRetriedWithoutRetryOnError) {
  LoopbackServer server({status(503, "{}"), Reply::ok(kHits)});
  Client client(server);
  auto op = search_operation();
  op.retry.retries = 2;
  op.retry.on_timeout = true;
  auto result = client.run(op);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(server.requests().size(), 1u);
}

// Rally retries connection errors (elasticsearch's ConnectionError: reset, closed) under
// retry-on-timeout, as it does timeouts. Bug: runner.cpp retried them only with
// retry-on-error, so `retries` alone did not survive a reset connection.
TEST(RunnerFaults, AConnectionClosedWithoutAnswerIsRetriedUnderRetryOnTimeout) {
  LoopbackServer server({Reply{"", Reply::Then::close}, Reply::ok(kHits)});
  Client client(server);
  auto op = search_operation();
  op.retry.retries = 1;
  op.retry.on_timeout = true;
  op.retry.wait_period_s = 0.01;
  auto result = client.run(op);
  EXPECT_TRUE(result.success) << result.error_description;
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.connections(), 2);
}

TEST(RunnerFaults, AConnectionClosedWithoutAnswerIsNotRetriedWhenRetryOnTimeoutIsOff) {
  LoopbackServer server({Reply{"", Reply::Then::close}, Reply::ok(kHits)});
  Client client(server);
  auto op = search_operation();
  op.retry.retries = 1;
  op.retry.on_timeout = false;
  op.retry.on_error = true;
  auto result = client.run(op);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.error, metrics::ErrorClass::transport);
  EXPECT_EQ(server.requests().size(), 1u);
}

}  // namespace
}  // namespace rally::client
