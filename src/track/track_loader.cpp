#include "rally/track/track_loader.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "rally/common/errors.hpp"
#include "rally/track/template/template.hpp"
#include "rally/track/track_params.hpp"

#include "json_node.hpp"
#include "operation_parser.hpp"

namespace rally::track {
namespace fs = std::filesystem;

namespace {

// Reads the files a track refers to, from disk (recording them) or from a recording, so
// that a track renders the same on every host.
class FileSource {
 public:
  explicit FileSource(TrackFiles& files, bool from_disk) : files_(files), from_disk_(from_disk) {}

  const std::string& read(const std::string& path, const std::string& referenced_from) {
    if (auto text = try_read(path)) return *text;
    if (!from_disk_) throw RallyError(referenced_from + ": the file " + path + " was not shipped with the track");
    throw RallyError(referenced_from + ": cannot read " + path + ": " + std::strerror(errno));
  }

  const std::string* try_read(const std::string& path) {
    auto it = files_.contents.find(path);
    if (it != files_.contents.end()) return &it->second;
    if (!from_disk_) return nullptr;
    std::ifstream in(path, std::ios::binary);
    if (!in) return nullptr;
    std::ostringstream buf;
    buf << in.rdbuf();
    return &files_.contents.emplace(path, buf.str()).first->second;
  }

  std::vector<std::string> glob(const std::string& pattern) {
    auto it = files_.globs.find(pattern);
    if (it != files_.globs.end()) return it->second;
    if (!from_disk_) return {};
    auto matches = templating::glob_files(pattern);
    files_.globs.emplace(pattern, matches);
    return matches;
  }

  templating::TemplateSource template_source() {
    return templating::TemplateSource{[this](const std::string& path) -> std::optional<std::string> {
                                        const auto* text = try_read(path);
                                        return text ? std::optional<std::string>(*text) : std::nullopt;
                                      },
                                      [this](const std::string& pattern) { return glob(pattern); }};
  }

 private:
  TrackFiles& files_;
  bool from_disk_;
};

templating::RenderOptions render_options(const LoadOptions& options) {
  templating::RenderOptions r;
  r.now = options.now > 0 ? options.now
                          : std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return r;
}

// Renders track.json with the track params: Rally's collect pass, then one Jinja render.
std::string render_track(const std::string& file, FileSource& source, const LoadOptions& options,
                         std::set<std::string>& referenced) {
  (void)source.read(file, "track");  // a clear error when track.json itself cannot be read
  auto result = templating::render_track_file(file, source.template_source(), options.params, render_options(options));
  referenced.insert(result.referenced_globals.begin(), result.referenced_globals.end());
  return std::move(result.text);
}

// Index and template bodies are rendered too, as Rally does, in their own environment.
std::string render_body(const std::string& file, const std::string& track_dir, FileSource& source,
                        const LoadOptions& options, std::set<std::string>& referenced,
                        const std::string& referenced_from) {
  (void)source.read(file, referenced_from);
  auto result =
      templating::render_index_body(file, track_dir, source.template_source(), options.params, render_options(options));
  referenced.insert(result.referenced_globals.begin(), result.referenced_globals.end());
  return std::move(result.text);
}

// Reads body files (index bodies, templates) named relative to the track directory,
// renders them with the track params and checks that they are JSON.
class BodyReader {
 public:
  BodyReader(std::string dir, FileSource& source, const LoadOptions& options, std::set<std::string>& referenced)
      : dir_(std::move(dir)), source_(source), options_(options), referenced_(referenced) {}

  std::string read(const JsonNode& element, const char* key) {
    auto body = element.child(key);
    auto file = (fs::path(dir_) / body.as_string()).lexically_normal().string();
    auto text = render_body(file, dir_, source_, options_, referenced_, element.file() + ": " + body.path());
    return parse_json(text, file).dump();
  }

