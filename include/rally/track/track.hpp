#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace rally::track {

using RequestParams = std::vector<std::pair<std::string, std::string>>;

struct Index {
  std::string name;
  std::string body;  // the index body (settings, mappings) as compact JSON; may be empty
};

// An index template: legacy ("templates") or composable ("composable-templates").
struct IndexTemplate {
  std::string name;
  std::string index_pattern;
  bool delete_matching_indices = true;
  std::string body;  // compact JSON
};

struct ComponentTemplate {
  std::string name;
  std::string body;
};

struct DataStream {
  std::string name;
};

struct Document {
  std::string source_file;    // as written in the track: a .json file or a .bz2/.gz/.zst archive
  std::string document_file;  // what is indexed: source_file without its archive extension
  std::string base_url;       // where to download source_file from; empty: no download
  std::uint64_t document_count = 0;
  std::optional<std::uint64_t> compressed_bytes;    // size of the archive, checked when present
  std::optional<std::uint64_t> uncompressed_bytes;  // size of document_file, checked when present
  std::string target_index;
  std::string target_data_stream;
  bool includes_action_and_meta_data = false;

  [[nodiscard]] bool is_archive() const { return source_file != document_file; }
};

struct Corpus {
  std::string name;
  std::string synthetic_generator;  // rally's extension: "geonames" when rally can generate it
  std::vector<Document> documents;
};

enum class OperationType : std::uint8_t {
  bulk,
  search,
  create_index,
  delete_index,
  cluster_health,
  refresh,
  force_merge,
  index_stats,
  node_stats,
  raw_request,
  sleep,
  put_pipeline,
  put_settings,
  create_index_template,  // legacy templates (/_template)
  delete_index_template,
  create_composable_template,
  delete_composable_template,
  create_component_template,
  delete_component_template,
  create_data_stream,
  delete_data_stream,
  scroll_search,     // SearchParams with pages
  paginated_search,  // SearchParams with pages, search_after paging
  open_point_in_time,
  close_point_in_time,
  composite,
};

std::string_view to_string(OperationType type);

// Typed parameters per operation type, parsed and validated once when the track loads.
enum class Conflicts : std::uint8_t { none, sequential, random };
enum class OnConflict : std::uint8_t { index, update };

struct BulkParams {
  std::uint32_t bulk_size = 0;
  std::vector<std::string> corpora;  // empty: all corpora of the track
  double ingest_percentage = 100;    // of each client's partition
  Conflicts conflicts = Conflicts::none;
  double conflict_probability = 25;  // percent
  OnConflict on_conflict = OnConflict::index;
  std::string pipeline;
  bool looped = false;            // start the corpus again when used up (ends by time or iterations)
  bool detailed_results = false;  // parse every response fully (item outcomes by action and error type)
};

// Rally's large terms queries, built natively: the values of `field` in every `every`th
// document of `corpus` (from `first_document`), put into the JSON array at `into`.
struct TermsFromCorpus {
  std::string corpus;
  std::string field;
  std::uint64_t every = 250;
  std::uint64_t first_document = 0;
  std::string into;                                        // a JSON pointer into the body
  std::uint64_t random_term_min = 0, random_term_max = 0;  // max 0: no random term
};

// search, scroll-search and paginated-search.
struct SearchParams {
  static constexpr std::uint32_t all_pages = 0xffffffff;  // pages: "all", read until exhausted

  std::string index;  // empty with a point in time: the PIT names the indices
  std::string body = "{}";
  RequestParams request_params;
  std::uint32_t pages = 0;  // > 0: a scroll (search, scroll-search) or search_after paging (paginated-search)
  std::uint32_t results_per_page = 0;
  bool detailed_results = false;  // parse hits, took and timed_out into the result's meta
  std::string pit_from;           // with-point-in-time-from: the open-point-in-time operation's name
  std::optional<TermsFromCorpus> terms;
};
struct CreateIndexParams {
  std::vector<Index> indices;  // resolved: the named index or all track indices
  RequestParams request_params;
};
struct DeleteIndexParams {
  std::vector<std::string> indices;
  RequestParams request_params;
};
struct ClusterHealthParams {
  std::string index;
  RequestParams request_params;
  std::string expected_status;  // green | yellow | red, from wait_for_status
};
struct RefreshParams {
  std::string index;  // empty: all
};
struct ForceMergeParams {
  std::string index;  // empty: all
  std::optional<std::uint32_t> max_num_segments;
  RequestParams request_params;
  bool polling = false;  // mode: polling: start the merge, then poll the tasks API until it is done
  double poll_period_s = 10;
};
struct IndexStatsParams {
  std::string index = "_all";
  std::string condition_path;  // a dotted path into the response; empty: no condition
  nlohmann::json expected_value;
  RequestParams request_params;
};
struct NodeStatsParams {
  RequestParams request_params;
};

