#include "metrics/svg_chart.hpp"

#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "metrics/chart_scale.hpp"
#include "metrics/markup.hpp"
#include "unit/metrics/markup_checks.hpp"

namespace rally::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// The coordinates of a chart's first polyline.
std::vector<std::pair<double, double>> polyline_points(const std::string& svg) {
  static const std::regex polyline(R"re(<polyline[^>]* points="([^"]*)")re");
  std::smatch m;
  std::vector<std::pair<double, double>> out;
  if (!std::regex_search(svg, m, polyline)) return out;
  static const std::regex pair(R"((-?[0-9.]+),(-?[0-9.]+))");
  const std::string points = m[1];
  for (auto it = std::sregex_iterator(points.begin(), points.end(), pair); it != std::sregex_iterator(); ++it)
    out.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  return out;
}

TEST(Markup, EscapesTextAndAttributes) {
  EXPECT_EQ(escape_markup("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(escape_markup("plain-task_1"), "plain-task_1");
  EXPECT_EQ(escape_markup(std::string("a\x01"
                                      "b\tc\n",
                                      6)),
            "a b\tc\n");                       // XML forbids \x01
  EXPECT_EQ(escape_markup("größe"), "größe");  // UTF-8 passes
}

TEST(Markup, SvgNumbersAreFiniteDecimals) {
  EXPECT_EQ(svg_number(0), "0");
  EXPECT_EQ(svg_number(-0.0), "0");
  EXPECT_EQ(svg_number(12.5), "12.5");
  EXPECT_EQ(svg_number(12.504), "12.5");
  EXPECT_EQ(svg_number(3.14159), "3.14");
  EXPECT_EQ(svg_number(-7), "-7");
  EXPECT_EQ(svg_number(-0.001), "0");
  EXPECT_EQ(svg_number(nan), "0");
  EXPECT_EQ(svg_number(inf), "1000000");
  EXPECT_EQ(svg_number(-inf), "-1000000");
  EXPECT_EQ(svg_number(1e300), "1000000");
}

TEST(Markup, CompactNumbers) {
  EXPECT_EQ(compact_number(0), "0");
  EXPECT_EQ(compact_number(2.5), "2.5");
  EXPECT_EQ(compact_number(1234.5678), "1235");
  EXPECT_EQ(compact_number(9999), "9999");
  EXPECT_EQ(compact_number(9999.7), "10k");  // never "1e+04"
  EXPECT_EQ(compact_number(12345), "12.35k");
  EXPECT_EQ(compact_number(1500000), "1.5M");
  EXPECT_EQ(compact_number(-2e9), "-2G");
  EXPECT_EQ(compact_number(3e12), "3T");
  EXPECT_EQ(compact_number(1e300), "1e+300");
  EXPECT_EQ(compact_number(0.0125), "0.0125");
  EXPECT_EQ(compact_number(nan), "n/a");
  EXPECT_EQ(compact_number(inf), "n/a");
}

void expect_sane(const Scale& s) {
  EXPECT_TRUE(std::isfinite(s.lo));
  EXPECT_TRUE(std::isfinite(s.hi));
  EXPECT_LT(s.lo, s.hi);
  ASSERT_GE(s.ticks.size(), 2u);
  for (std::size_t i = 0; i < s.ticks.size(); ++i) {
    EXPECT_TRUE(std::isfinite(s.ticks[i]));
    EXPECT_GE(s.ticks[i], s.lo);
    EXPECT_LE(s.ticks[i], s.hi);
    if (i > 0) {
      EXPECT_LT(s.ticks[i - 1], s.ticks[i]);
    }
  }
}

TEST(ChartScale, LinearTicksAreRoundNumbers) {
  auto s = linear_scale(0, 7);
  expect_sane(s);
  EXPECT_THAT(s.ticks, ElementsAre(0, 2, 4, 6, 8));
  EXPECT_DOUBLE_EQ(s.fraction(4), 0.5);
  EXPECT_DOUBLE_EQ(s.fraction(-3), 0);  // clamped
  EXPECT_DOUBLE_EQ(s.fraction(100), 1);
  EXPECT_DOUBLE_EQ(s.fraction(nan), 0);

  auto t = linear_scale(1, 10, 8);
  expect_sane(t);
  EXPECT_THAT(t.ticks, ElementsAre(0, 2, 4, 6, 8, 10));
  auto u = linear_scale(0, 0.3);
  expect_sane(u);
  EXPECT_DOUBLE_EQ(u.ticks[1], 0.1);
  EXPECT_DOUBLE_EQ(u.hi, 0.3);
}

TEST(ChartScale, OneValueZeroAndBadInput) {
  auto zero = linear_scale(0, 0);
  expect_sane(zero);
  EXPECT_EQ(zero.lo, 0);
  EXPECT_EQ(zero.hi, 1);

  auto one = linear_scale(5, 5);
  expect_sane(one);
  EXPECT_LT(one.lo, 5);
  EXPECT_GT(one.hi, 5);
  EXPECT_GT(one.fraction(5), 0);
  EXPECT_LT(one.fraction(5), 1);

  expect_sane(linear_scale(-3, -3));
  expect_sane(linear_scale(nan, nan));
  expect_sane(linear_scale(nan, 10));
  expect_sane(linear_scale(-inf, inf));
  expect_sane(linear_scale(10, 0));  // reversed
}

TEST(ChartScale, HugeValues) {
  auto s = linear_scale(0, 1e300);
  expect_sane(s);
  EXPECT_GE(s.hi, 1e300);
  EXPECT_LE(s.ticks.size(), 12u);
  expect_sane(linear_scale(-1e308, 1e308));
  expect_sane(linear_scale(1e300, 1e300));
  expect_sane(linear_scale(1e15, 1e15 + 1));  // a range at the edge of double's resolution
  expect_sane(linear_scale(0, std::numeric_limits<double>::max()));
  expect_sane(linear_scale(0, std::numeric_limits<double>::denorm_min()));
}

TEST(ChartScale, LogScaleByDecades) {
  auto s = log_scale(0.5, 2000);
  expect_sane(s);
  EXPECT_TRUE(s.log);
  EXPECT_DOUBLE_EQ(s.lo, 0.1);
  EXPECT_DOUBLE_EQ(s.hi, 10000);
  EXPECT_EQ(s.ticks.size(), 6u);
  EXPECT_NEAR(s.fraction(10), 0.4, 1e-12);
  EXPECT_EQ(s.fraction(0), 0);  // cannot be shown: at the bottom
  EXPECT_EQ(s.fraction(-1), 0);
  EXPECT_EQ(s.fraction(nan), 0);
  EXPECT_EQ(s.fraction(inf), 1);

  expect_sane(log_scale(1, 1));
  expect_sane(log_scale(0, 0));
  expect_sane(log_scale(1e-300, 1e300));
  EXPECT_LE(log_scale(1e-300, 1e300).ticks.size(), 9u);
}

TEST(ChartScale, ValueScaleGoesLogOnlyForWideSpans) {
  auto narrow = value_scale({1.5, 2, 3, 40});
  EXPECT_FALSE(narrow.log);
  EXPECT_EQ(narrow.lo, 0);
  EXPECT_GE(narrow.hi, 40);
  auto wide = value_scale({1.5, 2, 3, 40, 900, 2500});
  EXPECT_TRUE(wide.log);
  EXPECT_LE(wide.lo, 1.5);
  EXPECT_GE(wide.hi, 2500);
  auto zeros = value_scale({0, 0});
  expect_sane(zeros);
  EXPECT_FALSE(zeros.log);
  expect_sane(value_scale({}));
  expect_sane(value_scale({nan, inf, -5}));
}

LineChart line_chart(std::vector<ChartPoint> points) {
  LineChart chart;
  chart.title = "Throughput over time";
  chart.x_label = "seconds";
  chart.y_label = "docs/s";
  chart.x_unit = "s";
  chart.y_unit = "docs/s";
  chart.series = {{"per second", "#1f77b4", std::move(points)}};
  return chart;
}

TEST(SvgLineChart, EmptySeriesSaysSo) {
  auto chart = line_chart({});
  chart.empty_text = "no samples in the normal phase";
  auto svg = render_svg(chart);
  EXPECT_THAT(svg, HasSubstr("<svg class=\"chart\""));
  EXPECT_THAT(svg, HasSubstr(">no samples in the normal phase</text>"));
  EXPECT_THAT(svg, Not(HasSubstr("<polyline")));
  EXPECT_THAT(svg, HasSubstr(">per second</text>"));  // the legend still says what would be there
  EXPECT_THAT(rally::testing::bad_svg_numbers(svg), IsEmpty());

  chart.series.clear();
  EXPECT_THAT(render_svg(chart), HasSubstr("no samples"));
}

TEST(SvgLineChart, PointsMapIntoThePlotArea) {
  auto svg = render_svg(line_chart({{1, 100}, {2, 300}, {3, 200}}));
  auto points = polyline_points(svg);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_LT(points[0].first, points[1].first);
  EXPECT_LT(points[1].first, points[2].first);
  EXPECT_LT(points[1].second, points[2].second);  // 300 is drawn above 200 (SVG y grows down)
  EXPECT_LT(points[2].second, points[0].second);
  for (auto [x, y] : points) {
    EXPECT_GE(x, 0);
    EXPECT_LE(x, chart_width);
    EXPECT_GE(y, 0);
    EXPECT_LE(y, chart_height);
  }
  EXPECT_EQ(count(svg, "<circle"), 3u);
  EXPECT_THAT(svg, HasSubstr("<title>per second at 2 s: 300 docs/s</title>"));
  EXPECT_THAT(svg, HasSubstr(">docs/s</text>"));   // the y axis title
  EXPECT_THAT(svg, HasSubstr(">seconds</text>"));  // the x axis title
  EXPECT_THAT(svg, HasSubstr(">300</text>"));      // a y tick
  EXPECT_THAT(svg, HasSubstr("fill=\"" + std::string(chart_plot_background) + "\""));
}

TEST(SvgLineChart, OnePointAndZeros) {
  auto one = render_svg(line_chart({{4, 95}}));
  EXPECT_EQ(polyline_points(one).size(), 1u);
  EXPECT_EQ(count(one, "<circle"), 1u);  // a line of one point is invisible: the marker shows it
  EXPECT_THAT(rally::testing::bad_svg_numbers(one), IsEmpty());

  auto zeros = render_svg(line_chart({{1, 0}, {2, 0}, {3, 0}}));
  auto points = polyline_points(zeros);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].second, points[2].second);
  EXPECT_THAT(rally::testing::bad_svg_numbers(zeros), IsEmpty());
}

TEST(SvgLineChart, NaNInfinityAndHugeValuesNeverReachTheMarkup) {
  auto svg = render_svg(line_chart({{1, nan}, {2, 1e300}, {nan, 5}, {3, inf}, {4, -inf}, {5, 7}, {inf, 1}}));
  EXPECT_THAT(rally::testing::bad_svg_numbers(svg), IsEmpty());
  EXPECT_EQ(polyline_points(svg).size(), 2u);  // (2, 1e300) and (5, 7)
  for (const char* word : {"nan", "inf", "NaN"}) {
    EXPECT_THAT(svg.substr(0, svg.find("<title>per second at")), Not(HasSubstr(word))) << word;
  }
  auto only_bad = render_svg(line_chart({{nan, nan}, {inf, 1}}));
  EXPECT_THAT(only_bad, HasSubstr("no samples"));
}

TEST(SvgLineChart, LongSeriesAreThinnedButKeepTheirPeak) {
  std::vector<ChartPoint> points;
  for (int s = 0; s < 86400; ++s) points.push_back({static_cast<double>(s), s == 50000 ? 9000.0 : 100.0});
  auto svg = render_svg(line_chart(points));
  auto drawn = polyline_points(svg);
  EXPECT_LE(drawn.size(), 1000u);
  EXPECT_GE(drawn.size(), 500u);
  EXPECT_EQ(count(svg, "<circle"), 0u);  // too many for markers
  double top = chart_height;
  for (auto [x, y] : drawn) top = std::min(top, y);
  EXPECT_LT(top, 60);  // the single peak is still drawn near the top of the plot
  EXPECT_LT(svg.size(), 40000u);
}

TEST(SvgLineChart, XAxisStartsAtXFrom) {
  auto chart = line_chart({{5, 1}, {9, 2}});
  chart.x_from = 0;
  auto svg = render_svg(chart);
  EXPECT_THAT(svg, HasSubstr(">0</text>"));
  auto points = polyline_points(svg);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_GT(points[0].first, 66 + 100);  // x = 5 of 0..10 is well inside the plot
}

LineChart step_chart(std::size_t seconds) {
  auto chart = line_chart({});
  chart.series[0].style = SeriesStyle::steps;
  chart.series[0].colour = "#9ecae1";
  for (std::size_t s = 0; s < seconds; ++s)
    chart.series[0].points.push_back({static_cast<double>(s + 2), static_cast<double>(100 + s % 3 * 50)});
  chart.series.push_back({"cumulative", "#ff7f0e", {{3, 100}, {4, 120}}});
  return chart;
}

TEST(SvgLineChart, StepsAreFilledOverTheirInterval) {
  auto svg = render_svg(step_chart(4));  // seconds 2..5, the last one ending at 6
  static const std::regex rect(
      R"re(<rect x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)" fill="#9ecae1" shape-rendering="crispEdges"><title>([^<]*)</title>)re");
  std::vector<std::smatch> steps;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect); it != std::sregex_iterator(); ++it)
    steps.push_back(*it);
  ASSERT_EQ(steps.size(), 4u);
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) {  // adjacent, no gap, no overlap
    EXPECT_NEAR(std::stod(steps[i][1]) + std::stod(steps[i][3]), std::stod(steps[i + 1][1]), 0.011);
    // all down to the same base line
    EXPECT_NEAR(std::stod(steps[i][2]) + std::stod(steps[i][4]),
                std::stod(steps[i + 1][2]) + std::stod(steps[i + 1][4]), 0.011);
  }
  EXPECT_GT(std::stod(steps[1][4]), std::stod(steps[0][4]));  // 150 is taller than 100
  EXPECT_EQ(steps[0][5], "per second at 2-3 s: 100 docs/s");
  EXPECT_THAT(svg, HasSubstr(">6</text>"));  // the x axis reaches the end of the last second
  EXPECT_LT(svg.find("#9ecae1\" shape-rendering"), svg.find("<polyline"));  // the line is drawn over the area
  EXPECT_THAT(rally::testing::bad_svg_numbers(svg), IsEmpty());
}

