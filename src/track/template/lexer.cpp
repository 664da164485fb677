#include "lexer.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "utf8.hpp"

namespace rally::track::templating {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(const TemplateText& source) : src_(source), s_(source.text()) {}

  std::vector<Token> run() {
    std::size_t pos = 0;
    while (pos < s_.size()) {
      std::size_t start = find_tag(pos);
      std::string_view data(s_.data() + pos, (start == std::string::npos ? s_.size() : start) - pos);
      if (start == std::string::npos) {
        emit_data(data, pos);
        break;
      }
      char kind = s_[start + 1];
      std::size_t inner = start + 2;
      char sign = inner < s_.size() ? s_[inner] : '\0';
      if (sign == '-' || sign == '+') ++inner;
      if (sign == '-') data = data.substr(0, utf8::rstrip_position(data));
      emit_data(data, pos);
      if (kind == '#') {
        pos = skip_comment(start, inner);
      } else {
        pos = lex_tag(start, inner, kind == '{');
      }
    }
    tokens_.push_back(Token{TokenType::eof, s_.size(), "", 0, 0});
    return std::move(tokens_);
  }

 private:
  std::size_t find_tag(std::size_t from) const {
    for (std::size_t p = s_.find('{', from); p != std::string::npos; p = s_.find('{', p + 1)) {
      if (p + 1 < s_.size() && (s_[p + 1] == '{' || s_[p + 1] == '%' || s_[p + 1] == '#')) return p;
    }
    return std::string::npos;
  }

  void emit_data(std::string_view data, std::size_t offset) {
    if (!data.empty()) tokens_.push_back(Token{TokenType::data, offset, std::string(data), 0, 0});
  }

  std::size_t skip_comment(std::size_t start, std::size_t inner) {
    // Jinja's "missing end of comment" rule needs one more character: a `{#` that ends the
    // template is dropped silently.
    if (inner >= s_.size()) return s_.size();
    std::size_t end = s_.find("#}", inner);
    if (end == std::string::npos) src_.fail(start, "Missing end of comment tag");
    bool strip = end > inner && s_[end - 1] == '-';
    return strip ? utf8::skip_space(s_, end + 2) : end + 2;
  }

  // Tokens of one `{{ ... }}` or `{% ... %}`; returns the offset after its end.
  std::size_t lex_tag(std::size_t start, std::size_t pos, bool variable) {
    tokens_.push_back(Token{variable ? TokenType::variable_begin : TokenType::block_begin, start, "", 0, 0});
    if (!variable) reject_raw(start, pos);
    std::vector<char> brackets;
    while (true) {
      pos = utf8::skip_space(s_, pos);
      if (pos >= s_.size())
        src_.fail(start, std::string("unexpected end of template, expected the end of the ") +
                             (variable ? "print statement '}}'" : "statement '%}'"));
      if (brackets.empty()) {
        if (auto end = tag_end(pos, variable)) return *end;
      }
      char c = s_[pos];
      if (is_digit(c)) {
        pos = lex_number(pos);
      } else if (is_name_start(c)) {
        std::size_t end = pos;
        while (end < s_.size() && is_name_char(s_[end])) ++end;
        tokens_.push_back(Token{TokenType::name, pos, s_.substr(pos, end - pos), 0, 0});
        pos = end;
      } else if (c == '\'' || c == '"') {
        pos = lex_string(pos);
      } else {
        pos = lex_operator(pos, brackets);
      }
    }
  }

  std::optional<std::size_t> tag_end(std::size_t pos, bool variable) {
    const char* close = variable ? "}}" : "%}";
    auto at = [&](std::size_t p) { return s_.compare(p, 2, close) == 0; };
    auto end_token = [&](std::size_t offset) {
      tokens_.push_back(Token{variable ? TokenType::variable_end : TokenType::block_end, offset, "", 0, 0});
    };
    if (s_[pos] == '-' && at(pos + 1)) {
      end_token(pos);
      return utf8::skip_space(s_, pos + 3);
    }
    if (!variable && s_[pos] == '+' && at(pos + 1)) {  // `+%}`: keeps whitespace, the default anyway
      end_token(pos);
      return pos + 3;
    }
    if (at(pos)) {
      end_token(pos);
      return pos + 2;
    }
    return std::nullopt;
  }

