#include "rally/track/corpus_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include "rally/common/errors.hpp"

namespace rally::track {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::uint16_t default_port(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

// RFC 3986 5.2.4, so that "../x" in a Location cannot produce a path the server rejects.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  bool trailing_slash = false;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    auto segment = path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    trailing_slash = segment == "." || segment == ".." || (slash == std::string_view::npos && segment.empty());
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
    } else if (segment != "." && !segment.empty()) {
      out.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  std::string result;
  for (auto segment : out) {
    result += '/';
    result += segment;
  }
  if (result.empty() || trailing_slash) result += '/';
  return result;
}

// Splits a target into path and "?query"; the fragment never goes to the server.
std::pair<std::string, std::string> split_target(std::string_view target) {
  target = target.substr(0, target.find('#'));
  auto q = target.find('?');
  if (q == std::string_view::npos) return {std::string(target), ""};
  return {std::string(target.substr(0, q)), std::string(target.substr(q))};
}

}  // namespace

std::string Url::authority() const {
  std::string a = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port(scheme)) a += ":" + std::to_string(port);
  return a;
}

std::string Url::to_string() const { return scheme + "://" + authority() + target; }

Url parse_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return RallyError("'" + std::string(url) + "' is not a valid download URL: " + why);
  };
  auto sep = url.find("://");
  if (sep == std::string_view::npos) throw bad("expected http://host/path or https://host/path");
  Url result;
  result.scheme = lower(url.substr(0, sep));
  if (result.scheme != "http" && result.scheme != "https") throw bad("only http and https are supported");
  auto rest = url.substr(sep + 3);
  auto end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) throw bad("credentials in URLs are not supported");
  std::string_view port_text;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) throw bad("unterminated IPv6 address");
    result.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') throw bad("unexpected text after the IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    result.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (result.host.empty()) throw bad("no host");
  result.port = default_port(result.scheme);
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      throw bad("invalid port '" + std::string(port_text) + "'");
    }
    result.port = static_cast<std::uint16_t>(value);
  }
  auto [path, query] = split_target(end == std::string_view::npos ? std::string_view{} : rest.substr(end));
  if (path.empty()) path = "/";
  result.target = path + query;
  return result;
}

std::string resolve_location(const Url& base, std::string_view location) {
  // Servers are allowed surrounding whitespace; nothing else in a Location is trimmed.
  while (!location.empty() && std::isspace(static_cast<unsigned char>(location.front()))) location.remove_prefix(1);
  while (!location.empty() && std::isspace(static_cast<unsigned char>(location.back()))) location.remove_suffix(1);
  auto scheme_end = location.find("://");
  if (scheme_end != std::string_view::npos &&
      location.substr(0, scheme_end).find_first_of("/?#") == std::string_view::npos) {
    return std::string(location);
  }
  if (location.starts_with("//")) return base.scheme + ":" + std::string(location);
  auto origin = base.scheme + "://" + base.authority();
  auto [base_path, base_query] = split_target(base.target);
  auto [path, query] = split_target(location);
  if (path.empty()) return origin + base_path + (query.empty() ? base_query : query);
  if (!path.starts_with('/')) path = base_path.substr(0, base_path.rfind('/') + 1) + path;
  return origin + remove_dot_segments(path) + query;
}

std::string corpus_file_url(std::string_view base_url, std::string_view source_file) {
  while (base_url.ends_with('/')) base_url.remove_suffix(1);
  while (source_file.starts_with('/')) source_file.remove_prefix(1);
  return std::string(base_url) + "/" + std::string(source_file);
}

}  // namespace rally::track
