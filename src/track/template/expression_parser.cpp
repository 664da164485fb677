#include "expression_parser.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>

namespace rally::track::templating {

namespace {

ExprPtr make_constant(Value v, std::size_t offset) {
  auto e = make_expr(ExprKind::constant, offset);
  e->constant = std::move(v);
  return e;
}

}  // namespace

ExprPtr make_expr(ExprKind kind, std::size_t offset) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->offset = offset;
  return e;
}

bool one_of(const std::string& word, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return word == w; });
}

bool ExpressionParser::is_tuple_end(std::initializer_list<const char*> extra_end) const {
  const Token& t = cur();
  if (t.type == TokenType::variable_end || t.type == TokenType::block_end || t.is_op(")")) return true;
  return t.type == TokenType::name && one_of(t.text, extra_end);
}

ExprPtr ExpressionParser::parse_tuple(bool with_condexpr, std::initializer_list<const char*> extra_end,
                                      bool explicit_parens) {
  std::size_t offset = cur().offset;
  std::vector<ExprPtr> items;
  bool is_tuple = false;
  while (true) {
    if (!items.empty()) expect_op(",");
    if (is_tuple_end(extra_end)) break;
    items.push_back(parse_expression(with_condexpr));
    if (cur().is_op(",")) {
      is_tuple = true;
    } else {
      break;
    }
  }
  if (!is_tuple) {
    if (!items.empty()) return std::move(items.front());
    if (!explicit_parens) fail(cur(), "Expected an expression, got " + describe(cur()));
  }
  auto e = make_expr(ExprKind::tuple, offset);
  e->children = std::move(items);
  return e;
}

ExprPtr ExpressionParser::parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }

ExprPtr ExpressionParser::parse_condexpr() {
  ExprPtr expr = parse_or();
  while (cur().is_name("if")) {
    std::size_t offset = next().offset;
    auto e = make_expr(ExprKind::conditional, offset);
    ExprPtr test = parse_or();
    e->children.push_back(std::move(expr));
    e->children.push_back(std::move(test));
    if (skip_name("else")) e->children.push_back(parse_condexpr());
    expr = std::move(e);
  }
  return expr;
}

ExprPtr ExpressionParser::parse_or() {
  ExprPtr left = parse_and();
  while (cur().is_name("or")) {
    auto e = make_expr(ExprKind::logical_or, next().offset);
    e->children.push_back(std::move(left));
    e->children.push_back(parse_and());
    left = std::move(e);
  }
  return left;
}

ExprPtr ExpressionParser::parse_and() {
  ExprPtr left = parse_not();
  while (cur().is_name("and")) {
    auto e = make_expr(ExprKind::logical_and, next().offset);
    e->children.push_back(std::move(left));
    e->children.push_back(parse_not());
    left = std::move(e);
  }
  return left;
}

ExprPtr ExpressionParser::parse_not() {
  if (cur().is_name("not")) {
    auto e = make_expr(ExprKind::logical_not, next().offset);
    e->children.push_back(parse_not());
    return e;
  }
  return parse_compare();
}

ExprPtr ExpressionParser::parse_compare() {
  std::size_t offset = cur().offset;
  ExprPtr first = parse_math1();
  std::vector<CompareOp> ops;
  std::vector<ExprPtr> operands;
  while (true) {
    const Token& t = cur();
    std::optional<CompareOp> op;
    if (t.type == TokenType::op) {
      if (t.text == "==")
        op = CompareOp::eq;
      else if (t.text == "!=")
        op = CompareOp::ne;
      else if (t.text == "<")
        op = CompareOp::lt;
      else if (t.text == "<=")
        op = CompareOp::le;
      else if (t.text == ">")
        op = CompareOp::gt;
      else if (t.text == ">=")
        op = CompareOp::ge;
    } else if (t.is_name("in")) {
      op = CompareOp::in;
    } else if (t.is_name("not") && look().is_name("in")) {
      next();
      op = CompareOp::not_in;
    }
    if (!op) break;
    next();
    ops.push_back(*op);
    operands.push_back(parse_math1());
  }
  if (ops.empty()) return first;
  auto e = make_expr(ExprKind::compare, offset);
  e->children.push_back(std::move(first));
  for (auto& o : operands) e->children.push_back(std::move(o));
  e->compare_ops = std::move(ops);
  return e;
}

ExprPtr ExpressionParser::binary_node(BinaryOp op, std::size_t offset, ExprPtr left, ExprPtr right) {
  auto e = make_expr(ExprKind::binary, offset);
  e->op = op;
  e->children.push_back(std::move(left));
  e->children.push_back(std::move(right));
  return e;
}

