#include "rally/track/track_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "rally/common/errors.hpp"

#include "json_node.hpp"
#include "operation_parser.hpp"

namespace rally::track {
namespace fs = std::filesystem;

namespace {

// Reads the files a track refers to, from disk (recording them) or from a recording.
class FileSource {
 public:
  explicit FileSource(TrackFiles& files, bool from_disk) : files_(files), from_disk_(from_disk) {}

  const std::string& read(const std::string& path, const std::string& referenced_from) {
    auto it = files_.contents.find(path);
    if (it != files_.contents.end()) return it->second;
    if (!from_disk_) throw RallyError(referenced_from + ": the file " + path + " was not shipped with the track");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RallyError(referenced_from + ": cannot read " + path + ": " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    return files_.contents.emplace(path, buf.str()).first->second;
  }

 private:
  TrackFiles& files_;
  bool from_disk_;
};

std::vector<Index> parse_indices(const JsonNode& root, const std::string& dir, FileSource& source) {
  std::vector<Index> indices;
  auto node = root.find("indices");
  if (!node) return indices;
  for (const auto& element : node->elements()) {
    Index index;
    index.name = element.required_string("name");
    if (auto body = element.find("body")) {
      auto file = (fs::path(dir) / body->as_string()).lexically_normal().string();
      const auto& text = source.read(file, element.file() + ": " + body->path());
      index.body = parse_json(text, file).dump();
    }
    indices.push_back(std::move(index));
  }
  return indices;
}

std::vector<Corpus> parse_corpora(const JsonNode& root, const std::vector<Index>& indices) {
  std::vector<Corpus> corpora;
  auto node = root.find("corpora");
  if (!node) return corpora;
  for (const auto& element : node->elements()) {
    Corpus corpus;
    corpus.name = element.required_string("name");
    for (const auto& doc_node : element.child("documents").elements()) {
      Document doc;
      doc.source_file = doc_node.required_string("source-file");
      doc.document_count = doc_node.child("document-count").as_uint(1);
      doc.uncompressed_bytes = doc_node.optional_uint("uncompressed-bytes");
      doc.includes_action_and_meta_data = doc_node.bool_or("includes-action-and-meta-data", false);
      if (auto target = doc_node.find("target-index")) {
        doc.target_index = target->as_string();
      } else if (!doc.includes_action_and_meta_data) {
        if (indices.size() != 1)
          doc_node.fail("'target-index' is required when the track does not define exactly one index");
        doc.target_index = indices.front().name;
      }
      corpus.documents.push_back(std::move(doc));
    }
    corpora.push_back(std::move(corpus));
  }
  return corpora;
}

void reject_unsupported(const JsonNode& node, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (node.has(key)) node.child(key).fail(std::string("'") + key + "' is not supported by this version of rally yet");
  }
}

Task parse_task(const JsonNode& node, const OperationParser& operations, const JsonNode* parallel_defaults) {
  reject_unsupported(node, {"warmup-time-period", "time-period", "ramp-up-time-period", "target-throughput",
                            "target-interval", "schedule", "completed-by"});
  Task task;
  auto op_node = node.child("operation");
  task.operation = op_node.value().is_string() ? operations.named(op_node) : operations.inline_operation(op_node);
  task.name = node.string_or("name", task.operation.name);
  auto inherited = [&](const char* key, std::uint64_t min) -> std::optional<std::uint64_t> {
    if (auto v = node.optional_uint(key, min)) return v;
    if (parallel_defaults) return parallel_defaults->optional_uint(key, min);
    return std::nullopt;
  };
  auto clients = inherited("clients", 1).value_or(1);
  if (clients > 100'000) {  // checked before narrowing, so that 2^32 + 2 is not 2
    const JsonNode& where = node.has("clients") ? node : *parallel_defaults;
    where.child("clients").fail("more than 100000 clients per task");
  }
  task.clients = static_cast<std::uint32_t>(clients);
  task.warmup_iterations = inherited("warmup-iterations", 0);
  task.iterations = inherited("iterations", 0);
  return task;
}

Challenge parse_challenge(const JsonNode& node, const OperationParser& operations, std::string fallback_name) {
  Challenge challenge;
  challenge.name = node.string_or("name", std::move(fallback_name));
  challenge.description = node.string_or("description", "");
  challenge.is_default = node.bool_or("default", false);
  std::set<std::string> task_names;
  auto remember = [&](const JsonNode& where, const Task& task) {
    if (!task_names.insert(task.name).second)
      where.fail("the task name '" + task.name + "' is used twice in challenge '" + challenge.name +
                 "'; give each task a unique 'name'");
  };
  for (const auto& element : node.child("schedule").elements()) {
    Step step;
    if (auto parallel = element.find("parallel")) {
      // Rally passes a parallel element's time periods on to its tasks: reject them too.
      reject_unsupported(*parallel, {"completed-by", "warmup-time-period", "time-period"});
      for (const auto& task_node : parallel->child("tasks").elements()) {
        step.tasks.push_back(parse_task(task_node, operations, &*parallel));
        remember(task_node, step.tasks.back());
      }
      if (step.tasks.empty()) parallel->child("tasks").fail("a parallel element needs at least one task");
    } else {
      step.tasks.push_back(parse_task(element, operations, nullptr));
      remember(element, step.tasks.back());
    }
    challenge.schedule.push_back(std::move(step));
  }
  if (challenge.schedule.empty()) node.child("schedule").fail("the schedule is empty");
  return challenge;
}

// Rally's test mode: iterations capped to the number of clients.
void apply_test_mode(Track& track) {
  for (auto& challenge : track.challenges) {
    for (auto& step : challenge.schedule) {
      for (auto& task : step.tasks) {
        if (task.warmup_iterations && *task.warmup_iterations > task.clients) task.warmup_iterations = task.clients;
        if (task.iterations && *task.iterations > task.clients) task.iterations = task.clients;
      }
    }
  }
}

Track load(TrackFiles files, bool from_disk, const LoadOptions& options) {
  FileSource source(files, from_disk);
  const auto& file = files.track_file;
  const auto& text = source.read(file, "track");
  Json doc = parse_json(text, file);
  JsonNode root(doc, file, "");
  if (!doc.is_object()) root.fail("a track must be a JSON object but got " + describe(doc));

  Track track;
  track.directory = fs::path(file).parent_path().string();
  track.name = fs::path(track.directory).filename().string();
  track.description = root.string_or("description", "");
  track.indices = parse_indices(root, track.directory, source);
  track.corpora = parse_corpora(root, track.indices);

  OperationParser operations(root, track);
  int forms = root.has("challenges") + root.has("challenge") + root.has("schedule");
  if (forms != 1)
    root.fail("a track needs exactly one of 'challenges', 'challenge' or 'schedule' (found " + std::to_string(forms) +
              ")");
  if (auto list = root.find("challenges")) {
    for (const auto& element : list->elements()) track.challenges.push_back(parse_challenge(element, operations, ""));
    if (track.challenges.empty()) list->fail("no challenge is defined");
    std::set<std::string> names;
    for (std::size_t i = 0; i < track.challenges.size(); ++i) {
      if (track.challenges[i].name.empty()) list->at(i).fail("the property 'name' is required");
      if (!names.insert(track.challenges[i].name).second)
        list->at(i).fail("the challenge name '" + track.challenges[i].name + "' is used twice");
    }
    auto defaults = std::count_if(track.challenges.begin(), track.challenges.end(),
                                  [](const Challenge& c) { return c.is_default; });
    if (track.challenges.size() > 1 && defaults != 1)
      list->fail("exactly one challenge must be marked \"default\": true (found " + std::to_string(defaults) + ")");
    if (track.challenges.size() == 1) track.challenges.front().is_default = true;
  } else if (auto single = root.find("challenge")) {
    track.challenges.push_back(parse_challenge(*single, operations, "default"));
    track.challenges.front().is_default = true;
  } else {
    track.challenges.push_back(parse_challenge(root, operations, "default"));
    track.challenges.front().is_default = true;
  }
  if (options.test_mode) apply_test_mode(track);
  track.files = std::move(files);
  return track;
}

}  // namespace

std::string_view to_string(OperationType type) {
  switch (type) {
    case OperationType::bulk:
      return "bulk";
    case OperationType::search:
      return "search";
    case OperationType::create_index:
      return "create-index";
    case OperationType::delete_index:
      return "delete-index";
    case OperationType::cluster_health:
      return "cluster-health";
    case OperationType::refresh:
      return "refresh";
  }
  return "unknown";
}

const Challenge& Track::find_challenge(const std::string& wanted) const {
  for (const auto& c : challenges) {
    if (wanted.empty() ? c.is_default : c.name == wanted) return c;
  }
  std::string names;
  for (const auto& c : challenges) names += (names.empty() ? "" : ", ") + c.name;
  throw RallyError("track '" + name + "' has no challenge '" + wanted + "' (it has: " + names + ")");
}

Track load_track(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (ec || !fs::exists(p, ec))
    throw RallyError("track path " + path +
                     " does not exist (expected a directory holding track.json, or a .json file)");
  if (fs::is_directory(p, ec)) {
    p /= "track.json";
    if (!fs::exists(p, ec)) throw RallyError("track path " + path + " holds no track.json");
  }
  TrackFiles files;
  files.track_file = p.lexically_normal().string();
  return load(std::move(files), true, options);
}

Track load_track(const TrackFiles& files, const LoadOptions& options) { return load(files, false, options); }

}  // namespace rally::track
