// How a Connection made by ClientSetup reads responses, keeps or reopens its connection, and
// fails: timeouts, refused connections, and the one retry on a stale keep-alive connection.

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <gtest/gtest.h>

#include "rally/client/connection.hpp"

#include "unit/client/connection_harness.hpp"
#include "unit/client/gzip_reference.hpp"
#include "unit/client/loopback_server.hpp"
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rally::client {
namespace {

using namespace std::chrono_literals;
using rally::testing::loopback_config;
using rally::testing::LoopbackServer;
using rally::testing::Reply;
using rally::testing::TestClient;
using Then = Reply::Then;
using Clock = std::chrono::steady_clock;

// --- responses ----------------------------------------------------------------------------

TEST(ConnectionResponse, ContentLengthBodyAndStatus) {
  LoopbackServer server({Reply{"HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\nhello world"}});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  ASSERT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(result.status, 201u);
  EXPECT_EQ(client.body(), "hello world");
  EXPECT_GT(result.service_time, 0);
}

TEST(ConnectionResponse, ErrorStatusesAreNotTransportErrors) {
  LoopbackServer server({Reply{"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n{\"e\":404}"},
                         Reply{"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"}});
  TestClient client(loopback_config(server.port()));
  auto missing = client.get();
  EXPECT_FALSE(missing.ec);
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(client.body(), "{\"e\":404}");
  auto unavailable = client.get();
  EXPECT_FALSE(unavailable.ec);
  EXPECT_EQ(unavailable.status, 503u);
  EXPECT_EQ(client.body(), "");
  EXPECT_EQ(server.connections(), 1);
}

TEST(ConnectionResponse, ChunkedBodyIsAssembled) {
  LoopbackServer server({Reply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"},
                         Reply::ok("next")});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  ASSERT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(client.body(), "hello 0123456789");
  // The connection stays usable after a chunked body.
  ASSERT_FALSE(client.get().ec);
  EXPECT_EQ(client.body(), "next");
  EXPECT_EQ(server.connections(), 1);
}

TEST(ConnectionResponse, GzipEncodedBodyIsDecompressed) {
  std::string original;
  for (int i = 0; i < 2000; ++i) original += R"({"_id":")" + std::to_string(i) + R"(","status":201},)";
  auto compressed = rally::testing::zlib_gzip(original);
  LoopbackServer server({Reply::ok(compressed, "Content-Encoding: gzip\r\n"), Reply::ok("plain")});
  auto config = loopback_config(server.port());
  config.client.http_compress = true;
  TestClient client(config);
  auto result = client.get();
  ASSERT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(client.body(), original);
  ASSERT_FALSE(client.get().ec);
  EXPECT_EQ(client.body(), "plain");  // the next, plain response is not run through gzip
}

// A proxy may mark an empty answer gzip; Rally's client (aiohttp) reads it as empty.
// Bug: http_connection.cpp attempt() runs every body marked Content-Encoding: gzip through
// Gzip::decompress, which returns false for empty input (gzip.cpp: avail_in == 0 with room
// left is taken as truncation), so the exchange fails with bad_transfer_encoding
// ("bad Transfer-Encoding") instead of status 200 with an empty body.
TEST(ConnectionResponse, EmptyGzipEncodedBodyIsAnEmptyBody) {
  LoopbackServer server({Reply{"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n"}});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  EXPECT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(result.status, 200u);
  EXPECT_EQ(client.body(), "");
}

TEST(ConnectionResponse, CorruptGzipBodyIsAnError) {
  LoopbackServer server({Reply::ok("not gzip at all", "Content-Encoding: gzip\r\n")});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  EXPECT_TRUE(result.ec);
  EXPECT_FALSE(result.connect_failed);
}

TEST(ConnectionResponse, KeepAliveReusesOneConnection) {
  LoopbackServer server;
  TestClient client(loopback_config(server.port()));
  for (int i = 0; i < 5; ++i) {
    auto result = client.get("/" + std::to_string(i));
    ASSERT_FALSE(result.ec) << i << ": " << result.ec.message();
    EXPECT_EQ(result.status, 200u);
  }
  EXPECT_EQ(server.connections(), 1);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 5u);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].request_line(), "GET /" + std::to_string(i) + " HTTP/1.1");
    EXPECT_EQ(requests[i].connection, 0);
  }
}

TEST(ConnectionResponse, ConnectionCloseMakesTheNextRequestReconnect) {
  LoopbackServer server({Reply{Reply::ok("first", "Connection: close\r\n").bytes, Then::close}, Reply::ok("second")});
  TestClient client(loopback_config(server.port()));
  ASSERT_FALSE(client.get().ec);
  EXPECT_EQ(client.body(), "first");
  auto second = client.get();
  ASSERT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(client.body(), "second");
  EXPECT_EQ(server.connections(), 2);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].connection, 1);
}