ExprPtr ExpressionParser::parse_math1() {
  ExprPtr left = parse_concat();
  while (cur().is_op("+") || cur().is_op("-")) {
    const Token& t = next();
    left = binary_node(t.text == "+" ? BinaryOp::add : BinaryOp::sub, t.offset, std::move(left), parse_concat());
  }
  return left;
}

ExprPtr ExpressionParser::parse_concat() {
  std::size_t offset = cur().offset;
  std::vector<ExprPtr> parts;
  parts.push_back(parse_math2());
  while (skip_op("~")) parts.push_back(parse_math2());
  if (parts.size() == 1) return std::move(parts.front());
  auto e = make_expr(ExprKind::concat, offset);
  e->children = std::move(parts);
  return e;
}

ExprPtr ExpressionParser::parse_math2() {
  ExprPtr left = parse_pow();
  while (true) {
    const Token& t = cur();
    BinaryOp op;
    if (t.is_op("*"))
      op = BinaryOp::mul;
    else if (t.is_op("/"))
      op = BinaryOp::div;
    else if (t.is_op("//"))
      op = BinaryOp::floordiv;
    else if (t.is_op("%"))
      op = BinaryOp::mod;
    else
      break;
    next();
    left = binary_node(op, t.offset, std::move(left), parse_pow());
  }
  return left;
}

ExprPtr ExpressionParser::parse_pow() {
  ExprPtr left = parse_unary(true);
  while (cur().is_op("**")) {
    std::size_t offset = next().offset;
    left = binary_node(BinaryOp::pow, offset, std::move(left), parse_unary(true));
  }
  return left;
}

ExprPtr ExpressionParser::parse_unary(bool with_filter) {
  ExprPtr node;
  if (cur().is_op("-") || cur().is_op("+")) {
    const Token& t = next();
    node = make_expr(t.text == "-" ? ExprKind::negate : ExprKind::unary_plus, t.offset);
    node->children.push_back(parse_unary(false));
  } else {
    node = parse_primary();
  }
  node = parse_postfix(std::move(node));
  if (with_filter) node = parse_filter_expr(std::move(node));
  return node;
}

ExprPtr ExpressionParser::parse_primary() {
  const Token& t = cur();
  switch (t.type) {
    case TokenType::name: {
      next();
      if (one_of(t.text, {"true", "True"})) return make_constant(Value(true), t.offset);
      if (one_of(t.text, {"false", "False"})) return make_constant(Value(false), t.offset);
      if (one_of(t.text, {"none", "None"})) return make_constant(Value::none(), t.offset);
      auto e = make_expr(ExprKind::name, t.offset);
      e->name = t.text;
      return e;
    }
    case TokenType::string: {
      std::string text;
      std::size_t offset = t.offset;
      while (cur().type == TokenType::string) text += next().text;  // "a" "b" is "ab"
      return make_constant(Value(std::move(text)), offset);
    }
    case TokenType::integer:
      next();
      return make_constant(Value(t.int_value), t.offset);
    case TokenType::floating:
      next();
      return make_constant(Value(t.float_value), t.offset);
    case TokenType::op:
      if (t.text == "(") {
        next();
        ExprPtr e = parse_tuple(true, {}, true);
        expect_op(")");
        return e;
      }
      if (t.text == "[") return parse_list();
      if (t.text == "{") return parse_dict();
      break;
    default:
      break;
  }
  fail(t, "unexpected " + describe(t));
}

ExprPtr ExpressionParser::parse_list() {
  auto e = make_expr(ExprKind::list, next().offset);
  while (!cur().is_op("]")) {
    if (!e->children.empty()) expect_op(",");
    if (cur().is_op("]")) break;
    e->children.push_back(parse_expression(true));
  }
  expect_op("]");
  return e;
}

ExprPtr ExpressionParser::parse_dict() {
  auto e = make_expr(ExprKind::dict, next().offset);
  while (!cur().is_op("}")) {
    if (!e->children.empty()) expect_op(",");
    if (cur().is_op("}")) break;
    e->children.push_back(parse_expression(true));
    expect_op(":");
    e->children.push_back(parse_expression(true));
  }
  expect_op("}");
  return e;
}

ExprPtr ExpressionParser::parse_postfix(ExprPtr node) {
  while (true) {
    if (cur().is_op(".") || cur().is_op("[")) {
      node = parse_subscript(std::move(node));
    } else if (cur().is_op("(")) {
      node = parse_call(std::move(node));
    } else {
      return node;
    }
  }
}

