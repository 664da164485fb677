#include "rally/common/host.hpp"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

namespace rally {
namespace {

using ::testing::HasSubstr;

std::string error_of(std::string_view text) {
  try {
    parse_host_list(text, "target-hosts");
  } catch (const RallyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for '" << text << "'";
  return {};
}

TEST(ParseHostList, HostWithoutPortDefaultsTo9200) {
  EXPECT_EQ(parse_host_list("es1", "target-hosts"), (std::vector<HostPort>{{"es1", 9200}}));
}

TEST(ParseHostList, ExplicitPorts) {
  auto hosts = parse_host_list("10.0.0.1:9201,es2:1,es3:65535", "target-hosts");
  EXPECT_EQ(hosts, (std::vector<HostPort>{{"10.0.0.1", 9201}, {"es2", 1}, {"es3", 65535}}));
}

TEST(ParseHostList, KeepsOrderAndMixesDefaultAndExplicitPorts) {
  auto hosts = parse_host_list("b:9300,a", "target-hosts");
  EXPECT_EQ(hosts, (std::vector<HostPort>{{"b", 9300}, {"a", 9200}}));
}

TEST(ParseHostList, SpacesAroundEntriesAreIgnored) {
  auto hosts = parse_host_list("  es1:9201 ,   es2  ", "target-hosts");
  EXPECT_EQ(hosts, (std::vector<HostPort>{{"es1", 9201}, {"es2", 9200}}));
}

TEST(ParseHostList, SchemePrefixesAreStripped) {
  auto hosts = parse_host_list("http://es1:9201,https://es2:9443,http://es3", "target-hosts");
  EXPECT_EQ(hosts, (std::vector<HostPort>{{"es1", 9201}, {"es2", 9443}, {"es3", 9200}}));
}

TEST(ParseHostList, ToStringIsHostColonPort) { EXPECT_EQ((HostPort{"127.0.0.1", 9200}).to_string(), "127.0.0.1:9200"); }

TEST(ParseHostList, NonNumericPortIsRejectedNamingTheEntry) {
  auto message = error_of("es1:9200,es2:abc");
  EXPECT_THAT(message, HasSubstr("--target-hosts"));
  EXPECT_THAT(message, HasSubstr("'es2:abc'"));
  EXPECT_THAT(message, HasSubstr("invalid port"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("es1:9200'")));
}

TEST(ParseHostList, OutOfRangePortsAreRejected) {
  for (const char* text :
       {"es1:0", "es1:65536", "es1:99999999999", "es1:-1", "es1:+80", "es1:", "es1:92 00", "es1:9200x"}) {
    SCOPED_TRACE(text);
    auto message = error_of(text);
    EXPECT_THAT(message, HasSubstr("invalid port"));
    EXPECT_THAT(message, HasSubstr(std::string("'") + text + "'"));
  }
}

TEST(ParseHostList, MissingHostIsRejected) {
  auto message = error_of(":9200");
  EXPECT_THAT(message, HasSubstr("':9200'"));
  EXPECT_THAT(message, HasSubstr("has no host"));
}

TEST(ParseHostList, EmptyEntriesAreRejected) {
  EXPECT_THAT(error_of(""), HasSubstr("is empty"));
  EXPECT_THAT(error_of("es1,,es2"), HasSubstr("is empty"));
  EXPECT_THAT(error_of("es1,"), HasSubstr("is empty"));
  EXPECT_THAT(error_of(" , es1"), HasSubstr("is empty"));
}

TEST(ParseHostList, ErrorNamesTheEntryAsWrittenIncludingItsScheme) {
  auto message = error_of("es1,http://es2:port");
  EXPECT_THAT(message, HasSubstr("'http://es2:port'"));
  EXPECT_THAT(error_of("https://"), HasSubstr("'https://' has no host"));
}

TEST(ParseHostList, OptionNameAppearsInTheMessage) {
  try {
    parse_host_list("x:y", "coordinator-host");
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), ::testing::StartsWith("--coordinator-host: "));
  }
}

}  // namespace
}  // namespace rally
