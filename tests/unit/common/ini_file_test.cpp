#include "rally/common/ini_file.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string error_of(const std::string& text) {
  try {
    auto ini = IniFile::parse(text, "/home/u/.rally/rally.ini");
    (void)ini;
  } catch (const RallyError& e) {
    return e.what();
  }
  return "";
}

TEST(IniFile, ReadsSectionsKeysAndValuesAsConfigparserDoes) {
  auto ini = IniFile::parse(
      "# Rally's configuration\n"
      "[meta]\n"
      "config.version = 17\n"
      "\n"
      "[reporting]\n"
      "; a comment\n"
      "Datastore.Type = elasticsearch\n"
      "datastore.host: 10.0.0.1\n"
      "datastore.user =\n"
      "datastore.password = p#ss;word = yes\r\n",
      "rally.ini");
  EXPECT_EQ(ini.value("meta", "config.version"), "17");
  EXPECT_EQ(ini.value("reporting", "datastore.type"), "elasticsearch");  // keys are lower-cased
  EXPECT_EQ(ini.value("reporting", "DATASTORE.TYPE"), "elasticsearch");
  EXPECT_EQ(ini.value("reporting", "datastore.host"), "10.0.0.1");
  EXPECT_EQ(ini.value("reporting", "datastore.user"), "");
  EXPECT_EQ(ini.value("reporting", "datastore.password"), "p#ss;word = yes");  // no inline comments
  EXPECT_EQ(ini.value("reporting", "datastore.port"), std::nullopt);
  EXPECT_EQ(ini.value("Reporting", "datastore.host"), std::nullopt);  // section names keep their case
  EXPECT_TRUE(ini.has_section("meta"));
  ASSERT_NE(ini.find("reporting", "datastore.host"), nullptr);
  EXPECT_EQ(ini.find("reporting", "datastore.host")->line, 8);
  EXPECT_EQ(ini.where("reporting", "datastore.host"), "rally.ini:8: [reporting] datastore.host");
  EXPECT_EQ(ini.where("reporting", "datastore.port"), "rally.ini: [reporting] datastore.port");
}

TEST(IniFile, IndentedLinesContinueTheValueAbove) {
  auto ini = IniFile::parse("[a]\nkey = first\n  second\nother = x\n", "f");
  EXPECT_EQ(ini.value("a", "key"), "first\nsecond");
  EXPECT_EQ(ini.value("a", "other"), "x");
}

TEST(IniFile, InterpolatesAsExtendedInterpolation) {
  auto ini = IniFile::parse(
      "[node]\nroot.dir = ${CONFIG_DIR}/benchmarks\n"
      "[benchmarks]\nlocal.dataset.cache = ${node:root.dir}/data\nprice = 5$$\nself = ${price}!\n",
      "f", {{"CONFIG_DIR", "/home/u/.rally"}});
  EXPECT_EQ(ini.value("node", "root.dir"), "/home/u/.rally/benchmarks");
  EXPECT_EQ(ini.value("benchmarks", "local.dataset.cache"), "/home/u/.rally/benchmarks/data");
  EXPECT_EQ(ini.value("benchmarks", "price"), "5$");
  EXPECT_EQ(ini.value("benchmarks", "self"), "5$!");
  EXPECT_EQ(ini.find("benchmarks", "price")->raw, "5$$");
}

TEST(IniFile, BadReferencesNameTheKeyButNotTheValue) {
  auto ini = IniFile::parse("[reporting]\ndatastore.password = s3cr${et\nloop = ${loop}\nnone = ${nowhere}\n", "f");
  try {
    (void)ini.value("reporting", "datastore.password");
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr("f:2: [reporting] datastore.password"));
    EXPECT_THAT(e.what(), HasSubstr("$$"));
    EXPECT_THAT(e.what(), Not(HasSubstr("s3cr")));
  }
  EXPECT_THROW((void)ini.value("reporting", "loop"), RallyError);
  try {
    (void)ini.value("reporting", "none");
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr("f:4: [reporting] none"));
  }
}

TEST(IniFile, SyntaxErrorsNameFileAndLineAndNeverQuoteTheLine) {
  auto malformed = error_of("[reporting]\ndatastore.host = h\nhunter2-password-line\n");
  EXPECT_THAT(malformed, HasSubstr("/home/u/.rally/rally.ini:3: "));
  EXPECT_THAT(malformed, Not(HasSubstr("hunter2")));
  EXPECT_THAT(error_of("key = v\n"), HasSubstr(":1: key comes before any [section] header"));
  EXPECT_THAT(error_of("[a]\nk = 1\nK = 2\n"), HasSubstr(":3: [a] k is already set on line 2"));
  EXPECT_THAT(error_of("[a]\n[a]\n"), HasSubstr(":2: section [a] appears twice"));
  EXPECT_THAT(error_of("[a\n"), HasSubstr(":1: a section header must look like [name]"));
  EXPECT_THAT(error_of("[a]\n = v\n"), HasSubstr(":2: the key before '=' is empty"));
}

TEST(IniFile, LoadReadsAFileAndAMissingFileIsNone) {
  testing::TempDir dir;
  EXPECT_EQ(IniFile::load(dir / "absent.ini"), std::nullopt);
  auto path = dir.write("rally.ini", "[system]\nenv.name = ci\n");
  auto ini = IniFile::load(path);
  ASSERT_TRUE(ini.has_value());
  EXPECT_EQ(ini->value("system", "env.name"), "ci");
  EXPECT_EQ(ini->path(), path);
  EXPECT_THROW(IniFile::load(dir.str()), RallyError);  // a directory
}

}  // namespace
}  // namespace rally
