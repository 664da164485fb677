#include "rally/metrics/store_config.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* secret = "Sup3r-S3cret!";

StoreConfig parse(const std::string& text) {
  return store_config_from_ini(IniFile::parse(text, "/h/.rally/rally.ini"));
}

std::string error_of(const std::string& text) {
  try {
    (void)parse(text);
  } catch (const RallyError& e) {
    return e.what();
  }
  return "";
}

std::string store(const std::string& extra) {
  return "[reporting]\ndatastore.type = elasticsearch\ndatastore.host = metrics.example\ndatastore.port = 9243\n"
         "datastore.user = rally\ndatastore.password = " +
         std::string(secret) + "\n" + extra;
}

TEST(StoreConfig, RallysDefaultRallyIniIsInMemory) {
  auto config = parse(
      "[meta]\nconfig.version = 17\n[system]\nenv.name = local\n[reporting]\ndatastore.type = in-memory\n"
      "datastore.host =\ndatastore.port =\ndatastore.secure = False\ndatastore.user =\ndatastore.password =\n");
  EXPECT_FALSE(config.enabled);
  EXPECT_EQ(config.environment, "local");
  EXPECT_FALSE(parse("[system]\nenv.name = x\n").enabled);  // no [reporting]: in-memory too
}

TEST(StoreConfig, ReadsAnElasticsearchStore) {
  testing::TempDir dir;
  auto ca = dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  auto config = parse("[system]\nenv.name = nightly\n" +
                      store("datastore.secure = True\ndatastore.ssl.verification_mode = full\n"
                            "datastore.ssl.certificate_authorities = " +
                            ca +
                            "\ndatastore.probe.cluster_version = false\n"
                            "datastore.overwrite_existing_templates = true\ndatastore.number_of_shards = 2\n"
                            "datastore.number_of_replicas = 0\ndatastore.timeout = 5.5\n"));
  EXPECT_TRUE(config.enabled);
  EXPECT_EQ(config.source, "/h/.rally/rally.ini");
  EXPECT_EQ(config.host.host, "metrics.example");
  EXPECT_EQ(config.host.port, 9243);
  EXPECT_TRUE(config.secure);
  EXPECT_TRUE(config.verify_certs);
  EXPECT_EQ(config.certificate_authorities, ca);
  EXPECT_EQ(config.user, "rally");
  EXPECT_EQ(config.password, secret);
  EXPECT_FALSE(config.probe_cluster_version);
  EXPECT_TRUE(config.overwrite_existing_templates);
  EXPECT_EQ(config.number_of_shards, 2);
  EXPECT_EQ(config.number_of_replicas, 0);
  EXPECT_DOUBLE_EQ(config.timeout_s, 5.5);
  EXPECT_EQ(config.environment, "nightly");
  EXPECT_EQ(config.url(), "https://metrics.example:9243");
}

TEST(StoreConfig, DefaultsOfAnElasticsearchStore) {
  auto config = parse("[reporting]\ndatastore.type = elasticsearch\ndatastore.host = ::1\ndatastore.port = 9200\n");
  EXPECT_FALSE(config.secure);
  EXPECT_TRUE(config.verify_certs);
  EXPECT_TRUE(config.probe_cluster_version);
  EXPECT_FALSE(config.overwrite_existing_templates);
  EXPECT_EQ(config.number_of_shards, std::nullopt);
  EXPECT_DOUBLE_EQ(config.timeout_s, 30);
  EXPECT_EQ(config.environment, "local");
  EXPECT_EQ(config.url(), "http://[::1]:9200");
  EXPECT_FALSE(parse(store("datastore.ssl.verification_mode = none\n")).verify_certs);
}

TEST(StoreConfig, ThePasswordFromTheEnvironmentWins) {
  testing::ScopedEnv env("RALLY_REPORTING_DATASTORE_PASSWORD", "from-env");
  EXPECT_EQ(parse(store("")).password, "from-env");
}

