#pragma once

// UTF-8 helpers. Python strings are sequences of code points, so every place where Jinja
// counts, indexes or strips characters has to work on code points, not bytes. Template
// files are checked to be valid UTF-8 when they are read, so these helpers may assume it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rally/common/text.hpp"

namespace rally::track::templating::utf8 {

// Length of the sequence that starts with the byte `lead`.
inline std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xe) return 3;
  return 4;
}

inline char32_t decode(std::string_view s, std::size_t pos, std::size_t* length = nullptr) {
  auto lead = static_cast<unsigned char>(s[pos]);
  std::size_t n = sequence_length(lead);
  if (n > s.size() - pos) n = 1;  // defensive: treat a truncated sequence as one byte
  if (length) *length = n;
  if (n == 1) return lead;
  char32_t cp = lead & (0x7f >> n);
  for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3f);
  return cp;
}

inline void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// The code points of `s`, each as its own UTF-8 string (Python iterates strings this way).
inline std::vector<std::string> characters(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = sequence_length(static_cast<unsigned char>(s[i]));
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

inline std::size_t length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

// Python's str.isspace(), which is also what `\s` matches in Jinja's lexer and what
// str.split()/strip() remove: ASCII whitespace, the four ASCII separators and the
// Unicode spaces.
inline bool is_space(char32_t c) {
  switch (c) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x1c:
    case 0x1d:
    case 0x1e:
    case 0x1f:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

// Byte offset where trailing Python whitespace starts (s.size() when there is none).
inline std::size_t rstrip_position(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) --start;
    if (!is_space(decode(s, start))) break;
    end = start;
  }
  return end;
}

// Byte offset of the first character at or after `pos` that is not Python whitespace.
inline std::size_t skip_space(std::string_view s, std::size_t pos) {
  while (pos < s.size()) {
    std::size_t n = 0;
    if (!is_space(decode(s, pos, &n))) break;
    pos += n;
  }
  return pos;
}

// Python's str.isprintable() decides which characters repr() escapes. Exact for Latin-1;
// above it, the separators, format characters, surrogates, private use areas and
// non-characters are escaped and everything else is printed (unassigned code points, which
// Python would escape, are treated as printable: the only approximation).
inline bool is_printable(char32_t c) {
  if (c < 0x20 || c == 0x7f) return false;
  if (c < 0x7f) return true;
  if (c <= 0xa0 || c == 0xad) return false;
  if (c < 0x100) return true;
  if (c == 0x1680 || (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) || (c >= 0x205f && c <= 0x2064) ||
      (c >= 0x2066 && c <= 0x206f) || c == 0x3000 || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb))
    return false;
  if (c == 0x061c || c == 0x180e || (c >= 0x0600 && c <= 0x0605) || c == 0x06dd || c == 0x070f) return false;
  if ((c >= 0xd800 && c <= 0xf8ff) || (c >= 0xf0000)) return false;          // surrogates, private use
  if ((c & 0xfffe) == 0xfffe || (c >= 0xfdd0 && c <= 0xfdef)) return false;  // non-characters
  if (c >= 0xe0000 && c <= 0xe007f) return false;                            // tags
  return true;
}

// Checks that `s` is well-formed UTF-8 (Rally decodes every track file as UTF-8).
inline bool valid(std::string_view s) { return invalid_utf8_at(s) == std::string_view::npos; }

}  // namespace rally::track::templating::utf8
