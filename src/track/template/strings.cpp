#include "strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <set>
#include <vector>

#include "utf8.hpp"

namespace rally::track::templating {

std::string ascii_case(const std::string& s, bool upper) {
  std::string out = s;
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80)
      throw TemplateError(std::string(upper ? "upper" : "lower") +
                          "() of text with non-ASCII characters is not supported");
    c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
  }
  return out;
}

std::string strip(const std::string& s, const Value* chars, bool left, bool right) {
  if (chars && !chars->is_string()) throw TemplateError("strip arg must be None or str");
  std::set<char32_t> set;
  if (chars) {
    for (std::size_t i = 0; i < chars->as_string().size();) {
      std::size_t n = 0;
      set.insert(utf8::decode(chars->as_string(), i, &n));
      i += n;
    }
  }
  auto strippable = [&](char32_t c) { return chars ? set.count(c) > 0 : utf8::is_space(c); };
  std::size_t begin = 0, end = s.size();
  if (left) {
    while (begin < end) {
      std::size_t n = 0;
      if (!strippable(utf8::decode(s, begin, &n))) break;
      begin += n;
    }
  }
  if (right) {
    while (end > begin) {
      std::size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) --start;
      if (!strippable(utf8::decode(s, start))) break;
      end = start;
    }
  }
  return s.substr(begin, end - begin);
}

std::string replace(const std::string& s, const std::string& old, const std::string& repl, std::int64_t count) {
  std::string out;
  if (old.empty()) {
    // Python inserts `repl` before every character and at the end.
    auto chars = utf8::characters(s);
    std::int64_t done = 0;
    for (const auto& c : chars) {
      if (count < 0 || done < count) {
        out += repl;
        ++done;
      }
      out += c;
    }
    if (count < 0 || done < count) out += repl;
    return out;
  }
  std::size_t pos = 0;
  std::int64_t done = 0;
  while (count < 0 || done < count) {
    std::size_t hit = s.find(old, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += repl;
    pos = hit + old.size();
    ++done;
  }
  out.append(s, pos, std::string::npos);
  return out;
}

Value split(const std::string& s, const Value* sep, std::int64_t maxsplit) {
  std::vector<Value> parts;
  if (sep && !sep->is_none()) {
    if (!sep->is_string()) throw TemplateError("must be str or None, not " + type_name(*sep));
    const std::string& d = sep->as_string();
    if (d.empty()) throw TemplateError("empty separator");
    std::size_t pos = 0;
    std::int64_t splits = 0;
    while (maxsplit < 0 || splits < maxsplit) {
      std::size_t hit = s.find(d, pos);
      if (hit == std::string::npos) break;
      parts.emplace_back(s.substr(pos, hit - pos));
      pos = hit + d.size();
      ++splits;
    }
    parts.emplace_back(s.substr(pos));
    return Value::list(std::move(parts));
  }
  std::size_t pos = utf8::skip_space(s, 0);
  std::int64_t splits = 0;
  while (pos < s.size()) {
    if (maxsplit >= 0 && splits >= maxsplit) {
      // The remainder keeps its trailing whitespace, as in Python.
      parts.emplace_back(s.substr(pos));
      break;
    }
    std::size_t end = pos;
    while (end < s.size()) {
      std::size_t n = 0;
      if (utf8::is_space(utf8::decode(s, end, &n))) break;
      end += n;
    }
    parts.emplace_back(s.substr(pos, end - pos));
    ++splits;
    pos = utf8::skip_space(s, end);
  }
  return Value::list(std::move(parts));
}

namespace {

std::string_view trim_space(std::string_view text) {
  std::size_t begin = utf8::skip_space(text, 0);
  std::size_t end = utf8::rstrip_position(text);
  return end > begin ? text.substr(begin, end - begin) : std::string_view();
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

}  // namespace

std::optional<std::int64_t> parse_python_int(std::string_view text, int base) {
  std::string_view t = trim_space(text);
  bool negative = false;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  bool after_prefix = false;
  auto prefix = [&](char p) {
    return t.size() >= 2 && t[0] == '0' && std::tolower(static_cast<unsigned char>(t[1])) == p;
  };
  if ((base == 16 || base == 0) && prefix('x')) {
    base = 16;
    after_prefix = true;
  } else if ((base == 8 || base == 0) && prefix('o')) {
    base = 8;
    after_prefix = true;
  } else if ((base == 2 || base == 0) && prefix('b')) {
    base = 2;
    after_prefix = true;
  }
  bool zeros_only = false;
  if (after_prefix) {
    t.remove_prefix(2);
    if (!t.empty() && t[0] == '_') t.remove_prefix(1);  // "0x_ff" is valid
  } else if (base == 0) {
    base = 10;
    zeros_only = !t.empty() && t[0] == '0';  // base 0 refuses "010"
  }
  if (t.empty()) return std::nullopt;
  // Accumulate negatively so that the most negative value fits.
  std::int64_t value = 0;
  bool overflow = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '_') {
      if (i == 0 || i + 1 == t.size() || t[i + 1] == '_') return std::nullopt;
      continue;
    }
    int d = digit_value(t[i]);
    if (d >= base) return std::nullopt;
    if (zeros_only && d != 0) return std::nullopt;
    if (__builtin_mul_overflow(value, base, &value) || __builtin_sub_overflow(value, d, &value)) overflow = true;
  }
  if (!negative && !overflow && value == std::numeric_limits<std::int64_t>::min()) overflow = true;
  if (overflow) throw TemplateError("the integer '" + std::string(text) + "' exceeds 64 bits");
  return negative ? value : -value;
}

std::optional<double> parse_python_float(std::string_view text) {
  std::string_view t = trim_space(text);
  std::string clean;
  std::size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) clean += t[i++];
  std::string rest(t.substr(i));
  std::string lower = rest;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "inf" || lower == "infinity" || lower == "nan") return std::strtod((clean + lower).c_str(), nullptr);
  // digits with single underscores between digits, an optional fraction and exponent
  auto digits = [&](std::size_t& p) {
    std::size_t start = p;
    while (p < rest.size()) {
      if (std::isdigit(static_cast<unsigned char>(rest[p]))) {
        clean += rest[p++];
      } else if (rest[p] == '_' && p > start && p + 1 < rest.size() &&
                 std::isdigit(static_cast<unsigned char>(rest[p + 1]))) {
        ++p;
      } else {
        break;
      }
    }
    return p > start;
  };
  std::size_t p = 0;
  bool mantissa = digits(p);
  if (p < rest.size() && rest[p] == '.') {
    clean += rest[p++];
    bool fraction = digits(p);
    mantissa = mantissa || fraction;
  }
  if (!mantissa) return std::nullopt;
  if (p < rest.size() && (rest[p] == 'e' || rest[p] == 'E')) {
    clean += rest[p++];
    if (p < rest.size() && (rest[p] == '+' || rest[p] == '-')) clean += rest[p++];
    if (!digits(p)) return std::nullopt;
  }
  if (p != rest.size()) return std::nullopt;
  return std::strtod(clean.c_str(), nullptr);
}

}  // namespace rally::track::templating
