#include "static_responses.hpp"

#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"

namespace rally::client {

StaticResponses StaticResponses::parse(const std::string& json, const std::string& source) {
  auto fail = [&](const std::string& what) -> void { throw RallyError("static_responses '" + source + "': " + what); };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    fail(std::string("malformed JSON: ") + e.what());
  }
  if (!doc.is_array()) fail("expected a list of {\"path\": ..., \"body\": ...} entries");
  StaticResponses out;
  out.source_ = source;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& item = doc[i];
    auto where = "entry " + std::to_string(i);
    if (!item.is_object()) fail(where + " is not an object");
    if (!item.contains("path") || !item["path"].is_string()) fail(where + " has no string 'path'");
    if (!item.contains("body")) fail(where + " has no 'body'");
    Entry entry;
    entry.pattern = item["path"].get<std::string>();
    if (entry.pattern.empty() || entry.pattern == "*" || entry.pattern == "**") {
      entry.pattern = "*";
    }
    auto encoding = item.value("body-encoding", std::string("json"));
    if (encoding == "raw") {
      if (!item["body"].is_string()) fail(where + ": a raw body must be a string");
      entry.body = item["body"].get<std::string>();
    } else if (encoding == "json") {
      entry.body = item["body"].dump();
    } else {
      fail(where + ": body-encoding must be json or raw, not '" + encoding + "'");
    }
    out.entries_.push_back(std::move(entry));
  }
  return out;
}

const std::string* StaticResponses::find(std::string_view path) const {
  for (const auto& entry : entries_) {
    std::string_view p = entry.pattern;
    if (p == "*") return &entry.body;
    bool any_prefix = p.front() == '*';
    bool any_suffix = p.size() > 1 && p.back() == '*';
    if (any_prefix) p.remove_prefix(1);
    if (any_suffix) p.remove_suffix(1);
    bool match;
    if (any_prefix && any_suffix) {
      match = path.find(p) != std::string_view::npos;
    } else if (any_prefix) {
      match = path.size() >= p.size() && path.substr(path.size() - p.size()) == p;
    } else if (any_suffix) {
      match = path.substr(0, p.size()) == p;
    } else {
      match = path == p;
    }
    if (match) return &entry.body;
  }
  return nullptr;
}

}  // namespace rally::client