  // Jinja lexes `{% raw %}` specially; say it is unsupported before its body trips the lexer.
  void reject_raw(std::size_t start, std::size_t pos) {
    pos = utf8::skip_space(s_, pos);
    if (s_.compare(pos, 3, "raw") == 0 && (pos + 3 >= s_.size() || !is_name_char(s_[pos + 3])))
      src_.fail(start, "unsupported Jinja construct '{% raw %}'");
  }

  // Jinja's (\d+_)*\d+ : digits with single underscores between them.
  std::size_t digit_run(std::size_t pos) const {
    if (pos >= s_.size() || !is_digit(s_[pos])) return std::string::npos;
    while (pos < s_.size() && is_digit(s_[pos])) {
      ++pos;
      if (pos + 1 < s_.size() && s_[pos] == '_' && is_digit(s_[pos + 1])) ++pos;
    }
    return pos;
  }

  std::size_t exponent_end(std::size_t pos) const {
    if (pos >= s_.size() || (s_[pos] != 'e' && s_[pos] != 'E')) return std::string::npos;
    ++pos;
    if (pos < s_.size() && (s_[pos] == '+' || s_[pos] == '-')) ++pos;
    return digit_run(pos);
  }

  std::size_t lex_number(std::size_t pos) {
    // A float cannot start right after a '.', so that `x.0.1` is two subscripts.
    bool after_dot = pos > 0 && s_[pos - 1] == '.';
    std::size_t int_end = digit_run(pos);
    std::size_t float_end = std::string::npos;
    if (!after_dot) {
      std::size_t frac_end = (int_end < s_.size() && s_[int_end] == '.') ? digit_run(int_end + 1) : std::string::npos;
      if (frac_end != std::string::npos) {
        std::size_t exp = exponent_end(frac_end);
        float_end = exp != std::string::npos ? exp : frac_end;
      } else {
        float_end = exponent_end(int_end);
      }
    }
    if (float_end != std::string::npos) {
      std::string digits;
      for (std::size_t i = pos; i < float_end; ++i) {
        if (s_[i] != '_') digits += s_[i];
      }
      tokens_.push_back(
          Token{TokenType::floating, pos, s_.substr(pos, float_end - pos), 0, std::strtod(digits.c_str(), nullptr)});
      return float_end;
    }
    return lex_integer(pos);
  }

