// The operation types beyond bulk and search: each parses into its typed parameters, and each
// bad input fails naming the file and the JSON path.

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/track/track_loader.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track {
namespace {

using rally::testing::TempDir;
using ::testing::HasSubstr;

class OperationParserTest : public ::testing::Test {
 protected:
  OperationParserTest() {
    dir_.write("t/legacy.json", R"({"index_patterns": ["logs-*"], "settings": {"number_of_shards": 1}})");
    dir_.write("t/composable.json", R"({"index_patterns": ["metrics-*"], "data_stream": {}, "template": {}})");
    dir_.write("t/component.json", R"({"template": {"mappings": {}}})");
  }

  // A track with one index, one template of each kind and a data stream; `operations` is
  // the operations array, and the schedule runs the first one.
  std::string track(const std::string& operations) const {
    return R"({
  "indices": [{"name": "idx"}],
  "templates": [{"name": "legacy", "index-pattern": "logs-*", "template": "legacy.json"}],
  "composable-templates": [{"name": "comp", "index-pattern": "metrics-*", "template": "composable.json",
                            "delete-matching-indices": false}],
  "component-templates": [{"name": "part", "template": "component.json"}],
  "data-streams": [{"name": "metrics-a"}],
  "operations": )" +
           operations + R"(,
  "schedule": [{"operation": "op"}]
})";
  }

  Operation load(const std::string& op) {
    dir_.write("t/track.json", track("[" + op + "]"));
    auto loaded = load_track(dir_ / "t");
    return loaded.challenges.at(0).schedule.at(0).tasks.at(0).operation;
  }

  std::string error(const std::string& op) {
    dir_.write("t/track.json", track("[" + op + "]"));
    try {
      load_track(dir_ / "t");
    } catch (const RallyError& e) {
      return e.what();
    }
    ADD_FAILURE() << "the track loaded without error";
    return {};
  }

  std::string file() const { return dir_ / "t/track.json"; }

  TempDir dir_;
};

TEST_F(OperationParserTest, RawRequest) {
  auto op = load(R"({"name": "op", "operation-type": "raw-request", "method": "post", "path": "/_cluster/reroute",
                     "body": {"commands": []}, "request-params": {"dry_run": true}, "headers": {"X-A": "b"}})");
  EXPECT_EQ(op.type, OperationType::raw_request);
  EXPECT_TRUE(op.include_in_reporting);
  const auto& p = std::get<RawRequestParams>(op.params);
  EXPECT_EQ(p.method, "POST");
  EXPECT_EQ(p.path, "/_cluster/reroute");
  EXPECT_EQ(p.body, R"({"commands":[]})");
  ASSERT_EQ(p.request_params.size(), 1u);
  EXPECT_EQ(p.request_params[0].second, "true");
  ASSERT_EQ(op.headers.size(), 1u);
  EXPECT_EQ(std::get<RawRequestParams>(load(R"({"name": "op", "operation-type": "raw-request", "path": "/",
                                                "body": "text"})")
                                           .params)
                .body,
            "text");
  EXPECT_EQ(
      std::get<RawRequestParams>(load(R"({"name": "op", "operation-type": "raw-request", "path": "/"})").params).method,
      "GET");
}

TEST_F(OperationParserTest, RawRequestErrors) {
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "raw-request"})"),
              HasSubstr(file() + ": operations[0]: the property 'path' is required"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "raw-request", "path": "_search"})"),
              HasSubstr(file() + ": operations[0].path: expected a path starting with '/'"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "raw-request", "path": "/", "method": "FETCH"})"),
              HasSubstr("operations[0].method: 'FETCH' is not one of GET"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "raw-request", "path": "/", "body": 3})"),
              HasSubstr("operations[0].body: expected an object, array or string but got number 3"));
}

TEST_F(OperationParserTest, Sleep) {
  auto op = load(R"({"name": "op", "operation-type": "sleep", "duration": 0.5})");
  EXPECT_EQ(std::get<SleepParams>(op.params).duration_s, 0.5);
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "sleep"})"),
              HasSubstr(file() + ": operations[0]: the property 'duration' is required"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "sleep", "duration": "1s"})"),
              HasSubstr(file() + ": operations[0].duration: expected a number"));
}

TEST_F(OperationParserTest, PipelineAndSettings) {
  auto op = load(R"({"name": "op", "operation-type": "put-pipeline", "id": "p1", "body": {"processors": []}})");
  EXPECT_FALSE(op.include_in_reporting);
  EXPECT_EQ(std::get<PutPipelineParams>(op.params).id, "p1");
  EXPECT_EQ(std::get<PutPipelineParams>(op.params).body, R"({"processors":[]})");
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "put-pipeline", "body": {}})"),
              HasSubstr("operations[0]: the property 'id' is required"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "put-pipeline", "id": "p", "body": []})"),
              HasSubstr("operations[0].body: expected an object but got array"));
  auto settings = load(R"({"name": "op", "operation-type": "put-settings", "body": {"persistent": {}}})");
  EXPECT_EQ(std::get<PutSettingsParams>(settings.params).body, R"({"persistent":{}})");
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "put-settings"})"),
              HasSubstr("operations[0]: the property 'body' is required"));
}