struct RawRequestParams {
  std::string method = "GET";
  std::string path;  // starts with '/'
  std::string body;  // sent as it is; empty: no body
  RequestParams request_params;
};
struct SleepParams {
  double duration_s = 0;
};
struct PutPipelineParams {
  std::string id;
  std::string body;
  RequestParams request_params;
};
struct PutSettingsParams {
  std::string body;
  RequestParams request_params;
};
// Create or delete index (legacy or composable) or component templates: the track's
// templates of the kind, or the one named, resolved when the track loads.
struct TemplateOp {
  std::string name;
  std::string body;           // create: the body with the operation's settings merged in
  std::string index_pattern;  // delete: the indices deleted with the template, if delete_matching_indices
  bool delete_matching_indices = false;
};
struct TemplateParams {
  std::vector<TemplateOp> templates;
  RequestParams request_params;
};
struct DataStreamParams {
  std::vector<std::string> data_streams;
  RequestParams request_params;
};
struct OpenPointInTimeParams {
  std::string index;
  std::string keep_alive = "1m";
  RequestParams request_params;
};
struct ClosePointInTimeParams {
  std::string pit_from;  // the open-point-in-time operation's name
  RequestParams request_params;
};

struct Operation;
// One element of a composite's requests (or of a stream): an operation, or a stream of
// elements that runs concurrently with the streams beside it.
struct CompositeElement {
  std::shared_ptr<const Operation> operation;  // null: a stream
  std::vector<CompositeElement> stream;
};
struct CompositeParams {
  std::vector<CompositeElement> requests;
};

using OperationParams =
    std::variant<BulkParams, SearchParams, CreateIndexParams, DeleteIndexParams, ClusterHealthParams, RefreshParams,
                 ForceMergeParams, IndexStatsParams, NodeStatsParams, RawRequestParams, SleepParams, PutPipelineParams,
                 PutSettingsParams, TemplateParams, DataStreamParams, OpenPointInTimeParams, ClosePointInTimeParams,
                 CompositeParams>;

// Rally's assertions: checked against the runner's meta (e.g. hits, took) or, failing that,
// the response body, when the race runs with --enable-assertions.
enum class AssertionCondition : std::uint8_t { eq, gt, ge, lt, le };
std::string_view to_string(AssertionCondition condition);
struct Assertion {
  std::string property;  // a dotted path
  AssertionCondition condition = AssertionCondition::eq;
  nlohmann::json value;
};

// Rally's retry properties of an operation.
struct RetryPolicy {
  std::uint32_t retries = 0;
  bool until_success = false;
  double wait_period_s = 0.5;
  bool on_timeout = false;
  bool on_error = false;
};

struct Operation {
  std::string name;
  OperationType type = OperationType::search;
  bool include_in_reporting = true;
  double request_timeout_s = 0;  // 0: the client's timeout
  // Sent with every request of the operation: its `headers`, and `opaque-id` as X-Opaque-Id.
  std::vector<std::pair<std::string, std::string>> headers;
  RetryPolicy retry;
  std::vector<Assertion> assertions;
  OperationParams params;
};

struct Task {
  std::string name;
  Operation operation;
  std::vector<std::string> tags;
  std::uint32_t clients = 1;
  std::optional<std::uint64_t> warmup_iterations;
  std::optional<std::uint64_t> iterations;
  std::optional<double> warmup_time_period;  // seconds
  std::optional<double> time_period;         // seconds
  // Clients join one after another over this many seconds (client i of n at i/n of it);
  // at most the warmup time period, so that the measured phase has every client.
  std::optional<double> ramp_up_time_period;
  std::optional<double> target_throughput;  // operations per second, over all clients
  bool poisson = false;                     // schedule: poisson (else deterministic)
  bool ignore_non_fatal_errors = false;     // ignore-response-error-level: non-fatal
};

// One element of a schedule: a single task, or the tasks of a `parallel` element.
// A join point follows every step.
struct Step {
  Step() = default;
  Step(std::vector<Task> step_tasks, std::string completes = {})  // NOLINT(google-explicit-constructor)
      : tasks(std::move(step_tasks)), completed_by(std::move(completes)) {}

  std::vector<Task> tasks;
  // A parallel element's completed-by: when this task (or, for "any", any task) is done on
  // every Worker, all other tasks of the step stop. Empty: the step ends when all are done.
  std::string completed_by;

  [[nodiscard]] bool completes_step(const std::string& task_name) const {
    return completed_by == "any" || (!completed_by.empty() && completed_by == task_name);
  }
};

struct Challenge {
  std::string name;
  std::string description;
  bool is_default = false;
  std::vector<Step> schedule;
};

// The files a track was read from, so that the track can be loaded again elsewhere
// (by a Worker on another host) exactly as the coordinator loaded it.
struct TrackFiles {
  std::string track_file;                                 // absolute path of track.json
  std::map<std::string, std::string> contents;            // absolute path -> text
  std::map<std::string, std::vector<std::string>> globs;  // rally.collect pattern -> the files it matched
};

struct Track {
  std::string name;
  std::string description;
  std::string directory;  // absolute; corpora and index bodies are relative to it
  std::vector<Index> indices;
  std::vector<IndexTemplate> templates;  // legacy index templates
  std::vector<IndexTemplate> composable_templates;
  std::vector<ComponentTemplate> component_templates;
  std::vector<DataStream> data_streams;
  std::vector<Corpus> corpora;
  std::vector<Challenge> challenges;
  TrackFiles files;
  std::string rendered;               // track.json after templating, as rally read it
  std::vector<std::string> warnings;  // e.g. unused track parameters when they are ignored

  [[nodiscard]] const Challenge& find_challenge(const std::string& name) const;
};

}  // namespace rally::track
