#include "rally/common/client_options.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally {
namespace {

using rally::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string error_of(std::string_view text) {
  try {
    parse_client_options(text);
  } catch (const RallyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for: " << text;
  return {};
}

// --- the k:v form -------------------------------------------------------------------------

TEST(ClientOptionsKeyValues, EmptyTextGivesTheDefaults) {
  for (const char* text : {"", "   ", "\t\n"}) {
    auto o = parse_client_options(text);
    EXPECT_FALSE(o.use_ssl);
    EXPECT_TRUE(o.verify_certs);
    EXPECT_FALSE(o.http_compress);
    EXPECT_EQ(o.timeout_s, 0);
    EXPECT_TRUE(o.headers.empty());
  }
}

TEST(ClientOptionsKeyValues, BareBooleansAndNumbers) {
  auto o = parse_client_options("use_ssl:true,verify_certs:false,http_compress:True,timeout:60");
  EXPECT_TRUE(o.use_ssl);
  EXPECT_FALSE(o.verify_certs);
  EXPECT_TRUE(o.http_compress);
  EXPECT_EQ(o.timeout_s, 60);
  EXPECT_EQ(parse_client_options("timeout:2.5").timeout_s, 2.5);
  EXPECT_FALSE(parse_client_options("use_ssl:False").use_ssl);
}

TEST(ClientOptionsKeyValues, BareStrings) {
  auto o = parse_client_options("basic_auth_user:elastic,basic_auth_password:changeme");
  EXPECT_EQ(o.basic_auth_user, "elastic");
  EXPECT_EQ(o.basic_auth_password, "changeme");
}

TEST(ClientOptionsKeyValues, QuotedStringsKeepCommasAndColons) {
  auto o = parse_client_options(R"(basic_auth_user:'a,b:c',basic_auth_password:"p:w,d",opaque-id:'x')");
  EXPECT_EQ(o.basic_auth_user, "a,b:c");
  EXPECT_EQ(o.basic_auth_password, "p:w,d");
  EXPECT_EQ(o.opaque_id, "x");
}

TEST(ClientOptionsKeyValues, QuotedTrueIsAStringThatStillReadsAsABoolean) {
  EXPECT_TRUE(parse_client_options("use_ssl:'true'").use_ssl);
  EXPECT_EQ(parse_client_options("basic_auth_user:'true',basic_auth_password:'1'").basic_auth_user, "true");
}

TEST(ClientOptionsKeyValues, SpacesAroundKeysValuesAndCommas) {
  auto o = parse_client_options("  use_ssl : true ,  timeout :  5 , basic_auth_user : ' u ' , basic_auth_password:p ");
  EXPECT_TRUE(o.use_ssl);
  EXPECT_EQ(o.timeout_s, 5);
  EXPECT_EQ(o.basic_auth_user, " u ");  // spaces inside quotes are kept
  EXPECT_EQ(o.basic_auth_password, "p");
}

TEST(ClientOptionsKeyValues, TrailingCommaIsAccepted) { EXPECT_TRUE(parse_client_options("use_ssl:true,").use_ssl); }

TEST(ClientOptionsKeyValues, OpaqueIdWithEitherSpelling) {
  EXPECT_EQ(parse_client_options("opaque-id:abc").opaque_id, "abc");
  EXPECT_EQ(parse_client_options("opaque_id:abc").opaque_id, "abc");
}

// --- JSON forms -----------------------------------------------------------------------------

TEST(ClientOptionsJson, InlineObject) {
  auto o = parse_client_options(
      R"({"use_ssl": true, "verify_certs": false, "timeout": 30, "basic_auth_user": "u",
          "basic_auth_password": "p", "api_key": "k", "http_compress": true})");
  EXPECT_TRUE(o.use_ssl);
  EXPECT_FALSE(o.verify_certs);
  EXPECT_EQ(o.timeout_s, 30);
  EXPECT_EQ(o.basic_auth_user, "u");
  EXPECT_EQ(o.basic_auth_password, "p");
  EXPECT_EQ(o.api_key, "k");
  EXPECT_TRUE(o.http_compress);
}

TEST(ClientOptionsJson, RallysPerClusterDefaultForm) {
  auto o = parse_client_options(R"({"default": {"use_ssl": true, "timeout": 7, "opaque-id": "run-1"}})");
  EXPECT_TRUE(o.use_ssl);
  EXPECT_EQ(o.timeout_s, 7);
  EXPECT_EQ(o.opaque_id, "run-1");
}

TEST(ClientOptionsJson, FromAJsonFile) {
  TempDir dir;
  auto path = dir.write("opts.json", R"({"default": {"http_compress": true, "headers": {"X-A": "1"}}})");
  auto o = parse_client_options(path);
  EXPECT_TRUE(o.http_compress);
  EXPECT_EQ(o.headers, (Headers{{"X-A", "1"}}));
  // Spaces around the path do not matter.
  EXPECT_TRUE(parse_client_options("  " + path + "  ").http_compress);
}

TEST(ClientOptionsJson, MissingJsonFileIsNamed) {
  auto message = error_of("/no/such/dir/options.json");
  EXPECT_THAT(message, HasSubstr("--client-options"));
  EXPECT_THAT(message, HasSubstr("/no/such/dir/options.json"));
}

TEST(ClientOptionsJson, JsonFileThatIsNotAnObjectIsNamed) {
  TempDir dir;
  auto path = dir.write("bad.json", "[1, 2");
  EXPECT_THAT(error_of(path), HasSubstr(path));
}

TEST(ClientOptionsJson, MalformedInlineJson) {
  EXPECT_THAT(error_of(R"({"use_ssl": true)"), HasSubstr("--client-options"));
}

TEST(ClientOptionsJson, HeadersInOrderWithNonStringValuesAsJson) {
  auto o = parse_client_options(R"({"headers": {"X-Tenant": "blue", "X-Retry": 3}})");
  ASSERT_EQ(o.headers.size(), 2u);
  // nlohmann orders object keys; both are there with their values.
  EXPECT_THAT(o.headers, ::testing::UnorderedElementsAre(std::pair<std::string, std::string>{"X-Tenant", "blue"},
                                                         std::pair<std::string, std::string>{"X-Retry", "3"}));
}

TEST(ClientOptionsJson, OpaqueId) { EXPECT_EQ(parse_client_options(R"({"opaque-id": "abc"})").opaque_id, "abc"); }

// --- errors -----------------------------------------------------------------------------------

TEST(ClientOptionsErrors, UnknownKeyIsNamed) {
  auto message = error_of("use_ssl:true,use_sll:false");
  EXPECT_THAT(message, HasSubstr("--client-options"));
  EXPECT_THAT(message, HasSubstr("'use_sll'"));
  EXPECT_THAT(error_of(R"({"verify_cert": false})"), HasSubstr("'verify_cert'"));
  EXPECT_THAT(error_of(R"({"default": {"verify_cert": false}})"), HasSubstr("'verify_cert'"));
}

TEST(ClientOptionsErrors, EntryWithoutColonIsNamed) {
  auto message = error_of("use_ssl:true,verify_certs");
  EXPECT_THAT(message, HasSubstr("'verify_certs'"));
  EXPECT_THAT(message, HasSubstr("key:value"));
}

TEST(ClientOptionsErrors, EntryWithoutKey) { EXPECT_THAT(error_of(":true"), HasSubstr("no key")); }

TEST(ClientOptionsErrors, UnclosedQuoteNamesTheKey) {
  for (const char* text : {"basic_auth_user:'elastic", R"(basic_auth_user:"elastic)"}) {
    auto message = error_of(text);
    EXPECT_THAT(message, HasSubstr("'basic_auth_user'"));
    EXPECT_THAT(message, HasSubstr("quote"));
  }
}

TEST(ClientOptionsErrors, TextAfterAQuotedValue) {
  EXPECT_THAT(error_of("basic_auth_user:'a'b,basic_auth_password:c"), HasSubstr("'basic_auth_user'"));
}

TEST(ClientOptionsErrors, DuplicateKeyIsNamed) {
  auto message = error_of("timeout:5,use_ssl:true,timeout:6");
  EXPECT_THAT(message, HasSubstr("'timeout'"));
  EXPECT_THAT(message, HasSubstr("twice"));
}

TEST(ClientOptionsErrors, NonBooleanUseSsl) {
  for (const char* text : {"use_ssl:yes", "use_ssl:1", R"({"use_ssl": "on"})", R"({"use_ssl": null})"}) {
    SCOPED_TRACE(text);
    auto message = error_of(text);
    EXPECT_THAT(message, HasSubstr("'use_ssl'"));
    EXPECT_THAT(message, HasSubstr("true or false"));
  }
}

TEST(ClientOptionsErrors, NonPositiveOrNonNumericTimeout) {
  for (const char* text : {"timeout:0", "timeout:-1", "timeout:soon", R"({"timeout": "60"})", R"({"timeout": 0.0})"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(error_of(text), HasSubstr("'timeout'"));
  }
}

TEST(ClientOptionsErrors, BasicAuthUserWithoutPasswordAndTheOtherWayRound) {
  EXPECT_THAT(error_of("basic_auth_user:elastic"), HasSubstr("basic_auth_password"));
  EXPECT_THAT(error_of("basic_auth_password:secret"), HasSubstr("basic_auth_user"));
}

TEST(ClientOptionsErrors, ClientCertWithoutClientKey) {
  TempDir dir;
  auto cert = dir.write("cert.pem", "not really a certificate");
  auto message = error_of("client_cert:'" + cert + "'");
  EXPECT_THAT(message, HasSubstr("client_cert"));
  EXPECT_THAT(message, HasSubstr("client_key"));
}

TEST(ClientOptionsErrors, UnreadableCertificateFilesAreNamed) {
  TempDir dir;
  auto missing = dir / "missing-ca.pem";
  EXPECT_THAT(error_of("use_ssl:true,ca_certs:'" + missing + "'"), HasSubstr(missing));
  auto cert = dir.write("cert.pem", "x");
  auto missing_key = dir / "missing-key.pem";
  EXPECT_THAT(error_of("client_cert:'" + cert + "',client_key:'" + missing_key + "'"), HasSubstr(missing_key));
}

TEST(ClientOptionsErrors, ReadableCertificateFilesAreAccepted) {
  TempDir dir;
  auto ca = dir.write("ca.pem", "x");
  auto cert = dir.write("cert.pem", "x");
  auto key = dir.write("key.pem", "x");
  auto o =
      parse_client_options("use_ssl:true,ca_certs:'" + ca + "',client_cert:'" + cert + "',client_key:'" + key + "'");
  EXPECT_EQ(o.ca_certs, ca);
  EXPECT_EQ(o.client_cert, cert);
  EXPECT_EQ(o.client_key, key);
}

TEST(ClientOptionsErrors, HeaderValueWithCrOrLfIsRejected) {
  for (const char* text : {R"({"headers": {"X-A": "a\r\nX-Injected: 1"}})", R"({"headers": {"X-A": "a\nb"}})",
                           R"({"headers": {"X-A": "a\rb"}})"}) {
    SCOPED_TRACE(text);
    auto message = error_of(text);
    EXPECT_THAT(message, HasSubstr("'X-A'"));
  }
}

TEST(ClientOptionsErrors, InvalidHeaderNamesAreRejected) {
  for (const char* text :
       {R"({"headers": {"X A": "v"}})", R"({"headers": {"X:A": "v"}})", R"({"headers": {"": "v"}})"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(error_of(text), HasSubstr("header"));
  }
}

TEST(ClientOptionsErrors, HeadersMustBeAnObject) {
  EXPECT_THAT(error_of(R"({"headers": ["X-A: v"]})"), HasSubstr("'headers'"));
  EXPECT_THAT(error_of("headers:X-A"), HasSubstr("'headers'"));
}

TEST(ClientOptionsErrors, OpaqueIdAndApiKeyWithCrLfAreRejected) {
  EXPECT_THAT(error_of(R"({"opaque-id": "a\r\nX-Injected: 1"})"), HasSubstr("X-Opaque-Id"));
  EXPECT_THAT(error_of(R"({"api_key": "k\r\nX-Injected: 1"})"), HasSubstr("Authorization"));
}

TEST(ClientOptionsErrors, StringOptionsRejectOtherTypes) {
  EXPECT_THAT(error_of(R"({"ca_certs": true})"), HasSubstr("'ca_certs'"));
}

// A password of digits given unquoted is the password as written; a password of the wrong
// type in JSON is refused without printing it.
TEST(ClientOptionsErrors, ARejectedPasswordIsNotPrinted) {
  auto o = parse_client_options("basic_auth_user:elastic,basic_auth_password:0987654321");
  EXPECT_EQ(o.basic_auth_password, "0987654321");
  auto message = error_of(R"({"basic_auth_user": "elastic", "basic_auth_password": 987654321})");
  EXPECT_THAT(message, HasSubstr("basic_auth_password"));
  EXPECT_THAT(message, Not(HasSubstr("987654321")));
}

// --- static_responses -----------------------------------------------------------------------

TEST(ClientOptionsStaticResponses, TheFileIsReadAtParseTime) {
  TempDir dir;
  const std::string contents = R"([{"path": "*", "body": {"ok": true}}])";
  auto path = dir.write("responses.json", contents);
  auto o = parse_client_options("static_responses:'" + path + "'");
  EXPECT_EQ(o.static_responses_file, path);
  EXPECT_EQ(o.static_responses, contents);
  auto j = parse_client_options(nlohmann::json{{"static_responses", path}}.dump());
  EXPECT_EQ(j.static_responses, contents);
}

TEST(ClientOptionsStaticResponses, MissingFileIsNamed) {
  TempDir dir;
  auto missing = dir / "missing.json";
  auto message = error_of("static_responses:'" + missing + "'");
  EXPECT_THAT(message, HasSubstr("static_responses"));
  EXPECT_THAT(message, HasSubstr(missing));
}

// --- describe_client_options ------------------------------------------------------------------

TEST(DescribeClientOptions, MasksEveryCredential) {
  auto o = parse_client_options(
      R"({"basic_auth_user": "elastic", "basic_auth_password": "pw-SECRET-1",
          "api_key": "key-SECRET-2", "headers": {"Authorization": "Bearer tok-SECRET-3", "X-Plain": "val-SECRET-4"},
          "opaque-id": "run-7", "timeout": 9})");
  auto text = describe_client_options(o);
  EXPECT_THAT(text, Not(HasSubstr("SECRET")));
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["basic_auth_user"], "elastic");
  EXPECT_EQ(j["basic_auth_password"], "*****");
  EXPECT_EQ(j["api_key"], "*****");
  EXPECT_EQ(j["headers"]["Authorization"], "*****");
  EXPECT_EQ(j["headers"]["X-Plain"], "*****");
  EXPECT_EQ(j["opaque-id"], "run-7");
  EXPECT_EQ(j["timeout"], 9);
}

TEST(DescribeClientOptions, DefaultsDescribeAsAnEmptyObject) {
  EXPECT_EQ(describe_client_options(ClientOptions{}), "{}");
}

}  // namespace
}  // namespace rally
