// Assertions against a runner's meta-data, and the meta-data a search response gives.

#include <string>

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "client/runners.hpp"

namespace rally::client::detail {
namespace {

using ::testing::HasSubstr;

class AssertionsTest : public ::testing::Test {
 protected:
  AssertionsTest() { context_.assertions = true; }

  // A sleep: no response body to fall back to, so only the meta-data counts.
  static track::Operation operation(std::string property, track::AssertionCondition condition, nlohmann::json value) {
    track::Operation op;
    op.name = "op";
    op.type = track::OperationType::sleep;
    op.assertions.push_back({std::move(property), condition, std::move(value)});
    return op;
  }

  OperationResult check(const track::Operation& op, nlohmann::json meta) {
    OperationResult result;
    result.meta = std::move(meta);
    check_assertions(op, context_, result);
    return result;
  }

  boost::asio::io_context io_;
  RaceConfig config_;
  ClientSetup setup_{config_};
  std::unique_ptr<Connection> connection_ = setup_.connect(io_.get_executor(), HostPort{"127.0.0.1", 9});
  ClientContext context_{*connection_};
};

TEST_F(AssertionsTest, ConditionsHoldOnNumbersAndStrings) {
  using C = track::AssertionCondition;
  nlohmann::json meta = {{"hits", 5}, {"took", 2.5}, {"relation", "eq"}, {"timed_out", false}};
  EXPECT_TRUE(check(operation("hits", C::eq, 5), meta).success);
  EXPECT_TRUE(check(operation("hits", C::eq, 5.0), meta).success);
  EXPECT_TRUE(check(operation("hits", C::ge, 5), meta).success);
  EXPECT_TRUE(check(operation("hits", C::gt, 4), meta).success);
  EXPECT_TRUE(check(operation("took", C::lt, 3), meta).success);
  EXPECT_TRUE(check(operation("took", C::le, 2.5), meta).success);
  EXPECT_TRUE(check(operation("relation", C::eq, "eq"), meta).success);
  EXPECT_TRUE(check(operation("timed_out", C::eq, false), meta).success);
  EXPECT_TRUE(check(operation("weight", C::eq, 1), meta).success);  // the result's own weight
  EXPECT_FALSE(check(operation("hits", C::gt, 5), meta).success);
  EXPECT_FALSE(check(operation("relation", C::gt, 1), meta).success);  // not comparable
}

TEST_F(AssertionsTest, AFailureIsFatalAndNamesOperationPropertyExpectedAndActual) {
  auto result = check(operation("a.b", track::AssertionCondition::ge, 10), {{"a", {{"b", 3}}}});
  EXPECT_FALSE(result.success);
  EXPECT_TRUE(result.fatal);
  EXPECT_EQ(result.error_description, "assertion failed: expected [a.b] in [op] to be >= [10] but was [3]");
  auto missing = check(operation("nope", track::AssertionCondition::eq, 1), nlohmann::json::object());
  EXPECT_THAT(missing.error_description, HasSubstr("but was [missing]"));
}

TEST_F(AssertionsTest, NotCheckedWithoutEnableAssertionsOrOnAFailedResult) {
  auto op = operation("hits", track::AssertionCondition::eq, 1);
  context_.assertions = false;
  EXPECT_TRUE(check(op, {{"hits", 2}}).success);
  context_.assertions = true;
  OperationResult failed;
  failed.success = false;
  failed.error_description = "HTTP 500";
  check_assertions(op, context_, failed);
  EXPECT_FALSE(failed.fatal);
  EXPECT_EQ(failed.error_description, "HTTP 500");
}

TEST(SearchMeta, HitsFromTheFirstPageTookSummedTimedOutAny) {
  nlohmann::json meta;
  add_search_meta(nlohmann::json::parse(R"({"took": 3, "timed_out": false,
                                            "hits": {"total": {"value": 10000, "relation": "gte"}}})"),
                  true, meta);
  add_search_meta(nlohmann::json::parse(R"({"took": 4, "timed_out": true, "hits": {"total": {"value": 1}}})"), false,
                  meta);
  EXPECT_EQ(meta["hits"], 10000);
  EXPECT_EQ(meta["hits_relation"], "gte");
  EXPECT_EQ(meta["took"], 7);
  EXPECT_EQ(meta["timed_out"], true);

  nlohmann::json old_style;  // Elasticsearch 6: hits.total is a number
  add_search_meta(nlohmann::json::parse(R"({"took": 1, "hits": {"total": 42}})"), true, old_style);
  EXPECT_EQ(old_style["hits"], 42);
  EXPECT_EQ(old_style["hits_relation"], "eq");
  EXPECT_EQ(old_style["timed_out"], false);
}

// Found by fuzz/http_response_fuzzer.cpp: a float count too large for an int was converted
// to one (undefined behaviour); counts of other types threw.
TEST(SearchMeta, CountsOfAnyJsonTypeAreReadSafely) {
  nlohmann::json meta;
  add_search_meta(nlohmann::json::parse(R"({"took": 2.9, "hits": {"total": {"value": 1e43, "relation": 5}}})"), true,
                  meta);
  EXPECT_EQ(meta["hits"], INT64_MAX);
  EXPECT_EQ(meta["hits_relation"], "eq");
  EXPECT_EQ(meta["took"], 2);
  nlohmann::json other;
  add_search_meta(nlohmann::json::parse(R"({"took": "3", "hits": {"total": {"value": -1e300}}})"), true, other);
  EXPECT_EQ(other["hits"], INT64_MIN);
  EXPECT_EQ(other["took"], 0);
}

}  // namespace
}  // namespace rally::client::detail
