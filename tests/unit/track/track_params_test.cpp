#include "rally/track/track_params.hpp"

#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track {
namespace {

TEST(TrackParams, KeyValuePairsBecomeTypedValues) {
  auto p = parse_track_params("bulk_size:5000, clients:8,ratio:0.25,flag:true,off:False,name:geo,quoted:'42'");
  EXPECT_EQ(p["bulk_size"], 5000);
  EXPECT_TRUE(p["bulk_size"].is_number_integer());
  EXPECT_EQ(p["clients"], 8);
  EXPECT_DOUBLE_EQ(p["ratio"].get<double>(), 0.25);
  EXPECT_EQ(p["flag"], true);
  EXPECT_EQ(p["off"], false);
  EXPECT_EQ(p["name"], "geo");
  EXPECT_EQ(p["quoted"], "42");
  EXPECT_TRUE(p["quoted"].is_string());
}

TEST(TrackParams, InlineJsonAndJsonFiles) {
  auto inline_params = parse_track_params(R"({"a": [1, 2], "b": {"c": null}})");
  EXPECT_EQ(inline_params["a"], nlohmann::json::array({1, 2}));
  testing::TempDir dir;
  auto file = dir.write("params.json", R"({"number_of_replicas": 1})");
  EXPECT_EQ(parse_track_params(file)["number_of_replicas"], 1);
  EXPECT_TRUE(parse_track_params("").empty());
}

TEST(TrackParams, ErrorsSayWhatIsWrong) {
  try {
    parse_track_params("bulk_size");
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_NE(std::string(e.what()).find("'bulk_size' is not a key:value pair"), std::string::npos) << e.what();
  }
  try {
    parse_track_params("/no/such/params.json");
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/params.json does not exist"), std::string::npos) << e.what();
  }
  try {
    parse_track_params("{\"a\": ");
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_NE(std::string(e.what()).find("--track-params:1:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_track_params("[1, 2]"), RallyError);
}

// Found by fuzz/track_params_fuzzer.cpp: a k:v name that is not UTF-8 made the race fail
// only when race.json was written (nlohmann's type_error 316), with no word of --track-params.
TEST(TrackParams, KeyValueTextMustBeUtf8) {
  try {
    parse_track_params(
        "k:-12,flo\x8f"
        "at:1e308");
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_STREQ(e.what(), "--track-params: not UTF-8 text (byte 10)");
  }
  EXPECT_EQ(parse_track_params("name:Zürich")["name"], "Zürich");
}

// Found by fuzz/track_params_fuzzer.cpp: nlohmann reports a number too large for a double
// as out_of_range, not parse_error, and it escaped as an exception without a file name.
TEST(TrackParams, ANumberTooLargeIsInvalidJsonWithItsLine) {
  try {
    parse_track_params("{\"a\": 1,\n \"b\": 1e5151}");
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_STREQ(e.what(), "--track-params:2: invalid JSON: number overflow parsing '1e5151'");
  }
}

TEST(TrackParams, ErrorsNeverQuoteASecret) {
  // Parsed before their values are known to rally::redact: the messages themselves hide them.
  try {
    parse_track_params("bulk_size:1,secret_token=hunter22");
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter22"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("a secret_ parameter (value hidden)"), std::string::npos) << e.what();
  }
  try {
    parse_track_params("{\"secret_token\": \"hunter22\n\"}");  // a raw newline in a JSON string
    FAIL();
  } catch (const RallyError& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter22"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--track-params:1:"), std::string::npos) << e.what();
  }
}

TEST(TrackParams, UnusedParametersAreNamedWithAHint) {
  nlohmann::json params = {{"bulk_sise", 1}, {"clients", 2}, {"zzz", 3}};
  std::set<std::string> referenced{"bulk_size", "clients"};
  auto unused = unused_track_params(params, referenced);
  EXPECT_EQ(unused, (std::vector<std::string>{"bulk_sise", "zzz"}));
  auto text = describe_unused_track_params(unused, referenced);
  EXPECT_NE(text.find("'bulk_sise' (perhaps you meant 'bulk_size')"), std::string::npos) << text;
  EXPECT_NE(text.find("'zzz'"), std::string::npos);
  EXPECT_EQ(text.find("'zzz' (perhaps"), std::string::npos);
  EXPECT_NE(text.find("--ignore-unused-track-params"), std::string::npos);
}

}  // namespace
}  // namespace rally::track
