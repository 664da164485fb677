#include "rally/common/client_options.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/redaction.hpp"

namespace rally {

namespace {

using Json = nlohmann::json;

[[noreturn]] void fail(const std::string& what) { throw RallyError("--client-options: " + what); }

std::string read_text(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read the " + what + " file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Options whose values are text: a bare value stays as written ("0123" is not 123).
bool is_text_option(const std::string& key) {
  static const std::set<std::string> text = {"ca_certs",        "client_cert",         "client_key",
                                             "basic_auth_user", "basic_auth_password", "api_key",
                                             "opaque-id",       "opaque_id",           "static_responses"};
  return text.count(key) > 0;
}

bool is_secret_option(const std::string& key) { return key == "basic_auth_password" || key == "api_key"; }

// Rally's kv_to_map: "k:v,k:v" with quoted values; true/false and numbers are typed.
Json parse_key_values(std::string_view text) {
  Json out = Json::object();
  std::size_t i = 0;
  auto skip_blanks = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  while (i < text.size()) {
    skip_blanks();
    auto colon = text.find(':', i);
    auto comma = text.find(',', i);
    if (colon == std::string_view::npos || comma < colon)
      fail("'" + std::string(text.substr(i, std::min(comma, text.size()) - i)) + "' is not of the form key:value");
    std::string key(text.substr(i, colon - i));
    while (!key.empty() && key.back() == ' ') key.pop_back();
    if (key.empty()) fail("an entry has no key (expected key:value,key:value)");
    i = colon + 1;
    skip_blanks();
    std::string value;
    bool quoted = false;
    if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
      char quote = text[i++];
      auto end = text.find(quote, i);
      if (end == std::string_view::npos) fail("the value of '" + key + "' has no closing quote");
      value = std::string(text.substr(i, end - i));
      i = end + 1;
      quoted = true;
      skip_blanks();
      if (i < text.size() && text[i] != ',') fail("unexpected text after the quoted value of '" + key + "'");
    } else {
      auto end = text.find(',', i);
      if (end == std::string_view::npos) end = text.size();
      value = std::string(text.substr(i, end - i));
      while (!value.empty() && value.back() == ' ') value.pop_back();
      i = end;
    }
    if (i < text.size()) ++i;  // the comma
    if (out.contains(key)) fail("'" + key + "' is given twice");
    if (quoted || is_text_option(key)) {
      out[key] = value;
    } else if (value == "true" || value == "True") {
      out[key] = true;
    } else if (value == "false" || value == "False") {
      out[key] = false;
    } else {
      auto number = Json::parse(value, nullptr, false);
      out[key] = number.is_number() ? number : Json(value);
    }
  }
  return out;
}

bool as_bool(const Json& v, const std::string& key) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string() && (v == "true" || v == "false")) return v == "true";
  fail("'" + key + "' must be true or false, not " + v.dump());
}

std::string as_string(const Json& v, const std::string& key) {
  if (v.is_string()) return v.get<std::string>();
  // A credential is never printed, not even when it is refused.
  fail("'" + key + "' must be a string, not " + (is_secret_option(key) ? std::string("a ") + v.type_name() : v.dump()));
}

void check_header(const std::string& name, const std::string& value) {
  if (name.empty() || name.find_first_of(":\r\n \t") != std::string::npos ||
      value.find_first_of("\r\n") != std::string::npos)
    fail("header '" + name + "' is not a valid HTTP header");
}

}  // namespace

