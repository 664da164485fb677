#include "rally/track/track_loader.hpp"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"

#include "unit/temp_dir.hpp"

namespace rally::track {
namespace {

LoadOptions test_mode_options() {
  LoadOptions options;
  options.test_mode = true;
  return options;
}

using rally::testing::TempDir;
using ::testing::HasSubstr;

// A track around `rest` (the challenges/schedule part), with one index and one corpus.
std::string track_with(const std::string& rest, const std::string& operations = "[]") {
  return R"({
  "indices": [{"name": "idx"}],
  "corpora": [{"name": "c", "documents": [{"source-file": "docs.json", "document-count": 10}]}],
  "operations": )" +
         operations + ",\n" + rest + "\n}";
}

const std::string kOps = R"([
    {"name": "search-all", "operation-type": "search", "body": {"query": {"match_all": {}}}},
    {"name": "bulk-it", "operation-type": "bulk", "bulk-size": 5}
  ])";

std::string load_error(const std::string& path) {
  try {
    load_track(path);
  } catch (const RallyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the track loaded without error";
  return {};
}

class TrackLoaderTest : public ::testing::Test {
 protected:
  Track load(const std::string& text, LoadOptions options = {}) {
    dir_.write("mytrack/track.json", text);
    return load_track(dir_ / "mytrack", options);
  }
  std::string error(const std::string& text) {
    dir_.write("mytrack/track.json", text);
    return load_error(dir_ / "mytrack");
  }
  std::string track_file() const { return dir_ / "mytrack/track.json"; }

  TempDir dir_;
};

TEST(TinyTrack, LoadsTheShippedTrack) {
  auto track = load_track(std::string(RALLY_SOURCE_DIR) + "/tests/tracks/tiny");
  EXPECT_EQ(track.name, "tiny");
  ASSERT_EQ(track.indices.size(), 1u);
  EXPECT_EQ(track.indices[0].name, "tiny");
  EXPECT_TRUE(nlohmann::json::parse(track.indices[0].body).is_object());
  ASSERT_EQ(track.corpora.size(), 1u);
  ASSERT_EQ(track.corpora[0].documents.size(), 1u);
  EXPECT_EQ(track.corpora[0].documents[0].document_count, 1000u);
  EXPECT_EQ(track.corpora[0].documents[0].target_index, "tiny");
  EXPECT_EQ(track.corpora[0].documents[0].source_file, "documents.json");

  ASSERT_EQ(track.challenges.size(), 1u);
  const auto& challenge = track.find_challenge("");
  EXPECT_EQ(challenge.name, "append-and-search");
  EXPECT_TRUE(challenge.is_default);
  ASSERT_EQ(challenge.schedule.size(), 7u);

  const auto& parallel = challenge.schedule[6].tasks;
  ASSERT_EQ(parallel.size(), 2u);
  EXPECT_EQ(parallel[0].name, "country-term-a");
  EXPECT_EQ(parallel[0].clients, 1u);
  EXPECT_EQ(parallel[1].name, "country-term-b");
  EXPECT_EQ(parallel[1].clients, 2u);
  for (const auto& task : parallel) {
    EXPECT_EQ(task.warmup_iterations, 10u) << task.name;
    EXPECT_EQ(task.iterations, 50u) << task.name;
    EXPECT_EQ(task.operation.type, OperationType::search);
  }

  const auto& match_all = challenge.schedule[5].tasks.at(0);
  EXPECT_EQ(match_all.clients, 2u);
  EXPECT_EQ(match_all.warmup_iterations, 20u);
  EXPECT_EQ(match_all.iterations, 100u);

  const auto& bulk = challenge.schedule[3].tasks.at(0).operation;
  EXPECT_EQ(bulk.type, OperationType::bulk);
  EXPECT_EQ(std::get<BulkParams>(bulk.params).bulk_size, 100u);
  EXPECT_FALSE(challenge.schedule[3].tasks[0].iterations.has_value());

  for (std::size_t step : {0u, 1u, 2u, 4u}) {
    const auto& op = challenge.schedule[step].tasks.at(0).operation;
    EXPECT_FALSE(op.include_in_reporting) << op.name << " (" << to_string(op.type) << ")";
  }
  for (std::size_t step : {3u, 5u, 6u}) {
    EXPECT_TRUE(challenge.schedule[step].tasks.at(0).operation.include_in_reporting) << step;
  }
  const auto& health = std::get<ClusterHealthParams>(challenge.schedule[2].tasks[0].operation.params);
  EXPECT_EQ(health.expected_status, "green");
  EXPECT_EQ(health.index, "tiny");
}

TEST_F(TrackLoaderTest, MissingPathIsNamed) {
  EXPECT_THAT(load_error(dir_ / "no-such-track"),
              HasSubstr("track path " + (dir_ / "no-such-track") + " does not exist"));
}

TEST_F(TrackLoaderTest, DirectoryWithoutTrackJson) {
  std::filesystem::create_directories(dir_.path() / "empty");
  EXPECT_THAT(load_error(dir_ / "empty"), HasSubstr("track path " + (dir_ / "empty") + " holds no track.json"));
}

TEST_F(TrackLoaderTest, LoadsATrackFromAJsonFile) {
  auto file = dir_.write("mytrack/custom.json", track_with(R"("schedule": [{"operation": "search-all"}])", kOps));
  auto track = load_track(file);
  EXPECT_EQ(track.name, "mytrack");
  EXPECT_EQ(track.directory, (dir_.path() / "mytrack").string());
  EXPECT_EQ(track.files.track_file, file);
}

TEST_F(TrackLoaderTest, MalformedJsonNamesFileLineAndColumn) {
  auto message = error("{\n  \"description\": \"x\",\n  \"indices\": [],\n  \"schedule\": [ oops ]\n}\n");
  EXPECT_THAT(message, ::testing::StartsWith(track_file() + ":4:"));
  // Column 17 is the 'o' of oops, where the parser gave up.
  EXPECT_THAT(message, HasSubstr("track.json:4:17: invalid JSON: "));
  // Input that ends early: the error is at its end. Like Rally's Jinja environment, the
  // render drops the file's final newline, so the end is the last character of line 2.
  EXPECT_THAT(error("{\n  \"description\": \"x\",\n"), HasSubstr(track_file() + ":2:22: invalid JSON"));
}

TEST_F(TrackLoaderTest, WrongTypeNamesFilePathAndExpectation) {
  auto message = error(track_with(R"("challenges": [{"name": "a", "schedule": [
      {"operation": "search-all"},
      {"operation": "search-all", "name": "second", "clients": "two"}]}])",
                                  kOps));
  EXPECT_THAT(message, HasSubstr(track_file() + ": challenges[0].schedule[1].clients: "));
  EXPECT_THAT(message, HasSubstr("expected an integer >= 1 but got string \"two\""));
}

