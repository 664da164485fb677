// Rally's pipeline on files: the rally.collect pre-pass, includes, index bodies, the
// names a track reads from its parameters, the file source seam, and two whole tracks
// (tests/unit/track/template_data) whose expected output was checked against Rally's
// loader running Jinja2 3.1.6.

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/track/template/template.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track::templating {
namespace {

using nlohmann::json;
using rally::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kData = std::string(RALLY_SOURCE_DIR) + "/tests/unit/track/template_data";

RenderOptions options_at_fixed_time() {
  RenderOptions options;
  options.now = 1700000000.5;  // 2023-11-14T22:13:20.5Z
  return options;
}

class TemplatePipelineTest : public ::testing::Test {
 protected:
  RenderResult render_track(const json& params = json::object()) {
    return render_track_file(dir_ / "track.json", file_system_source(), params, options_at_fixed_time());
  }
  std::string text(const json& params = json::object()) { return render_track(params).text; }
  std::string error(const json& params = json::object()) {
    try {
      render_track(params);
    } catch (const RallyError& e) {
      return e.what();
    }
    ADD_FAILURE() << "rendered without an error";
    return {};
  }

  TempDir dir_;
};

TEST_F(TemplatePipelineTest, CollectJoinsSortedPartsWithCommaNewline) {
  dir_.write("track.json", "[{{ rally.collect(parts=\"ops/*.json\") }}]");
  dir_.write("ops/b.json", "{\"b\": 2}\n");
  dir_.write("ops/a.json", "{\"a\": 1}");
  dir_.write("ops/10.json", "10");
  dir_.write("ops/9.json", "9");
  dir_.write("ops/.hidden.json", "{\"hidden\": true}");
  dir_.write("ops/notes.txt", "not json");
  // Sorted as strings ("10" before "9"); hidden files need a pattern starting with '.'.
  EXPECT_EQ(text(), "[10,\n9,\n{\"a\": 1},\n{\"b\": 2}\n]");
}

TEST_F(TemplatePipelineTest, CollectAcceptsEitherQuoteAndAnySpacing) {
  dir_.write("track.json", "[{{rally.collect(parts='p/*.json')}}, {{  rally.collect( parts = \"p/a.json\" )  }}]");
  dir_.write("p/a.json", "1");
  EXPECT_EQ(text(), "[1, 1]");
}

TEST_F(TemplatePipelineTest, CollectIsTextualSoSetsReachThePartsAndPartsNest) {
  dir_.write("track.json",
             "{% import \"rally.helpers\" as rally with context %}{% set n = 3 %}"
             "[{{ rally.collect(parts=\"parts/*.json\") }}]");
  dir_.write("parts/a.json", "{\"a\": {{ n }}, \"sub\": [{{ rally.collect(parts=\"sub/*.json\") }}]}");
  dir_.write("parts/sub/x.json", "{\"x\": {{ n * 2 }}, \"deeper\": [{{ rally.collect(parts=\"deeper/*.json\") }}]}");
  dir_.write("parts/sub/deeper/y.json", "\"{{ n ~ n }}\"");
  EXPECT_EQ(json::parse(text()), json::parse(R"([{"a": 3, "sub": [{"x": 6, "deeper": ["33"]}]}])"));
}

TEST_F(TemplatePipelineTest, CollectMatchingNothingIsAnErrorWithFileAndLine) {
  dir_.write("track.json", "{\n  \"operations\": [\n    {{ rally.collect(parts=\"operations/*.json\") }}\n  ]\n}");
  EXPECT_EQ(error(), dir_ / "track.json" +
                         ":3: rally.collect(parts=\"operations/*.json\") matches no files (looked for " +
                         dir_ / "operations/*.json" + ")");
}

TEST_F(TemplatePipelineTest, ErrorsInsidePartsNameThePartAndItsLine) {
  dir_.write("track.json", "{\n  \"ops\": [\n  {{ rally.collect(parts=\"ops/*.json\") }}\n  ]\n}");
  dir_.write("ops/a.json", "{\"a\": 1}");
  dir_.write("ops/b.json", "{\n  \"b\": {{ missing.attr }}\n}");
  EXPECT_EQ(error(), dir_ / "ops/b.json" + ":2: 'missing' is undefined");
  dir_.write("ops/b.json", "{\n\n  {% macro m() %}{% endmacro %}\n}");
  EXPECT_EQ(error(), dir_ / "ops/b.json" + ":3: unsupported Jinja construct '{% macro %}'");
  dir_.write("ops/b.json", "{}");
  dir_.write("track.json", "{\n  \"ops\": [\n  {{ rally.collect(parts=\"ops/*.json\") }}\n  ]\n, {{ x | sort }}}");
  EXPECT_EQ(error(), dir_ / "track.json" + ":5: unknown filter 'sort'");  // lines after a collect still count
}

TEST_F(TemplatePipelineTest, IncludesResolveAgainstTheTrackDirectory) {
  // Rally's loader is a FileSystemLoader on the track directory: every include name is
  // relative to it, also from collected parts and from included files in subdirectories.
  dir_.write("track.json", "[{% include \"snippets/one.json\" %}, {{ rally.collect(parts=\"parts/*.json\") }}]");
  dir_.write("snippets/one.json", "{\"one\": {% include \"snippets/two.json\" %}}\n");
  dir_.write("snippets/two.json", "2\n");
  dir_.write("parts/p.json", "{% include \"/snippets/two.json\" %}");
  dir_.write("parts/snippets/two.json", "\"wrong directory\"");
  EXPECT_EQ(text(), "[{\"one\": 2}, 2]");  // each included file loses one trailing newline
}

TEST_F(TemplatePipelineTest, IncludeNamesAndMissingTemplates) {
  dir_.write("a/b.json", "B");
  dir_.write("track.json",
             "{% include \"./a//b.json\" %}{% include \"nope.json\" ignore missing %}"
             "{% include [\"nope.json\", \"a/b.json\"] %}");
  EXPECT_EQ(text(), "BB");
  dir_.write("track.json", "\n{% include \"a/../a/b.json\" %}");  // Jinja refuses '..'
  EXPECT_EQ(error(),
            dir_ / "track.json" +
                ":2: template 'a/../a/b.json' not found (Rally looks up includes relative to the track directory)");
}

TEST_F(TemplatePipelineTest, IncludedTemplatesSeeTheIncludersVariablesButDoNotLeakTheirs) {
  dir_.write("inc.json", "I{{ x }}{{ i }}{% set z = 9 %}{{ z }}{{ loop is defined }}");
  dir_.write("track.json",
             "{% set x = 1 %}{% for i in [5] %}[{% include \"inc.json\" %}]{% endfor %}{{ z }}|"
             "{% for i in [6] %}{{ loop.index }}[{% include \"inc.json\" %}]{% endfor %}|"
             "{% set x = 2 %}[{% include \"inc.json\" without context %}]");
  // `loop` reaches the include only when the loop body itself mentions it (Jinja's rule).
  EXPECT_EQ(text({{"x", 0}}), "[I159False]|1[I169True]|[I09False]");
}

TEST_F(TemplatePipelineTest, ErrorsInsideIncludesNameTheIncludedFile) {
  dir_.write("inc.json", "\n\n{{ 1 // 0 }}");
  dir_.write("track.json", "x\n{% include \"inc.json\" %}");
  EXPECT_EQ(error(),
            dir_ / "inc.json" + ":3: integer division or modulo by zero (included from " + dir_ / "track.json" + ":2)");
}

TEST_F(TemplatePipelineTest, ReferencedGlobalsFollowRallysStaticAnalysis) {
  dir_.write("inc.json", "{{ only_in_include }}");
  dir_.write("track.json",
             "{% import \"rally.helpers\" as rally with context %}"
             "{% set local = 1 %}{{ local }}{{ rally.exists_set_param(\"a\", p1) }}"
             "{% if p2 is defined %}{{ p3 }}{% endif %}"   // untaken branches count
             "{% if c %}{% set from_if = 1 %}{% endif %}"  // set only in a branch: may come from outside
             "{% for i in range(n) %}{{ i }}{{ loop.index }}{{ j }}{% set j = 2 %}{% endfor %}"
             "{{ build_flavor }}{{ now }}{{ serverless_operator }}"  // Rally's globals are not parameters
             "{% include \"inc.json\" ignore missing %}");           // includes are not analyzed
  EXPECT_THAT(render_track({{"n", 2}}).referenced_globals, ElementsAre("c", "from_if", "j", "n", "p1", "p2", "p3"));
}

TEST_F(TemplatePipelineTest, IndexBodiesUseRallysSmallerEnvironment) {
  dir_.write("track.json", "{}");
  dir_.write(
      "mappings/index.json",
      "{% import \"rally.helpers\" as rally %}{\"shards\": {{ shards | default(1) }}"
      "{{ rally.exists_set_param(\"codec\", codec) }}, \"flavor\": \"{{ build_flavor }}\", \"now\": \"{{ now }}\","
      " \"parts\": [{{ rally.collect(parts=\"mappings/parts/*.json\") }}]}");
  dir_.write("mappings/parts/p.json", "{{ shards * 2 }}");
  auto result = render_index_body(dir_ / "mappings/index.json", dir_.str(), file_system_source(),
                                  json{{"shards", 2}, {"codec", "best_compression"}}, options_at_fixed_time());
  // No `now` there (it prints as undefined), and collect globs from the track directory.
  EXPECT_EQ(json::parse(result.text),
            json::parse(R"({"shards": 2, "codec": "best_compression", "flavor": "default", "now": "", "parts": [4]})"));
  EXPECT_THAT(result.referenced_globals, ElementsAre("codec", "shards"));

  dir_.write("body.json", "\n{{ '01-01-2020' | days_ago(now) }}");
  EXPECT_THROW(
      {
        try {
          render_index_body(dir_ / "body.json", dir_.str(), file_system_source(), json::object(), {});
        } catch (const RallyError& e) {
          EXPECT_EQ(std::string(e.what()), dir_ / "body.json" + ":2: unknown filter 'days_ago'");
          throw;
        }
      },
      RallyError);
}

TEST_F(TemplatePipelineTest, FilesAreReadThroughTheSourceSoTheyCanBeRecordedAndReplayed) {
  dir_.write("track.json", "[{{ rally.collect(parts=\"p/*.json\") }}, {% include \"i.json\" %}]");
  dir_.write("p/a.json", "{{ v }}");
  dir_.write("i.json", "\"inc\"");
  std::map<std::string, std::string> files;
  std::map<std::string, std::vector<std::string>> globs;
  TemplateSource disk = file_system_source();
  TemplateSource recording{[&](const std::string& path) {
                             auto text = disk.read(path);
                             if (text) files[path] = *text;
                             return text;
                           },
                           [&](const std::string& pattern) { return globs[pattern] = disk.glob(pattern); }};
  auto first = render_track_file(dir_ / "track.json", recording, json{{"v", 1}}, {});
  EXPECT_EQ(first.text, "[1, \"inc\"]");
  EXPECT_EQ(files.size(), 3U);

  // Another host renders from the recording alone.
  TemplateSource replay{[&](const std::string& path) -> std::optional<std::string> {
                          auto it = files.find(path);
                          if (it == files.end()) return std::nullopt;
                          return it->second;
                        },
                        [&](const std::string& pattern) { return globs.at(pattern); }};
  std::filesystem::remove_all(dir_.path());
  EXPECT_EQ(render_track_file(dir_ / "track.json", replay, json{{"v", 1}}, {}).text, first.text);
}

TEST_F(TemplatePipelineTest, FilesMustBeUtf8AndNewlinesAreNormalized) {
  dir_.write("track.json", "{\"a\": \"\xff\"}");
  EXPECT_EQ(error(), dir_ / "track.json" + ": the file is not valid UTF-8 text");
  dir_.write("track.json", "{\r\n\"a\": {{ x }}\r\n}\r\n");
  EXPECT_EQ(text({{"x", 1}}), "{\n\"a\": 1\n}");
}

TEST(TemplateFixtures, FullTrackRendersToTheExpectedJson) {
  json params = {{"index_names", {"alpha", "beta"}}, {"shard_count", "4"},     {"ratio", 0.25}, {"mode", "Fast"},
                 {"shard_map", {{"logs", 6}}},       {"ingest_percentage", 50}};
  auto result = render_track_file(kData + "/full/track.json", file_system_source(), params, options_at_fixed_time());
  std::ifstream expected(kData + "/full/expected.json");
  EXPECT_EQ(json::parse(result.text), json::parse(expected));
  EXPECT_THAT(result.referenced_globals,
              ElementsAre("bulk_size", "clients", "index_count", "index_names", "ingest_percentage", "missing", "mode",
                          "pipeline", "ratio", "shard_count", "shard_map"));

  auto body = render_index_body(kData + "/full/index.json", kData + "/full", file_system_source(),
                                json{{"shard_count", "2"}, {"codec", "best_compression"}}, {});
  EXPECT_EQ(json::parse(body.text), json::parse(R"({"settings": {"index.number_of_shards": 2,
      "index.codec": "best_compression"}, "mappings": {"properties": {"message": {"type": "match_only_text"}}}})"));
}

TEST(TemplateFixtures, FullTrackWithoutParamsFailsWhereRallyFails) {
  try {
    render_track_file(kData + "/full/track.json", file_system_source(), json::object(), options_at_fixed_time());
    ADD_FAILURE() << "rendered without an error";
  } catch (const RallyError& e) {
    EXPECT_EQ(std::string(e.what()), kData + "/full/track.json:34: 'shard_map' is undefined");
  }
}

TEST(TemplateFixtures, SmallTrackRendersToTheExpectedText) {
  auto result = render_track_file(kData + "/small/track.json", file_system_source(), json::object(), {});
  std::string expected = rally::testing::read_file(kData + "/small/expected.txt");
  // Jinja drops the template's one trailing newline; the expected file keeps its own.
  EXPECT_EQ(result.text + "\n", expected);
}

}  // namespace
}  // namespace rally::track::templating