TEST(SvgLineChart, ManyStepsAreOneOutline) {
  auto svg = render_svg(step_chart(600));
  EXPECT_EQ(count(svg, "<polygon"), 1u);
  EXPECT_EQ(count(svg, "shape-rendering"), 0u);
  EXPECT_THAT(rally::testing::bad_svg_numbers(svg), IsEmpty());
  EXPECT_LT(svg.size(), 40000u);

  auto one = render_svg(step_chart(1));
  EXPECT_EQ(count(one, "shape-rendering=\"crispEdges\""), 1u);
  EXPECT_THAT(rally::testing::bad_svg_numbers(one), IsEmpty());
}

TEST(SvgChart, EscapesEveryText) {
  auto chart = line_chart({{1, 1}, {2, 2}});
  chart.title = "<script>alert('x')</script>";
  chart.x_label = "a & b";
  chart.y_label = "\"quoted\"";
  chart.series[0].name = "</svg>";
  chart.series[0].colour = "red\" onload=\"x";
  auto svg = render_svg(chart);
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  EXPECT_THAT(svg, Not(HasSubstr("</svg><")));
  EXPECT_THAT(svg, Not(HasSubstr("onload=\"")));
  EXPECT_THAT(svg, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_THAT(svg, HasSubstr("a &amp; b"));
  EXPECT_THAT(svg, HasSubstr("&quot;quoted&quot;"));
  EXPECT_EQ(rally::testing::tag_names(svg),
            (std::set<std::string>{"svg", "title", "text", "rect", "line", "polyline", "circle"}));

  BarChart bars;
  bars.title = "<b>";
  bars.categories = {"p<50>"};
  bars.series = {{"a&b", "#2ca02c", {1.0}}};
  auto bar_svg = render_svg(bars);
  EXPECT_THAT(bar_svg, HasSubstr(">p&lt;50&gt;</text>"));
  EXPECT_THAT(bar_svg, HasSubstr(">a&amp;b</text>"));
  EXPECT_THAT(bar_svg, Not(HasSubstr("<b>")));
}

BarChart bar_chart() {
  BarChart chart;
  chart.title = "Latency percentiles";
  chart.x_label = "percentile";
  chart.y_label = "ms";
  chart.unit = "ms";
  chart.categories = {"p50", "p90", "p100"};
  chart.series = {{"latency", "#2ca02c", {10.5, 20.25, 31.0}}, {"service time", "#d62728", {9.75, std::nullopt, 0.0}}};
  return chart;
}

TEST(SvgBarChart, ABarPerValueWithItsLabel) {
  auto svg = render_svg(bar_chart());
  EXPECT_EQ(count(svg, "fill=\"#2ca02c\"><title>"), 3u);
  EXPECT_EQ(count(svg, "fill=\"#d62728\"><title>"), 2u);  // none for the missing p90
  for (const char* label : {">10.5</text>", ">20.25</text>", ">31</text>", ">9.75</text>", ">0</text>"})
    EXPECT_THAT(svg, HasSubstr(label)) << label;
  for (const char* category : {">p50</text>", ">p90</text>", ">p100</text>"}) EXPECT_THAT(svg, HasSubstr(category));
  EXPECT_THAT(svg, HasSubstr("<title>latency p90: 20.25 ms</title>"));
  EXPECT_THAT(svg, Not(HasSubstr("log scale")));
  EXPECT_THAT(rally::testing::bad_svg_numbers(svg), IsEmpty());
}

TEST(SvgBarChart, TallerBarsForLargerValues) {
  auto svg = render_svg(bar_chart());
  static const std::regex rect(
      R"re(<rect x="[^"]*" y="[^"]*" width="[^"]*" height="([^"]*)" fill="#2ca02c"><title>)re");
  std::vector<double> heights;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect); it != std::sregex_iterator(); ++it)
    heights.push_back(std::stod((*it)[1]));
  ASSERT_EQ(heights.size(), 3u);
  EXPECT_LT(heights[0], heights[1]);
  EXPECT_LT(heights[1], heights[2]);
  EXPECT_GT(heights[0], 0);
}