TEST_F(OperationParserTest, CreateTemplatesMergeSettings) {
  auto legacy = std::get<TemplateParams>(
      load(R"({"name": "op", "operation-type": "create-index-template", "settings": {"number_of_replicas": 0}})")
          .params);
  ASSERT_EQ(legacy.templates.size(), 1u);
  EXPECT_EQ(legacy.templates[0].name, "legacy");
  auto body = nlohmann::json::parse(legacy.templates[0].body);
  EXPECT_EQ(body["settings"]["number_of_shards"], 1);
  EXPECT_EQ(body["settings"]["number_of_replicas"], 0);

  auto composable = std::get<TemplateParams>(
      load(R"({"name": "op", "operation-type": "create-composable-template", "template": "comp",
               "settings": {"number_of_replicas": 0}})")
          .params);
  ASSERT_EQ(composable.templates.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(composable.templates[0].body)["template"]["settings"]["number_of_replicas"], 0);

  auto component =
      std::get<TemplateParams>(load(R"({"name": "op", "operation-type": "create-component-template"})").params);
  ASSERT_EQ(component.templates.size(), 1u);
  EXPECT_EQ(component.templates[0].name, "part");

  auto inline_template = std::get<TemplateParams>(
      load(R"({"name": "op", "operation-type": "create-composable-template", "template": "other",
               "body": {"index_patterns": ["x-*"]}})")
          .params);
  EXPECT_EQ(inline_template.templates.at(0).name, "other");
}

TEST_F(OperationParserTest, DeleteTemplatesAndMatchingIndices) {
  auto legacy = std::get<TemplateParams>(load(R"({"name": "op", "operation-type": "delete-index-template"})").params);
  ASSERT_EQ(legacy.templates.size(), 1u);
  EXPECT_TRUE(legacy.templates[0].delete_matching_indices);  // the track's default
  EXPECT_EQ(legacy.templates[0].index_pattern, "logs-*");
  auto composable =
      std::get<TemplateParams>(load(R"({"name": "op", "operation-type": "delete-composable-template"})").params);
  EXPECT_FALSE(composable.templates.at(0).delete_matching_indices);  // the template says false
  auto overridden = std::get<TemplateParams>(
      load(R"({"name": "op", "operation-type": "delete-composable-template", "delete-matching-indices": true})")
          .params);
  EXPECT_TRUE(overridden.templates.at(0).delete_matching_indices);
}

TEST_F(OperationParserTest, TemplateErrors) {
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "create-index-template", "template": "nope"})"),
              HasSubstr(file() + ": operations[0].template: unknown template 'nope' (not in the track's 'templates')"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "delete-composable-template", "template": "legacy"})"),
              HasSubstr("operations[0].template: unknown template 'legacy' (not in the track's "
                        "'composable-templates')"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "create-index-template", "settings": 1})"),
              HasSubstr("operations[0].settings: expected an object but got number 1"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "delete-component-template",
                        "delete-matching-indices": true})"),
              HasSubstr("operations[0].delete-matching-indices: component templates have no indices to delete"));
}

TEST_F(OperationParserTest, DataStreams) {
  auto all = std::get<DataStreamParams>(load(R"({"name": "op", "operation-type": "create-data-stream"})").params);
  EXPECT_EQ(all.data_streams, std::vector<std::string>{"metrics-a"});
  auto one = load(R"({"name": "op", "operation-type": "delete-data-stream", "data-stream": "metrics-a"})");
  EXPECT_EQ(one.type, OperationType::delete_data_stream);
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "delete-data-stream", "data-stream": "nope"})"),
              HasSubstr(file() + ": operations[0].data-stream: unknown data stream 'nope'"));
}

TEST_F(OperationParserTest, SearchVariants) {
  auto scroll = load(R"({"name": "op", "operation-type": "scroll-search", "pages": "all", "results-per-page": 100})");
  EXPECT_EQ(scroll.type, OperationType::scroll_search);
  EXPECT_EQ(std::get<SearchParams>(scroll.params).pages, SearchParams::all_pages);
  EXPECT_EQ(std::get<SearchParams>(scroll.params).index, "idx");
  auto detailed = load(R"({"name": "op", "operation-type": "search", "detailed-results": true, "cache": true})");
  EXPECT_TRUE(std::get<SearchParams>(detailed.params).detailed_results);
  auto paged = load(R"({"name": "op", "operation-type": "paginated-search", "pages": 3, "results-per-page": 10,
                        "body": {"sort": [{"n": "asc"}]}})");
  EXPECT_EQ(std::get<SearchParams>(paged.params).pages, 3u);
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "scroll-search", "results-per-page": 10})"),
              HasSubstr(file() + ": operations[0]: 'pages' is required"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "paginated-search", "pages": 2})"),
              HasSubstr("operations[0]: the property 'results-per-page' is required"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "scroll-search", "pages": "some", "results-per-page": 1})"),
              HasSubstr("operations[0].pages: expected an integer >= 1 or \"all\""));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "paginated-search", "pages": 1, "results-per-page": 1,
                        "with-point-in-time-from": "pit"})"),
              HasSubstr("operations[0].with-point-in-time-from: a point in time is only available inside a composite"));
}

