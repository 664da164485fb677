// Everything outside the supported subset is an error that names the file, the line and
// the construct; nothing is silently rendered differently from Jinja.

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/track/template/template.hpp"

namespace rally::track::templating {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string error_of(const std::string& src, const json& params = json::object()) {
  try {
    RenderOptions options;
    render_string(src, "track.json", params, options);
  } catch (const RallyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "rendered without an error: " << src;
  return {};
}

// The construct on line 3, after two lines that are fine.
std::string on_line_3(const std::string& construct) { return error_of("{\n  \"a\": {{ 1 }},\n  " + construct + "\n}"); }

TEST(TemplateErrors, UnsupportedTagsNameFileLineAndConstruct) {
  EXPECT_EQ(on_line_3("{% macro m() %}x{% endmacro %}"), "track.json:3: unsupported Jinja construct '{% macro %}'");
  EXPECT_EQ(on_line_3("{% call m() %}x{% endcall %}"), "track.json:3: unsupported Jinja construct '{% call %}'");
  EXPECT_EQ(on_line_3("{% filter upper %}x{% endfilter %}"),
            "track.json:3: unsupported Jinja construct '{% filter %}'");
  EXPECT_EQ(on_line_3("{% with a = 1 %}x{% endwith %}"), "track.json:3: unsupported Jinja construct '{% with %}'");
  EXPECT_EQ(on_line_3("{% raw %}{{ x }}{% endraw %}"), "track.json:3: unsupported Jinja construct '{% raw %}'");
  EXPECT_EQ(on_line_3("{% extends \"base.json\" %}"), "track.json:3: unsupported Jinja construct '{% extends %}'");
  EXPECT_EQ(on_line_3("{% block b %}x{% endblock %}"), "track.json:3: unsupported Jinja construct '{% block %}'");
  EXPECT_EQ(on_line_3("{% autoescape true %}x{% endautoescape %}"),
            "track.json:3: unsupported Jinja construct '{% autoescape %}'");
  EXPECT_EQ(on_line_3("{% do x.append(1) %}"), "track.json:3: unsupported Jinja construct '{% do %}'");
  EXPECT_EQ(on_line_3("{% for i in [1] %}{% break %}{% endfor %}"),
            "track.json:3: unsupported Jinja construct '{% break %}'");
  EXPECT_EQ(on_line_3("{% frobnicate %}"), "track.json:3: unsupported Jinja construct '{% frobnicate %}'");
}

TEST(TemplateErrors, UnsupportedFormsOfSupportedTags) {
  EXPECT_EQ(on_line_3("{% set x %}block{% endset %}"),
            "track.json:3: unsupported Jinja construct '{% set %}...{% endset %}' (block assignment)");
  EXPECT_EQ(on_line_3("{% set a, b = 1, 2 %}"),
            "track.json:3: unsupported Jinja construct '{% set a, b = ... %}' (tuple unpacking)");
  EXPECT_EQ(on_line_3("{% set ns.a = 1 %}"),
            "track.json:3: unsupported Jinja construct '{% set namespace.attribute = ... %}'");
  EXPECT_EQ(on_line_3("{% for x in y recursive %}{% endfor %}"),
            "track.json:3: unsupported Jinja construct '{% for ... recursive %}'");
  EXPECT_THAT(on_line_3("{% import \"macros.json\" as m %}"),
              StartsWith("track.json:3: unsupported Jinja construct '{% import %}' of anything but \"rally.helpers\""));
  EXPECT_THAT(on_line_3("{% from \"macros.json\" import m %}"),
              StartsWith("track.json:3: unsupported Jinja construct '{% from %}'"));
  EXPECT_EQ(on_line_3("{{ [1, 2][0:1] }}"), "track.json:3: unsupported Jinja construct: slices ('[a:b]')");
  EXPECT_EQ(on_line_3("{{ f(*args) }}"), "track.json:3: unsupported Jinja construct: *args and **kwargs");
}

TEST(TemplateErrors, UnknownFiltersAndTestsFailAtParseTimeEvenInUntakenBranches) {
  // Jinja checks filter and test names when it compiles the template.
  EXPECT_EQ(on_line_3("{% if false %}{{ x | capitalize }}{% endif %}"), "track.json:3: unknown filter 'capitalize'");
  EXPECT_EQ(on_line_3("{{ x | sort }}"), "track.json:3: unknown filter 'sort'");
  EXPECT_EQ(on_line_3("{{ x is sameas y }}"), "track.json:3: unknown test 'sameas'");
  EXPECT_EQ(on_line_3("{{ x is iterable }}"), "track.json:3: unknown test 'iterable'");
}

TEST(TemplateErrors, UnsupportedFunctionsAndMethods) {
  EXPECT_EQ(on_line_3("{{ dict(a=1) }}"),
            "track.json:3: the Jinja function 'dict()' is not supported by this template engine");
  EXPECT_EQ(on_line_3("{{ lipsum() }}"),
            "track.json:3: the Jinja function 'lipsum()' is not supported by this template engine");
  EXPECT_EQ(on_line_3("{{ glob(\"*.json\") }}"),
            "track.json:3: the Rally function 'glob()' is not supported by this template engine");
  EXPECT_EQ(on_line_3("{{ \"abc\".title() }}"),
            "track.json:3: the method 'str.title()' is not supported by this template engine");
  EXPECT_EQ(on_line_3("{{ [3, 1].sort() }}"),
            "track.json:3: the method 'list.sort()' is not supported by this template engine");
  EXPECT_EQ(on_line_3("{{ {\"a\": 1}.pop(\"a\") }}"),
            "track.json:3: the method 'dict.pop()' is not supported by this template engine");
  EXPECT_EQ(on_line_3("{{ x.__class__ }}"), "track.json:3: 'x' is undefined");
  EXPECT_EQ(error_of("{{ d.__class__ }}", {{"d", json::object()}}),
            "track.json:1: access to '__class__' is not supported");
  EXPECT_EQ(on_line_3("{{ \"%s\" % 1 }}"), "track.json:3: string formatting with '%' is not supported");
  EXPECT_EQ(on_line_3("{{ {1: \"a\"} }}"), "track.json:3: dict keys other than strings are not supported (got int)");
  EXPECT_EQ(on_line_3("{% import \"rally.helpers\" as rally %}{{ rally.collect(\"parts/*.json\") }}"),
            "track.json:3: rally.collect() is only supported as {{ rally.collect(parts=\"GLOB\") }} on one line, "
            "which is replaced by the matching files before rendering");
  EXPECT_EQ(on_line_3("{% include \"other.json\" %}"),
            "track.json:3: '{% include %}' is not available here: there is no template loader "
            "(Rally renders index body files without one)");
}

TEST(TemplateErrors, SyntaxErrors) {
  EXPECT_EQ(on_line_3("{% if true %}unclosed"),
            "track.json:3: '{% if %}' is never closed (expected '{% elif %}' or '{% else %}' or '{% endif %}')");
  EXPECT_EQ(on_line_3("{% for x in y %}"),
            "track.json:3: '{% for %}' is never closed (expected '{% endfor %}' or '{% else %}')");
  EXPECT_EQ(on_line_3("{% endif %}"), "track.json:3: unexpected '{% endif %}'");
  EXPECT_EQ(on_line_3("{% if x %}{% else %}{% else %}{% endif %}"), "track.json:3: unexpected '{% else %}'");
  EXPECT_EQ(on_line_3("{{ 1 + }}"), "track.json:3: unexpected end of print statement");
  EXPECT_EQ(on_line_3("{{ (1 }}"), "track.json:3: unexpected '}', expected ')'");
  EXPECT_EQ(on_line_3("{{ 1 ! 2 }}"), "track.json:3: unexpected char '!'");
  EXPECT_EQ(on_line_3("{{ 'abc }}"), "track.json:3: unterminated string literal");
  EXPECT_EQ(on_line_3("{# no end"), "track.json:3: Missing end of comment tag");
  EXPECT_EQ(error_of("\n\n{{ x"),
            "track.json:3: unexpected end of template, expected the end of the print statement '}}'");
  EXPECT_EQ(on_line_3("{% if %}{% endif %}"), "track.json:3: Expected an expression, got end of statement block");
  EXPECT_EQ(on_line_3("{% for loop in [1] %}{% endfor %}"),
            "track.json:3: Can't assign to special loop variable in for-loop target");
}

TEST(TemplateErrors, RuntimeErrorsNameTheLineOfTheFailingExpression) {
  EXPECT_EQ(on_line_3("{{ x.y }}"), "track.json:3: 'x' is undefined");
  EXPECT_EQ(error_of("{{ d.a }}\n{{ d.b.c }}", {{"d", {{"a", 1}}}}),
            "track.json:2: 'dict object' has no attribute 'b'");
  EXPECT_EQ(error_of("{% for i in [1, 2] %}\n{{ 10 // (i - 2) }}\n{% endfor %}"),
            "track.json:2: integer division or modulo by zero");
  EXPECT_EQ(on_line_3("{% for a, b in [(1, 2, 3)] %}{% endfor %}"),
            "track.json:3: too many values to unpack (expected 2)");
  EXPECT_EQ(on_line_3("{% for a, b in [1] %}{% endfor %}"), "track.json:3: 'int' object is not iterable");
  EXPECT_EQ(on_line_3("{% for x in 5 %}{% endfor %}"), "track.json:3: 'int' object is not iterable");
  EXPECT_EQ(on_line_3("{{ foo(1) }}"), "track.json:3: 'foo' is undefined");
  EXPECT_EQ(error_of("{{ n() }}", {{"n", 1}}), "track.json:1: 'int' object is not callable");
  EXPECT_EQ(on_line_3("{{ loop.index }}"), "track.json:3: 'loop' is undefined");
  EXPECT_EQ(on_line_3("{{ range(1, 2, 0) }}"), "track.json:3: range() arg 3 must not be zero");
  EXPECT_EQ(on_line_3("{{ range(1.5) }}"), "track.json:3: 'float' object cannot be interpreted as an integer");
  EXPECT_EQ(on_line_3("{{ [1] < [\"a\"] }}"), "track.json:3: '<' not supported between instances of 'int' and 'str'");
  EXPECT_EQ(on_line_3("{{ 1 in \"abc\" }}"), "track.json:3: 'in <string>' requires string as left operand, not int");
  EXPECT_EQ(on_line_3("{{ [1] in {\"a\": 1} }}"), "track.json:3: unhashable type: 'list'");
}

TEST(TemplateErrors, MultiLineExpressionsReportTheLineOfTheFailingPart) {
  EXPECT_EQ(error_of("{{ 1 +\n   2 +\n   x.y }}"), "track.json:3: 'x' is undefined");
}

TEST(TemplateErrors, InvalidParams) {
  EXPECT_THROW(TemplateParams(json::array({1, 2})), RallyError);
  EXPECT_THAT(error_of("{{ p }}", {{"p", 18446744073709551615ULL}}), HasSubstr("exceeds the supported integer range"));
}

}  // namespace
}  // namespace rally::track::templating