TEST(SvgBarChart, WideSpansUseALogScale) {
  auto chart = bar_chart();
  chart.series[0].values = {1.5, 40.0, 2500.0};
  auto svg = render_svg(chart);
  EXPECT_THAT(svg, HasSubstr(">ms (log scale)</text>"));
  EXPECT_THAT(svg, HasSubstr(">1000</text>"));  // ticks at decades
  EXPECT_THAT(svg, HasSubstr(">2500</text>"));  // the label says the value
  EXPECT_THAT(rally::testing::bad_svg_numbers(svg), IsEmpty());
}

TEST(SvgBarChart, EmptyAndBadValues) {
  BarChart empty;
  empty.title = "Latency percentiles";
  auto svg = render_svg(empty);
  EXPECT_THAT(svg, HasSubstr(">no samples</text>"));
  EXPECT_THAT(rally::testing::bad_svg_numbers(svg), IsEmpty());

  auto chart = bar_chart();
  chart.series[0].values = {nan, inf, 1e300};
  chart.series[1].values = {-5.0, 0.0, std::nullopt};
  auto bad = render_svg(chart);
  EXPECT_THAT(rally::testing::bad_svg_numbers(bad), IsEmpty());
  EXPECT_THAT(bad, Not(HasSubstr(">nan")));
  EXPECT_THAT(bad, Not(HasSubstr(">inf")));

  auto zeros = bar_chart();
  zeros.series[0].values = {0.0, 0.0, 0.0};
  zeros.series[1].values = {0.0, 0.0, 0.0};
  auto zero_svg = render_svg(zeros);
  EXPECT_THAT(rally::testing::bad_svg_numbers(zero_svg), IsEmpty());
  EXPECT_EQ(count(zero_svg, "height=\"0\""), 6u);

  auto more_values_than_categories = bar_chart();
  more_values_than_categories.categories = {"p50"};
  EXPECT_THAT(rally::testing::bad_svg_numbers(render_svg(more_values_than_categories)), IsEmpty());
}

TEST(MarkupChecks, FindBadNumbers) {  // the check the tests above rely on can fail
  EXPECT_THAT(rally::testing::bad_svg_numbers("<rect x=\"nan\" y=\"1\"/>"), Not(IsEmpty()));
  EXPECT_THAT(rally::testing::bad_svg_numbers("<polyline points=\"1,2 inf,3\"/>"), Not(IsEmpty()));
  EXPECT_THAT(rally::testing::bad_svg_numbers("<text transform=\"translate(1 -nan) rotate(-90)\"/>"), Not(IsEmpty()));
  EXPECT_THAT(rally::testing::bad_svg_numbers("<rect width=\"1e+300\"/>"), Not(IsEmpty()));
  EXPECT_THAT(rally::testing::bad_svg_numbers("<rect x=\"1.5\" y=\"-2\" width=\"3\"/>"), IsEmpty());
}

}  // namespace
}  // namespace rally::metrics