ClientOptions parse_client_options(std::string_view text) {
  ClientOptions options;
  std::string trimmed(text);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.erase(0, 1);
  if (trimmed.empty()) return options;
  Json json;
  if (trimmed.front() == '{') {
    json = Json::parse(trimmed, nullptr, false);
    if (json.is_discarded()) fail("the inline JSON is malformed");
  } else if (trimmed.size() > 5 && trimmed.substr(trimmed.size() - 5) == ".json") {
    auto contents = read_text(trimmed, "client options");
    json = Json::parse(contents, nullptr, false);
    if (!json.is_object()) fail("'" + trimmed + "' does not hold a JSON object");
  } else {
    json = parse_key_values(trimmed);
  }
  // Rally's per-cluster form: {"default": {...}}; only the default cluster is raced here.
  if (json.size() == 1 && json.contains("default") && json["default"].is_object()) json = json["default"];
  static const std::set<std::string> known = {"use_ssl",
                                              "verify_certs",
                                              "ca_certs",
                                              "client_cert",
                                              "client_key",
                                              "basic_auth_user",
                                              "basic_auth_password",
                                              "api_key",
                                              "headers",
                                              "opaque-id",
                                              "opaque_id",
                                              "http_compress",
                                              "timeout",
                                              "static_responses",
                                              "enable_cleanup_closed",
                                              "max_connections",
                                              "ssl_show_warn",
                                              "ssl_assert_hostname"};
  for (const auto& [key, value] : json.items()) {
    if (!known.count(key)) fail("unknown option '" + key + "'");
    if (key == "use_ssl") options.use_ssl = as_bool(value, key);
    if (key == "verify_certs") options.verify_certs = as_bool(value, key);
    if (key == "ca_certs") options.ca_certs = as_string(value, key);
    if (key == "client_cert") options.client_cert = as_string(value, key);
    if (key == "client_key") options.client_key = as_string(value, key);
    if (key == "basic_auth_user") options.basic_auth_user = as_string(value, key);
    if (key == "basic_auth_password") options.basic_auth_password = as_string(value, key);
    if (key == "api_key") options.api_key = as_string(value, key);
    if (key == "opaque-id" || key == "opaque_id") options.opaque_id = as_string(value, key);
    if (key == "http_compress") options.http_compress = as_bool(value, key);
    if (key == "static_responses") options.static_responses_file = as_string(value, key);
    if (key == "timeout") {
      if (!value.is_number() || !(value.get<double>() > 0) || !std::isfinite(value.get<double>()))
        fail("'timeout' must be a positive number of seconds");
      options.timeout_s = value.get<double>();
    }
    if (key == "headers") {
      if (!value.is_object()) fail("'headers' must be an object of header names to values");
      for (const auto& [name, v] : value.items()) {
        auto text_value = v.is_string() ? v.get<std::string>() : v.dump();
        check_header(name, text_value);
        options.headers.emplace_back(name, text_value);
      }
    }
  }
  if (options.basic_auth_user.empty() != options.basic_auth_password.empty())
    fail("basic_auth_user and basic_auth_password go together");
  if (!options.client_cert.empty() && options.client_key.empty())
    fail("client_cert needs client_key (the certificate's private key)");
  if (!options.opaque_id.empty()) check_header("X-Opaque-Id", options.opaque_id);
  if (!options.api_key.empty()) check_header("Authorization", options.api_key);
  for (const auto* file : {&options.ca_certs, &options.client_cert, &options.client_key}) {
    if (!file->empty() && (!std::filesystem::is_regular_file(*file) || !std::ifstream(*file)))
      fail("cannot read the file '" + *file + "'");
  }
  if (!options.static_responses_file.empty())
    options.static_responses = read_text(options.static_responses_file, "static_responses");
  return options;
}

std::string describe_client_options(const ClientOptions& o) {
  Json out = Json::object();
  if (o.use_ssl) out["use_ssl"] = true;
  if (!o.verify_certs) out["verify_certs"] = false;
  if (!o.ca_certs.empty()) out["ca_certs"] = o.ca_certs;
  if (!o.client_cert.empty()) out["client_cert"] = o.client_cert;
  if (!o.client_key.empty()) out["client_key"] = o.client_key;
  if (!o.basic_auth_user.empty()) out["basic_auth_user"] = o.basic_auth_user;
  if (!o.basic_auth_password.empty()) out["basic_auth_password"] = std::string(secret_mask);
  if (!o.api_key.empty()) out["api_key"] = std::string(secret_mask);
  if (!o.headers.empty()) {
    Json headers = Json::object();
    for (const auto& [name, value] : o.headers) headers[name] = std::string(secret_mask);  // may carry tokens
    out["headers"] = headers;
  }
  if (!o.opaque_id.empty()) out["opaque-id"] = o.opaque_id;
  if (o.http_compress) out["http_compress"] = true;
  if (o.timeout_s > 0) out["timeout"] = o.timeout_s;
  if (!o.static_responses_file.empty()) out["static_responses"] = o.static_responses_file;
  return out.dump();
}

}  // namespace rally
