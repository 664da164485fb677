#include "rally/track/track_params.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rally/common/errors.hpp"
#include "rally/common/redaction.hpp"
#include "rally/common/text.hpp"

#include "json_node.hpp"

namespace rally::track {

namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// Rally's kv conversion: quoted -> string, then int, float, boolean, else the string.
nlohmann::json convert_value(const std::string& v) {
  if (v.size() >= 2 && ((v.front() == '\'' && v.back() == '\'') || (v.front() == '"' && v.back() == '"')))
    return v.substr(1, v.size() - 2);
  std::int64_t i = 0;
  auto [ip, iec] = std::from_chars(v.data(), v.data() + v.size(), i);
  if (iec == std::errc{} && ip == v.data() + v.size() && !v.empty()) return i;
  double d = 0;
  auto [dp, dec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (dec == std::errc{} && dp == v.data() + v.size() && !v.empty()) return d;
  std::string lower;
  for (char c : v) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true") return true;
  if (lower == "false") return false;
  return v;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Params are parsed before their secrets are known to `redact`: a malformed k:v item
// starting with "secret_" is not quoted.
std::string quote_item(const std::string& item) {
  return is_secret_param_name(item) ? "a secret_ parameter (value hidden)" : "'" + item + "'";
}

}  // namespace

nlohmann::json parse_track_params(const std::string& raw) {
  auto text = trim(raw);
  if (text.empty()) return nlohmann::json::object();
  std::error_code ec;
  if (text.size() > 5 && text.substr(text.size() - 5) == ".json") {
    if (!std::filesystem::is_regular_file(text, ec))
      throw RallyError("--track-params: the file " + text + " does not exist");
    std::ifstream in(text);
    std::ostringstream buf;
    buf << in.rdbuf();
    auto json = parse_json(buf.str(), text);
    if (!json.is_object()) throw RallyError("--track-params: " + text + " must hold a JSON object");
    return json;
  }
  if (text.front() == '{') {
    auto json = parse_json(text, "--track-params");
    if (!json.is_object()) throw RallyError("--track-params: expected a JSON object");
    return json;
  }
  if (auto at = invalid_utf8_at(text); at != std::string::npos)
    throw RallyError("--track-params: not UTF-8 text (byte " + std::to_string(at + 1) + ")");  // a secret_ value?
  nlohmann::json params = nlohmann::json::object();
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    auto item = trim(text.substr(start, end - start));
    auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0)
      throw RallyError("--track-params: " + quote_item(item) +
                       " is not a key:value pair (expected k:v,k:v, an inline JSON object or a .json file)");
    params[trim(item.substr(0, colon))] = convert_value(trim(item.substr(colon + 1)));
    start = end + 1;
  }
  return params;
}

std::vector<std::string> unused_track_params(const nlohmann::json& params, const std::set<std::string>& referenced) {
  std::vector<std::string> unused;
  for (const auto& [key, value] : params.items()) {
    if (!referenced.count(key)) unused.push_back(key);
  }
  std::sort(unused.begin(), unused.end());
  return unused;
}

std::string describe_unused_track_params(const std::vector<std::string>& unused,
                                         const std::set<std::string>& referenced) {
  std::string text = "some of your track parameter(s) are not used by this track:";
  for (const auto& name : unused) {
    text += " '" + name + "'";
    std::string best;
    std::size_t best_distance = 4;  // only close matches are worth suggesting
    for (const auto& candidate : referenced) {
      auto d = edit_distance(name, candidate);
      if (d < best_distance) best = candidate, best_distance = d;
    }
    if (!best.empty()) text += " (perhaps you meant '" + best + "')";
  }
  text += ". Parameters this track uses:";
  if (referenced.empty()) text += " none";
  for (const auto& name : referenced) text += " " + name;
  text += ". Use --ignore-unused-track-params to race anyway.";
  return text;
}

}  // namespace rally::track