TEST(StoreConfig, MissingKeysNameTheFileAndKey) {
  auto no_host = error_of("[reporting]\ndatastore.type = elasticsearch\ndatastore.port = 9200\n");
  EXPECT_THAT(no_host, HasSubstr("/h/.rally/rally.ini: [reporting] datastore.host: is required"));
  auto empty_port = error_of("[reporting]\ndatastore.type = elasticsearch\ndatastore.host = h\ndatastore.port =\n");
  EXPECT_THAT(empty_port, HasSubstr("/h/.rally/rally.ini:4: [reporting] datastore.port: is required"));
}

TEST(StoreConfig, BadValuesNameFileLineAndKey) {
  EXPECT_THAT(error_of("[reporting]\ndatastore.type = mongodb\n"),
              HasSubstr("rally.ini:2: [reporting] datastore.type: must be in-memory or elasticsearch, not 'mongodb'"));
  EXPECT_THAT(error_of(store("datastore.secure = maybe\n")),
              HasSubstr("rally.ini:7: [reporting] datastore.secure: must be true or false, not 'maybe'"));
  EXPECT_THAT(error_of(store("datastore.ssl.verification_mode = partial\n")),
              HasSubstr("rally.ini:7: [reporting] datastore.ssl.verification_mode: must be full or none"));
  EXPECT_THAT(error_of(store("datastore.timeout = 0\n")), HasSubstr("rally.ini:7: [reporting] datastore.timeout"));
  EXPECT_THAT(error_of(store("datastore.number_of_shards = 0\n")),
              HasSubstr("rally.ini:7: [reporting] datastore.number_of_shards: must be a whole number from 1"));
  EXPECT_THAT(error_of(store("datastore.secure = true\ndatastore.ssl.certificate_authorities = /no/such/ca.pem\n")),
              HasSubstr("rally.ini:8: [reporting] datastore.ssl.certificate_authorities: /no/such/ca.pem"));
  for (const char* port : {"http", "0", "65536", "92 00", "-1"}) {
    auto e = error_of("[reporting]\ndatastore.type = elasticsearch\ndatastore.host = h\ndatastore.port = " +
                      std::string(port) + "\n");
    EXPECT_THAT(e, HasSubstr("rally.ini:4: [reporting] datastore.port: must be a whole number from 1 to 65535"))
        << port;
  }
}

TEST(StoreConfig, NoMessageShowsThePassword) {
  for (const auto& text : {store("datastore.secure = maybe\n"), store("datastore.port = x\n"),
                           store("datastore.timeout = forever\n"), store(std::string(secret) + "\n")}) {
    auto e = error_of(text);
    EXPECT_FALSE(e.empty()) << text;
    EXPECT_THAT(e, Not(HasSubstr(secret))) << e;
  }
  // A password that breaks interpolation is not quoted either.
  auto e = error_of(
      "[reporting]\ndatastore.type = elasticsearch\ndatastore.host = h\ndatastore.port = 1\n"
      "datastore.user = u\ndatastore.password = ab$cd-" +
      std::string(secret) + "\n");
  EXPECT_THAT(e, HasSubstr("rally.ini:6: [reporting] datastore.password"));
  EXPECT_THAT(e, Not(HasSubstr(secret)));
}

TEST(StoreConfig, LoadsFromAFileAndAMissingFileIsInMemory) {
  testing::TempDir dir;
  EXPECT_FALSE(load_store_config(dir / "rally.ini").enabled);
  auto path = dir.write("rally.ini", store(""));
  auto config = load_store_config(path);
  EXPECT_TRUE(config.enabled);
  EXPECT_EQ(config.source, path);
}

TEST(StoreConfig, RallyIniLivesInTheHomesRallyDirectory) {
  testing::ScopedEnv home("HOME", "/home/someone");
  EXPECT_EQ(rally_config_dir(), "/home/someone/.rally");
  EXPECT_EQ(rally_ini_path(), "/home/someone/.rally/rally.ini");
}

}  // namespace
}  // namespace rally::metrics
