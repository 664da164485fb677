// How values print and compute: Python's str() of floats, bools, None, lists, tuples and
// dicts; int versus float arithmetic; Jinja's tojson. Expected strings were checked
// against Jinja2 3.1.6 on CPython.

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
  options.now = 1700000000.5;
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

TEST(TemplateValues, FloatsPrintAsPythonRepr) {
  EXPECT_EQ(render("{{ 1.0 }} {{ 0.1 }} {{ 1e-5 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ -0.0 }} {{ 2.5e-10 }}"),
            "1.0 0.1 1e-05 1e+16 1000000000000000.0 0.0001 -0.0 2.5e-10");
  EXPECT_EQ(render("{{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 2 / 3 }} {{ 1.5e16 }} {{ 123456789.123456789 }} {{ 5e-324 }} "
                   "{{ 1.7976931348623157e308 }}"),
            "0.30000000000000004 0.3333333333333333 0.6666666666666666 1.5e+16 123456789.12345679 5e-324 "
            "1.7976931348623157e+308");
  EXPECT_EQ(render("{{ 100.0 }} {{ 1e22 }} {{ 12345678901234567.0 }} {{ 0.00001234 }} {{ 3.0 * 1.1 }}"),
            "100.0 1e+22 1.2345678901234568e+16 1.234e-05 3.3000000000000003");
  EXPECT_EQ(render("{{ \"inf\" | float }} {{ \"-inf\" | float }} {{ \"nan\" | float }} {{ 1e300 * 1e10 }}"),
            "inf -inf nan inf");
}

TEST(TemplateValues, ScalarsAndContainersPrintAsPythonStr) {
  EXPECT_EQ(render("{{ true }} {{ none }} {{ 42 }} {{ -7 }} {{ \"s\" }}"), "True None 42 -7 s");
  EXPECT_EQ(render("{{ [1, \"a\", 'b\"', \"c'\", none, true, 1.5, {\"k\": \"v\"}] }}"),
            R"([1, 'a', 'b"', "c'", None, True, 1.5, {'k': 'v'}])");
  EXPECT_EQ(render(R"({{ ["x\ny\t'", 'a"b', "a'b\"c", "\x7f\xa0\u00e9\u2028"] }})"),
            R"(["x\ny\t'", 'a"b', 'a\'b"c', '\x7f\xa0)"
            "\u00e9"
            R"(\u2028'])");
  EXPECT_EQ(render("{{ (1, 2) }} {{ (1,) }} {{ () }} {{ [(1, \"a\")] }} {{ [] }} {{ {} }}"),
            "(1, 2) (1,) () [(1, 'a')] [] {}");
  EXPECT_EQ(render("{{ {\"b\": 1, \"a\": {\"c\": [1, 2.5, none]}} }}"), "{'b': 1, 'a': {'c': [1, 2.5, None]}}");
  EXPECT_EQ(render("{{ {\"a\": 1}.items() }} {{ {\"a\": 1}.keys() }} {{ {\"a\": 1}.values() }}"),
            "dict_items([('a', 1)]) dict_keys(['a']) dict_values([1])");
}

TEST(TemplateValues, ConcatenationUsesStr) {
  EXPECT_EQ(render("{{ \"a\" ~ 1 ~ none ~ true ~ 2.0 ~ [1, \"x\"] ~ {\"k\": 1} }}"), "a1NoneTrue2.0[1, 'x']{'k': 1}");
  EXPECT_EQ(render("{{ \"a\" + \"b\" }} {{ [1] + [2] }} {{ (1,) + (2,) }}"), "ab [1, 2] (1, 2)");
}

TEST(TemplateValues, ParamsBecomeDictsAndLists) {
  json params = {{"d", {{"z", 1}, {"a", 2}, {"m", {1, 2.5, "x", nullptr, true}}}}, {"f", 3.0}, {"i", 3}};
  EXPECT_EQ(render("{{ d }}|{{ d.m[1] }}|{{ d[\"z\"] }}|{{ f }}|{{ i }}|{{ f == i }}|{{ d.m }}", params),
            "{'a': 2, 'm': [1, 2.5, 'x', None, True], 'z': 1}|2.5|1|3.0|3|True|[1, 2.5, 'x', None, True]");
  // An ordered_json keeps the order Rally (a Python dict) would iterate in.
  nlohmann::ordered_json ordered = {{"d", {{"z", 1}, {"a", 2}}}};
  RenderOptions options;
  EXPECT_EQ(render_string("{{ d }} {% for k in d %}{{ k }}{% endfor %} {{ d | tojson }}", "t", ordered, options),
            "{'z': 1, 'a': 2} za {\"a\": 2, \"z\": 1}");
}

TEST(TemplateValues, IntegerAndFloatArithmetic) {
  EXPECT_EQ(render("{{ 7 / 2 }} {{ 6 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7.0 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }}"),
            "3.5 3.0 3 -4 3.0 2 -2");
  EXPECT_EQ(render("{{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2.0 ** 3 }} {{ 1 + 1.5 }} {{ 3 - 1.0 }} {{ 2 * 0.1 }} {{ 10 / 4 }}"),
            "1024 0.5 8.0 2.5 2.0 0.2 2.5");
  EXPECT_EQ(render("{{ 5 // 0.5 }} {{ 5 % 0.3 }} {{ -5.5 // 2 }} {{ -5.5 % 2 }} {{ 0.0 // 1 }} {{ -0.0 % 1 }} "
                   "{{ 1.5 % 1 }} {{ -1.5 % 1 }} {{ 5.0 // -2 }}"),
            "10.0 0.20000000000000018 -3.0 0.5 0.0 0.0 0.5 0.5 -3.0");
  EXPECT_EQ(render("{{ true + true }} {{ true * 2.5 }} {{ -true }} {{ 1 - true }} {{ 3 // true }}"), "2 2.5 -1 0 3");
  EXPECT_EQ(render("{{ \"ab\" * 3 }} {{ 3 * \"ab\" }} {{ [0] * 3 }} [{{ \"ab\" * 0 }}] [{{ \"ab\" * -1 }}]"),
            "ababab ababab [0, 0, 0] [] []");
  EXPECT_EQ(render("{{ 9007199254740993 == 9007199254740992.0 }} {{ 1 == 1.0 }} {{ 1 < 2.5 }}"), "False True True");
}