TEST_F(OperationParserTest, ForceMergeModes) {
  auto polling = load(R"({"name": "op", "operation-type": "force-merge", "mode": "polling", "poll-period": 0.5})");
  EXPECT_TRUE(std::get<ForceMergeParams>(polling.params).polling);
  EXPECT_EQ(std::get<ForceMergeParams>(polling.params).poll_period_s, 0.5);
  EXPECT_FALSE(std::get<ForceMergeParams>(load(R"({"name": "op", "operation-type": "force-merge"})").params).polling);
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "force-merge", "mode": "eager"})"),
              HasSubstr(file() + ": operations[0].mode: 'eager' is not one of blocking, polling"));
}

TEST_F(OperationParserTest, CompositeWithStreamsAndPointInTime) {
  auto op = load(R"({"name": "op", "operation-type": "composite", "requests": [
      {"name": "pit", "operation-type": "open-point-in-time", "index": "idx"},
      {"stream": [{"operation-type": "paginated-search", "with-point-in-time-from": "pit", "pages": 2,
                   "results-per-page": 5}]},
      {"stream": [{"operation-type": "sleep", "duration": 0.1}, {"operation-type": "raw-request", "path": "/"}]},
      {"operation-type": "close-point-in-time", "with-point-in-time-from": "pit"}]})");
  const auto& p = std::get<CompositeParams>(op.params);
  ASSERT_EQ(p.requests.size(), 4u);
  ASSERT_TRUE(p.requests[0].operation);
  EXPECT_EQ(p.requests[0].operation->type, OperationType::open_point_in_time);
  EXPECT_EQ(std::get<OpenPointInTimeParams>(p.requests[0].operation->params).keep_alive, "1m");
  EXPECT_FALSE(p.requests[1].operation);
  ASSERT_EQ(p.requests[1].stream.size(), 1u);
  const auto& search = std::get<SearchParams>(p.requests[1].stream[0].operation->params);
  EXPECT_EQ(search.pit_from, "pit");
  EXPECT_TRUE(search.index.empty());
  EXPECT_EQ(p.requests[2].stream.size(), 2u);
  EXPECT_EQ(p.requests[3].operation->type, OperationType::close_point_in_time);
}

TEST_F(OperationParserTest, CompositeErrors) {
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "composite", "requests": [
                          {"operation-type": "bulk", "bulk-size": 1}]})"),
              HasSubstr(file() + ": operations[0].requests[0].operation-type: 'bulk' is not allowed in a composite"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "composite", "requests": [{"stream": [{"x": 1}]}]})"),
              HasSubstr("operations[0].requests[0].stream[0]: a composite request needs 'stream' or 'operation-type'"));
  EXPECT_THAT(
      error(R"({"name": "op", "operation-type": "composite", "requests": [
                          {"operation-type": "close-point-in-time", "with-point-in-time-from": "p"}]})"),
      HasSubstr("operations[0].requests[0].with-point-in-time-from: no open-point-in-time operation named 'p'"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "composite", "requests": [
                          {"operation-type": "open-point-in-time", "index": "idx"}]})"),
              HasSubstr("operations[0].requests[0]: 'name' is required"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "open-point-in-time", "index": "idx"})"),
              HasSubstr(file() + ": operations[0]: open-point-in-time is only allowed inside a composite operation"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "composite"})"),
              HasSubstr("operations[0]: the property 'requests' is required"));
}

TEST_F(OperationParserTest, Assertions) {
  auto op = load(R"({"name": "op", "operation-type": "search", "assertions": [
      {"property": "hits.total.value", "condition": ">=", "value": 1},
      {"property": "timed_out", "condition": "==", "value": false}]})");
  ASSERT_EQ(op.assertions.size(), 2u);
  EXPECT_EQ(op.assertions[0].property, "hits.total.value");
  EXPECT_EQ(op.assertions[0].condition, AssertionCondition::ge);
  EXPECT_EQ(op.assertions[1].value, false);
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "search", "assertions": [
                          {"property": "took", "condition": "~", "value": 1}]})"),
              HasSubstr(file() + ": operations[0].assertions[0].condition: '~' is not one of ==, >, >=, <, <="));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "search", "assertions": [{"condition": "==", "value": 1}]})"),
              HasSubstr("operations[0].assertions[0]: the property 'property' is required"));
  EXPECT_THAT(error(R"({"name": "op", "operation-type": "search", "assertions": {}})"),
              HasSubstr("operations[0].assertions: expected an array"));
}

}  // namespace
}  // namespace rally::track
