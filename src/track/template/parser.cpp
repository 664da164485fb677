#include "parser.hpp"

#include <initializer_list>

#include "expression_parser.hpp"

namespace rally::track::templating {

namespace {

// Jinja's statements. Like Jinja's one Parser class, split by concept: the statement
// parser extends the expression parser. Tag bodies nest through parse_until.
class Parser : public ExpressionParser {
 public:
  using ExpressionParser::ExpressionParser;

  Body parse_template() {
    std::string found;
    return parse_until({}, &found, 0, "");
  }

 private:
  // Parses until one of `end_tags` opens a block; leaves the tag name as the current token.
  Body parse_until(std::initializer_list<const char*> end_tags, std::string* found, std::size_t opened_at,
                   const std::string& opener) {
    Body body;
    while (true) {
      const Token& t = cur();
      switch (t.type) {
        case TokenType::data: {
          auto s = std::make_unique<Stmt>();
          s->kind = StmtKind::output;
          s->offset = t.offset;
          s->text = t.text;
          body.push_back(std::move(s));
          next();
          break;
        }
        case TokenType::variable_begin: {
          next();
          auto s = std::make_unique<Stmt>();
          s->kind = StmtKind::print;
          s->offset = t.offset;
          s->expr = parse_tuple(true, {}, false);
          if (cur().type != TokenType::variable_end) unexpected("end of print statement");
          next();
          body.push_back(std::move(s));
          break;
        }
        case TokenType::block_begin: {
          next();
          if (cur().type == TokenType::name && one_of(cur().text, end_tags)) {
            *found = cur().text;
            return body;
          }
          body.push_back(parse_statement(t.offset));
          expect_block_end();
          break;
        }
        case TokenType::eof:
          if (end_tags.size() != 0) {
            std::string expected;
            for (const char* tag : end_tags)
              expected += (expected.empty() ? "'{% " : "' or '{% ") + std::string(tag) + " %}";
            src_.fail(opened_at, "'{% " + opener + " %}' is never closed (expected " + expected + "')");
          }
          return body;
        default:
          unexpected("template data or a tag");
      }
    }
  }

  std::unique_ptr<Stmt> parse_statement(std::size_t offset) {
    if (cur().type != TokenType::name) fail(cur(), "tag name expected");
    const std::string tag = cur().text;
    if (tag == "if") return parse_if(offset);
    if (tag == "for") return parse_for(offset);
    if (tag == "set") return parse_set(offset);
    if (tag == "include") return parse_include(offset);
    if (tag == "import") return parse_import(offset);
    if (tag == "from") return parse_from(offset);
    if (one_of(tag, {"elif", "else", "endif", "endfor"})) src_.fail(offset, "unexpected '{% " + tag + " %}'");
    src_.fail(offset, "unsupported Jinja construct '{% " + tag + " %}'");
  }

  std::unique_ptr<Stmt> parse_if(std::size_t offset) {
    next();  // if
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::if_;
    s->offset = offset;
    std::string found;
    while (true) {
      IfBranch branch;
      branch.test = parse_tuple(false, {}, false);
      expect_block_end();
      branch.body = parse_until({"elif", "else", "endif"}, &found, offset, "if");
      s->branches.push_back(std::move(branch));
      next();  // the tag name
      if (found == "elif") continue;
      if (found == "else") {
        expect_block_end();
        s->else_body = parse_until({"endif"}, &found, offset, "if");
        next();
      }
      return s;
    }
  }

  std::vector<Target> parse_targets(bool* unpack) {
    std::vector<Target> targets;
    bool parenthesized = skip_op("(");
    while (true) {
      if (cur().type != TokenType::name) unexpected("a variable name to assign to");
      targets.push_back({next().text, {}});
      if (!skip_op(",")) break;
      *unpack = true;
      if (cur().is_name("in") || cur().is_op(")")) break;  // trailing comma
    }
    if (parenthesized) expect_op(")");
    return targets;
  }