TEST_F(TrackLoaderTest, OtherWrongTypesAndValues) {
  EXPECT_THAT(error(R"({"indices": {}, "schedule": []})"), HasSubstr(": indices: expected an array but got object {}"));
  EXPECT_THAT(error(R"({"corpora": [{"name": "c", "documents": [{"source-file": "d", "document-count": 0,
                                    "target-index": "i"}]}], "schedule": []})"),
              HasSubstr("corpora[0].documents[0].document-count: expected an integer >= 1 but got number 0"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "search-all", "iterations": -1}])", kOps)),
              HasSubstr("schedule[0].iterations: expected an integer >= 0 but got number -1"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "search-all", "iterations": 1.5}])", kOps)),
              HasSubstr("schedule[0].iterations: expected an integer"));
  EXPECT_THAT(error(R"({"indices": [{"name": ""}], "schedule": []})"), HasSubstr("indices[0].name: must not be empty"));
  EXPECT_THAT(error("[1, 2]"), HasSubstr("(top level): a track must be a JSON object but got array"));
}

TEST_F(TrackLoaderTest, CountsBeyondTheirRangeAreRejectedNotTruncated) {
  // 2^32 + 2 must not wrap around to 2 clients, nor 2^32 to a bulk size of 0.
  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "search-all", "clients": 4294967298}])", kOps)),
              HasSubstr("schedule[0].clients: more than 100000 clients per task"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"parallel": {"clients": 4294967297, "tasks": [
      {"name": "a", "operation": "search-all"}]}}])",
                               kOps)),
              HasSubstr("schedule[0].parallel.clients: 'clients' is not supported by this version of rally yet"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "b"}])",
                               R"([{"name": "b", "operation-type": "bulk", "bulk-size": 4294967296}])")),
              HasSubstr("operations[0].bulk-size: expected an integer"));
}

