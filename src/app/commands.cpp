#include "commands.hpp"

#include <chrono>
#include <cstdio>
#include <ostream>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"
#include "rally/track/synthetic_corpus.hpp"
#include "rally/track/track_params.hpp"

namespace rally::app {

namespace {

double epoch_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Sizes as Rally prints them: binary units with one decimal.
std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) value /= 1024, ++unit;
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buf;
}

std::string with_thousands(std::uint64_t n) {
  auto digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

struct CorpusTotals {
  std::uint64_t documents = 0, compressed = 0, uncompressed = 0;
  bool compressed_known = true, uncompressed_known = true;
};

CorpusTotals totals(const track::Track& t) {
  CorpusTotals c;
  for (const auto& corpus : t.corpora) {
    for (const auto& doc : corpus.documents) {
      c.documents += doc.document_count;
      if (doc.compressed_bytes)
        c.compressed += *doc.compressed_bytes;
      else
        c.compressed_known = false;
      if (doc.uncompressed_bytes)
        c.uncompressed += *doc.uncompressed_bytes;
      else
        c.uncompressed_known = false;
    }
  }
  return c;
}

std::string describe_task(const track::Task& task) {
  std::string text = task.name;
  if (task.operation.name != task.name) text += " (" + task.operation.name + ")";
  text += " [" + std::string(track::to_string(task.operation.type));
  if (task.clients != 1) text += ", " + std::to_string(task.clients) + " clients";
  if (task.warmup_iterations) text += ", " + std::to_string(*task.warmup_iterations) + " warmup iterations";
  if (task.iterations) text += ", " + std::to_string(*task.iterations) + " iterations";
  return text + "]";
}

}  // namespace

std::string resolve_track_path(const TrackOptions& options) {
  return track::resolve_track(options.location, track::default_track_directories());
}

track::LoadOptions load_options(const TrackOptions& options, double now) {
  track::LoadOptions load;
  load.test_mode = options.test_mode;
  load.params = track::parse_track_params(options.params);
  load.ignore_unused_params = options.ignore_unused_params;
  load.now = now;
  load.include_tasks = track::parse_task_filters(options.include_tasks, "include-tasks");
  load.exclude_tasks = track::parse_task_filters(options.exclude_tasks, "exclude-tasks");
  return load;
}

void prepare_race_config(RaceCommand& command) {
  auto& config = command.config;
  const auto& t = command.track;
  config.race_epoch = epoch_now();
  auto options = load_options(t, config.race_epoch);  // validates params and filters early
  config.track_path = resolve_track_path(t);
  config.challenge = t.challenge;
  config.track_params = options.params.dump();
  config.ignore_unused_track_params = t.ignore_unused_params;
  config.include_tasks = t.include_tasks;
  config.exclude_tasks = t.exclude_tasks;
  config.test_mode = t.test_mode;
  config.offline = t.location.offline;
}

int run_render_track(const RenderTrackCommand& command, std::ostream& out) {
  auto loaded = track::load_track(resolve_track_path(command.track), load_options(command.track, epoch_now()));
  auto text = nlohmann::json::parse(loaded.rendered).dump(2) + "\n";
  if (command.output_path.empty()) {
    out << text;
  } else {
    write_file_atomically(command.output_path, text);
  }
  return exit_success;
}

int run_validate_track(const ValidateTrackCommand& command, std::ostream& out) {
  auto loaded = track::load_track(resolve_track_path(command.track), load_options(command.track, epoch_now()));
  if (!command.track.challenge.empty()) (void)loaded.find_challenge(command.track.challenge);
  for (const auto& challenge : loaded.challenges) {
    std::size_t tasks = 0;
    for (const auto& step : challenge.schedule) tasks += step.tasks.size();
    out << "challenge '" << challenge.name << "'" << (challenge.is_default ? " (default)" : "") << ": "
        << challenge.schedule.size() << " steps, " << tasks << " tasks\n";
  }
  out << "track '" << loaded.name << "' is valid\n";
  return exit_success;
}

int run_info(const InfoCommand& command, std::ostream& out) {
  auto loaded = track::load_track(resolve_track_path(command.track), load_options(command.track, epoch_now()));
  auto c = totals(loaded);
  out << "Showing details for track [" << loaded.name << "]:\n\n";
  out << "* Description: " << loaded.description << "\n";
  if (!loaded.corpora.empty()) {
    out << "* Documents: " << with_thousands(c.documents) << "\n";
    out << "* Compressed Size: " << (c.compressed_known ? human_bytes(c.compressed) : "N/A") << "\n";
    out << "* Uncompressed Size: " << (c.uncompressed_known ? human_bytes(c.uncompressed) : "N/A") << "\n";
  }
  out << "\n";
  for (const auto& challenge : loaded.challenges) {
    if (!command.track.challenge.empty() && challenge.name != command.track.challenge) continue;
    out << "Challenge [" << challenge.name << "]" << (challenge.is_default ? " (run by default)" : "") << "\n";
    if (!challenge.description.empty()) out << challenge.description << "\n";
    out << "\nSchedule:\n----------\n\n";
    int n = 0;
    for (const auto& step : challenge.schedule) {
      if (step.tasks.size() == 1) {
        out << ++n << ". " << describe_task(step.tasks.front()) << "\n";
      } else {
        out << ++n << ". parallel:\n";
        for (const auto& task : step.tasks) out << "    - " << describe_task(task) << "\n";
      }
    }
    out << "\n";
  }
  return exit_success;
}

int run_generate_corpus(const GenerateCorpusCommand& command, std::ostream& out) {
  auto start = std::chrono::steady_clock::now();
  auto manifest = track::generate_synthetic_geonames_corpus(
      command.output, track::SyntheticCorpusOptions{command.documents, command.seed});
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "Wrote " << with_thousands(manifest.documents) << " synthetic " << command.generator << " documents ("
      << human_bytes(manifest.bytes) << ") to " << command.output << " in " << seconds << " s, with its manifest "
      << track::synthetic_manifest_path(command.output) << ".\n"
      << "rally uses it in place of the track's document file of that name, and says so in the report.\n";
  return exit_success;
}

int run_list_tracks(std::ostream& out) {
  auto dirs = track::default_track_directories();
  auto entries = track::list_tracks(dirs);
  if (entries.empty()) {
    out << "No tracks found (looked in " << (dirs.shipped.empty() ? "" : dirs.shipped + " and ") << dirs.repositories
        << "/default).\n";
    return exit_success;
  }
  out << "Available tracks:\n\n";
  out << "Name | Description | Documents | Compressed Size | Uncompressed Size | Default Challenge | All Challenges\n";
  out << "---- | ----------- | --------- | --------------- | ----------------- | ----------------- | --------------\n";
  for (const auto& entry : entries) {
    try {
      auto t = track::load_track(entry.directory, track::LoadOptions{});
      auto c = totals(t);
      std::string all, default_name;
      for (const auto& ch : t.challenges) {
        all += (all.empty() ? "" : ",") + ch.name;
        if (ch.is_default) default_name = ch.name;
      }
      out << entry.name << " | " << t.description << " | " << with_thousands(c.documents) << " | "
          << (c.compressed_known ? human_bytes(c.compressed) : "N/A") << " | "
          << (c.uncompressed_known ? human_bytes(c.uncompressed) : "N/A") << " | " << default_name << " | " << all
          << "\n";
    } catch (const RallyError& e) {
      out << entry.name << " | (cannot be loaded: " << e.what() << ")\n";
    }
  }
  return exit_success;
}

}  // namespace rally::app
