#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rally::track {

// An http or https URL split into what a request needs. Corpus URLs carry no credentials.
struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without the brackets of an IPv6 literal
  std::uint16_t port = 0;
  std::string target = "/";  // path and query, never empty

  [[nodiscard]] bool tls() const { return scheme == "https"; }
  // host[:port] as the Host header and messages show it; the port only when not the default.
  [[nodiscard]] std::string authority() const;
  [[nodiscard]] std::string to_string() const;
};

// Throws RallyError naming `url` when it is not an absolute http(s) URL.
Url parse_url(std::string_view url);

// Where a redirect's Location leads from `base`: absolute, scheme-relative (//host/x),
// absolute-path (/x) or relative to the base's directory (x, ../x).
std::string resolve_location(const Url& base, std::string_view location);

// A corpus file's URL: base-url + "/" + source file, with exactly one slash between.
std::string corpus_file_url(std::string_view base_url, std::string_view source_file);

}  // namespace rally::track
