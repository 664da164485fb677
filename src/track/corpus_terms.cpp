#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rally/common/errors.hpp"
#include "rally/track/corpus.hpp"
#include "rally/track/synthetic_corpus.hpp"

// Terms from a corpus for Rally's large terms queries: a field's values in every n-th
// document, read without parsing whole documents.

namespace rally::track {
namespace {

// ---------------------------------------------------------------------------------------------
// Terms.

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::optional<std::uint32_t> hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
  }
  return v;
}

// Decodes the JSON string whose opening quote is at s[at]; nullopt when it is malformed.
std::optional<std::string> decode_string(std::string_view s, std::size_t at) {
  std::string out;
  std::size_t i = at + 1;
  while (i < s.size()) {
    // copy the run up to the next quote or backslash in one go
    std::size_t j = i;
    while (j < s.size() && s[j] != '"' && s[j] != '\\') ++j;
    out.append(s.data() + i, j - i);
    if (j >= s.size()) return std::nullopt;
    if (s[j] == '"') return out;
    if (j + 1 >= s.size()) return std::nullopt;
    char e = s[j + 1];
    i = j + 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out.push_back(e);
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        auto cp = hex4(s, i);
        if (!cp) return std::nullopt;
        i += 4;
        if (*cp >= 0xD800 && *cp <= 0xDBFF && i + 1 < s.size() && s[i] == '\\' && s[i + 1] == 'u') {
          auto low = hex4(s, i + 2);
          if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, *cp);
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::optional<std::string> find_top_level_string(std::string_view line, std::string_view field) {
  std::size_t from = 0;
  while (true) {
    auto at = line.find(field, from);
    if (at == std::string_view::npos) return std::nullopt;
    from = at + 1;
    // the key must be quoted...
    if (at == 0 || line[at - 1] != '"') continue;
    auto close = at + field.size();
    if (close >= line.size() || line[close] != '"') continue;
    // ...and follow '{' or ',' (inside a string value a quote would be escaped)
    std::size_t before = at - 1;
    while (before > 0 && is_space(line[before - 1])) --before;
    if (before == 0 || (line[before - 1] != '{' && line[before - 1] != ',')) continue;
    std::size_t p = close + 1;
    while (p < line.size() && is_space(line[p])) ++p;
    if (p >= line.size() || line[p] != ':') continue;
    ++p;
    while (p < line.size() && is_space(line[p])) ++p;
    if (p >= line.size() || line[p] != '"') return std::nullopt;  // the key exists; its value is no string
    return decode_string(line, p);
  }
}

std::vector<std::string> sample_field_values(std::string_view corpus, const TermsSampling& sampling) {
  if (sampling.every == 0) throw RallyError("terms sampling: 'every' must be at least 1");
  std::vector<std::string> terms;
  std::uint64_t line = 0;
  std::uint64_t next = sampling.first_document;
  const char* p = corpus.data();
  const char* end = p + corpus.size();
  while (p < end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    if (line == next) {
      auto value = find_top_level_string({p, static_cast<std::size_t>(line_end - p)}, sampling.field);
      if (value) terms.push_back(std::move(*value));
      next += sampling.every;
    }
    ++line;
    p = nl ? nl + 1 : end;
  }
  return terms;
}

std::vector<std::string> sample_corpus_terms(const std::string& corpus_file, const TermsSampling& sampling) {
  MappedFile file(corpus_file);
  return sample_field_values(file.data(), sampling);
}

}  // namespace rally::track
