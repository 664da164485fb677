#include "rally/metrics/store_config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "rally/common/errors.hpp"
#include "rally/common/redaction.hpp"

namespace rally::metrics {

namespace {

const std::string reporting = "reporting";
const std::string system_section = "system";
constexpr const char* password_variable = "RALLY_REPORTING_DATASTORE_PASSWORD";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Reads the values of one section; every message names the file, line and key.
class Settings {
 public:
  Settings(const IniFile& ini, const std::string& section) : ini_(ini), section_(section) {}

  // The value, trimmed; nullopt when absent or empty (Rally's rally.ini leaves unused keys empty).
  [[nodiscard]] std::optional<std::string> get(const std::string& key) const {
    auto value = ini_.value(section_, key);
    if (!value) return std::nullopt;
    auto first = value->find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return std::nullopt;
    return value->substr(first, value->find_last_not_of(" \t\r\n") - first + 1);
  }

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw RallyError(ini_.where(section_, key) + ": " + message);
  }

  // Rally's convert.to_bool: true/false, yes/no, t/f, y/n, 1/0 (any case).
  [[nodiscard]] bool boolean(const std::string& key, bool fallback) const {
    auto value = get(key);
    if (!value) return fallback;
    auto v = lower(*value);
    if (v == "true" || v == "yes" || v == "t" || v == "y" || v == "1" || v == "on") return true;
    if (v == "false" || v == "no" || v == "f" || v == "n" || v == "0" || v == "off") return false;
    fail(key, "must be true or false, not '" + *value + "'");
  }

  [[nodiscard]] std::optional<long> integer(const std::string& key, long min, long max) const {
    auto value = get(key);
    if (!value) return std::nullopt;
    long number = 0;
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
    if (ec != std::errc() || end != value->data() + value->size() || number < min || number > max) {
      fail(key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                    *value + "'");
    }
    return number;
  }

 private:
  const IniFile& ini_;
  const std::string& section_;
};

std::string expand_home(const std::string& path) {
  if (path == "~" || path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + path.substr(1);
  }
  return path;
}

double seconds(const Settings& s, const std::string& key, double fallback) {
  auto value = s.get(key);
  if (!value) return fallback;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(value->c_str(), &end);
  if (errno != 0 || end != value->c_str() + value->size() || !(v > 0) || v > 3600) {
    s.fail(key, "must be a number of seconds above 0 and at most 3600, not '" + *value + "'");
  }
  return v;
}

}  // namespace

std::string StoreConfig::url() const {
  auto name = host.host.find(':') != std::string::npos ? "[" + host.host + "]" : host.host;
  return std::string(secure ? "https://" : "http://") + name + ":" + std::to_string(host.port);
}

std::string rally_config_dir() {
  const char* home = std::getenv("HOME");
  return (std::filesystem::path(home && *home ? home : "/tmp") / ".rally").string();
}

std::string rally_ini_path() { return (std::filesystem::path(rally_config_dir()) / "rally.ini").string(); }

StoreConfig store_config_from_ini(const IniFile& ini) {
  StoreConfig config;
  config.source = ini.path();
  Settings system(ini, system_section);
  if (auto env = system.get("env.name")) config.environment = *env;

  Settings s(ini, reporting);
  auto type = s.get("datastore.type").value_or("in-memory");
  if (type == "in-memory") return config;
  if (type != "elasticsearch") s.fail("datastore.type", "must be in-memory or elasticsearch, not '" + type + "'");
  config.enabled = true;

  auto host = s.get("datastore.host");
  if (!host) s.fail("datastore.host", "is required when datastore.type is elasticsearch (the store's host name)");
  config.host.host = *host;
  auto port = s.integer("datastore.port", 1, 65535);
  if (!port) s.fail("datastore.port", "is required when datastore.type is elasticsearch (e.g. 9200)");
  config.host.port = static_cast<std::uint16_t>(*port);
  config.secure = s.boolean("datastore.secure", false);

  auto mode = s.get("datastore.ssl.verification_mode").value_or("full");
  if (mode != "full" && mode != "none") {
    s.fail("datastore.ssl.verification_mode", "must be full or none, not '" + mode + "'");
  }
  config.verify_certs = mode == "full";
  if (auto ca = s.get("datastore.ssl.certificate_authorities")) {
    config.certificate_authorities = expand_home(*ca);
    if (config.secure && config.verify_certs) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(config.certificate_authorities, ec)) {
        s.fail("datastore.ssl.certificate_authorities", config.certificate_authorities + " is not a readable file");
      }
      std::ifstream in(config.certificate_authorities);
      if (!in) {
        s.fail("datastore.ssl.certificate_authorities",
               config.certificate_authorities + " cannot be read: " + std::strerror(errno));
      }
    }
  }
  config.user = s.get("datastore.user").value_or("");
  if (const char* from_env = std::getenv(password_variable); from_env && *from_env) {
    config.password = from_env;
  } else {
    config.password = s.get("datastore.password").value_or("");
  }
  register_basic_credentials(config.user, config.password);  // never printed, stored or logged
  config.probe_cluster_version = s.boolean("datastore.probe.cluster_version", true);
  config.overwrite_existing_templates = s.boolean("datastore.overwrite_existing_templates", false);
  if (auto shards = s.integer("datastore.number_of_shards", 1, 1024))
    config.number_of_shards = static_cast<int>(*shards);
  if (auto replicas = s.integer("datastore.number_of_replicas", 0, 1024)) {
    config.number_of_replicas = static_cast<int>(*replicas);
  }
  config.timeout_s = seconds(s, "datastore.timeout", config.timeout_s);
  return config;
}

StoreConfig load_store_config(const std::string& path) {
  auto ini = IniFile::load(path, {{"CONFIG_DIR", rally_config_dir()}});
  if (!ini) return StoreConfig{};
  return store_config_from_ini(*ini);
}

}  // namespace rally::metrics
