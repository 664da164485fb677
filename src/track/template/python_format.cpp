#include "python_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "utf8.hpp"

namespace rally::track::templating {

std::string float_repr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  // std::to_chars without a precision yields the shortest round-trip digits, as CPython's
  // repr does; only the layout rules differ, so take the digits and lay them out.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string out;
  std::size_t pos = 0;
  if (sci[0] == '-') {
    out += '-';
    pos = 1;
  }
  auto e_pos = sci.find('e');
  std::string digits;
  for (std::size_t i = pos; i < e_pos; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  int exponent = std::stoi(sci.substr(e_pos + 1));
  int decpt = exponent + 1;  // digits d1d2... stand for 0.d1d2... * 10^decpt
  auto ndigits = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
    } else if (decpt >= ndigits) {
      out += digits + std::string(static_cast<std::size_t>(decpt - ndigits), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (ndigits > 1) out += "." + digits.substr(1);
  int e = decpt - 1;
  char exp_buf[16];
  std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", e < 0 ? '-' : '+', std::abs(e));
  return out + exp_buf;
}

std::string string_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = 0;
    char32_t c = utf8::decode(s, i, &n);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (!utf8::is_printable(c)) {
      char buf[16];
      if (c <= 0xff) {
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      } else if (c <= 0xffff) {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      } else {
        std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
      }
      out += buf;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += quote;
  return out;
}

namespace {

void json_string(std::string_view s, std::string& out) {
  out += '"';
  auto hex4 = [&out](unsigned v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\u%04x", v);
    out += buf;
  };
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = 0;
    char32_t c = utf8::decode(s, i, &n);
    i += n;
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      // htmlsafe_json_dumps: these never appear outside strings in JSON text.
      case '<':
      case '>':
      case '&':
      case '\'':
        hex4(static_cast<unsigned>(c));
        continue;
      default:
        break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (c < 0x10000) {
      hex4(static_cast<unsigned>(c));
    } else {
      char32_t v = c - 0x10000;
      hex4(0xd800 | static_cast<unsigned>(v >> 10));
      hex4(0xdc00 | static_cast<unsigned>(v & 0x3ff));
    }
  }
  out += '"';
}

class JsonWriter {
 public:
  JsonWriter(int indent, const std::string* indent_text) {
    if (indent_text) {
      indent_ = *indent_text;
      pretty_ = true;
    } else if (indent >= 0) {
      indent_ = std::string(static_cast<std::size_t>(indent), ' ');
      pretty_ = true;
    }
  }

  void write(const Value& v, std::string& out, int depth) {
    switch (v.kind()) {
      case Kind::none:
        out += "null";
        return;
      case Kind::boolean:
        out += v.as_bool() ? "true" : "false";
        return;
      case Kind::integer:
        out += std::to_string(v.as_int());
        return;
      case Kind::floating: {
        double d = v.as_float();
        out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d < 0 ? "-Infinity" : "Infinity") : float_repr(d);
        return;
      }
      case Kind::string:
        json_string(v.as_string(), out);
        return;
      case Kind::sequence: {
        const auto& seq = v.as_sequence();
        if (seq.kind != SeqKind::list && seq.kind != SeqKind::tuple) break;
        if (seq.items.empty()) {
          out += "[]";
          return;
        }
        out += '[';
        for (std::size_t i = 0; i < seq.items.size(); ++i) {
          separator(out, i == 0, depth + 1);
          write(seq.items[i], out, depth + 1);
        }
        close(out, depth, ']');
        return;
      }
      case Kind::dict: {
        const auto& entries = v.as_dict().entries();
        if (entries.empty()) {
          out += "{}";
          return;
        }
        // sort_keys=True; Python compares str by code point, which is UTF-8 byte order.
        std::vector<const std::pair<std::string, Value>*> sorted;
        sorted.reserve(entries.size());
        for (const auto& e : entries) sorted.push_back(&e);
        std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
        out += '{';
        for (std::size_t i = 0; i < sorted.size(); ++i) {
          separator(out, i == 0, depth + 1);
          json_string(sorted[i]->first, out);
          out += ": ";
          write(sorted[i]->second, out, depth + 1);
        }
        close(out, depth, '}');
        return;
      }
      default:
        break;
    }
    throw TemplateError("Object of type " + type_name(v) + " is not JSON serializable");
  }

 private:
  void separator(std::string& out, bool first, int depth) const {
    if (pretty_) {
      if (!first) out += ',';
      newline(out, depth);
    } else if (!first) {
      out += ", ";
    }
  }
  void close(std::string& out, int depth, char bracket) const {
    if (pretty_) newline(out, depth);
    out += bracket;
  }
  void newline(std::string& out, int depth) const {
    out += '\n';
    for (int i = 0; i < depth; ++i) out += indent_;
  }

  bool pretty_ = false;
  std::string indent_;
};

}  // namespace

std::string to_json(const Value& v, int indent, const std::string* indent_text) {
  std::string out;
  JsonWriter(indent, indent_text).write(v, out, 0);
  return out;
}

}  // namespace rally::track::templating
