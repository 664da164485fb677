#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rally::client {

// Rally's static_responses: canned answers by request path, so that the driver can be
// measured alone. The file is a JSON list of {"path": ..., "body": ...}; a path may start
// and/or end with '*' (suffix, prefix or infix match); "body-encoding": "raw" takes a string
// body as it is, otherwise the body is JSON. The first entry that matches answers.
class StaticResponses {
 public:
  struct Entry {
    std::string pattern;
    std::string body;  // serialized once
  };

  // Throws RallyError naming `source` and the entry on malformed input.
  static StaticResponses parse(const std::string& json, const std::string& source);

  // The body for `path` (without query string), or null when no entry matches.
  [[nodiscard]] const std::string* find(std::string_view path) const;
  [[nodiscard]] const std::string& source() const { return source_; }

 private:
  std::vector<Entry> entries_;
  std::string source_;
};

}  // namespace rally::client
