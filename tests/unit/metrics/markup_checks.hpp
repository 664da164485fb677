#pragma once

// Checks on the HTML report's markup shared by its tests: numbers in SVG attributes, the tags
// used, references to anything outside the file.

#include <cstring>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace rally::testing {

// Every value of a numeric SVG attribute (coordinates, sizes, points, transforms) that is not
// a plain finite decimal number: empty when all are.
inline std::vector<std::string> bad_svg_numbers(const std::string& markup) {
  static const std::regex attribute(
      R"re(\s(x|y|x1|y1|x2|y2|cx|cy|r|width|height|dy|font-size|stroke-width|points|transform)="([^"]*)")re");
  static const std::regex number(R"(-?[0-9]+(\.[0-9]+)?(em)?)");
  static const std::regex token(R"([^\s,()]+)");
  std::vector<std::string> bad;
  for (auto it = std::sregex_iterator(markup.begin(), markup.end(), attribute); it != std::sregex_iterator(); ++it) {
    std::string value = (*it)[2];
    if ((*it)[1] == "transform") {
      for (const char* word : {"translate", "rotate"}) {
        for (auto at = value.find(word); at != std::string::npos; at = value.find(word)) value.erase(at, strlen(word));
      }
    }
    for (auto t = std::sregex_iterator(value.begin(), value.end(), token); t != std::sregex_iterator(); ++t) {
      if (!std::regex_match(t->str(), number)) bad.push_back((*it)[1].str() + "=\"" + (*it)[2].str() + "\"");
    }
    if (value.find_first_not_of(" ") == std::string::npos && (*it)[1] != "transform")
      bad.push_back((*it)[1].str() + " is empty");
  }
  return bad;
}

// The names of all tags in `markup` (opening and closing); text that was escaped has no tags.
inline std::set<std::string> tag_names(const std::string& markup) {
  static const std::regex tag(R"(<\/?([!A-Za-z][A-Za-z0-9-]*))");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(markup.begin(), markup.end(), tag); it != std::sregex_iterator(); ++it)
    names.insert((*it)[1]);
  return names;
}

// What in `html` would make a browser fetch something: src/href/xlink:href/action attributes
// other than data: URIs and fragments, url(...) other than data:, @import, and http(s):// in
// tags and style sheets. Empty when the file stands alone.
inline std::vector<std::string> external_references(const std::string& html) {
  std::vector<std::string> found;
  static const std::regex tag(R"(<[!A-Za-z][^>]*>)");
  static const std::regex link(
      R"re(\s(src|href|xlink:href|action|srcset|poster|data)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))re", std::regex::icase);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::string t = it->str();
    for (auto l = std::sregex_iterator(t.begin(), t.end(), link); l != std::sregex_iterator(); ++l) {
      std::string value = (*l)[2];
      if (!value.empty() && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
      if (value.rfind("data:", 0) != 0 && value.rfind("#", 0) != 0) found.push_back(t);
    }
    if (t.find("http://") != std::string::npos || t.find("https://") != std::string::npos) found.push_back(t);
  }
  static const std::regex style(R"(<style[^>]*>([\s\S]*?)</style>)");
  static const std::regex url(R"(url\(\s*['"]?([^'")\s]*))", std::regex::icase);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), style); it != std::sregex_iterator(); ++it) {
    const std::string css = (*it)[1];
    if (css.find("@import") != std::string::npos) found.push_back("@import in a style sheet");
    if (css.find("http://") != std::string::npos || css.find("https://") != std::string::npos)
      found.push_back("an address in a style sheet");
    for (auto u = std::sregex_iterator(css.begin(), css.end(), url); u != std::sregex_iterator(); ++u) {
      if ((*u)[1].str().rfind("data:", 0) != 0) found.push_back(u->str());
    }
  }
  for (const char* attribute : {"style=\"", "style='"}) {  // inline styles
    for (auto at = html.find(attribute); at != std::string::npos; at = html.find(attribute, at + 1)) {
      const auto end = html.find(attribute[6], at + 7);
      const std::string value = html.substr(at, end - at);
      if (value.find("url(") != std::string::npos && value.find("url(data:") == std::string::npos)
        found.push_back(value);
    }
  }
  return found;
}

}  // namespace rally::testing