TEST_F(TrackLoaderTest, UnknownOperationReference) {
  auto message = error(track_with(R"("schedule": [{"operation": "search-all"}, {"operation": "nope"}])", kOps));
  EXPECT_THAT(message, HasSubstr("schedule[1].operation: unknown operation 'nope'"));
}

TEST_F(TrackLoaderTest, UnknownOperationTypeListsSupportedOnes) {
  auto message =
      error(track_with(R"("schedule": [{"operation": "x"}])", R"([{"name": "x", "operation-type": "shrink-index"}])"));
  EXPECT_THAT(message, HasSubstr("operations[0].operation-type: unknown operation-type 'shrink-index'"));
  EXPECT_THAT(message, HasSubstr("(supported: bulk, search, create-index, delete-index, cluster-health, refresh, "
                                 "force-merge, index-stats, node-stats, raw-request, sleep, put-pipeline, "));
}

TEST_F(TrackLoaderTest, DuplicateNamesAreRejected) {
  auto message = error(track_with(R"("schedule": [{"operation": "search-all"}, {"operation": "search-all"}])", kOps));
  EXPECT_THAT(message, HasSubstr("schedule[1]: the task name 'search-all' is used twice"));

  message = error(track_with(R"("schedule": [{"parallel": {"tasks": [
      {"name": "t", "operation": "search-all"}, {"name": "t", "operation": "bulk-it"}]}}])",
                             kOps));
  EXPECT_THAT(message, HasSubstr("schedule[0].parallel.tasks[1]: the task name 't' is used twice"));

  auto track = load(track_with(R"("schedule": [{"operation": "search-all"},
      {"operation": "search-all", "name": "again"}])",
                               kOps));
  EXPECT_EQ(track.challenges[0].schedule[1].tasks[0].name, "again");

  message = error(track_with(R"("schedule": [{"operation": "x"}])", R"([{"name": "x", "operation-type": "refresh"},
                                                                         {"name": "x", "operation-type": "refresh"}])"));
  EXPECT_THAT(message, HasSubstr("operations[1].name: the operation name 'x' is used twice"));
}

TEST_F(TrackLoaderTest, ExactlyOneDefaultChallenge) {
  const std::string two_defaults = R"("challenges": [
      {"name": "a", "default": true, "schedule": [{"operation": "search-all"}]},
      {"name": "b", "default": true, "schedule": [{"operation": "search-all"}]}])";
  EXPECT_THAT(error(track_with(two_defaults, kOps)),
              HasSubstr("challenges: exactly one challenge must be marked \"default\": true (found 2)"));
  const std::string no_default = R"("challenges": [
      {"name": "a", "schedule": [{"operation": "search-all"}]},
      {"name": "b", "schedule": [{"operation": "search-all"}]}])";
  EXPECT_THAT(error(track_with(no_default, kOps)), HasSubstr("(found 0)"));

  auto single =
      load(track_with(R"("challenges": [{"name": "only", "schedule": [{"operation": "search-all"}]}])", kOps));
  EXPECT_TRUE(single.challenges.at(0).is_default);
}

TEST_F(TrackLoaderTest, ChallengeAndTopLevelScheduleForms) {
  auto single = load(track_with(R"("challenge": {"name": "only", "description": "d",
      "schedule": [{"operation": "search-all"}, {"operation": "bulk-it"}]})",
                                kOps));
  ASSERT_EQ(single.challenges.size(), 1u);
  EXPECT_EQ(single.challenges[0].name, "only");
  EXPECT_EQ(single.challenges[0].description, "d");
  EXPECT_TRUE(single.challenges[0].is_default);
  EXPECT_EQ(single.challenges[0].schedule.size(), 2u);

  auto bare = load(track_with(R"("schedule": [{"operation": "bulk-it", "clients": 3}])", kOps));
  ASSERT_EQ(bare.challenges.size(), 1u);
  EXPECT_EQ(bare.challenges[0].name, "default");
  EXPECT_TRUE(bare.challenges[0].is_default);
  EXPECT_EQ(bare.challenges[0].schedule.at(0).tasks.at(0).clients, 3u);

  EXPECT_THAT(error(track_with(R"("schedule": [], "challenge": {"schedule": []})", kOps)),
              HasSubstr("exactly one of 'challenges', 'challenge' or 'schedule' (found 2)"));
  EXPECT_THAT(error(R"({"indices": []})"), HasSubstr("(found 0)"));
  EXPECT_THAT(error(track_with(R"("schedule": [])", kOps)), HasSubstr("schedule: the schedule is empty"));
}

