#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rally::track {

using RequestParams = std::vector<std::pair<std::string, std::string>>;

struct Index {
  std::string name;
  std::string body;  // the index body (settings, mappings) as compact JSON; may be empty
};

struct Document {
  std::string source_file;  // as written in the track, relative to the data dir
  std::uint64_t document_count = 0;
  std::optional<std::uint64_t> uncompressed_bytes;
  std::string target_index;
  bool includes_action_and_meta_data = false;
};

struct Corpus {
  std::string name;
  std::vector<Document> documents;
};

enum class OperationType : std::uint8_t {
  bulk,
  search,
  create_index,
  delete_index,
  cluster_health,
  refresh,
};

std::string_view to_string(OperationType type);

// Typed parameters per operation type, parsed and validated once when the track loads.
struct BulkParams {
  std::uint32_t bulk_size = 0;
  std::vector<std::string> corpora;  // empty: all corpora of the track
};
struct SearchParams {
  std::string index;
  std::string body = "{}";
  RequestParams request_params;
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

using OperationParams =
    std::variant<BulkParams, SearchParams, CreateIndexParams, DeleteIndexParams, ClusterHealthParams, RefreshParams>;

struct Operation {
  std::string name;
  OperationType type = OperationType::search;
  bool include_in_reporting = true;
  OperationParams params;
};

struct Task {
  std::string name;
  Operation operation;
  std::uint32_t clients = 1;
  std::optional<std::uint64_t> warmup_iterations;
  std::optional<std::uint64_t> iterations;
};

// One element of a schedule: a single task, or the tasks of a `parallel` element.
// A join point follows every step.
struct Step {
  std::vector<Task> tasks;
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
  std::string track_file;                       // absolute path of track.json
  std::map<std::string, std::string> contents;  // absolute path -> text
};

struct Track {
  std::string name;
  std::string description;
  std::string directory;  // absolute; corpora and index bodies are relative to it
  std::vector<Index> indices;
  std::vector<Corpus> corpora;
  std::vector<Challenge> challenges;
  TrackFiles files;

  [[nodiscard]] const Challenge& find_challenge(const std::string& name) const;
};

}  // namespace rally::track
