#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rally/metrics/report.hpp"
#include "rally/metrics/task_result.hpp"

#include "metrics/markup.hpp"
#include "unit/metrics/markup_checks.hpp"
#include "unit/temp_dir.hpp"

namespace rally::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The fixed input of golden/report.html: a bulk task with a ten-second series, a verdict and
// errors; a search task whose name needs escaping, with one second and latencies spanning
// decades; a failed administrative task without samples; a hidden one.
RaceReport html_report() {
  RaceReport report;
  report.meta = ReportMeta{"2b7c5e7e-0000-4000-8000-000000000002",
                           "2026-11-29T02:00:00Z",
                           "success",
                           "tiny",
                           "append-and-search",
                           "opensearch",
                           "2.19.6",
                           {{"intention", "golden <html>"}, {"env", "ci & \"nightly\""}},
                           {"generated a synthetic corpus"}};
  report.cluster = {{"indexing_total_time", "Cumulative indexing time of primary shards", 1.25, "min"},
                    {"segments_count", "Segment count", 42, ""}};

  TaskResult bulk;
  bulk.task = "index-append";
  bulk.operation = "index-append";
  bulk.operation_type = "bulk";
  bulk.throughput_unit = "docs/s";
  bulk.throughput = ThroughputStats{9000, 10250.5, 10300, 11000};
  bulk.latency = {{50, 10.5}, {90, 20.25}, {99, 48}, {100, 131}};
  bulk.service_time = {{50, 9.75}, {90, 19}, {99, 45.5}, {100, 130.125}};
  bulk.processing_time = {{50, 11}, {90, 21.5}, {99, 50}, {100, 132}};
  bulk.requests = 1000;
  bulk.warmup_requests = 100;
  bulk.failed_requests = 3;
  bulk.total_weight = 100000;
  bulk.failed_weight = 250;
  bulk.error_rate = 0.3;
  bulk.duration_s = 9.8;
  bulk.errors_by_class = {{"bulk", 2}, {"http", 1}};
  bulk.errors_by_kind = {{"HTTP 429 es_rejected_execution_exception", 1}, {"mapper_parsing_exception", 2}};
  bulk.target_throughput = 120;
  bulk.achieved_ops_per_s = 102.04;
  bulk.schedule_lag = {{50, 0.5}, {90, 120}, {100, 400}};
  bulk.driver_load = DriverLoad{41.5, 97.25, {{50, 0.05}, {100, 12.5}}};
  bulk.verdicts = {{"target-throughput-missed", "achieved 102 ops/s of the target 120 ops/s (-15%)"}};
  for (int s = 1; s <= 10; ++s) {
    SecondStats second{s, 100, static_cast<std::uint64_t>(9000 + 250 * (s % 5)), 2500000, {}, std::nullopt};
    if (s > 1) second.cumulative_throughput = 9800 + 50.0 * s;
    if (s == 4) second.errors = {{"http", 1}};
    bulk.per_second.push_back(second);
  }
  report.results.push_back(bulk);

  TaskResult hidden;  // an administrative task that did not fail is not reported
  hidden.task = "delete-index";
  hidden.operation = "delete-index";
  hidden.operation_type = "delete-index";
  hidden.include_in_reporting = false;
  hidden.requests = 1;
  report.results.push_back(hidden);

  TaskResult failed_admin;  // ... unless it failed
  failed_admin.task = "create-index";
  failed_admin.operation = "create-index";
  failed_admin.operation_type = "create-index";
  failed_admin.include_in_reporting = false;
  failed_admin.latency = {{100, 2.5}};
  failed_admin.service_time = {{100, 2.25}};
  failed_admin.requests = 1;
  failed_admin.failed_requests = 1;
  failed_admin.error_rate = 100;
  failed_admin.errors_by_class = {{"http", 1}};
  failed_admin.errors_by_kind = {{"HTTP 400 resource_already_exists_exception", 1}};
  report.results.push_back(failed_admin);

  TaskResult search;
  search.task = "<term> & \"quoted\" 'name'";
  search.operation = "term";
  search.operation_type = "search";
  search.throughput = ThroughputStats{95, 95, 95, 95};
  search.latency = {{50, 1.5}, {90, 2}, {99, 3}, {99.9, 40}, {99.99, 900}, {100, 2500}};
  search.service_time = {{50, 1.25}, {90, 1.75}, {99, 2.75}, {99.9, 38}, {99.99, 880}, {100, 2450}};
  search.requests = 10000;
  search.total_weight = 10000;
  search.duration_s = 1.2;
  search.per_second = {SecondStats{0, 95, 95, 0, {}, 95.0}};
  report.results.push_back(search);
  return report;
}