TEST(TemplateValues, ArithmeticErrors) {
  EXPECT_THAT(error_of("{{ 1 / 0 }}"), HasSubstr("t.json:1: division by zero"));
  EXPECT_THAT(error_of("{{ 1 // 0 }}"), HasSubstr("integer division or modulo by zero"));
  EXPECT_THAT(error_of("{{ 1 % 0 }}"), HasSubstr("integer modulo by zero"));
  EXPECT_THAT(error_of("{{ 1.0 / 0 }}"), HasSubstr("float division by zero"));
  EXPECT_THAT(error_of("{{ \"a\" + 1 }}"), HasSubstr("unsupported operand type(s) for +: 'str' and 'int'"));
  EXPECT_THAT(error_of("{{ \"a\" < 1 }}"), HasSubstr("'<' not supported between instances of 'str' and 'int'"));
  EXPECT_THAT(error_of("{{ x + 1 }}"), HasSubstr("t.json:1: 'x' is undefined"));
  EXPECT_THAT(error_of("{{ -x }}"), HasSubstr("'x' is undefined"));
  // Python's ints are unbounded; ours are 64-bit and never wrap silently.
  EXPECT_THAT(error_of("{{ 9223372036854775807 + 1 }}"), HasSubstr("integer overflow"));
  EXPECT_THAT(error_of("{{ 2 ** 64 }}"), HasSubstr("integer overflow"));
  EXPECT_THAT(error_of("{{ 99999999999999999999 }}"), HasSubstr("exceeds 64 bits"));
}

TEST(TemplateToJson, SortsKeysAndSpacesLikePythonJsonDumps) {
  EXPECT_EQ(render("{{ {\"b\": 1, \"a\": [1, 2]} | tojson }}"), R"({"a": [1, 2], "b": 1})");
  EXPECT_EQ(render("{{ {\"b\": {\"d\": 1, \"c\": 2}, \"a\": [1, [2, \"x\"], (3, 4)]} | tojson }}"),
            R"({"a": [1, [2, "x"], [3, 4]], "b": {"c": 2, "d": 1}})");
  EXPECT_EQ(render("{{ 1.0 | tojson }} {{ 1e20 | tojson }} {{ none | tojson }} {{ true | tojson }} {{ 3 | tojson }} "
                   "{{ \"nan\" | float | tojson }} {{ \"inf\" | float | tojson }} {{ (\"-inf\" | float) | tojson }}"),
            "1.0 1e+20 null true 3 NaN Infinity -Infinity");
  EXPECT_EQ(render("{{ [] | tojson }} {{ {} | tojson }} {{ [{}] | tojson }}"), "[] {} [{}]");
}

TEST(TemplateToJson, EscapesLikeHtmlSafeJsonDumps) {
  // ensure_ascii: non-ASCII as \uXXXX (surrogate pairs above the BMP); <, >, &, ' escaped.
  EXPECT_EQ(render(R"({{ "<script>&'\"" | tojson }})"), R"("\u003cscript\u003e\u0026\u0027\"")");
  EXPECT_EQ(render("{{ \"\u00fc\u20ac\U0001F600\" | tojson }}"), R"("\u00fc\u20ac\ud83d\ude00")");
  EXPECT_EQ(render(R"({{ "a\"b\\c\n\t\b\f\r\x01\x7f/" | tojson }})"), R"("a\"b\\c\n\t\b\f\r\u0001\u007f/")");
  EXPECT_EQ(render("{{ {\"\u00e9\": 1, \"e\": 2} | tojson }}"), R"({"e": 2, "\u00e9": 1})");
}

TEST(TemplateToJson, Indent) {
  EXPECT_EQ(render("{{ {\"a\": [1, {\"b\": 2}], \"c\": []} | tojson(indent=2) }}"),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"c\": []\n}");
  EXPECT_EQ(render("{{ [1] | tojson(0) }}|{{ [1] | tojson(\"--\") }}"), "[\n1\n]|[\n--1\n]");
}

TEST(TemplateToJson, RefusesWhatPythonCannotSerialize) {
  EXPECT_THAT(error_of("{{ x | tojson }}"), HasSubstr("Object of type Undefined is not JSON serializable"));
  EXPECT_THAT(error_of("{{ range(3) | tojson }}"), HasSubstr("Object of type range is not JSON serializable"));
  EXPECT_THAT(error_of("{{ {\"a\": 1}.items() | tojson }}"), HasSubstr("dict_items is not JSON serializable"));
  // tojson returns Markup in Jinja, and Markup + str HTML-escapes the str.
  EXPECT_THAT(error_of("{{ (1 | tojson) + \"<\" }}"), HasSubstr("use '~'"));
  EXPECT_EQ(render("{{ (1 | tojson) ~ \"<\" }}"), "1<");
}

}  // namespace
}  // namespace rally::track::templating