TEST(ConnectionResponse, BodyUntilTheServerCloses) {
  // HTTP/1.0 without Content-Length: the body ends with the connection.
  LoopbackServer server({Reply{"HTTP/1.0 200 OK\r\n\r\nuntil the end", Then::close}, Reply::ok("again")});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  ASSERT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(client.body(), "until the end");
  ASSERT_FALSE(client.get().ec);
  EXPECT_EQ(client.body(), "again");
  EXPECT_EQ(server.connections(), 2);
}

TEST(ConnectionResponse, NoContentKeepsTheConnection) {
  LoopbackServer server({Reply{"HTTP/1.1 204 No Content\r\n\r\n"}, Reply::ok("after")});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  ASSERT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(result.status, 204u);
  ASSERT_FALSE(client.get().ec);
  EXPECT_EQ(client.body(), "after");
  EXPECT_EQ(server.connections(), 1);
}

// A response to HEAD carries the Content-Length of the GET response but no body (RFC 9110
// 9.3.2), as Elasticsearch's HEAD /<index> does; raw-request may send HEAD.
// Bug: http_connection.cpp attempt() never tells the parser that the request was HEAD
// (ResponseParser has no skip(true)), so it waits for 42 body bytes that never come and the
// exchange ends in a timeout instead of status 200.
TEST(ConnectionResponse, HeadResponseHasNoBody) {
  LoopbackServer server(
      {Reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n"}, Reply::ok("after")});
  TestClient client(loopback_config(server.port(), 1000));
  HttpRequest head;
  head.method = http::verb::head;
  head.target = "/idx";
  auto result = client.send(head);
  EXPECT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(result.status, 200u);
  EXPECT_EQ(client.body(), "");
  ASSERT_FALSE(client.get().ec);
  EXPECT_EQ(client.body(), "after");
}

// --- failures -------------------------------------------------------------------------------

// Runs one GET and measures it.
struct Timed {
  Exchange result;
  std::chrono::milliseconds elapsed;
};

Timed timed_get(TestClient& client, std::chrono::milliseconds timeout = {}) {
  HttpRequest request;
  auto start = Clock::now();
  auto result = client.send(request, timeout);
  return {result, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)};
}

TEST(ConnectionFailure, NoAnswerTimesOutAfterTheRequestTimeout) {
  LoopbackServer server({Reply{"", Then::stall}});
  TestClient client(loopback_config(server.port(), 1000));
  auto [result, elapsed] = timed_get(client);
  EXPECT_EQ(result.ec, boost::beast::error::timeout) << result.ec.message();
  EXPECT_FALSE(result.connect_failed);
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 3000ms);
  EXPECT_EQ(client.connection().describe(result.ec), "timed out");
  EXPECT_EQ(server.requests().size(), 1u);  // a timeout is not retried
}

TEST(ConnectionFailure, HalfAResponseThenSilenceTimesOut) {
  for (const std::string& half : {std::string("HTTP/1.1 200 OK\r\nContent-Le"),
                                  std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"a\":")}) {
    SCOPED_TRACE(half);
    LoopbackServer server({Reply{half, Then::stall}});
    TestClient client(loopback_config(server.port(), 1000));
    auto [result, elapsed] = timed_get(client);
    EXPECT_EQ(result.ec, boost::beast::error::timeout) << result.ec.message();
    EXPECT_GE(elapsed, 900ms);
    EXPECT_LT(elapsed, 3000ms);
    EXPECT_EQ(server.requests().size(), 1u);
  }
}