std::string golden_path() { return std::string(RALLY_SOURCE_DIR) + "/tests/unit/metrics/golden/report.html"; }

TEST(ReportHtml, MatchesTheGoldenFile) {
  auto actual = format_html(html_report());
  if (std::getenv("RALLY_UPDATE_GOLDEN")) {  // regenerate after a deliberate change, then review the diff
    std::ofstream(golden_path()) << actual;
  }
  auto expected = rally::testing::read_file(golden_path());
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(actual, expected);
}

TEST(ReportHtml, ShowsTheRace) {
  auto html = format_html(html_report());
  for (const char* text : {"2b7c5e7e-0000-4000-8000-000000000002", "2026-11-29T02:00:00Z", "tiny", "append-and-search",
                           "opensearch 2.19.6", "success", "generated a synthetic corpus",
                           "intention=golden &lt;html&gt;", "env=ci &amp; &quot;nightly&quot;"}) {
    EXPECT_THAT(html, HasSubstr(text));
  }
  EXPECT_THAT(html, Not(HasSubstr("This race failed")));
}

TEST(ReportHtml, AFailedRaceSaysSoFirst) {
  auto report = html_report();
  report.meta.status = "failed";
  auto html = format_html(report);
  auto banner = html.find("This race failed");
  ASSERT_NE(banner, std::string::npos);
  EXPECT_LT(banner, html.find("id=\"summary\""));
}

TEST(ReportHtml, HasEverySummaryRowOfTheMarkdownReport) {
  auto report = html_report();
  ReportOptions options;
  options.latency_percentiles = {50, 99};
  auto html = format_html(report, options);
  auto summary = html.substr(html.find("id=\"summary\""));
  summary = summary.substr(0, summary.find("</section>"));
  const auto lines = report_lines(report.results, options, report.cluster);
  ASSERT_FALSE(lines.empty());
  std::size_t at = 0;
  for (const auto& l : lines) {  // in the same order
    auto cells = "<td>" + escape_markup(l.metric) + "</td><td>" + escape_markup(l.task) + "</td><td class=\"num\">" +
                 escape_markup(l.value) + "</td><td>" + escape_markup(l.unit) + "</td>";
    auto found = summary.find(cells, at);
    ASSERT_NE(found, std::string::npos) << cells;
    at = found;
  }
  std::size_t rows = 0;
  for (auto p = summary.find("<tr"); p != std::string::npos; p = summary.find("<tr", p + 1)) ++rows;
  EXPECT_EQ(rows, lines.size() + 1);  // and the header, nothing else
  EXPECT_THAT(summary, HasSubstr("Cumulative indexing time of primary shards"));
  EXPECT_THAT(summary, Not(HasSubstr("90th percentile")));  // the options apply
}

TEST(ReportHtml, VerdictsComeBeforeTheSummary) {
  auto html = format_html(html_report());
  auto verdict = html.find("achieved 102 ops/s of the target 120 ops/s (-15%)");
  ASSERT_NE(verdict, std::string::npos);
  EXPECT_LT(verdict, html.find("id=\"summary\""));
  EXPECT_THAT(html, HasSubstr("data-kind=\"target-throughput-missed\""));

  auto report = html_report();
  for (auto& r : report.results) r.verdicts.clear();
  EXPECT_THAT(format_html(report), Not(HasSubstr("id=\"verdicts\"")));
}

TEST(ReportHtml, ErrorsByClassAndKindPerTask) {
  auto html = format_html(html_report());
  auto errors = html.substr(html.find("id=\"errors\""));
  errors = errors.substr(0, errors.find("</section>"));
  EXPECT_THAT(errors, HasSubstr("3 of 1,000 requests failed (bulk: 2, http: 1); 250 documents failed."));
  EXPECT_THAT(errors, HasSubstr("<td>mapper_parsing_exception</td><td class=\"num\">2</td>"));
  EXPECT_THAT(errors, HasSubstr("<td>HTTP 429 es_rejected_execution_exception</td><td class=\"num\">1</td>"));
  EXPECT_THAT(errors, HasSubstr("<h3>create-index</h3>"));
  EXPECT_THAT(errors, Not(HasSubstr("&lt;term&gt;")));  // no errors

  auto report = html_report();
  for (auto& r : report.results) {
    r.failed_requests = 0;
    r.errors_by_kind.clear();
  }
  EXPECT_THAT(format_html(report), Not(HasSubstr("id=\"errors\"")));
}

