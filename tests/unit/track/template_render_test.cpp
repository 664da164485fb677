// The Jinja constructs of the template engine: whitespace control, comments, literals,
// operators, if/elif/else, for loops and their variables, assignment scoping and
// undefined values. Every expected string was checked against Jinja2 3.1.6 (the version
// Rally pins) rendering the same template in Rally's environment.

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/track/template/template.hpp"

namespace rally::track::templating {
namespace {

using nlohmann::json;

std::string render(const std::string& src, const json& params = json::object()) {
  RenderOptions options;
  options.now = 1700000000.5;
  return render_string(src, "t.json", params, options);
}

TEST(TemplateWhitespace, DefaultsKeepWhitespaceAroundTags) {
  // trim_blocks and lstrip_blocks are off in Rally's environment.
  EXPECT_EQ(render("{% if true %}\n  a\n{% endif %}\nb"), "\n  a\n\nb");
  EXPECT_EQ(render("{% for i in range(2) %}\n  {{ i }}\n{% endfor %}"), "\n  0\n\n  1\n");
}

TEST(TemplateWhitespace, MinusStripsAllWhitespaceIncludingNewlines) {
  EXPECT_EQ(render("a\n  {%- if true -%}\n    x\n  {%- endif -%}\n  b"), "axb");
  EXPECT_EQ(render("a \n {{- 1 -}} \n b"), "a1b");
  EXPECT_EQ(render("a  {#- c -#}  b"), "ab");
  EXPECT_EQ(render("x {#- c #} y {# c -#} z"), "x y z");
  EXPECT_EQ(render("  {%- for i in range(3) -%}\n  [{{ i }}]\n  {%- endfor %}"), "[0][1][2]");
  EXPECT_EQ(render("{% for x in [1, 2] -%}\n    {{ x }}\n{% endfor -%}\nend"), "1\n2\nend");
}

TEST(TemplateWhitespace, StripsUnicodeWhitespaceAndKeepsPlusAsNoOp) {
  EXPECT_EQ(render("a\u00a0\t{{- 1 }}"), "a1");  // Python's str.rstrip() strips NBSP too
  EXPECT_EQ(render("  {%+ if true +%}x{% endif %}"), "  x");
  EXPECT_EQ(render("{#-#}a"), "a");  // the only '-' belongs to the opening tag
  EXPECT_EQ(render("{{-1}}"), "1");  // '{{-' is a strip sign, not a negative number
}

TEST(TemplateWhitespace, DropsExactlyOneTrailingNewlineAndNormalizesNewlines) {
  EXPECT_EQ(render("x\n"), "x");
  EXPECT_EQ(render("{{ 1 }}\n\n"), "1\n");
  EXPECT_EQ(render("a\r\nb\rc\n\n"), "a\nb\nc\n");
  EXPECT_EQ(render("{{ \"a\r\nb\" }}"), "a\nb");
}

TEST(TemplateSyntax, CommentsAndTagLikeText) {
  EXPECT_EQ(render("{# {{ x }} {% if %} #}y"), "y");
  EXPECT_EQ(render("text with } and { and %} and #}"), "text with } and { and %} and #}");
  EXPECT_EQ(render("{{ \"}}\" }}{{ '{%' }}{{ {\"a\": {\"b\": 1}} }}"), "}}{%{'a': {'b': 1}}");
}

TEST(TemplateSyntax, Literals) {
  EXPECT_EQ(render("{{ true }} {{ True }} {{ false }} {{ False }} {{ none }} {{ None }}"),
            "True True False False None None");
  EXPECT_EQ(render("{{ 1_000_000 }} {{ 0x_ff }} {{ 0B11 }} {{ 0o17 }} {{ 1E3 }} {{ 1.5E-3 }} {{ 00 }} {{ 1_0.5 }}"),
            "1000000 255 3 15 1000.0 0.0015 0 10.5");
  EXPECT_EQ(render("{{ [1, 2,] }} {{ {\"a\": 1,} }} {{ (1, 2,) }} {{ (1,) }} {{ () }} {{ (1) }}"),
            "[1, 2] {'a': 1} (1, 2) (1,) () 1");
  EXPECT_EQ(render("{{ 1, 2 }}"), "(1, 2)");
}

TEST(TemplateSyntax, StringLiteralsAndEscapes) {
  EXPECT_EQ(render(R"({{ "a" "b" 'c' }})"), "abc");  // adjacent literals concatenate
  EXPECT_EQ(render(R"({{ 'it\'s' }} {{ "say \"hi\"" }} {{ '"' }})"), "it's say \"hi\" \"");
  EXPECT_EQ(render(R"({{ "\x41\101\u00e9\U0001F600" }})"), "AA\u00e9\U0001F600");
  EXPECT_EQ(render(R"({{ "tab\there" }}|{{ '\q' }}|{{ "a\
b" }})"),
            "tab\there|\\q|ab");
}

TEST(TemplateOperators, PrecedenceAndAssociativity) {
  EXPECT_EQ(render("{{ (1 + 2) * 3 }} {{ 1 + 2 * 3 }} {{ -(1 + 2) }} {{ 10 - 5 - 2 }} {{ 100 / 10 / 5 }}"),
            "9 7 -3 3 2.0");
  // Jinja's ** is left-associative and binds looser than unary minus, unlike Python.
  EXPECT_EQ(render("{{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ - 2 ** 2 }}"), "64 4 4");
  // Filters bind tighter than unary minus is applied to the filtered value.
  EXPECT_EQ(render("{{ -3 | abs }} {{ -2|abs }}"), "3 2");
  EXPECT_EQ(render("{{ not 1 == 2 }} {{ 1 < 2 == true }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }}"), "True False True False");
  EXPECT_EQ(render("{{ x is not defined and true }} {{ 3 is divisibleby 3 and true }}"), "True True");
}

TEST(TemplateOperators, LogicalOperatorsReturnOperands) {
  EXPECT_EQ(render("{{ 0 or \"x\" }}|{{ none and 1 }}|{{ 1 and 2 }}|{{ not 0 }}|{{ \"\" and 1 }}|{{ 0 or none }}"),
            "x|None|2|True||None");
}

TEST(TemplateOperators, InlineIf) {
  EXPECT_EQ(render("{{ 1 if true else 2 }} {{ 1 if false else 2 }} {{ 1 if 0 else 2 if 0 else 3 }}"), "1 2 3");
  EXPECT_EQ(render("[{{ 1 if 0 }}]"), "[]");  // no else: undefined, prints nothing
  EXPECT_EQ(render("{{ \"yes\" if x is defined else \"no\" }}", {{"x", 1}}), "yes");
}

TEST(TemplateOperators, MembershipAndComparisons) {
  EXPECT_EQ(render("{{ 3 in [1, 2, 3] }} {{ \"x\" not in \"abc\" }} {{ \"a\" in {\"a\": 1} }} {{ 4 in range(4) }} "
                   "{{ 1 in [1.0] }} {{ (1, 2) in {\"k\": 1} }}"),
            "True True True False True False");
  EXPECT_EQ(render("{{ \"3\" >= \"1.5\" }} {{ \"a\" < \"b\" }} {{ \"Z\" < \"a\" }} {{ \"\u00e9\" > \"z\" }} "
                   "{{ [1, 2] < [1, 2, 3] }} {{ (1, \"a\") < (1, \"b\") }}"),
            "True True True True True True");
  EXPECT_EQ(render("{{ [1] == (1,) }} {{ \"1\" == 1 }} {{ {\"a\": 1} == {\"a\": 1.0} }} {{ none == false }} "
                   "{{ 0 == false }} {{ true == 1.0 }}"),
            "False False True False True True");
}

TEST(TemplateIf, ElifChainsAndTruthiness) {
  EXPECT_EQ(render("{% if 0 %}a{% elif \"\" %}b{% elif [] %}c{% elif {} %}d{% elif none %}e{% elif 0.0 %}f"
                   "{% else %}g{% endif %}"),
            "g");
  EXPECT_EQ(render("{% if 1 %}a{% elif 1 %}b{% else %}c{% endif %}{% if 0 %}a{% elif 1 %}b{% else %}c{% endif %}"),
            "ab");
  EXPECT_EQ(render("{% if x %}a{% elif y %}b{% endif %}", {{"y", "v"}}), "b");
  EXPECT_EQ(render("{% if [0] %}list{% endif %}{% if \" \" %}space{% endif %}{% if \"0\" %}zero{% endif %}"),
            "listspacezero");
}

TEST(TemplateFor, LoopVariables) {
  EXPECT_EQ(render("{% for x in [1,2,3] %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.first }}/{{ loop.last }}/"
                   "{{ loop.length }}/{{ loop.revindex }}/{{ loop.revindex0 }} {% endfor %}"),
            "1/0/True/False/3/3/2 2/1/False/False/3/2/1 3/2/False/True/3/1/0 ");
  EXPECT_EQ(render("{% for x in [1,2,3] %}{{ loop.cycle(\"a\", \"b\") }}{{ loop.previtem }}{{ loop.nextitem }}|"
                   "{% endfor %}"),
            "a2|b13|a2|");
  // The inner loop's `loop` shadows the outer one.
  EXPECT_EQ(render("{% for x in [1,2] %}{% for y in [3,4] %}{{ loop.index }}{{ x }}{{ y }} {% endfor %}"
                   "{{ loop.index }}|{% endfor %}"),
            "113 214 1|123 224 2|");
}

TEST(TemplateFor, RangeForms) {
  EXPECT_EQ(render("{% for i in range(3) %}{{ i }}{% endfor %}|{% for i in range(2, 5) %}{{ i }}{% endfor %}|"
                   "{% for i in range(10, 0, -3) %}{{ i }},{% endfor %}|{% for i in range(0, 10, 4) %}{{ i }}"
                   "{% endfor %}|{% for i in range(-2) %}x{% endfor %}"),
            "012|234|10,7,4,1,|048|");
  EXPECT_EQ(render("{{ range(3) }} {{ range(1, 5, 2) }} {{ range(3) | length }} {{ range(3)[1] }} {{ range(3)[-1] }}"),
            "range(0, 3) range(1, 5, 2) 3 1 2");
}

TEST(TemplateFor, IteratesDictsStringsAndUnpacksPairs) {
  json params = {{"d", {{"z", 1}, {"a", 2}}}};
  EXPECT_EQ(render("{% for k in d %}{{ k }},{% endfor %}", params), "a,z,");  // nlohmann::json sorts keys
  EXPECT_EQ(render("{% for k, v in {\"z\": 1, \"a\": {\"b\": 2}}.items() %}{{ k }}={{ v }};{% endfor %}"),
            "z=1;a={'b': 2};");
  EXPECT_EQ(render("{% for a, b in [[1, 2], (3, 4)] %}{{ a }}-{{ b }};{% endfor %}"), "1-2;3-4;");
  EXPECT_EQ(render("{% for (a, b) in [\"ab\", \"cd\"] %}{{ b }}{{ a }}{% endfor %}"), "badc");
  EXPECT_EQ(render("{% for c in \"h\u00e9!\" %}[{{ c }}]{% endfor %}"), "[h][\u00e9][!]");
  EXPECT_EQ(render("{% for x in 1, 2 %}{{ x }}{% endfor %}"), "12");
}

TEST(TemplateFor, ElseAndFilter) {
  EXPECT_EQ(render("{% for i in [] %}{{ i }}{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{% for i in x %}{{ i }}{% else %}undefined iterates as empty{% endfor %}"),
            "undefined iterates as empty");
  EXPECT_EQ(render("{% for i in range(5) if i is odd %}{{ i }}{{ loop.index }}{{ loop.length }} {% endfor %}"),
            "112 322 ");
}

TEST(TemplateSet, TopLevelAssignmentsAndShadowing) {
  EXPECT_EQ(
      render("{% set x = [1, 2] + [3] %}{{ x }}{% set y = \"a\" + \"b\" %}{{ y }}{% set z = x | length %}{{ z }}"),
      "[1, 2, 3]ab3");
  EXPECT_EQ(render("{% set t = 1, 2 %}{{ t }}"), "(1, 2)");
  EXPECT_EQ(render("{{ x }}{% set x = 1 %}{{ x }}", {{"x", 5}}), "51");
  // Jinja resolves names when it compiles: a loop reading x before the top level assigns
  // it sees the not-yet-assigned variable, not the global.
  EXPECT_EQ(render("{% for i in [1] %}[{{ x }}]{% endfor %}{% set x = 7 %}{{ x }}", {{"x", 5}}), "[]7");
}

TEST(TemplateSet, LoopBodiesAreScopesThatStartAfreshEachIteration) {
  EXPECT_EQ(render("{% set x = 0 %}{% for i in range(2) %}{{ x }}{% set x = i + 10 %}{{ x }}{% endfor %}{{ x }}"),
            "0100110");
  EXPECT_EQ(render("{% for i in [1, 2] %}{% set y = i %}{% endfor %}[{{ y }}]"), "[]");
  EXPECT_EQ(render("{% set i = 99 %}{% for i in [1, 2] %}{% endfor %}{{ i }}"), "99");
  EXPECT_EQ(render("{% set a = 1 %}{% for i in [1] %}{% for j in [2] %}{{ a }}{% set a = 3 %}{{ a }}{% endfor %}"
                   "{{ a }}{% endfor %}{{ a }}"),
            "1311");
}

TEST(TemplateSet, IfBranchesAreNotScopes) {
  EXPECT_EQ(render("{% if true %}{% set y = 5 %}{% endif %}{{ y }}"), "5");
  EXPECT_EQ(render("{% if false %}{% set x = 1 %}{% endif %}{{ x }}", {{"x", 5}}), "5");
  EXPECT_EQ(render("{% if true %}{% set x = 1 %}{% endif %}{{ x }}", {{"x", 5}}), "1");
}

TEST(TemplateUndefined, PrintsEmptyAndIsFalsy) {
  EXPECT_EQ(render("[{{ x }}]{% if x %}yes{% else %}no{% endif %}{{ not x }}"), "[]noTrue");
  EXPECT_EQ(render("{{ x is defined }} {{ x is not defined }} {{ x is undefined }} {{ x is none }}"),
            "False True True False");
  EXPECT_EQ(render("{{ x ~ y ~ 1 }}|{{ x == y }}|{{ x == none }}|{{ x != 1 }}|{{ \"a\" in x }}"),
            "1|True|False|True|False");
  EXPECT_EQ(render("{{ [1, x] }}"), "[1, Undefined]");
}

TEST(TemplateUndefined, MissingAttributesAndItemsAreUndefined) {
  json params = {{"d", {{"a", 1}}}, {"l", {10, 20, 30}}};
  EXPECT_EQ(render("[{{ d.b }}][{{ d[\"b\"] }}][{{ l[5] }}][{{ l.foo }}][{{ \"abc\".foo }}]", params), "[][][][][]");
  EXPECT_EQ(render("{{ d.b is defined }} {{ l[1] }} {{ l[-1] }} {{ l.1 }}", params), "False 20 30 20");
}

TEST(TemplateUndefined, LengthAndStringFiltersTreatUndefinedAsEmpty) {
  EXPECT_EQ(render("{{ x | length }}|{{ x | count }}|{{ x | string }}|{{ x | lower }}|{{ x | join(\",\") }}|"
                   "{{ x | first }}|{{ x | last }}|{{ x | replace(\"a\", \"b\") }}"),
            "0|0||||||");
}

}  // namespace
}  // namespace rally::track::templating