TEST(ConnectionFailure, ThePerRequestTimeoutOverridesTheConnections) {
  LoopbackServer server({Reply{"", Then::stall}});
  TestClient client(loopback_config(server.port(), 20'000));
  auto [result, elapsed] = timed_get(client, 400ms);
  EXPECT_EQ(result.ec, boost::beast::error::timeout) << result.ec.message();
  EXPECT_GE(elapsed, 360ms);
  EXPECT_LT(elapsed, 1200ms);
}

TEST(ConnectionFailure, AfterATimeoutTheNextRequestUsesANewConnection) {
  LoopbackServer server({Reply{"", Then::stall}, Reply::ok("fine")});
  TestClient client(loopback_config(server.port(), 500));
  EXPECT_EQ(timed_get(client).result.ec, boost::beast::error::timeout);
  auto next = client.get();
  ASSERT_FALSE(next.ec) << next.ec.message();
  EXPECT_EQ(client.body(), "fine");
  EXPECT_EQ(server.connections(), 2);
}

TEST(ConnectionFailure, RefusedConnectionIsAConnectFailure) {
  std::uint16_t port = 0;
  {  // bound and closed again: nothing listens there
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    ::close(fd);
  }
  TestClient client(loopback_config(port));
  auto [result, elapsed] = timed_get(client);
  EXPECT_TRUE(result.connect_failed);
  EXPECT_EQ(result.ec, boost::asio::error::connection_refused) << result.ec.message();
  EXPECT_EQ(result.status, 0u);
  EXPECT_LT(elapsed, 1500ms);
}

TEST(ConnectionFailure, AFreshConnectionClosedWithoutAnswerIsNotRetried) {
  LoopbackServer server({Reply{"", Then::close}});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  EXPECT_TRUE(result.ec);
  EXPECT_FALSE(result.connect_failed);
  EXPECT_EQ(result.status, 0u);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(ConnectionFailure, AStaleKeepAliveConnectionIsRetriedOnceOnANewOne) {
  // The server answers as if keeping the connection, then closes it while the client idles.
  LoopbackServer server({Reply{Reply::ok("first").bytes, Then::close}, Reply::ok("second")});
  TestClient client(loopback_config(server.port()));
  ASSERT_FALSE(client.get("/1").ec);
  std::this_thread::sleep_for(50ms);  // the server closes its end meanwhile
  HttpRequest post;
  post.method = http::verb::post;
  post.target = "/2";
  post.body = R"({"n": 2})";
  auto second = client.send(post);
  ASSERT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.status, 200u);
  EXPECT_EQ(client.body(), "second");
  EXPECT_EQ(server.connections(), 2);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].request_line(), "POST /2 HTTP/1.1");
  EXPECT_EQ(requests[1].body, post.body);  // the same request, sent whole once more
  EXPECT_EQ(requests[1].connection, 1);
}

TEST(ConnectionFailure, TheRetryHappensOnlyOnce) {
  // Stale connection, then the fresh one is closed without an answer too: an error, and no
  // third attempt.
  LoopbackServer server({Reply{Reply::ok().bytes, Then::close}, Reply{"", Then::close}});
  TestClient client(loopback_config(server.port()));
  ASSERT_FALSE(client.get().ec);
  std::this_thread::sleep_for(50ms);
  auto result = client.get();
  EXPECT_TRUE(result.ec);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(ConnectionFailure, AResponseCutOffOnAReusedConnectionIsNotRetried) {
  // Part of the answer arrived: the server saw the request, so it must not be sent again.
  LoopbackServer server(
      {Reply::ok("first"), Reply{"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"partial\":", Then::close}});
  TestClient client(loopback_config(server.port()));
  ASSERT_FALSE(client.get().ec);
  auto result = client.get();
  EXPECT_TRUE(result.ec);
  EXPECT_NE(result.ec, boost::beast::error::timeout);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.connections(), 1);
}

// Bug: http_connection.cpp attempt() dropped the parser's partial_message on EOF mid-body and
// reported the read's eof ("End of file"), which does not say that the answer was cut short.
TEST(ConnectionFailure, ABodyShorterThanItsContentLengthIsAPartialMessage) {
  LoopbackServer server({Reply{"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"partial\":", Then::close}});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  EXPECT_EQ(result.ec, boost::beast::http::error::partial_message) << result.ec.message();
  EXPECT_EQ(client.connection().describe(result.ec), "the connection closed in the middle of the response");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(ConnectionFailure, AChunkedBodyCutInAChunkIsAPartialMessage) {
  LoopbackServer server(
      {Reply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n{\"partial\":", Then::close}});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  EXPECT_EQ(result.ec, boost::beast::http::error::partial_message) << result.ec.message();
}

TEST(ConnectionFailure, ABrokenChunkSizeLineIsABadChunk) {
  LoopbackServer server(
      {Reply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", Then::close}});
  TestClient client(loopback_config(server.port()));
  auto result = client.get();
  EXPECT_EQ(result.ec, boost::beast::http::error::bad_chunk) << result.ec.message();
  EXPECT_FALSE(result.connect_failed);
}

TEST(ConnectionFailure, ATimeoutOnAReusedConnectionIsNotRetried) {
  LoopbackServer server({Reply::ok("first"), Reply{"", Then::stall}});
  TestClient client(loopback_config(server.port(), 800));
  ASSERT_FALSE(client.get().ec);
  auto [result, elapsed] = timed_get(client);
  EXPECT_EQ(result.ec, boost::beast::error::timeout);
  EXPECT_LT(elapsed, 1600ms);  // not two timeouts in a row
  EXPECT_EQ(server.requests().size(), 2u);
}

}  // namespace
}  // namespace rally::client
