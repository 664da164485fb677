#pragma once

// Jinja's expression grammar (jinja2/parser.py), lowest precedence first: conditional
// expressions, or, and, not, comparisons (chained, with `in` and `not in`), + and -, `~`,
// * / // %, **, unary minus and plus, then primaries with their postfixes (attributes,
// subscripts, calls) and filter and test chains.

#include <initializer_list>
#include <string>
#include <vector>

#include "ast.hpp"
#include "filters.hpp"
#include "token_stream.hpp"

namespace rally::track::templating {

ExprPtr make_expr(ExprKind kind, std::size_t offset);
bool one_of(const std::string& word, std::initializer_list<const char*> words);

class ExpressionParser : public TokenStream {
 public:
  ExpressionParser(const TemplateText& src, const std::vector<Token>& tokens, Environment env)
      : TokenStream(src, tokens), env_(env) {}

 protected:
  // Comma-separated expressions: one expression, or a tuple when there is a comma.
  // `extra_end` lists names that end it besides `}}`, `%}` and `)` (as `in` in a for tag).
  ExprPtr parse_tuple(bool with_condexpr, std::initializer_list<const char*> extra_end, bool explicit_parens);
  // One expression; `with_condexpr` false where `if` ends it (an if tag's test, a loop filter).
  ExprPtr parse_expression(bool with_condexpr);

 private:
  [[nodiscard]] bool is_tuple_end(std::initializer_list<const char*> extra_end) const;
  ExprPtr parse_condexpr();
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_compare();
  ExprPtr binary_node(BinaryOp op, std::size_t offset, ExprPtr left, ExprPtr right);
  ExprPtr parse_math1();
  ExprPtr parse_concat();
  ExprPtr parse_math2();
  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter);
  ExprPtr parse_primary();
  ExprPtr parse_list();
  ExprPtr parse_dict();
  ExprPtr parse_postfix(ExprPtr node);
  ExprPtr parse_filter_expr(ExprPtr node);
  ExprPtr parse_subscript(ExprPtr node);
  std::vector<Arg> parse_call_args();
  ExprPtr parse_call(ExprPtr node);
  std::string dotted_name();
  ExprPtr parse_filter(ExprPtr node);
  ExprPtr parse_test(ExprPtr node);

  Environment env_;
};

}  // namespace rally::track::templating
