#pragma once

// Splits a template into Jinja's tokens: text between tags, and the tokens inside
// `{{ }}` and `{% %}`. Comments are dropped here, and the whitespace control signs
// (`{%-`, `-%}` and the same for `{{ }}` and `{# #}`) are applied here, as Jinja's lexer does.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "source_text.hpp"

namespace rally::track::templating {

enum class TokenType : std::uint8_t {
  data,
  variable_begin,
  variable_end,
  block_begin,
  block_end,
  name,
  string,
  integer,
  floating,
  op,  // operators and brackets; `text` holds the symbol
  eof,
};

struct Token {
  TokenType type = TokenType::eof;
  std::size_t offset = 0;
  std::string text;  // data, name, operator symbol, or the unescaped string literal
  std::int64_t int_value = 0;
  double float_value = 0;

  [[nodiscard]] bool is_op(const char* symbol) const { return type == TokenType::op && text == symbol; }
  [[nodiscard]] bool is_name(const char* word) const { return type == TokenType::name && text == word; }
};

// Jinja's description of a token for "unexpected ..." messages.
std::string describe(const Token& token);

// Tokenizes the whole text; throws RallyError with file:line for lexical errors.
std::vector<Token> tokenize(const TemplateText& source);

}  // namespace rally::track::templating
