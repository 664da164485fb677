#include "corpus_http.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace rally::track {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ContentRange> parse_content_range(std::string_view value) {
  constexpr std::string_view unit = "bytes ";
  if (!value.starts_with(unit)) return std::nullopt;
  value.remove_prefix(unit.size());
  auto slash = value.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto range = value.substr(0, slash);
  auto total = value.substr(slash + 1);
  ContentRange result;
  if (total != "*") {
    result.total = parse_number(total);
    if (!result.total) return std::nullopt;
  }
  if (range != "*") {
    auto dash = range.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    result.first = parse_number(range.substr(0, dash));
    result.last = parse_number(range.substr(dash + 1));
    if (!result.first || !result.last || *result.last < *result.first) return std::nullopt;
  }
  return result;
}

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string describe_status(unsigned status, std::string_view reason) {
  std::string text = "HTTP " + std::to_string(status);
  if (!reason.empty()) text += " " + std::string(reason);
  switch (status) {
    case 404:
    case 410:
      return text + ": the server has no such file; check the corpus' base-url and source-file";
    case 401:
    case 403:
      return text + ": the server refuses access to the file";
    default:
      return text + (status >= 500 ? ": the server failed; try again later" : "");
  }
}

std::string seconds(std::chrono::milliseconds duration) {
  char text[32];
  auto ms = duration.count();
  if (ms % 1000 == 0) {
    std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(ms / 1000));
  } else {
    std::snprintf(text, sizeof text, "%.3g s", static_cast<double>(ms) / 1000.0);
  }
  return text;
}

std::optional<std::string> lower_hex(std::string_view sha256) {
  if (sha256.size() != 64) return std::nullopt;
  std::string out;
  for (char c : sha256) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace rally::track