TEST(ReportHtml, TwoChartsPerReportedTask) {
  auto html = format_html(html_report());
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto p = html.find(what); p != std::string::npos; p = html.find(what, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<section class=\"task\""), 3u);  // delete-index is not reported
  EXPECT_EQ(count("<svg class=\"chart\""), 6u);
  EXPECT_EQ(count("aria-label=\"Throughput over time\""), 3u);
  EXPECT_EQ(count("aria-label=\"Latency percentiles\""), 3u);
  EXPECT_EQ(count("no per-second series stored for this task"), 1u);  // create-index has none
  EXPECT_THAT(html, Not(HasSubstr(">delete-index")));
}

TEST(ReportHtml, EscapesEveryText) {
  auto html = format_html(html_report());
  EXPECT_THAT(html, Not(HasSubstr("<term>")));
  EXPECT_THAT(html, HasSubstr("&lt;term&gt; &amp; &quot;quoted&quot; &#39;name&#39;"));
  const std::set<std::string> allowed = {"!DOCTYPE", "html", "head", "meta",  "title", "style",    "body",    "section",
                                         "h1",       "h2",   "h3",   "small", "div",   "strong",   "table",   "thead",
                                         "tbody",    "tr",   "th",   "td",    "ul",    "li",       "p",       "span",
                                         "footer",   "svg",  "rect", "text",  "line",  "polyline", "polygon", "circle"};
  for (const auto& name : rally::testing::tag_names(html)) EXPECT_TRUE(allowed.count(name)) << name;

  auto report = html_report();
  report.results[0].task = "</svg><script>alert(1)</script>";
  report.results[0].verdicts[0].message = "<img src=x onerror=alert(1)>";
  report.meta.notes = {"</style><iframe src=\"http://example.com\">"};
  auto hostile = format_html(report);
  for (const auto& name : rally::testing::tag_names(hostile)) EXPECT_TRUE(allowed.count(name)) << name;
  EXPECT_THAT(rally::testing::external_references(hostile), IsEmpty());
}

TEST(ReportHtml, NeedsNothingFromElsewhere) {
  auto html = format_html(html_report());
  EXPECT_THAT(rally::testing::external_references(html), IsEmpty());
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
}

TEST(ReportHtml, TheReferenceCheckFindsReferences) {  // the check above can fail
  using rally::testing::external_references;
  EXPECT_THAT(external_references("<img src=\"http://x/a.png\">"), Not(IsEmpty()));
  EXPECT_THAT(external_references("<script src='a.js'></script>"), Not(IsEmpty()));
  EXPECT_THAT(external_references("<link rel=stylesheet href=a.css>"), Not(IsEmpty()));
  EXPECT_THAT(external_references("<style>@import 'a.css';</style>"), Not(IsEmpty()));
  EXPECT_THAT(external_references("<style>body { background: url(a.png) }</style>"), Not(IsEmpty()));
  EXPECT_THAT(external_references("<div style=\"background: url(a.png)\">"), Not(IsEmpty()));
  EXPECT_THAT(external_references("<svg><image xlink:href=\"a.png\"/></svg>"), Not(IsEmpty()));
  EXPECT_THAT(external_references("<img src=\"data:image/png;base64,AAAA\"><a href=\"#task-1\">"), IsEmpty());
  EXPECT_THAT(external_references("<p>see http://example.com &lt;img src=x&gt;</p>"), IsEmpty());  // text only
}

TEST(ReportHtml, NoNaNOrInfinityEvenFromBadNumbers) {
  auto report = html_report();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  auto& bulk = report.results[0];
  bulk.latency = {{50, nan}, {90, inf}, {100, 1e300}};
  bulk.service_time = {{nan, 3}, {100, -inf}};
  bulk.per_second[2].cumulative_throughput = nan;
  bulk.per_second[3].cumulative_throughput = inf;
  bulk.per_second[4].weight = std::numeric_limits<std::uint64_t>::max();
  auto html = format_html(report);
  EXPECT_THAT(rally::testing::bad_svg_numbers(html), IsEmpty());
  // The charts' markup never shows them (the summary table prints what format_number gives).
  auto tasks = html.substr(html.find("id=\"tasks\""));
  tasks = tasks.substr(tasks.find("<svg"));
  for (const char* word : {"nan", "NaN", "inf\"", ">inf", "-inf"}) EXPECT_THAT(tasks, Not(HasSubstr(word))) << word;
}

TEST(ReportHtml, EmptyReportIsStillAPage) {
  auto html = format_html(RaceReport{});
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("</html>"));
  EXPECT_THAT(html, Not(HasSubstr("<svg")));
  EXPECT_THAT(rally::testing::external_references(html), IsEmpty());
}

}  // namespace
}  // namespace rally::metrics
