// What a Connection made by ClientSetup puts on the wire: the request head, the body, the
// client options' headers and the cluster's media types; and static responses.

#include "rally/client/connection.hpp"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"

#include "unit/client/connection_harness.hpp"
#include "unit/client/gzip_reference.hpp"
#include "unit/client/loopback_server.hpp"

namespace rally::client {
namespace {

using rally::testing::LoopbackServer;
using rally::testing::RecordedRequest;
using rally::testing::TestClient;
using ::testing::HasSubstr;

// Sends `request` to a fresh server with `config` adjusted by the test; returns what arrived.
RecordedRequest round_trip(HttpRequest& request, const std::function<void(RaceConfig&)>& adjust = {}) {
  LoopbackServer server;
  auto config = rally::testing::loopback_config(server.port());
  if (adjust) adjust(config);
  TestClient client(config);
  auto result = client.send(request);
  EXPECT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(result.status, 200u);
  auto requests = server.requests();
  EXPECT_EQ(requests.size(), 1u);
  return requests.empty() ? RecordedRequest{} : requests.front();
}

// --- the request head and body ----------------------------------------------------------------

TEST(ConnectionRequest, PostHeadAndBody) {
  LoopbackServer server;
  TestClient client(rally::testing::loopback_config(server.port()));
  HttpRequest request;
  request.method = http::verb::post;
  request.target = "/logs-*/_search?size=10&request_cache=false";
  request.body = R"({"query": {"match_all": {}}})";
  auto result = client.send(request);
  ASSERT_FALSE(result.ec) << result.ec.message();
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.request_line(), "POST /logs-*/_search?size=10&request_cache=false HTTP/1.1");
  EXPECT_EQ(r.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Accept"), "application/json");
  EXPECT_EQ(r.header("Content-Length"), std::to_string(request.body.size()));
  EXPECT_EQ(r.body, request.body);
  EXPECT_TRUE(r.values("Content-Encoding").empty());
  EXPECT_TRUE(r.values("Accept-Encoding").empty());
  EXPECT_TRUE(r.values("Authorization").empty());
  // What was written: the head, its blank line and the body.
  EXPECT_EQ(result.bytes_sent, r.head.size() + 4 + request.body.size());
}

TEST(ConnectionRequest, NdjsonContentType) {
  HttpRequest request;
  request.method = http::verb::post;
  request.target = "/_bulk";
  request.content_type = ContentType::ndjson;
  request.body = "{\"index\":{}}\n{\"a\":1}\n";
  auto r = round_trip(request);
  EXPECT_EQ(r.header("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(r.header("Accept"), "application/json");
  EXPECT_EQ(r.body, request.body);
}

TEST(ConnectionRequest, BodyBytesArriveExactly) {
  HttpRequest request;
  request.method = http::verb::put;
  request.target = "/idx/_doc/1";
  request.body = std::string("a\0b\r\n\r\nc\xff", 9) + std::string(200'000, 'x');
  auto r = round_trip(request);
  EXPECT_EQ(r.header("Content-Length"), std::to_string(request.body.size()));
  EXPECT_EQ(r.body, request.body);
}

TEST(ConnectionRequest, ScatterGatherPiecesArriveConcatenated) {
  const std::vector<std::string> parts = {"{\"index\":{}}\n", "{\"n\":1}\n", "", "{\"index\":{}}\n",
                                          std::string(100'000, 'd') + "\n"};
  HttpRequest request;
  request.method = http::verb::post;
  request.target = "/_bulk";
  request.content_type = ContentType::ndjson;
  request.body = "ignored when there are pieces";
  std::string all;
  for (const auto& p : parts) {
    request.pieces.emplace_back(p.data(), p.size());
    all += p;
  }
  EXPECT_EQ(request.body_size(), all.size());
  auto r = round_trip(request);
  EXPECT_EQ(r.header("Content-Length"), std::to_string(all.size()));
  EXPECT_EQ(r.body, all);
}

TEST(ConnectionRequest, GetWithoutBodyHasNoContentLengthOrType) {
  HttpRequest request;
  request.target = "/_cluster/health?wait_for_status=green";
  auto r = round_trip(request);
  EXPECT_EQ(r.request_line(), "GET /_cluster/health?wait_for_status=green HTTP/1.1");
  EXPECT_TRUE(r.values("Content-Length").empty()) << r.head;
  EXPECT_TRUE(r.values("Content-Type").empty()) << r.head;
  EXPECT_TRUE(r.body.empty());
}

TEST(ConnectionRequest, DeleteWithoutBody) {
  LoopbackServer server;
  TestClient client(rally::testing::loopback_config(server.port()));
  HttpRequest request;
  request.method = http::verb::delete_;
  request.target = "/idx";
  ASSERT_FALSE(client.send(request).ec);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].request_line(), "DELETE /idx HTTP/1.1");
  EXPECT_TRUE(requests[0].values("Content-Length").empty());
}

TEST(ConnectionRequest, PutWithoutBodySaysContentLengthZero) {
  HttpRequest request;
  request.method = http::verb::put;
  request.target = "/idx";
  auto r = round_trip(request);
  EXPECT_EQ(r.header("Content-Length"), "0");
}

TEST(ConnectionRequest, PathExcludesTheQuery) {
  HttpRequest request;
  request.target = "/a/b?c=d?e";
  EXPECT_EQ(request.path(), "/a/b");
  request.target = "/plain";
  EXPECT_EQ(request.path(), "/plain");
}

// --- client options -------------------------------------------------------------------------

TEST(ConnectionOptions, BasicAuth) {
  HttpRequest request;
  auto r = round_trip(request, [](RaceConfig& c) {
    c.client.basic_auth_user = "elastic";
    c.client.basic_auth_password = "p@ss:w0rd";
  });
  EXPECT_EQ(r.header("Authorization"), "Basic ZWxhc3RpYzpwQHNzOncwcmQ=");  // base64("elastic:p@ss:w0rd")
}

TEST(ConnectionOptions, ApiKey) {
  HttpRequest request;
  auto r = round_trip(request, [](RaceConfig& c) {
    c.client.api_key = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
  });
  EXPECT_EQ(r.header("Authorization"), "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
}

TEST(ConnectionOptions, CustomHeadersAndOpaqueId) {
  HttpRequest request;
  auto r = round_trip(request, [](RaceConfig& c) {
    c.client.headers = {{"X-Tenant", "blue"}, {"X-Trace", "t-1"}};
    c.client.opaque_id = "rally-run-42";
  });
  EXPECT_EQ(r.header("X-Tenant"), "blue");
  EXPECT_EQ(r.header("X-Trace"), "t-1");
  EXPECT_EQ(r.header("X-Opaque-Id"), "rally-run-42");
}

TEST(ConnectionOptions, PerRequestHeaders) {
  LoopbackServer server;
  TestClient client(rally::testing::loopback_config(server.port()));
  Headers own = {{"X-Op", "one"}, {"X-Opaque-Id", "op-1"}};
  HttpRequest request;
  request.headers = &own;
  ASSERT_FALSE(client.send(request).ec);
  request.headers = nullptr;  // the next request of the same client has none
  ASSERT_FALSE(client.send(request).ec);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("X-Op"), "one");
  EXPECT_EQ(requests[0].header("X-Opaque-Id"), "op-1");
  EXPECT_TRUE(requests[1].values("X-Op").empty());
  EXPECT_TRUE(requests[1].values("X-Opaque-Id").empty());
}

// An operation's own opaque-id (operation_parser.cpp puts it into the request's headers) and
// the client's --client-options opaque-id: one X-Opaque-Id must go out, the operation's (as
// in Rally, where the request's opaque_id overrides the client's). Elasticsearch answers 400
// "multiple values for single-valued header [X-Opaque-Id]" to a request with two.
// Bug: http_connection.cpp build_head() appends the request's headers after the shared
// header block (client_setup.cpp adds "X-Opaque-Id: <client opaque-id>" there), so both
// go out: X-Opaque-Id: client-wide and X-Opaque-Id: op-1.
TEST(ConnectionOptions, PerRequestOpaqueIdReplacesTheClients) {
  Headers own = {{"X-Opaque-Id", "op-1"}};
  HttpRequest request;
  request.headers = &own;
  auto r = round_trip(request, [](RaceConfig& c) { c.client.opaque_id = "client-wide"; });
  EXPECT_EQ(r.values("X-Opaque-Id"), (std::vector<std::string>{"op-1"})) << r.head;
}

TEST(ConnectionOptions, HttpCompressGzipsTheBodyAndAcceptsGzip) {
  HttpRequest request;
  request.method = http::verb::post;
  request.target = "/_bulk";
  request.content_type = ContentType::ndjson;
  for (int i = 0; i < 1000; ++i) request.body += "{\"index\":{}}\n{\"n\":" + std::to_string(i) + "}\n";
  auto r = round_trip(request, [](RaceConfig& c) { c.client.http_compress = true; });
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  EXPECT_EQ(r.header("Accept-Encoding"), "gzip");
  EXPECT_EQ(r.header("Content-Length"), std::to_string(r.body.size()));
  EXPECT_LT(r.body.size(), request.body.size());
  EXPECT_EQ(rally::testing::zlib_gunzip(r.body), request.body);
}

TEST(ConnectionOptions, HttpCompressGzipsScatterGatherPieces) {
  const std::vector<std::string> parts = {"{\"index\":{}}\n", "{\"a\":1}\n", "{\"index\":{}}\n", "{\"b\":2}\n"};
  HttpRequest request;
  request.method = http::verb::post;
  request.target = "/_bulk";
  std::string all;
  for (const auto& p : parts) {
    request.pieces.push_back(boost::asio::buffer(p));
    all += p;
  }
  auto r = round_trip(request, [](RaceConfig& c) { c.client.http_compress = true; });
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  EXPECT_EQ(rally::testing::zlib_gunzip(r.body), all);
}

TEST(ConnectionOptions, HttpCompressLeavesARequestWithoutBodyAlone) {
  HttpRequest request;
  auto r = round_trip(request, [](RaceConfig& c) { c.client.http_compress = true; });
  EXPECT_EQ(r.header("Accept-Encoding"), "gzip");
  EXPECT_TRUE(r.values("Content-Encoding").empty());
  EXPECT_TRUE(r.values("Content-Length").empty());
}

// --- media types for the cluster ------------------------------------------------------------

TEST(MediaTypes, Elasticsearch8AndLaterGetCompatibleWith) {
  EXPECT_EQ(content_type_for(ContentType::json, "elasticsearch", "8.15.0"),
            "application/vnd.elasticsearch+json; compatible-with=8");
  EXPECT_EQ(content_type_for(ContentType::ndjson, "elasticsearch", "8.15.0"),
            "application/vnd.elasticsearch+x-ndjson; compatible-with=8");
  EXPECT_EQ(accept_for("elasticsearch", "8.0.0-SNAPSHOT"), "application/vnd.elasticsearch+json; compatible-with=8");
  EXPECT_EQ(accept_for("elasticsearch", "9.1.2"), "application/vnd.elasticsearch+json; compatible-with=9");
  EXPECT_EQ(accept_for("elasticsearch", "10.0.0"), "application/vnd.elasticsearch+json; compatible-with=10");
}

TEST(MediaTypes, OlderElasticsearchOpenSearchAndUnknownGetPlainTypes) {
  for (auto [distribution, version] : std::vector<std::pair<std::string, std::string>>{{"elasticsearch", "7.17.0"},
                                                                                       {"opensearch", "2.19.6"},
                                                                                       {"opensearch", "8.0.0"},
                                                                                       {"", ""},
                                                                                       {"elasticsearch", ""}}) {
    SCOPED_TRACE(distribution + " " + version);
    EXPECT_EQ(content_type_for(ContentType::json, distribution, version), "application/json");
    EXPECT_EQ(content_type_for(ContentType::ndjson, distribution, version), "application/x-ndjson");
    EXPECT_EQ(accept_for(distribution, version), "application/json");
  }
}

// Accept, and Content-Type for a JSON and an ndjson request, as sent to a cluster.
std::vector<std::optional<std::string>> media_types_sent(const std::string& distribution, const std::string& version) {
  LoopbackServer server;
  auto config = rally::testing::loopback_config(server.port());
  config.cluster_distribution = distribution;
  config.cluster_version = version;
  TestClient client(config);
  HttpRequest request;
  request.method = http::verb::post;
  request.body = "{}";
  EXPECT_FALSE(client.send(request).ec);
  request.content_type = ContentType::ndjson;
  request.body = "{}\n";
  EXPECT_FALSE(client.send(request).ec);
  auto requests = server.requests();
  if (requests.size() != 2u) {
    ADD_FAILURE() << requests.size() << " requests";
    return {};
  }
  return {requests[0].header("Accept"), requests[0].header("Content-Type"), requests[1].header("Accept"),
          requests[1].header("Content-Type")};
}

TEST(MediaTypes, SentToElasticsearch8) {
  const std::string json = "application/vnd.elasticsearch+json; compatible-with=8";
  const std::string ndjson = "application/vnd.elasticsearch+x-ndjson; compatible-with=8";
  EXPECT_EQ(media_types_sent("elasticsearch", "8.15.0"),
            (std::vector<std::optional<std::string>>{json, json, json, ndjson}));
}

TEST(MediaTypes, SentToElasticsearch7AndOpenSearch) {
  const std::vector<std::optional<std::string>> plain = {"application/json", "application/json", "application/json",
                                                         "application/x-ndjson"};
  EXPECT_EQ(media_types_sent("elasticsearch", "7.17.0"), plain);
  EXPECT_EQ(media_types_sent("opensearch", "2.19.6"), plain);
}

// --- static responses -----------------------------------------------------------------------

RaceConfig static_config(std::uint16_t port) {
  auto config = rally::testing::loopback_config(port);
  config.client.static_responses_file = "canned.json";
  config.client.static_responses = R"([
      {"path": "/_cluster/health", "body": {"status": "green"}},
      {"path": "*/_bulk", "body": {"errors": false, "took": 1}}])";
  return config;
}

TEST(StaticConnection, AnswersFromTheCannedResponsesWithoutANetwork) {
  // Port 9 (discard) on loopback: nothing listens there, and nothing is needed.
  auto config = static_config(9);
  ClientSetup setup(config);
  EXPECT_TRUE(setup.static_responses());
  TestClient client(config);
  auto health = client.get("/_cluster/health?wait_for_status=green");
  EXPECT_FALSE(health.ec);
  EXPECT_FALSE(health.connect_failed);
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(client.body(), R"({"status":"green"})");

  HttpRequest bulk;
  bulk.method = http::verb::post;
  bulk.target = "/logs/_bulk";
  bulk.body = "{\"index\":{}}\n{}\n";
  auto result = client.send(bulk);
  EXPECT_EQ(result.status, 200u);
  EXPECT_EQ(result.bytes_sent, bulk.body.size());
  EXPECT_EQ(nlohmann::json::parse(client.body())["errors"], false);
}

TEST(StaticConnection, NoMatchIsA404NamingThePath) {
  auto config = static_config(9);
  TestClient client(config);
  auto result = client.get("/_nodes/stats?level=shards");
  EXPECT_FALSE(result.ec);
  EXPECT_EQ(result.status, 404u);
  auto body = nlohmann::json::parse(client.body());
  EXPECT_EQ(body["status"], 404);
  auto reason = body["error"]["reason"].get<std::string>();
  EXPECT_THAT(reason, HasSubstr("/_nodes/stats"));
  EXPECT_THAT(reason, HasSubstr("canned.json"));
}

TEST(StaticConnection, MalformedCannedResponsesFailTheSetUp) {
  auto config = static_config(9);
  config.client.static_responses = R"([{"path": "/x"}])";
  try {
    ClientSetup setup(config);
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr("canned.json"));
    EXPECT_THAT(e.what(), HasSubstr("entry 0"));
  }
}

}  // namespace
}  // namespace rally::client