  std::unique_ptr<Stmt> parse_for(std::size_t offset) {
    next();  // for
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::for_;
    s->offset = offset;
    s->targets = parse_targets(&s->unpack);
    for (const auto& t : s->targets) {
      if (t.name == "loop") src_.fail(offset, "Can't assign to special loop variable in for-loop target");
    }
    expect_name("in");
    s->expr = parse_tuple(false, {"recursive"}, false);
    if (skip_name("if")) s->loop_filter = parse_expression(true);
    if (cur().is_name("recursive")) src_.fail(offset, "unsupported Jinja construct '{% for ... recursive %}'");
    expect_block_end();
    std::string found;
    s->body = parse_until({"endfor", "else"}, &found, offset, "for");
    next();
    if (found == "else") {
      expect_block_end();
      s->else_body = parse_until({"endfor"}, &found, offset, "for");
      next();
    }
    return s;
  }

  std::unique_ptr<Stmt> parse_set(std::size_t offset) {
    next();  // set
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::set;
    s->offset = offset;
    if (cur().type != TokenType::name) unexpected("a variable name");
    s->targets.push_back({next().text, {}});
    if (cur().is_op(".")) src_.fail(offset, "unsupported Jinja construct '{% set namespace.attribute = ... %}'");
    if (cur().is_op(",")) src_.fail(offset, "unsupported Jinja construct '{% set a, b = ... %}' (tuple unpacking)");
    if (!skip_op("=")) src_.fail(offset, "unsupported Jinja construct '{% set %}...{% endset %}' (block assignment)");
    s->expr = parse_tuple(true, {}, false);
    return s;
  }

  void parse_context(Stmt& s) {
    if ((cur().is_name("with") || cur().is_name("without")) && look().is_name("context")) {
      s.with_context = next().text == "with";
      next();
    }
  }

  std::unique_ptr<Stmt> parse_include(std::size_t offset) {
    next();  // include
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::include;
    s->offset = offset;
    s->expr = parse_expression(true);
    if (cur().is_name("ignore") && look().is_name("missing")) {
      s->ignore_missing = true;
      next();
      next();
    }
    parse_context(*s);
    return s;
  }

  // Only Rally's own helper module can be imported; its macros are built in.
  void require_helpers(const Stmt& s, const char* tag) {
    const Expr& e = *s.expr;
    if (e.kind != ExprKind::constant || !e.constant.is_string() || e.constant.as_string() != "rally.helpers")
      src_.fail(s.offset, std::string("unsupported Jinja construct '{% ") + tag +
                              " %}' of anything but \"rally.helpers\" (macros are not supported)");
  }

  std::unique_ptr<Stmt> parse_import(std::size_t offset) {
    next();  // import
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::import;
    s->offset = offset;
    s->expr = parse_expression(true);
    require_helpers(*s, "import");
    expect_name("as");
    s->targets.push_back({expect_identifier(), {}});
    s->imported.emplace_back();  // the module itself
    parse_context(*s);
    return s;
  }

  std::unique_ptr<Stmt> parse_from(std::size_t offset) {
    next();  // from
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::import;
    s->offset = offset;
    s->expr = parse_expression(true);
    require_helpers(*s, "from");
    expect_name("import");
    while (true) {
      if (!s->targets.empty()) expect_op(",");
      if ((cur().is_name("with") || cur().is_name("without")) && look().is_name("context")) {
        parse_context(*s);
        break;
      }
      std::string name = expect_identifier();
      if (name[0] == '_') fail(cur(), "names starting with an underline can not be imported");
      std::string alias = skip_name("as") ? expect_identifier() : name;
      s->imported.push_back(name);
      s->targets.push_back({alias, {}});
      if ((cur().is_name("with") || cur().is_name("without")) && look().is_name("context")) {
        parse_context(*s);
        break;
      }
      if (!cur().is_op(",")) break;
    }
    return s;
  }
};

}  // namespace

Body parse(const TemplateText& source, const std::vector<Token>& tokens, Environment env) {
  return Parser(source, tokens, env).parse_template();
}

}  // namespace rally::track::templating
