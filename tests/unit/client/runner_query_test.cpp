#include <string>

#include <gtest/gtest.h>

#include "rally/client/runner.hpp"

namespace rally::client {
namespace {

TEST(WithQuery, NoParametersLeavesThePathAlone) { EXPECT_EQ(with_query("/idx/_search", {}), "/idx/_search"); }

TEST(WithQuery, ParametersInOrderJoinedByAmpersand) {
  EXPECT_EQ(with_query("/_cluster/health/idx", {{"wait_for_status", "green"}, {"timeout", "30s"}}),
            "/_cluster/health/idx?wait_for_status=green&timeout=30s");
}

TEST(WithQuery, UnreservedCharactersStayAsTheyAre) {
  EXPECT_EQ(with_query("/p", {{"a-b_c.d~e", "AZaz09-_.~"}}), "/p?a-b_c.d~e=AZaz09-_.~");
}

TEST(WithQuery, CommasAndStarsStayReadable) {
  // Elasticsearch takes lists and wildcards in query values, e.g. filter_path=a.*,b.
  EXPECT_EQ(with_query("/p", {{"filter_path", "hits.*,took"}}), "/p?filter_path=hits.*,took");
}

TEST(WithQuery, ReservedCharactersArePercentEncodedInUpperCaseHex) {
  EXPECT_EQ(with_query("/p", {{"q", "a b&c=d?e/f#g+h%i"}}), "/p?q=a%20b%26c%3Dd%3Fe%2Ff%23g%2Bh%25i");
  EXPECT_EQ(with_query("/p", {{"k y", "\"'<>:;"}}), "/p?k%20y=%22%27%3C%3E%3A%3B");
}

TEST(WithQuery, ControlAndNonAsciiBytesAreEncodedBytewise) {
  EXPECT_EQ(with_query("/p", {{"q", "\n\t"}}), "/p?q=%0A%09");
  EXPECT_EQ(with_query("/p", {{"q", "\xc3\xa9"}}), "/p?q=%C3%A9");  // é in UTF-8
  EXPECT_EQ(with_query("/p", {{"q", std::string("\0", 1)}}), "/p?q=%00");
}

TEST(WithQuery, EmptyValuesAndKeys) {
  EXPECT_EQ(with_query("/p", {{"pretty", ""}}), "/p?pretty=");
  EXPECT_EQ(with_query("/p", {{"a", "1"}, {"b", ""}, {"c", "3"}}), "/p?a=1&b=&c=3");
}

TEST(WithQuery, BooleanAndNumberStringsFromTheTrack) {
  EXPECT_EQ(with_query("/idx/_search", {{"request_cache", "false"}, {"size", "0"}}),
            "/idx/_search?request_cache=false&size=0");
}

}  // namespace
}  // namespace rally::client
