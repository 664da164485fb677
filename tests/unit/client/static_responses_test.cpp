#include "client/static_responses.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

namespace rally::client {
namespace {

using ::testing::HasSubstr;

// The body for `path`, or "<none>".
std::string answer(const StaticResponses& r, std::string_view path) {
  const auto* body = r.find(path);
  return body ? *body : "<none>";
}

std::string error_of(const std::string& json, const std::string& source = "responses.json") {
  try {
    StaticResponses::parse(json, source);
  } catch (const RallyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for: " << json;
  return {};
}

TEST(StaticResponses, ExactPathMatchesOnlyItself) {
  auto r = StaticResponses::parse(R"([{"path": "/_cluster/health", "body": {"status": "green"}}])", "f");
  EXPECT_EQ(answer(r, "/_cluster/health"), R"({"status":"green"})");
  EXPECT_EQ(answer(r, "/_cluster/health/x"), "<none>");
  EXPECT_EQ(answer(r, "/_cluster/healt"), "<none>");
  EXPECT_EQ(answer(r, "x/_cluster/health"), "<none>");
}

TEST(StaticResponses, StarPrefixMatchesBySuffix) {
  auto r = StaticResponses::parse(R"([{"path": "*/_bulk", "body": {"errors": false}}])", "f");
  EXPECT_EQ(answer(r, "/_bulk"), R"({"errors":false})");
  EXPECT_EQ(answer(r, "/logs/_bulk"), R"({"errors":false})");
  EXPECT_EQ(answer(r, "/logs/_bulk/x"), "<none>");
  EXPECT_EQ(answer(r, "_bulk"), "<none>");
}

TEST(StaticResponses, StarSuffixMatchesByPrefix) {
  auto r = StaticResponses::parse(R"([{"path": "/_cluster/*", "body": 1}])", "f");
  EXPECT_EQ(answer(r, "/_cluster/health"), "1");
  EXPECT_EQ(answer(r, "/_cluster/"), "1");
  EXPECT_EQ(answer(r, "/_cluster"), "<none>");
  EXPECT_EQ(answer(r, "/x/_cluster/health"), "<none>");
}

TEST(StaticResponses, StarsOnBothSidesMatchAnInfix) {
  auto r = StaticResponses::parse(R"([{"path": "*_search*", "body": 2}])", "f");
  EXPECT_EQ(answer(r, "/idx/_search"), "2");
  EXPECT_EQ(answer(r, "/_search/scroll"), "2");
  EXPECT_EQ(answer(r, "_search"), "2");
  EXPECT_EQ(answer(r, "/idx/_searc"), "<none>");
}

TEST(StaticResponses, AStarAloneMatchesEverything) {
  auto r = StaticResponses::parse(R"([{"path": "*", "body": {}}])", "f");
  EXPECT_EQ(answer(r, "/"), "{}");
  EXPECT_EQ(answer(r, ""), "{}");
  EXPECT_EQ(answer(r, "/anything/at/all"), "{}");
}

TEST(StaticResponses, FirstMatchWins) {
  auto r = StaticResponses::parse(R"([
      {"path": "/_cluster/health", "body": "exact"},
      {"path": "/_cluster/*", "body": "prefix"},
      {"path": "*", "body": "any"},
      {"path": "/_nodes", "body": "shadowed"}])",
                                  "f");
  EXPECT_EQ(answer(r, "/_cluster/health"), R"("exact")");
  EXPECT_EQ(answer(r, "/_cluster/stats"), R"("prefix")");
  EXPECT_EQ(answer(r, "/_nodes"), R"("any")");
}

TEST(StaticResponses, NoEntriesMatchNothing) {
  auto r = StaticResponses::parse("[]", "f");
  EXPECT_EQ(r.find("/"), nullptr);
}

TEST(StaticResponses, JsonBodiesAreSerializedOnce) {
  auto r = StaticResponses::parse(R"([{"path": "/a", "body": {"took": 1, "hits": {"total": {"value": 0}}}}])", "f");
  const auto* first = r.find("/a");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(*first, R"({"hits":{"total":{"value":0}},"took":1})");
  EXPECT_EQ(r.find("/a"), first);  // the same string every time, no re-serialization
}

TEST(StaticResponses, RawBodiesAreTakenAsTheyAre) {
  auto r = StaticResponses::parse(
      R"([{"path": "/_cat/indices", "body-encoding": "raw", "body": "green open idx\n"},
          {"path": "/j", "body-encoding": "json", "body": "text"}])",
      "f");
  EXPECT_EQ(answer(r, "/_cat/indices"), "green open idx\n");
  EXPECT_EQ(answer(r, "/j"), R"("text")");
}

TEST(StaticResponses, SourceIsKept) { EXPECT_EQ(StaticResponses::parse("[]", "my.json").source(), "my.json"); }

TEST(StaticResponsesErrors, MalformedJsonNamesTheFile) {
  auto message = error_of("[{\"path\": ", "/tmp/r.json");
  EXPECT_THAT(message, HasSubstr("/tmp/r.json"));
  EXPECT_THAT(message, HasSubstr("malformed"));
}

TEST(StaticResponsesErrors, NotAListNamesTheFile) {
  EXPECT_THAT(error_of(R"({"path": "*", "body": 1})", "/tmp/r.json"), HasSubstr("/tmp/r.json"));
}

TEST(StaticResponsesErrors, BadEntriesAreNamedByIndex) {
  const std::string ok = R"({"path": "*", "body": 1})";
  struct Case {
    std::string entry;
    std::string says;
  };
  for (const auto& c :
       {Case{"5", "not an object"}, Case{R"({"body": 1})", "path"}, Case{R"({"path": 3, "body": 1})", "path"},
        Case{R"({"path": "/a"})", "body"}, Case{R"({"path": "/a", "body-encoding": "raw", "body": {"x": 1}})", "raw"},
        Case{R"({"path": "/a", "body-encoding": "base64", "body": "x"})", "base64"}}) {
    SCOPED_TRACE(c.entry);
    auto message = error_of("[" + ok + ", " + ok + ", " + c.entry + "]", "resp.json");
    EXPECT_THAT(message, HasSubstr("resp.json"));
    EXPECT_THAT(message, HasSubstr("entry 2"));
    EXPECT_THAT(message, HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace rally::client
