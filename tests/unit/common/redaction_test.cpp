#include "rally/common/redaction.hpp"

#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rally/common/base64.hpp"
#include "rally/common/client_options.hpp"
#include "rally/common/race_config.hpp"
#include "rally/common/redacting_stream.hpp"

namespace rally {
namespace {

class Redaction : public ::testing::Test {
 protected:
  void SetUp() override { forget_secrets(); }
  void TearDown() override { forget_secrets(); }
};

TEST_F(Redaction, NothingRegisteredLeavesTextAlone) {
  EXPECT_EQ(redact("a password: hunter22"), "a password: hunter22");
}

TEST_F(Redaction, ARegisteredSecretIsMaskedEverywhereInTheText) {
  register_secret("hunter22");
  EXPECT_EQ(redact("hunter22 and again hunter22!"), "***** and again *****!");
  EXPECT_EQ(redact("hunter2"), "hunter2");
}

TEST_F(Redaction, ItsBase64FormsAreMaskedToo) {
  register_secret("hunter22");
  auto padded = base64_encode("hunter22");  // "aHVudGVyMjI="
  EXPECT_EQ(redact("x " + padded + " y"), "x *****= y");
  EXPECT_EQ(redact(padded.substr(0, padded.size() - 1)), "*****");
}

TEST_F(Redaction, ABase64ApiKeyIsMaskedDecodedToo) {
  auto key = base64_encode("key-id:key-secret");
  register_secret(key);
  EXPECT_EQ(redact("ApiKey " + key), "ApiKey *****");
  EXPECT_EQ(redact("it was key-id:key-secret"), "it was *****");
}

TEST_F(Redaction, TheJsonEscapedFormIsMasked) {
  register_secret("pa\"ss\\word");
  EXPECT_EQ(redact(R"({"p": "pa\"ss\\word"})"), R"({"p": "*****"})");
}

TEST_F(Redaction, TheHtmlAndCsvFormsAreMasked) {
  register_secret("pw<&>\"x'y");
  EXPECT_EQ(redact("<td>pw&lt;&amp;&gt;&quot;x&#39;y</td>"), "<td>*****</td>");
  EXPECT_EQ(redact("a,\"pw<&>\"\"x'y\""), "a,\"*****\"");
}

TEST_F(Redaction, BasicCredentialsMaskTheAuthorizationHeaderValue) {
  register_basic_credentials("rally", "s3cret-pw");
  auto header = "Authorization: Basic " + base64_encode("rally:s3cret-pw");
  EXPECT_EQ(redact(header), "Authorization: Basic *****");
  EXPECT_EQ(redact("user rally"), "user rally");
}

TEST_F(Redaction, ALongerSecretContainingAShorterOneIsMaskedWhole) {
  register_secret("abcd");
  register_secret("abcdefgh");
  EXPECT_EQ(redact("abcdefgh"), "*****");
}

TEST_F(Redaction, VeryShortSecretsAreNotSearchedFor) {
  register_secret("abc");
  EXPECT_EQ(redact("abc"), "abc");
  EXPECT_EQ(min_redacted_length, 4u);
}

TEST_F(Redaction, SecretParamNamesFollowRallysConvention) {
  EXPECT_TRUE(is_secret_param_name("secret_token"));
  EXPECT_FALSE(is_secret_param_name("secret"));
  EXPECT_FALSE(is_secret_param_name("my_secret_token"));
}

TEST_F(Redaction, MaskSecretParamsReplacesSecretValuesAtAnyDepth) {
  auto params = nlohmann::json::parse(
      R"({"secret_token": "t0ken-value", "bulk_size": 100, "nested": {"secret_n": 12345, "plain": "x"},
          "list": [{"secret_o": {"a": 1}}]})");
  auto masked = mask_secret_params(params);
  EXPECT_EQ(masked["secret_token"], "*****");
  EXPECT_EQ(masked["bulk_size"], 100);
  EXPECT_EQ(masked["nested"]["secret_n"], "*****");
  EXPECT_EQ(masked["nested"]["plain"], "x");
  EXPECT_EQ(masked["list"][0]["secret_o"], "*****");
}

TEST_F(Redaction, SecretParamValuesAreRegistered) {
  register_secret_params(nlohmann::json::parse(
      R"({"secret_token": "t0ken-value", "plain": "visible-value", "n": {"secret_pin": 987654},
          "secret_list": ["first-secret", {"k": "second-secret"}]})"));
  EXPECT_EQ(redact("t0ken-value visible-value 987654 first-secret second-secret"),
            "***** visible-value ***** ***** *****");
}

TEST_F(Redaction, ClientSecretsAreRegistered) {
  ClientOptions options;
  options.basic_auth_user = "rally";
  options.basic_auth_password = "the-password";
  options.api_key = "the-api-key";
  options.headers = {{"Authorization", "Bearer the-bearer-token"}, {"X-Plain", "plain-header-value"}};
  register_client_secrets(options);
  EXPECT_EQ(redact("the-password the-api-key Bearer the-bearer-token plain-header-value"),
            "***** ***** ***** plain-header-value");
}

TEST_F(Redaction, RaceSecretsAreRegistered) {
  RaceConfig config;
  config.client.api_key = "race-api-key";
  config.track_params = R"({"secret_x": "race-param-secret"})";
  config.load_drivers.secret = "a-load-driver-secret";
  register_race_secrets(config);
  EXPECT_EQ(redact("race-api-key race-param-secret a-load-driver-secret"), "***** ***** *****");
}

TEST_F(Redaction, RedactJsonMasksKeysAndValuesButNotHistograms) {
  register_secret("hunter22");
  auto blob = "AAAhunter22AAA";
  auto doc = nlohmann::json::parse(R"({"failure": "bad hunter22", "hunter22": 1, "n": 22,
      "results": [{"histograms": {"latency": "AAAhunter22AAA"}, "note": ["hunter22"]}]})");
  auto out = redact_json(doc);
  EXPECT_EQ(out["failure"], "bad *****");
  EXPECT_TRUE(out.contains("*****"));
  EXPECT_FALSE(out.contains("hunter22"));
  EXPECT_EQ(out["n"], 22);
  EXPECT_EQ(out["results"][0]["histograms"]["latency"], blob);
  EXPECT_EQ(out["results"][0]["note"][0], "*****");
}

TEST_F(Redaction, AStreamPassesWholeLinesRedacted) {
  register_secret("hunter22");
  std::ostringstream sink;
  RedactingStreambuf buffer(sink.rdbuf());
  std::ostream out(&buffer);
  out << "one hunt"
      << "er22 split across writes\n";
  out << "pending hunter22";
  EXPECT_EQ(sink.str(), "one ***** split across writes\n");
  out << std::flush;
  EXPECT_EQ(sink.str(), "one ***** split across writes\npending *****");
}

TEST_F(Redaction, AStreamIsSafeFromSeveralThreads) {
  register_secret("hunter22");
  std::ostringstream sink;
  RedactingStreambuf buffer(sink.rdbuf());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&buffer] {
      std::ostream out(&buffer);
      for (int i = 0; i < 200; ++i) out << "line with hunter22\n";
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(sink.str().find("hunter22"), std::string::npos);
  EXPECT_EQ(sink.str().size(), std::string("line with *****\n").size() * 800);
}

}  // namespace
}  // namespace rally
