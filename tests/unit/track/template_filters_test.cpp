// Filters, tests, methods and Rally's additions (days_ago, exists_set_param). Expected
// strings were checked against Jinja2 3.1.6 with Rally's helper macros and filters.

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

std::string render(const std::string& src, const json& params = json::object()) {
  RenderOptions options;
  options.now = 1700000000.5;  // 2023-11-14T22:13:20.5Z
  return render_string(src, "t.json", params, options);
}

std::string error_of(const std::string& src, const json& params = json::object()) {
  try {
    render(src, params);
  } catch (const RallyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "rendered without an error: " << src;
  return {};
}

TEST(TemplateFilters, Default) {
  EXPECT_EQ(
      render("{{ x | default(\"dflt\") }} {{ x | d(\"dflt\") }} [{{ x | default }}] [{{ \"\" | default(\"d\") }}] "
             "{{ \"\" | default(\"d\", true) }} {{ \"\" | default(\"d\", boolean=true) }} {{ none | default(1) }} "
             "{{ none | d(\"d\", boolean=true) }} {{ 0 | default(5, true) }}"),
      "dflt dflt [] [] d d None d 5");
  EXPECT_EQ(render("{{ x | default(\"dflt\") }} {{ x | default(\"dflt\", true) }}", {{"x", false}}), "False dflt");
  EXPECT_EQ(render("{{ x | default(y) | default(3) }}"), "3");
}

TEST(TemplateFilters, IntAndFloat) {
  EXPECT_EQ(render("{{ 3.7 | int }} {{ -3.7 | int }} {{ \"42\" | int }} {{ \"42.7\" | int }} {{ \"x\" | int }} "
                   "{{ \"x\" | int(5) }} {{ true | int }} {{ none | int }} {{ \" 4_2 \" | int }} {{ \"1e3\" | int }}"),
            "3 -3 42 42 0 5 1 0 42 1000");
  EXPECT_EQ(
      render("{{ \"0x1f\" | int }} {{ \"0x1f\" | int(base=16) }} {{ \"0b11\" | int(0, 0) }} {{ \"010\" | int(7, 0) }} "
             "{{ \"z\" | int(base=36) }} {{ \"nan\" | int }} {{ \"-0\" | int }} {{ \"+7\" | int }} {{ \".5\" | int }}"),
      "0 31 3 10 35 0 0 7 0");
  EXPECT_EQ(render("{{ \"3\" | float }} {{ \"x\" | float }} {{ 3 | float }} {{ none | float }} {{ true | float }} "
                   "{{ \"1_000.5\" | float }} {{ \" .5 \" | float }} {{ \"1e400\" | float }} {{ \"1__0\" | float }} "
                   "{{ \"abc\" | float(9) }}"),
            "3.0 0.0 3.0 0.0 1.0 1000.5 0.5 inf 0.0 9");
  EXPECT_THAT(error_of("{{ x | int }}"), HasSubstr("'x' is undefined"));
  EXPECT_THAT(error_of("{{ x | float }}"), HasSubstr("'x' is undefined"));
  EXPECT_THAT(error_of("{{ \"inf\" | int }}"), HasSubstr("cannot convert float infinity to integer"));
}

TEST(TemplateFilters, StringFilters) {
  EXPECT_EQ(render("{{ \"abc\" | upper }} {{ \"ABC\" | lower }} {{ true | lower }} {{ [\"A\"] | lower }} "
                   "{{ 3 | string }} {{ none | string }} {{ [0.1] | string }}"),
            "ABC abc true ['a'] 3 None [0.1]");
  EXPECT_EQ(render("{{ \"a-b-c\" | replace(\"-\", \"+\") }} {{ \"abc\" | replace(\"\", \"-\") }} "
                   "{{ \"aaa\" | replace(\"a\", \"b\", 2) }} {{ \"h\u00e9\u00e9\" | replace(\"\u00e9\", \"e\", 1) }} "
                   "{{ 1.5 | replace(\".\", \",\") }}"),
            "a+b+c -a-b-c- bba he\u00e9 1,5");
  EXPECT_EQ(render("[{{ \"  x \" | trim }}] [{{ \"xxaxx\" | trim(\"x\") }}]"), "[x] [a]");
  EXPECT_THAT(error_of("{{ \"\u00e9\" | upper }}"), HasSubstr("non-ASCII"));  // Python would map it; we refuse
}

TEST(TemplateFilters, SequenceFilters) {
  EXPECT_EQ(
      render("{{ \"h\u00e9llo\" | length }} {{ [1, 2] | count }} {{ {\"a\": 1} | length }} {{ range(4) | length }}"),
      "5 2 1 4");
  EXPECT_EQ(render("{{ [1, 2] | join }} {{ [1, \"a\"] | join(\", \") }} {{ {\"a\": 1, \"b\": 2} | join(\"-\") }} "
                   "{{ range(3) | join(\"-\") }} {{ \"abc\" | join(\".\") }} {{ [none, true] | join }}"),
            "12 1, a a-b 0-1-2 a.b.c NoneTrue");
  EXPECT_EQ(render("{{ [1, 2, 3] | first }} {{ [1, 2, 3] | last }} {{ \"abc\" | first }} {{ \"abc\" | last }} "
                   "{{ {\"a\": 1, \"b\": 2} | first }} {{ {\"a\": 1, \"b\": 2} | last }} [{{ [] | first }}]"),
            "1 3 a c a b []");
  EXPECT_EQ(render("{{ range(1, 4) | list }} {{ \"ab\" | list }} {{ {\"k\": 1} | list }}"),
            "[1, 2, 3] ['a', 'b'] ['k']");
  EXPECT_THAT(error_of("{{ 5 | length }}"), HasSubstr("object of type 'int' has no len()"));
}

TEST(TemplateFilters, NumberFilters) {
  EXPECT_EQ(render("{{ -3 | abs }} {{ -3.5 | abs }} {{ true | abs }}"), "3 3.5 1");
  EXPECT_EQ(render("{{ 2.5 | round }} {{ 3.5 | round }} {{ -1.5 | round }} {{ 3 | round }} {{ 3.14159 | round(2) }} "
                   "{{ 2.675 | round(2) }} {{ 0.125 | round(2) }} {{ 0.375 | round(2) }}"),
            "2.0 4.0 -2.0 3 3.14 2.67 0.12 0.38");
  EXPECT_EQ(render("{{ 1.5 | round(method='floor') }} {{ 1.5 | round(0, 'ceil') }} {{ 2.675 | round(2, 'floor') }} "
                   "{{ 1234 | round(1, 'ceil') }} {{ 17 | round(-1) }} {{ 15 | round(-1) }} {{ 25 | round(-1) }}"),
            "1.0 2.0 2.67 1234.0 20 20 20");
  EXPECT_THAT(error_of("{{ 1.5 | round(method='up') }}"), HasSubstr("method must be common, ceil or floor"));
  EXPECT_THAT(error_of("{{ \"a\" | abs }}"), HasSubstr("bad operand type for abs(): 'str'"));
}

TEST(TemplateTests, TypeAndValueTests) {
  json params = {{"n", 1.5}, {"s", "str"}, {"l", json::array()}, {"b", true}, {"i", 4}};
  EXPECT_EQ(render("{{ n is number }} {{ s is number }} {{ s is string }} {{ n is string }} {{ b is number }} "
                   "{{ l is string }} {{ x is number }}",
                   params),
            "True False True False True False False");
  EXPECT_EQ(render("{{ none is none }} {{ 1 is none }} {{ 1 is not none }} {{ x is none }}"), "True False True False");
  EXPECT_EQ(render("{{ i is integer }} {{ b is integer }} {{ n is float }} {{ b is boolean }} {{ b is true }} "
                   "{{ i is false }} {{ {} is mapping }} {{ l is mapping }}",
                   params),
            "True False True True True False True False");
  EXPECT_EQ(
      render("{{ 4 is even }} {{ 3 is odd }} {{ 4.0 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} "
             "{{ 9 is not divisibleby(4) }}"),
      "True True True True False True");
  EXPECT_THAT(error_of("{{ x is even }}"), HasSubstr("'x' is undefined"));
}

TEST(TemplateMethods, StringMethods) {
  EXPECT_EQ(render("{{ \" a b  c \".split() }} {{ \"a,b,,c\".split(\",\") }} {{ \"a,b,c\".split(\",\", 1) }} "
                   "{{ \" a b c \".split(none, 1) }}"),
            "['a', 'b', 'c'] ['a', 'b', '', 'c'] ['a', 'b,c'] ['a', 'b c ']");
  EXPECT_EQ(
      render(
          "[{{ \" x \".strip() }}] [{{ \"xxaxx\".strip(\"x\") }}] [{{ \" x \".lstrip() }}] [{{ \" x \".rstrip() }}]"),
      "[x] [a] [x ] [ x]");
  EXPECT_EQ(render("{{ \"AbC\".lower() }} {{ \"abc\".upper() }} {{ \"abc\".startswith(\"a\") }} "
                   "{{ \"abc\".endswith((\"x\", \"c\")) }} {{ \"aaa\".replace(\"a\", \"b\") }} {{ "
                   "\"aaa\".replace(\"a\", \"b\", 1) }}"),
            "abc ABC True True bbb baa");
  EXPECT_THAT(error_of("{{ \"abc\".title() }}"), HasSubstr("the method 'str.title()' is not supported"));
  EXPECT_THAT(error_of("{{ \"a\".split(\"\") }}"), HasSubstr("empty separator"));
}

TEST(TemplateMethods, DictMethodsAndAttributeFallback) {
  json params = {{"d", {{"a", {{"b", {{"c", 42}}}}}, {"n", nullptr}}}};
  EXPECT_EQ(render("{{ d.a.b.c }} {{ d[\"a\"][\"b\"][\"c\"] }} {{ d.a[\"b\"].c }} {{ d.get(\"a\").b }} "
                   "{{ d.get(\"x\", \"dflt\") }} {{ d.get(\"x\") }} {{ d.get(\"n\", 1) }}",
                   params),
            "42 42 42 {'c': 42} dflt None None");
  EXPECT_EQ(
      render("{% for k, v in {\"b\": 1, \"a\": 2}.items() %}{{ k }}{{ v }}{% endfor %} {{ {\"b\": 1}.keys() | list }} "
             "{{ {\"b\": 1}.values() | list }}"),
      "b1a2 ['b'] [1]");
  // A dict method reached as an attribute or item (not called) is an error, not a printed method.
  EXPECT_THAT(error_of("{{ d.items }}", {{"d", {{"a", 1}}}}), HasSubstr("'dict.items' is a method"));
  EXPECT_THAT(error_of("{{ d[\"keys\"] }}", {{"d", {{"a", 1}}}}), HasSubstr("'dict.keys' is a method"));
  // ...but a key with that name is found by subscript when it exists.
  EXPECT_EQ(render("{{ d[\"items\"] }}", {{"d", {{"items", 3}}}}), "3");
}

TEST(TemplateRallyFilters, DaysAgo) {
  // now = 2023-11-14T22:13:20.5Z
  EXPECT_EQ(
      render("{{ '01-01-2000' | days_ago(now) }} {{ '15-11-2023' | days_ago(now) }} "
             "{{ '14-11-2023' | days_ago(now) }} {{ now | days_ago('13-11-2023') }} {{ '1-1-2000' | days_ago(now) }}"),
      "8718 -1 0 -2 8718");
  EXPECT_EQ(render("{{ '2023-11-14' | days_ago(now, '%Y-%m-%d') }} "
                   "{{ '2023/11/14 10:00:00' | days_ago(now, '%Y/%m/%d %H:%M:%S') }} "
                   "{{ '01-01-2000' | days_ago('02-01-2000') }} {{ '31/12/99' | days_ago(now, '%d/%m/%y') }}"),
            "0 0 1 8719");
  EXPECT_THAT(error_of("{{ '32-01-2000' | days_ago(now) }}"),
              HasSubstr("time data '32-01-2000' does not match format '%d-%m-%Y'"));
  EXPECT_THAT(error_of("{{ '29-02-2001' | days_ago(now) }}"), HasSubstr("day is out of range for month"));
  EXPECT_THAT(error_of("{{ '01-01-2000x' | days_ago(now) }}"), HasSubstr("unconverted data remains: x"));
  // Rally's days_ago takes floats (timestamps) and strings; an int is a TypeError there too.
  EXPECT_THAT(error_of("{{ '01-01-2000' | days_ago(1700000000) }}"),
              HasSubstr("Cannot convert unrecognized type 'int'"));
}

TEST(TemplateRallyHelpers, ExistsSetParamMatchesRallysMacroByteForByte) {
  const std::string import = "{% import \"rally.helpers\" as rally with context %}";
  // The whitespace is the body of Rally's macro, rendered verbatim.
  EXPECT_EQ(render(import + "[{{ rally.exists_set_param(\"a\", 5) }}]"),
            "[\n                 , \n                \n                  \"a\": 5\n                \n              ]");
  EXPECT_EQ(render(import + "[{{ rally.exists_set_param(\"a\", 5, comma=false) }}]"),
            "[\n                \n                \n                  \"a\": 5\n                \n              ]");
  EXPECT_EQ(render(import + "[{{ rally.exists_set_param(\"a\", x) }}]"), "[]");
  EXPECT_EQ(render(import + "[{{ rally.exists_set_param(\"a\", x, 3) }}]"),
            "[\n                 , \n                \n                  \"a\": 3\n                \n              ]");
  EXPECT_EQ(
      render(import + "[{{ rally.exists_set_param(\"a\", none) }}]"),
      "[\n                 , \n                \n                  \"a\": null\n                \n              ]");
  EXPECT_EQ(render(import + "[{{ rally.exists_set_param(\"a\", x, comma=false, default_value=\"s<\") }}]"),
            "[\n                \n                \n                  \"a\": \"s\\u003c\"\n                \n          "
            "    ]");
}

TEST(TemplateRallyHelpers, ExistsSetParamProducesValidJsonInContext) {
  std::string out = render(
      "{% import \"rally.helpers\" as rally %}{\"a\": 1{{ rally.exists_set_param(\"b\", b) }}"
      "{{ rally.exists_set_param(\"c\", c) }}{{ rally.exists_set_param(\"d\", d, default_value={\"k\": [1]}) }}}",
      {{"b", {1, "two"}}});
  EXPECT_EQ(json::parse(out), json::parse(R"({"a": 1, "b": [1, "two"], "d": {"k": [1]}})"));
}

TEST(TemplateRallyHelpers, ImportForms) {
  EXPECT_EQ(render("{% from \"rally.helpers\" import exists_set_param %}{{ exists_set_param(\"a\", 1) | trim }}"),
            ", \n                \n                  \"a\": 1");
  EXPECT_EQ(render("{% from \"rally.helpers\" import exists_set_param as esp with context %}"
                   "{{ esp(setting_name=\"a\", value=\"v\", comma=0) | trim }}"),
            "\"a\": \"v\"");
  EXPECT_EQ(render("{% import \"rally.helpers\" as h %}[{{ h.exists_set_param(\"a\") }}]"), "[]");
  EXPECT_THAT(error_of("{% import \"rally.helpers\" as rally %}{{ rally.exists_set_param(\"a\", 1, 2, 3, 4) }}"),
              HasSubstr("takes at most 4 argument(s)"));
}

TEST(TemplateRallyGlobals, BuildFlavorServerlessAndNow) {
  EXPECT_EQ(render("{{ build_flavor }} {{ serverless_operator }} {{ now }}"), "default False 1700000000.5");
  RenderOptions options;
  options.build_flavor = "serverless";
  options.serverless_operator = true;
  options.now = 12.25;
  // Rally's own globals win over track parameters of the same name.
  EXPECT_EQ(render_string("{{ build_flavor }} {{ serverless_operator }} {{ now }}", "t", json{{"build_flavor", "x"}},
                          options),
            "serverless True 12.25");
}

}  // namespace
}  // namespace rally::track::templating