TEST_F(TrackLoaderTest, FindChallengeByNameAndErrorListsNames) {
  auto track = load(track_with(R"("challenges": [
      {"name": "first", "schedule": [{"operation": "search-all"}]},
      {"name": "second", "default": true, "schedule": [{"operation": "bulk-it"}]}])",
                               kOps));
  EXPECT_EQ(track.find_challenge("").name, "second");
  EXPECT_EQ(track.find_challenge("first").name, "first");
  try {
    (void)track.find_challenge("third");
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr("track 'mytrack' has no challenge 'third' (it has: first, second)"));
  }
}

TEST_F(TrackLoaderTest, RampUpTimePeriodIsReadFromTheTaskOrItsParallelElement) {
  auto track = load(track_with(R"("schedule": [
      {"operation": "search-all", "clients": 4, "warmup-time-period": 10, "time-period": 5, "ramp-up-time-period": 8},
      {"parallel": {"warmup-time-period": 6, "time-period": 5, "ramp-up-time-period": 6,
                    "tasks": [{"name": "p", "operation": "search-all", "clients": 2}]}}])",
                               kOps));
  EXPECT_EQ(track.challenges[0].schedule[0].tasks[0].ramp_up_time_period, 8.0);
  EXPECT_EQ(track.challenges[0].schedule[1].tasks[0].ramp_up_time_period, 6.0);
}

TEST_F(TrackLoaderTest, UnsupportedPropertiesAreRejected) {
  auto message = error(track_with(R"("schedule": [{"operation": "search-all", "ramp-up-time-period": 10}])", kOps));
  EXPECT_THAT(message, HasSubstr("schedule[0].ramp-up-time-period: task 'search-all': the ramp-up-time-period must be "
                                 "at most the warmup-time-period"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "search-all", "warmup-time-period": 5,
      "time-period": 10, "ramp-up-time-period": 6}])",
                               kOps)),
              HasSubstr("must be at most the warmup-time-period"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"parallel": {"completed-by": "b", "tasks": [
      {"name": "a", "operation": "search-all"}]}}])",
                               kOps)),
              HasSubstr("schedule[0].parallel.completed-by: 'b' is not a task of this parallel element"));
  auto t = load(track_with(R"("schedule": [{"parallel": {"completed-by": "a", "tasks": [
      {"name": "a", "operation": "search-all"}, {"name": "b", "operation": "search-all"}]}}])",
                           kOps));
  EXPECT_EQ(t.challenges[0].schedule[0].completed_by, "a");
  EXPECT_TRUE(t.challenges[0].schedule[0].completes_step("a"));
  EXPECT_FALSE(t.challenges[0].schedule[0].completes_step("b"));
}

TEST_F(TrackLoaderTest, TimePeriodsThrottlingAndErrorLevels) {
  auto t = load(track_with(R"("schedule": [
      {"operation": "search-all", "warmup-time-period": 5, "time-period": 20, "target-throughput": 8,
       "clients": 2, "schedule": "poisson", "ignore-response-error-level": "non-fatal"},
      {"operation": "search-all", "name": "slow", "target-interval": 4},
      {"parallel": {"warmup-time-period": 3, "time-period": 7, "tasks": [{"name": "p", "operation": "search-all"}]}}])",
                           kOps));
  const auto& tasks = t.challenges[0].schedule;
  const auto& first = tasks[0].tasks[0];
  EXPECT_EQ(first.warmup_time_period, 5.0);
  EXPECT_EQ(first.time_period, 20.0);
  EXPECT_EQ(first.target_throughput, 8.0);
  EXPECT_TRUE(first.poisson);
  EXPECT_TRUE(first.ignore_non_fatal_errors);
  EXPECT_DOUBLE_EQ(*tasks[1].tasks[0].target_throughput, 0.25);
  EXPECT_EQ(tasks[2].tasks[0].warmup_time_period, 3.0) << "a parallel element passes its periods on";
  EXPECT_EQ(tasks[2].tasks[0].time_period, 7.0);

  auto test_mode = load(track_with(R"("schedule": [{"operation": "search-all", "warmup-time-period": 5,
      "time-period": 20, "target-throughput": 8}])",
                                   kOps),
                        test_mode_options());
  const auto& capped = test_mode.challenges[0].schedule[0].tasks[0];
  EXPECT_EQ(capped.warmup_time_period, 0.0);
  EXPECT_EQ(capped.time_period, 10.0);
  EXPECT_FALSE(capped.target_throughput);

  EXPECT_THAT(
      error(track_with(R"("schedule": [{"operation": "search-all", "time-period": 5, "iterations": 3}])", kOps)),
      HasSubstr("mixes time periods and iterations"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "search-all", "target-throughput": 1,
      "target-interval": 1}])",
                               kOps)),
              HasSubstr("either 'target-throughput' or 'target-interval'"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "search-all", "schedule": "uniform"}])", kOps)),
              HasSubstr("schedule[0].schedule: 'uniform' is not a schedule"));
  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "search-all", "target-throughput": "5 MB/s"}])", kOps)),
              HasSubstr("the unit 'MB/s' is not supported"));
}