 private:
  std::string dir_;
  FileSource& source_;
  const LoadOptions& options_;
  std::set<std::string>& referenced_;
};

std::vector<Index> parse_indices(const JsonNode& root, BodyReader& bodies) {
  std::vector<Index> indices;
  auto node = root.find("indices");
  if (!node) return indices;
  for (const auto& element : node->elements()) {
    Index index;
    index.name = element.required_string("name");
    if (element.has("body")) index.body = bodies.read(element, "body");
    indices.push_back(std::move(index));
  }
  return indices;
}

std::vector<IndexTemplate> parse_templates(const JsonNode& root, const char* key, BodyReader& bodies) {
  std::vector<IndexTemplate> templates;
  auto node = root.find(key);
  if (!node) return templates;
  for (const auto& element : node->elements()) {
    IndexTemplate t;
    t.name = element.required_string("name");
    t.index_pattern = element.required_string("index-pattern");
    t.delete_matching_indices = element.bool_or("delete-matching-indices", true);
    t.body = bodies.read(element, "template");
    templates.push_back(std::move(t));
  }
  return templates;
}

std::vector<ComponentTemplate> parse_component_templates(const JsonNode& root, BodyReader& bodies) {
  std::vector<ComponentTemplate> templates;
  auto node = root.find("component-templates");
  if (!node) return templates;
  for (const auto& element : node->elements()) {
    templates.push_back({element.required_string("name"), bodies.read(element, "template")});
  }
  return templates;
}

std::vector<DataStream> parse_data_streams(const JsonNode& root) {
  std::vector<DataStream> streams;
  auto node = root.find("data-streams");
  if (!node) return streams;
  for (const auto& element : node->elements()) streams.push_back({element.required_string("name")});
  return streams;
}

std::string strip_archive_extension(const JsonNode& where, const std::string& source_file) {
  for (std::string_view ext : {".bz2", ".gz", ".zst"}) {
    if (source_file.size() > ext.size() && source_file.compare(source_file.size() - ext.size(), ext.size(), ext) == 0)
      return source_file.substr(0, source_file.size() - ext.size());
  }
  for (std::string_view ext : {".zip", ".tar", ".tgz", ".xz", ".7z"}) {
    if (source_file.size() > ext.size() && source_file.compare(source_file.size() - ext.size(), ext.size(), ext) == 0)
      where.fail("'" + source_file + "' is an archive type rally does not read (use .bz2, .gz or .zst)");
  }
  return source_file;
}

std::vector<Corpus> parse_corpora(const JsonNode& root, const Track& track) {
  std::vector<Corpus> corpora;
  auto node = root.find("corpora");
  if (!node) return corpora;
  for (const auto& element : node->elements()) {
    Corpus corpus;
    corpus.name = element.required_string("name");
    corpus.synthetic_generator = element.string_or("synthetic-generator", "");
    if (!corpus.synthetic_generator.empty() && corpus.synthetic_generator != "geonames")
      element.child("synthetic-generator").fail("rally can only generate \"geonames\" corpora");
    auto corpus_base_url = element.string_or("base-url", "");
    // Corpus-level defaults that documents may override, as in Rally.
    auto default_target_index = element.string_or("target-index", "");
    auto default_data_stream = element.string_or("target-data-stream", "");
    auto default_includes = element.bool_or("includes-action-and-meta-data", false);
    for (const auto& doc_node : element.child("documents").elements()) {
      Document doc;
      doc.source_file = doc_node.required_string("source-file");
      doc.document_file = strip_archive_extension(doc_node.child("source-file"), doc.source_file);
      doc.base_url = doc_node.string_or("base-url", corpus_base_url);
      doc.document_count = doc_node.child("document-count").as_uint(1);
      doc.compressed_bytes = doc_node.optional_uint("compressed-bytes");
      doc.uncompressed_bytes = doc_node.optional_uint("uncompressed-bytes");
      doc.includes_action_and_meta_data = doc_node.bool_or("includes-action-and-meta-data", default_includes);
      doc.target_index = doc_node.string_or("target-index", default_target_index);
      doc.target_data_stream = doc_node.string_or("target-data-stream", default_data_stream);
      if (!doc.target_index.empty() && !doc.target_data_stream.empty())
        doc_node.fail("'target-index' and 'target-data-stream' cannot both be set");
      if (doc.target_index.empty() && doc.target_data_stream.empty() && !doc.includes_action_and_meta_data) {
        if (track.indices.size() == 1) {
          doc.target_index = track.indices.front().name;
        } else if (track.indices.empty() && track.data_streams.size() == 1) {
          doc.target_data_stream = track.data_streams.front().name;
        } else {
          doc_node.fail(
              "'target-index' or 'target-data-stream' is required when the track does not define exactly one index or "
              "data stream");
        }
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

// A number means operations per second; a string "N ops/s" too, "N docs/s" for a bulk
// is converted with its bulk size. Zero means unthrottled.
std::optional<double> parse_target_throughput(const JsonNode& node, const Operation& operation) {
  if (node.value().is_number()) {
    auto v = node.as_double();
    return v > 0 ? std::optional<double>(v) : std::nullopt;
  }
  auto text = node.as_string();
  double value = 0;
  char unit[32] = {};
  if (std::sscanf(text.c_str(), "%lf %31s", &value, unit) != 2 || value < 0)
    node.fail("expected a number or a string like \"100 ops/s\" but got \"" + text + "\"");
  std::string u = unit;
  if (u == "ops/s") return value > 0 ? std::optional<double>(value) : std::nullopt;
  if (u == "docs/s" && operation.type == OperationType::bulk) {
    auto bulk_size = std::get<BulkParams>(operation.params).bulk_size;
    return value > 0 ? std::optional<double>(value / bulk_size) : std::nullopt;
  }
  node.fail("the unit '" + u + "' is not supported here (ops/s, or docs/s for a bulk)");
}

Task parse_task(const JsonNode& node, const OperationParser& operations, const JsonNode* parallel_defaults) {
  reject_unsupported(node, {"completed-by"});
  Task task;
  auto op_node = node.child("operation");
  task.operation = op_node.value().is_string() ? operations.named(op_node) : operations.inline_operation(op_node);
  task.name = node.string_or("name", task.operation.name);
  if (auto tags = node.find("tags")) {
    if (tags->value().is_string()) {
      task.tags.push_back(tags->as_string());
    } else {
      for (const auto& tag : tags->elements()) task.tags.push_back(tag.as_string());
    }
  }
  auto inherited = [&](const char* key, std::uint64_t min) -> std::optional<std::uint64_t> {
    if (auto v = node.optional_uint(key, min)) return v;
    if (parallel_defaults) return parallel_defaults->optional_uint(key, min);
    return std::nullopt;
  };
  auto clients = node.optional_uint("clients", 1).value_or(1);
  // Checked before narrowing, so that 2^32 + 2 is not 2.
  if (clients > 100'000) node.child("clients").fail("more than 100000 clients per task");
  task.clients = static_cast<std::uint32_t>(clients);
  task.warmup_iterations = inherited("warmup-iterations", 0);
  task.iterations = inherited("iterations", 0);
  auto inherited_seconds = [&](const char* key) -> std::optional<double> {
    if (auto v = node.optional_double(key)) return v;
    if (parallel_defaults) return parallel_defaults->optional_double(key);
    return std::nullopt;
  };
  task.warmup_time_period = inherited_seconds("warmup-time-period");
  task.time_period = inherited_seconds("time-period");
  task.ramp_up_time_period = inherited_seconds("ramp-up-time-period");
  if (task.ramp_up_time_period) {
    auto ramp = node.has("ramp-up-time-period") ? node.child("ramp-up-time-period") : node;
    if (*task.ramp_up_time_period < 0) ramp.fail("expected a number of seconds >= 0");
    if (!task.warmup_time_period || *task.ramp_up_time_period > *task.warmup_time_period)
      ramp.fail("task '" + task.name + "': the ramp-up-time-period must be at most the warmup-time-period, " +
                "so that every client runs in the measured phase");
  }
  bool by_time = task.warmup_time_period || task.time_period;
  bool by_iterations = task.warmup_iterations || task.iterations;
  if (by_time && by_iterations)
    node.fail("task '" + task.name + "' mixes time periods and iterations; use one or the other");
  if (task.operation.type == OperationType::bulk && std::get<BulkParams>(task.operation.params).looped &&
      !task.time_period && !task.iterations)
    node.fail("task '" + task.name + "' runs a looped bulk, which never runs out: give it a time-period or iterations");
  auto throughput = node.find("target-throughput");
  auto interval = node.find("target-interval");
  if (throughput && interval) node.fail("define either 'target-throughput' or 'target-interval', not both");
  if (interval) task.target_throughput = 1.0 / interval->as_double(1e-9);
  if (throughput) task.target_throughput = parse_target_throughput(*throughput, task.operation);
  if (auto schedule = node.find("schedule")) {
    auto name = schedule->as_string();
    if (name != "deterministic" && name != "poisson")
      schedule->fail("'" + name + "' is not a schedule rally knows (deterministic, poisson)");
    task.poisson = name == "poisson";
  }
  if (auto level = node.find("ignore-response-error-level")) {
    if (level->as_string() != "non-fatal") level->fail("the only level is \"non-fatal\"");
    task.ignore_non_fatal_errors = true;
  }
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
      // Rally's parallel "clients" caps the step's clients, shared by its tasks in turn;
      // running each task with that many clients would put more load than asked for.
      reject_unsupported(*parallel, {"clients"});
      for (const auto& task_node : parallel->child("tasks").elements()) {
        step.tasks.push_back(parse_task(task_node, operations, &*parallel));
        remember(task_node, step.tasks.back());
      }
      if (step.tasks.empty()) parallel->child("tasks").fail("a parallel element needs at least one task");
      if (auto completed_by = parallel->find("completed-by")) {
        step.completed_by = completed_by->as_string();
        bool known =
            step.completed_by == "any" || std::any_of(step.tasks.begin(), step.tasks.end(),
                                                      [&](const Task& t) { return t.name == step.completed_by; });
        if (!known)
          completed_by->fail("'" + step.completed_by + "' is not a task of this parallel element (nor \"any\")");
      }
    } else {
      step.tasks.push_back(parse_task(element, operations, nullptr));
      remember(element, step.tasks.back());
    }
    challenge.schedule.push_back(std::move(step));
  }
  if (challenge.schedule.empty()) node.child("schedule").fail("the schedule is empty");
  return challenge;
}

// Rally's test mode: iterations capped to the number of clients, no warmup time, time
// periods of at most 10 s, no throttling.
// Rally's test-mode document files: documents-2.json.bz2 -> documents-2-1k.json(.bz2), 1,000
// documents, sizes unchecked.
void use_1k_document_files(Track& track) {
  for (auto& corpus : track.corpora) {
    for (auto& doc : corpus.documents) {
      if (doc.document_count <= 1000) continue;
      auto archive_ext = doc.source_file.substr(doc.document_file.size());
      auto dot = doc.document_file.rfind('.');
      auto slash = doc.document_file.rfind('/');
      bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
      auto stem = has_ext ? doc.document_file.substr(0, dot) : doc.document_file;
      auto ext = has_ext ? doc.document_file.substr(dot) : std::string();
      doc.document_file = stem + "-1k" + ext;
      doc.source_file = doc.document_file + archive_ext;
      doc.document_count = 1000;
      doc.compressed_bytes.reset();
      doc.uncompressed_bytes.reset();
    }
  }
}

void apply_test_mode(Track& track) {
  use_1k_document_files(track);
  for (auto& challenge : track.challenges) {
    for (auto& step : challenge.schedule) {
      for (auto& task : step.tasks) {
        if (task.warmup_iterations && *task.warmup_iterations > task.clients) task.warmup_iterations = task.clients;
        if (task.iterations && *task.iterations > task.clients) task.iterations = task.clients;
        if (task.warmup_time_period) task.warmup_time_period = 0;
        if (task.ramp_up_time_period) task.ramp_up_time_period = 0;
        if (task.time_period && *task.time_period > 10) task.time_period = 10;
        task.target_throughput.reset();
      }
    }
  }
}

void check_unused_params(Track& track, const LoadOptions& options, const std::set<std::string>& referenced) {
  auto unused = unused_track_params(options.params, referenced);
  if (unused.empty()) return;
  auto message = describe_unused_track_params(unused, referenced);
  if (!options.ignore_unused_params) throw RallyError("track '" + track.name + "': " + message);
  track.warnings.push_back(message);
}

Track load(TrackFiles files, bool from_disk, const LoadOptions& options) {
  FileSource source(files, from_disk);
  const auto& file = files.track_file;
  std::set<std::string> referenced;  // the globals (track params) the templates looked up
  auto text = render_track(file, source, options, referenced);
  Json doc = parse_json(text, file);
  JsonNode root(doc, file, "");
  if (!doc.is_object()) root.fail("a track must be a JSON object but got " + describe(doc));

  Track track;
  track.directory = fs::path(file).parent_path().string();
  track.name = fs::path(track.directory).filename().string();
  track.description = root.string_or("description", "");
  BodyReader bodies(track.directory, source, options, referenced);
  track.indices = parse_indices(root, bodies);
  track.templates = parse_templates(root, "templates", bodies);
  track.composable_templates = parse_templates(root, "composable-templates", bodies);
  track.component_templates = parse_component_templates(root, bodies);
  track.data_streams = parse_data_streams(root);
  track.corpora = parse_corpora(root, track);

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
  for (auto& challenge : track.challenges) filter_schedule(challenge, options.include_tasks, options.exclude_tasks);
  if (options.test_mode) apply_test_mode(track);
  check_unused_params(track, options, referenced);
  track.rendered = std::move(text);
  track.files = std::move(files);
  return track;
}

}  // namespace

LoadOptions LoadOptions::for_race(const RaceConfig& config) {
  LoadOptions options;
  options.test_mode = config.test_mode;
  options.params = parse_json(config.track_params.empty() ? "{}" : config.track_params, "track params");
  options.ignore_unused_params = config.ignore_unused_track_params;
  options.now = config.race_epoch;
  options.include_tasks = parse_task_filters(config.include_tasks, "include-tasks");
  options.exclude_tasks = parse_task_filters(config.exclude_tasks, "exclude-tasks");
  return options;
}

const Challenge& Track::find_challenge(const std::string& wanted) const {
  for (const auto& c : challenges) {
    if (wanted.empty() ? c.is_default : c.name == wanted) {
      if (c.schedule.empty())
        throw RallyError("the task filters leave nothing to run in challenge '" + c.name + "' of track '" + name + "'");
      return c;
    }
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