  std::size_t lex_integer(std::size_t pos) {
    int base = 10;
    std::size_t digits_start = pos;
    if (s_[pos] == '0' && pos + 1 < s_.size()) {
      char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[pos + 1])));
      base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 10;
      if (base != 10) digits_start = pos + 2;
    }
    auto digit_ok = [&](char c) {
      int v = hex_value(c);
      return v >= 0 && v < base;
    };
    std::size_t end = digits_start;
    std::int64_t value = 0;
    bool overflow = false;
    auto take = [&](char c) {
      if (__builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, hex_value(c), &value))
        overflow = true;
    };
    if (base != 10) {
      // (_?[digit])+ after the prefix
      while (end < s_.size()) {
        std::size_t d = s_[end] == '_' ? end + 1 : end;
        if (d >= s_.size() || !digit_ok(s_[d])) break;
        take(s_[d]);
        end = d + 1;
      }
      if (end == digits_start) {  // "0b" without digits: Jinja reads the 0 alone
        base = 10;
        end = pos;
      }
    }
    if (base == 10) {
      // [1-9](_?\d)* | 0(_?0)*
      bool zero = s_[pos] == '0';
      end = pos;
      value = 0;
      take(s_[end++]);
      while (end < s_.size()) {
        std::size_t d = s_[end] == '_' ? end + 1 : end;
        if (d >= s_.size() || !is_digit(s_[d]) || (zero && s_[d] != '0')) break;
        take(s_[d]);
        end = d + 1;
      }
    }
    if (overflow) src_.fail(pos, "the integer literal " + s_.substr(pos, end - pos) + " exceeds 64 bits");
    tokens_.push_back(Token{TokenType::integer, pos, s_.substr(pos, end - pos), value, 0});
    return end;
  }

  std::size_t lex_string(std::size_t pos) {
    char quote = s_[pos];
    std::size_t p = pos + 1;
    while (p < s_.size() && s_[p] != quote) p += s_[p] == '\\' ? 2 : 1;
    if (p >= s_.size()) src_.fail(pos, "unterminated string literal");
    tokens_.push_back(Token{TokenType::string, pos, unescape(pos + 1, p), 0, 0});
    return p + 1;
  }

  // Python's "unicode-escape" decoding, which Jinja applies to string literals.
  std::string unescape(std::size_t begin, std::size_t end) {
    std::string out;
    for (std::size_t i = begin; i < end; ++i) {
      char c = s_[i];
      if (c != '\\') {
        out += c;
        continue;
      }
      char n = s_[++i];
      switch (n) {
        case '\n':
          break;
        case '\\':
          out += '\\';
          break;
        case '\'':
          out += '\'';
          break;
        case '"':
          out += '"';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x':
        case 'u':
        case 'U': {
          std::size_t count = n == 'x' ? 2 : n == 'u' ? 4 : 8;
          char32_t cp = 0;
          for (std::size_t k = 1; k <= count; ++k) {
            int v = i + k < end ? hex_value(s_[i + k]) : -1;
            if (v < 0) src_.fail(i - 1, std::string("truncated \\") + n + " escape in a string literal");
            cp = cp * 16 + static_cast<char32_t>(v);
          }
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            src_.fail(i - 1, "the escape in this string literal is not a Unicode character");
          utf8::append(out, cp);
          i += count;
          break;
        }
        case 'N':
          src_.fail(i - 1, "\\N{...} escapes are not supported");
        default:
          if (n >= '0' && n <= '7') {
            char32_t cp = 0;
            std::size_t k = 0;
            for (; k < 3 && i + k < end && s_[i + k] >= '0' && s_[i + k] <= '7'; ++k) cp = cp * 8 + (s_[i + k] - '0');
            utf8::append(out, cp);
            i += k - 1;
          } else if (static_cast<unsigned char>(n) >= 0x80) {
            // Jinja first backslash-escapes non-ASCII text, so "\é" reads as "\" + "xe9".
            std::size_t len = 0;
            char32_t cp = utf8::decode(s_, i, &len);
            char buf[16];
            std::snprintf(buf, sizeof buf,
                          cp <= 0xff     ? "\\x%02x"
                          : cp <= 0xffff ? "\\u%04x"
                                         : "\\U%08x",
                          static_cast<unsigned>(cp));
            out += buf;
            i += len - 1;
          } else {
            out += '\\';  // unknown escapes stay as written
            out += n;
          }
      }
    }
    return out;
  }

  std::size_t lex_operator(std::size_t pos, std::vector<char>& brackets) {
    static const char* const two_char[] = {"//", "**", "==", "!=", "<=", ">="};
    for (const char* op : two_char) {
      if (s_.compare(pos, 2, op) == 0) {
        tokens_.push_back(Token{TokenType::op, pos, op, 0, 0});
        return pos + 2;
      }
    }
    char c = s_[pos];
    static const std::string single = "+-/*%~[](){}=<>.:|,;";
    if (single.find(c) == std::string::npos) {
      std::size_t n = 0;
      utf8::decode(s_, pos, &n);
      src_.fail(pos, "unexpected char '" + s_.substr(pos, n) + "'");
    }
    if (c == '(' || c == '[' || c == '{') {
      brackets.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    } else if (c == ')' || c == ']' || c == '}') {
      if (brackets.empty()) src_.fail(pos, std::string("unexpected '") + c + "'");
      if (brackets.back() != c)
        src_.fail(pos, std::string("unexpected '") + c + "', expected '" + brackets.back() + "'");
      brackets.pop_back();
    }
    tokens_.push_back(Token{TokenType::op, pos, std::string(1, c), 0, 0});
    return pos + 1;
  }

  const TemplateText& src_;
  const std::string& s_;
  std::vector<Token> tokens_;
};

}  // namespace

std::string describe(const Token& token) {
  switch (token.type) {
    case TokenType::data:
      return "template data";
    case TokenType::variable_begin:
      return "begin of print statement";
    case TokenType::variable_end:
      return "end of print statement";
    case TokenType::block_begin:
      return "begin of statement block";
    case TokenType::block_end:
      return "end of statement block";
    case TokenType::name:
      return "'" + token.text + "'";
    case TokenType::string:
      return "string";
    case TokenType::integer:
      return "integer";
    case TokenType::floating:
      return "float";
    case TokenType::op:
      return "'" + token.text + "'";
    case TokenType::eof:
      return "end of template";
  }
  return "token";
}

std::vector<Token> tokenize(const TemplateText& source) { return Lexer(source).run(); }

}  // namespace rally::track::templating