TEST_F(TrackLoaderTest, TestModeCapsIterationsToClients) {
  const auto text = track_with(R"("schedule": [
      {"operation": "search-all", "clients": 2, "warmup-iterations": 20, "iterations": 100},
      {"operation": "bulk-it", "clients": 5, "warmup-iterations": 3, "iterations": 4},
      {"operation": "search-all", "name": "unbounded"}])",
                               kOps);
  auto normal = load(text);
  EXPECT_EQ(normal.challenges[0].schedule[0].tasks[0].iterations, 100u);
  auto test = load(text, test_mode_options());
  const auto& s = test.challenges[0].schedule;
  EXPECT_EQ(s[0].tasks[0].warmup_iterations, 2u);
  EXPECT_EQ(s[0].tasks[0].iterations, 2u);
  EXPECT_EQ(s[1].tasks[0].warmup_iterations, 3u);
  EXPECT_EQ(s[1].tasks[0].iterations, 4u);
  EXPECT_FALSE(s[2].tasks[0].iterations.has_value());
  EXPECT_FALSE(s[2].tasks[0].warmup_iterations.has_value());
}

TEST_F(TrackLoaderTest, CreateIndexSettingsAreMergedIntoTheIndexBody) {
  dir_.write("mytrack/idx.json",
             R"({"settings": {"number_of_shards": 2, "number_of_replicas": 1}, "mappings": {"dynamic": "strict"}})");
  auto track = load(R"({
    "indices": [{"name": "idx", "body": "idx.json"}],
    "operations": [
      {"name": "create", "operation-type": "create-index", "settings": {"number_of_replicas": 0, "refresh_interval": "5s"}},
      {"name": "create-other", "operation-type": "create-index", "index": "other", "settings": {"number_of_shards": 3}},
      {"name": "create-plain", "operation-type": "create-index"}
    ],
    "schedule": [{"operation": "create"}, {"operation": "create-other"}, {"operation": "create-plain"}]
  })");
  const auto& s = track.challenges[0].schedule;
  const auto& merged = std::get<CreateIndexParams>(s[0].tasks[0].operation.params);
  ASSERT_EQ(merged.indices.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(merged.indices[0].body), nlohmann::json::parse(R"({
      "settings": {"number_of_shards": 2, "number_of_replicas": 0, "refresh_interval": "5s"},
      "mappings": {"dynamic": "strict"}})"));

  const auto& other = std::get<CreateIndexParams>(s[1].tasks[0].operation.params);
  ASSERT_EQ(other.indices.size(), 1u);
  EXPECT_EQ(other.indices[0].name, "other");
  EXPECT_EQ(nlohmann::json::parse(other.indices[0].body),
            nlohmann::json::parse(R"({"settings": {"number_of_shards": 3}})"));

  const auto& plain = std::get<CreateIndexParams>(s[2].tasks[0].operation.params);
  EXPECT_EQ(plain.indices.at(0).body, track.indices.at(0).body);
}

TEST_F(TrackLoaderTest, SearchCacheBecomesRequestCache) {
  auto track = load(track_with(R"("schedule": [{"operation": "cached"}, {"operation": "uncached"}])",
                               R"([{"name": "cached", "operation-type": "search", "cache": true,
                                    "request-params": {"size": 0}},
                                   {"name": "uncached", "operation-type": "search", "cache": false}])"));
  const auto& s = track.challenges[0].schedule;
  const auto& cached = std::get<SearchParams>(s[0].tasks[0].operation.params);
  EXPECT_EQ(cached.index, "idx");
  EXPECT_EQ(cached.request_params, (RequestParams{{"size", "0"}, {"request_cache", "true"}}));
  const auto& uncached = std::get<SearchParams>(s[1].tasks[0].operation.params);
  EXPECT_EQ(uncached.request_params, (RequestParams{{"request_cache", "false"}}));

  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "s"}])",
                               R"([{"name": "s", "operation-type": "search", "cache": "yes"}])")),
              HasSubstr("operations[0].cache: expected true or false"));
}