ExprPtr ExpressionParser::parse_filter_expr(ExprPtr node) {
  while (true) {
    if (cur().is_op("|")) {
      node = parse_filter(std::move(node));
    } else if (cur().is_name("is")) {
      node = parse_test(std::move(node));
    } else if (cur().is_op("(")) {
      node = parse_call(std::move(node));
    } else {
      return node;
    }
  }
}

ExprPtr ExpressionParser::parse_subscript(ExprPtr node) {
  const Token& t = next();
  if (t.text == ".") {
    const Token& attr = next();
    if (attr.type == TokenType::name) {
      auto e = make_expr(ExprKind::getattr, attr.offset);
      e->name = attr.text;
      e->children.push_back(std::move(node));
      return e;
    }
    if (attr.type != TokenType::integer) fail(attr, "expected name or number");
    auto e = make_expr(ExprKind::getitem, attr.offset);
    e->children.push_back(std::move(node));
    e->children.push_back(make_constant(Value(attr.int_value), attr.offset));
    return e;
  }
  auto e = make_expr(ExprKind::getitem, t.offset);
  e->children.push_back(std::move(node));
  std::vector<ExprPtr> keys;
  while (!cur().is_op("]")) {
    if (!keys.empty()) expect_op(",");
    if (cur().is_op(":")) fail(cur(), "unsupported Jinja construct: slices ('[a:b]')");
    keys.push_back(parse_expression(true));
    if (cur().is_op(":")) fail(cur(), "unsupported Jinja construct: slices ('[a:b]')");
  }
  expect_op("]");
  if (keys.size() != 1) fail(t, "unsupported Jinja construct: subscripts with a tuple key");
  e->children.push_back(std::move(keys.front()));
  return e;
}

std::vector<Arg> ExpressionParser::parse_call_args() {
  expect_op("(");
  std::vector<Arg> args;
  bool seen_keyword = false;
  while (!cur().is_op(")")) {
    if (!args.empty()) {
      expect_op(",");
      if (cur().is_op(")")) break;
    }
    if (cur().is_op("*") || cur().is_op("**")) fail(cur(), "unsupported Jinja construct: *args and **kwargs");
    if (cur().type == TokenType::name && look().is_op("=")) {
      std::string key = next().text;
      next();
      args.push_back({key, parse_expression(true)});
      seen_keyword = true;
    } else {
      if (seen_keyword) fail(cur(), "invalid syntax for function call expression");
      args.push_back({"", parse_expression(true)});
    }
  }
  expect_op(")");
  return args;
}

ExprPtr ExpressionParser::parse_call(ExprPtr node) {
  auto e = make_expr(ExprKind::call, cur().offset);
  e->children.push_back(std::move(node));
  e->args = parse_call_args();
  return e;
}

std::string ExpressionParser::dotted_name() {
  std::string name = expect_identifier();
  while (cur().is_op(".")) {
    next();
    name += "." + expect_identifier();
  }
  return name;
}

ExprPtr ExpressionParser::parse_filter(ExprPtr node) {
  next();  // |
  const Token& at = cur();
  auto e = make_expr(ExprKind::filter, at.offset);
  e->name = dotted_name();
  if (!filter_exists(e->name, env_)) fail(at, "unknown filter '" + e->name + "'");
  e->children.push_back(std::move(node));
  if (cur().is_op("(")) e->args = parse_call_args();
  return e;
}

ExprPtr ExpressionParser::parse_test(ExprPtr node) {
  std::size_t offset = next().offset;  // is
  bool negated = skip_name("not");
  const Token& at = cur();
  auto e = make_expr(ExprKind::test, at.offset);
  e->name = dotted_name();
  if (!test_exists(e->name)) fail(at, "unknown test '" + e->name + "'");
  e->children.push_back(std::move(node));
  const Token& t = cur();
  if (t.is_op("(")) {
    e->args = parse_call_args();
  } else if ((t.type == TokenType::name || t.type == TokenType::string || t.type == TokenType::integer ||
              t.type == TokenType::floating || t.is_op("[") || t.is_op("{")) &&
             !(t.is_name("else") || t.is_name("or") || t.is_name("and"))) {
    if (t.is_name("is")) fail(t, "You cannot chain multiple tests with is");
    e->args.push_back({"", parse_postfix(parse_primary())});
  }
  if (!negated) return e;
  auto n = make_expr(ExprKind::logical_not, offset);
  n->children.push_back(std::move(e));
  return n;
}

}  // namespace rally::track::templating
