#pragma once

// Reading Jinja tokens for the parser, with Jinja's "expected X, got Y" errors.

#include <algorithm>
#include <string>
#include <vector>

#include "lexer.hpp"
#include "source_text.hpp"

namespace rally::track::templating {

class TokenStream {
 public:
  TokenStream(const TemplateText& src, const std::vector<Token>& tokens) : src_(src), tokens_(tokens) {}

 protected:
  [[nodiscard]] const Token& cur() const { return tokens_[pos_]; }
  [[nodiscard]] const Token& look(std::size_t n = 1) const { return tokens_[std::min(pos_ + n, tokens_.size() - 1)]; }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  [[noreturn]] void fail(const Token& at, const std::string& message) const { src_.fail(at.offset, message); }
  [[noreturn]] void unexpected(const std::string& expected) const {
    fail(cur(), "expected " + expected + ", got " + describe(cur()));
  }
  bool skip_op(const char* symbol) {
    if (!cur().is_op(symbol)) return false;
    next();
    return true;
  }
  bool skip_name(const char* word) {
    if (!cur().is_name(word)) return false;
    next();
    return true;
  }
  void expect_op(const char* symbol) {
    if (!skip_op(symbol)) unexpected(std::string("'") + symbol + "'");
  }
  void expect_name(const char* word) {
    if (!skip_name(word)) unexpected(std::string("'") + word + "'");
  }
  std::string expect_identifier() {
    if (cur().type != TokenType::name) unexpected("a name");
    return next().text;
  }
  void expect_block_end() {
    if (cur().type != TokenType::block_end) unexpected("end of statement block");
    next();
  }

  const TemplateText& src_;
  const std::vector<Token>& tokens_;
  std::size_t pos_ = 0;
};

}  // namespace rally::track::templating
