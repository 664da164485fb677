#include "rally/race/metrics_store.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "unit/client/loopback_server.hpp"

namespace rally::race {
namespace {

using rally::testing::LoopbackServer;
using rally::testing::Reply;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* secret = "Sup3r-S3cret!";

metrics::RaceReport report() {
  metrics::RaceReport r;
  r.meta.race_id = "race-1";
  r.meta.race_timestamp = "2024-05-01T12:00:00Z";
  r.meta.track = "tiny";
  r.meta.challenge = "index-and-query";
  metrics::TaskResult task;
  task.task = "index";
  task.operation = "index";
  task.operation_type = "bulk";
  task.throughput = metrics::ThroughputStats{10, 20, 20, 30};
  task.latency = {{50, 1.5}, {100, 3}};
  task.per_second = {{1, 10, 10, 0, {}, 12.0}};
  r.results = {task};
  return r;
}

metrics::StoreConfig config_for(std::uint16_t port) {
  metrics::StoreConfig c;
  c.source = "/home/u/.rally/rally.ini";
  c.enabled = true;
  c.host = {"127.0.0.1", port};
  c.user = "rally";
  c.password = secret;
  c.timeout_s = 5;
  return c;
}

Reply status(unsigned code, const std::string& reason, const std::string& body = "") {
  return Reply{"HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nContent-Type: application/json\r\n" +
                   "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
               Reply::Then::keep_open};
}

std::string root_answer() {
  return R"({"cluster_name":"c","version":{"number":"2.19.6","distribution":"opensearch"}})";
}

// A bulk response accepting `n` documents, the one at `failed` (if any) rejected.
std::string bulk_answer(std::size_t n, std::size_t failed = SIZE_MAX) {
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i) {
    if (i == failed) {
      items.push_back({{"index",
                        {{"_index", "rally-metrics-2024-05"},
                         {"status", 400},
                         {"error", {{"type", "mapper_parsing_exception"}, {"reason", "failed to parse [value]"}}}}}});
    } else {
      items.push_back({{"index", {{"_index", "rally-results-2024-05"}, {"status", 201}}}});
    }
  }
  return nlohmann::json{{"took", 1}, {"errors", failed < n}, {"items", items}}.dump();
}

std::size_t document_count() { return metrics::build_store_documents(report(), metrics::StoreContext{}).size(); }

struct Published {
  std::string out, err;
  double seconds = 0;
};

Published publish(const metrics::StoreConfig& config) {
  MetricsStore store(config, [] { return 1714564800.0 + 60; });
  RaceConfig race;
  race.race_epoch = 1714564800.0;
  std::ostringstream out, err;
  auto start = std::chrono::steady_clock::now();
  store.publish(report(), race, out, err);
  return {out.str(), err.str(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

TEST(MetricsStore, WritesTemplatesThatAreMissingAndTheDocumentsInBulk) {
  auto n = document_count();
  LoopbackServer server({Reply::ok(root_answer()), status(404, "Not Found"), Reply::ok(R"({"acknowledged":true})"),
                         status(200, "OK"), status(404, "Not Found"), Reply::ok(R"({"acknowledged":true})"),
                         Reply::ok(bulk_answer(n))});
  auto result = publish(config_for(server.port()));
  EXPECT_EQ(result.err, "");
  EXPECT_THAT(result.out,
              HasSubstr("[INFO] Metrics store http://127.0.0.1:" + std::to_string(server.port()) + ": wrote 1 race, "));
  EXPECT_THAT(result.out, HasSubstr("(rally-*-2024-05)"));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 7U);
  EXPECT_EQ(requests[0].request_line(), "GET / HTTP/1.1");
  EXPECT_EQ(requests[1].request_line(), "HEAD /_template/rally-metrics HTTP/1.1");
  EXPECT_EQ(requests[2].request_line(), "PUT /_template/rally-metrics HTTP/1.1");
  EXPECT_EQ(nlohmann::json::parse(requests[2].body)["index_patterns"][0], "rally-metrics-*");
  EXPECT_EQ(requests[3].request_line(), "HEAD /_template/rally-races HTTP/1.1");
  EXPECT_EQ(requests[4].request_line(), "HEAD /_template/rally-results HTTP/1.1");
  EXPECT_EQ(requests[5].request_line(), "PUT /_template/rally-results HTTP/1.1");
  EXPECT_EQ(requests[6].request_line(), "POST /_bulk HTTP/1.1");
  EXPECT_EQ(requests[6].header("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(requests[6].header("Authorization"), "Basic cmFsbHk6U3VwM3ItUzNjcmV0IQ==");  // rally:Sup3r-S3cret!
  for (const auto& r : requests) EXPECT_EQ(r.connection, 0) << "one keep-alive connection";
  std::istringstream lines(requests[6].body);
  std::string action, source;
  ASSERT_TRUE(std::getline(lines, action) && std::getline(lines, source));
  EXPECT_EQ(nlohmann::json::parse(action),
            nlohmann::json({{"index", {{"_index", "rally-races-2024-05"}, {"_id", "race-1"}}}}));
  EXPECT_EQ(nlohmann::json::parse(source)["race-id"], "race-1");
  std::size_t count = 1;
  while (std::getline(lines, action) && std::getline(lines, source)) ++count;
  EXPECT_EQ(count, n);
  EXPECT_THAT(requests[6].body, Not(HasSubstr(secret)));
}

TEST(MetricsStore, WithoutTheProbeAndWithOverwrittenTemplates) {
  auto config = config_for(0);
  config.probe_cluster_version = false;
  config.overwrite_existing_templates = true;
  LoopbackServer server({Reply::ok(), Reply::ok(), Reply::ok(), Reply::ok(bulk_answer(document_count()))});
  config.host.port = server.port();
  auto result = publish(config);
  EXPECT_EQ(result.err, "");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4U);
  EXPECT_EQ(requests[0].request_line(), "PUT /_template/rally-metrics HTTP/1.1");
  EXPECT_EQ(requests[3].request_line(), "POST /_bulk HTTP/1.1");
}

TEST(MetricsStore, AnUnreachableStoreIsOneWarning) {
  std::uint16_t port = 0;
  {
    LoopbackServer closed;  // a port that was free a moment ago and is closed again
    port = closed.port();
  }
  auto result = publish(config_for(port));
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, HasSubstr("[WARNING] Metrics store http://127.0.0.1:" + std::to_string(port) +
                                    ": cannot connect: Connection refused. 0 of "));
  EXPECT_THAT(result.err, HasSubstr("the results are in race.json"));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
  EXPECT_THAT(result.err, Not(HasSubstr(secret)));
}

TEST(MetricsStore, RefusedCredentialsAreOneWarningWithoutThePassword) {
  LoopbackServer server(
      {status(401, "Unauthorized",
              std::string(R"({"error":{"type":"security_exception","reason":"unable to authenticate )") +
                  "user [rally] with " + secret + R"("},"status":401})")});
  auto result = publish(config_for(server.port()));
  EXPECT_THAT(result.err,
              HasSubstr("it refused the credentials of datastore.user 'rally' (HTTP 401 security_exception"));
  EXPECT_THAT(result.err, Not(HasSubstr(secret)));  // even when the store echoes it
  EXPECT_EQ(server.requests().size(), 1U);
}

TEST(MetricsStore, CredentialsMissingNameRallyIni) {
  LoopbackServer server({status(401, "Unauthorized")});
  auto config = config_for(server.port());
  config.user.clear();
  config.password.clear();
  auto result = publish(config);
  EXPECT_THAT(result.err, HasSubstr("set datastore.user and datastore.password in /home/u/.rally/rally.ini"));
  EXPECT_FALSE(server.requests().at(0).header("Authorization").has_value());
}

TEST(MetricsStore, AProxysErrorPageShowsItsTitle) {
  LoopbackServer server(
      {status(401, "Unauthorized",
              "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body></body></html>")});
  auto result = publish(config_for(server.port()));
  EXPECT_THAT(result.err, HasSubstr("(HTTP 401: 401 Authorization Required)"));
}

TEST(MetricsStore, RejectedDocumentsAreCounted) {
  auto n = document_count();
  auto config = config_for(0);
  config.probe_cluster_version = false;
  LoopbackServer server({status(200, "OK"), status(200, "OK"), status(200, "OK"), Reply::ok(bulk_answer(n, n - 1))});
  config.host.port = server.port();
  auto result = publish(config);
  EXPECT_THAT(result.err,
              HasSubstr("1 of " + std::to_string(n) +
                        " documents were rejected (first: "
                        "mapper_parsing_exception: failed to parse [value] (index rally-metrics-2024-05))"));
  EXPECT_THAT(result.err, HasSubstr(std::to_string(n - 1) + " of " + std::to_string(n) + " documents were written"));
}

TEST(MetricsStore, AFailedTemplateStopsTheUpload) {
  LoopbackServer server(
      {Reply::ok(root_answer()), status(404, "Not Found"),
       status(400, "Bad Request", R"({"error":{"type":"illegal_argument_exception","reason":"x"}})")});
  auto result = publish(config_for(server.port()));
  EXPECT_THAT(result.err,
              HasSubstr("PUT /_template/rally-metrics failed: HTTP 400 illegal_argument_exception: x. 0 of "));
  EXPECT_EQ(server.requests().size(), 3U);
}

TEST(MetricsStore, AnythingButElasticsearchIsRefused) {
  LoopbackServer server({Reply::ok("<html>hello</html>")});
  auto result = publish(config_for(server.port()));
  EXPECT_THAT(result.err, HasSubstr("it does not answer GET / like Elasticsearch or OpenSearch (HTTP 200: <html>"));
}

TEST(MetricsStore, GarbageIsOneWarning) {
  LoopbackServer server({Reply{"SSH-2.0-OpenSSH_9.2\r\n\r\n", Reply::Then::close}});
  auto result = publish(config_for(server.port()));
  EXPECT_THAT(result.err, HasSubstr("no valid answer to GET /: "));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

TEST(MetricsStore, ASilentStoreCostsAtMostTheTimeout) {
  LoopbackServer server({Reply{"", Reply::Then::stall}});
  auto config = config_for(server.port());
  config.timeout_s = 0.5;
  auto result = publish(config);
  EXPECT_THAT(result.err, HasSubstr("no answer to GET / within 0.5 s"));
  EXPECT_LT(result.seconds, 2.0);
}

TEST(MetricsStore, InMemoryWritesNothing) {
  MetricsStore store;
  EXPECT_FALSE(store.enabled());
  std::ostringstream out, err;
  store.publish(report(), RaceConfig{}, out, err);
  EXPECT_EQ(out.str() + err.str(), "");
}

TEST(MetricsStore, TaskWindowsComeFromWhenTheResultsArrived) {
  double now = 1000;
  MetricsStore store(config_for(9200), [&] { return now; });
  metrics::TaskResult a, b;
  a.task = "a";
  a.duration_s = 2;
  b.task = "b";
  b.duration_s = 1;
  b.per_second = {{0, 1, 1, 0, {}, std::nullopt}, {4, 1, 1, 0, {}, 1.0}};
  store.on_task_finished({a, b});  // a parallel step: one window for both
  now = 1010;
  RaceConfig race;
  race.race_epoch = 990;
  race.track_params = R"({"p":1})";
  auto context = store.context(race);
  EXPECT_DOUBLE_EQ(context.task_windows.at("a").end_s, 1000);
  EXPECT_DOUBLE_EQ(context.task_windows.at("a").step_start_s, 1000 - 4.5);
  EXPECT_DOUBLE_EQ(context.task_windows.at("b").step_start_s, 1000 - 4.5);
  EXPECT_DOUBLE_EQ(context.race_start_s, 990);
  EXPECT_DOUBLE_EQ(context.race_end_s, 1010);
  EXPECT_EQ(context.track_params, R"({"p":1})");
  EXPECT_EQ(context.environment, "local");
}

}  // namespace
}  // namespace rally::race