TEST_F(TrackLoaderTest, ClusterHealthWaitForStatusIsValidated) {
  auto track = load(track_with(R"("schedule": [{"operation": "h"}])",
                               R"([{"name": "h", "operation-type": "cluster-health",
                                    "request-params": {"wait_for_status": "yellow"}}])"));
  const auto& health = std::get<ClusterHealthParams>(track.challenges[0].schedule[0].tasks[0].operation.params);
  EXPECT_EQ(health.expected_status, "yellow");
  EXPECT_EQ(health.request_params, (RequestParams{{"wait_for_status", "yellow"}}));

  EXPECT_THAT(error(track_with(R"("schedule": [{"operation": "h"}])",
                               R"([{"name": "h", "operation-type": "cluster-health",
                                    "request-params": {"wait_for_status": "purple"}}])")),
              HasSubstr("operations[0].request-params: wait_for_status must be green, yellow or red, not 'purple'"));
}

// Everything a loaded track holds, as one comparable text.
std::string describe(const Track& t) {
  nlohmann::json j = {{"name", t.name},
                      {"description", t.description},
                      {"directory", t.directory},
                      {"track_file", t.files.track_file},
                      {"contents", t.files.contents}};
  for (const auto& i : t.indices) j["indices"].push_back({i.name, i.body});
  for (const auto& c : t.corpora) {
    for (const auto& d : c.documents)
      j["corpora"].push_back(
          {c.name, d.source_file, d.document_count, d.target_index, d.includes_action_and_meta_data});
  }
  for (const auto& c : t.challenges) {
    auto& challenge = j["challenges"][c.name];
    challenge["default"] = c.is_default;
    for (const auto& step : c.schedule) {
      auto& tasks = challenge["schedule"].emplace_back(nlohmann::json::array());
      for (const auto& task : step.tasks) {
        tasks.push_back({task.name, task.clients, task.warmup_iterations.value_or(~0ULL),
                         task.iterations.value_or(~0ULL), task.operation.name, to_string(task.operation.type),
                         task.operation.include_in_reporting, task.operation.params.index()});
      }
    }
  }
  return j.dump(1);
}

TEST(TrackFilesRoundTrip, LoadsTheSameTrackAfterTheDirectoryIsGone) {
  Track from_disk;
  TrackFiles files;
  std::string body_file;
  {
    TempDir dir;
    body_file = dir.write("rt/idx.json", R"({"settings": {"number_of_shards": 1}})");
    auto text = track_with(R"("challenges": [
        {"name": "a", "default": true, "schedule": [{"operation": "search-all", "iterations": 9, "clients": 3}]},
        {"name": "b", "schedule": [{"parallel": {"iterations": 4, "tasks": [
            {"name": "p", "operation": "search-all"}, {"name": "q", "operation": "bulk-it"}]}}]}])",
                           kOps);
    // Give the index a body file, so that the recording holds more than track.json.
    const std::string plain = R"({"name": "idx"})";
    text.replace(text.find(plain), plain.size(), R"({"name": "idx", "body": "idx.json"})");
    dir.write("rt/track.json", text);
    from_disk = load_track(dir / "rt", test_mode_options());
    files = from_disk.files;
  }
  ASSERT_FALSE(std::filesystem::exists(body_file));
  EXPECT_EQ(files.contents.size(), 2u);
  EXPECT_EQ(files.contents.count(body_file), 1u);
  EXPECT_EQ(files.contents.count(files.track_file), 1u);

  auto again = load_track(files, test_mode_options());
  EXPECT_EQ(describe(again), describe(from_disk));
  EXPECT_EQ(again.challenges[0].schedule[0].tasks[0].iterations, 3u);  // test mode applied again
  EXPECT_EQ(again.challenges[1].schedule[0].tasks[1].iterations, 1u);

  files.contents.erase(body_file);
  try {
    load_track(files);
    FAIL() << "expected an error";
  } catch (const RallyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(body_file + " was not shipped with the track"));
  }
}

}  // namespace
}  // namespace rally::track
