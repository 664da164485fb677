#include "commands.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <vector>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"
#include "rally/common/redaction.hpp"
#include "rally/common/text.hpp"
#include "rally/metrics/compare.hpp"
#include "rally/metrics/race_store.hpp"
#include "rally/metrics/report.hpp"
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

// Left-aligned columns under a header and a dashed line.
std::string text_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w;
  for (const auto& h : headers) w.push_back(h.size());
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      s += cells[i];
      if (i + 1 < cells.size()) s += std::string(w[i] - cells[i].size(), ' ') + " | ";
    }
    return s + "\n";
  };
  std::vector<std::string> dashes;
  for (auto width : w) dashes.emplace_back(width, '-');
  std::string out = line(headers) + line(dashes);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string user_tags_text(const metrics::StoredRace& race) {
  std::string text;
  for (const auto& [key, value] : race.user_tags) text += (text.empty() ? "" : ", ") + key + "=" + value;
  return text;
}

std::string cluster_text(const metrics::StoredRace& race) {
  auto text = race.distribution;
  if (!race.distribution_version.empty()) text += (text.empty() ? "" : " ") + race.distribution_version;
  return text;
}

void describe_race(std::ostream& out, const metrics::StoredRace& race) {
  out << "  Race ID: " << race.race_id << "\n"
      << "  Race timestamp: " << race.race_timestamp << "\n"
      << "  Track: " << race.track << "\n"
      << "  Challenge: " << race.challenge << "\n"
      << "  Cluster: " << cluster_text(race) << "\n"
      << "  Status: " << race.status << "\n";
  if (!race.user_tags.empty()) out << "  User tags: " << user_tags_text(race) << "\n";
}

}  // namespace

std::string resolve_track_path(const TrackOptions& options) {
  return track::resolve_track(options.location, track::default_track_directories());
}

track::LoadOptions load_options(const TrackOptions& options, double now) {
  track::LoadOptions load;
  load.test_mode = options.test_mode;
  load.params = track::parse_track_params(options.params);
  register_secret_params(load.params);  // used to render the track, masked in every output
  load.ignore_unused_params = options.ignore_unused_params;
  load.now = now;
  load.include_tasks = track::parse_task_filters(options.include_tasks, "include-tasks");
  load.exclude_tasks = track::parse_task_filters(options.exclude_tasks, "exclude-tasks");
  return load;
}

void prepare_race_config(RaceCommand& command) {
  auto& config = command.config;
  const auto& t = command.track;
  register_race_secrets(config);  // the credentials, before anything may print them
  config.race_epoch = epoch_now();
  auto options = load_options(t, config.race_epoch);  // validates params and filters early
  config.track_path = resolve_track_path(t);
  config.challenge = t.challenge;
  config.track_params = options.params.dump();  // its secret_* values: registered by load_options
  config.ignore_unused_track_params = t.ignore_unused_params;
  config.include_tasks = t.include_tasks;
  config.exclude_tasks = t.exclude_tasks;
  config.test_mode = t.test_mode;
  config.offline = t.location.offline;
  // A baseline that is not there fails now, before any load, not after the race.
  if (!config.report.baseline.empty()) (void)metrics::RaceStore(config.races_dir).load(config.report.baseline);
}

int run_render_track(const RenderTrackCommand& command, std::ostream& out) {
  auto loaded = track::load_track(resolve_track_path(command.track), load_options(command.track, epoch_now()));
  auto text = nlohmann::json::parse(loaded.rendered).dump(2) + "\n";
  if (command.output_path.empty()) {
    out << text;
  } else {
    write_file_atomically(command.output_path, redact(text));
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

int run_list_races(const ListRacesCommand& command, std::ostream& out, std::ostream& err) {
  auto listing = metrics::RaceStore(command.races_dir).list();
  for (const auto& unreadable : listing.unreadable) err << "[WARNING] Skipped a race: " << unreadable << "\n";
  if (listing.races.empty()) {
    out << "No races found in " << command.races_dir << ".\n";
    return exit_success;
  }
  std::vector<std::vector<std::string>> rows;
  bool any_tags = false;
  for (const auto& race : listing.races) {
    if (rows.size() == command.limit) break;
    rows.push_back({race.race_id, race.race_timestamp, race.track, race.challenge, race.status, cluster_text(race)});
    if (!race.user_tags.empty()) any_tags = true;
    rows.back().push_back(user_tags_text(race));
  }
  std::vector<std::string> headers = {"Race ID", "Race Timestamp", "Track", "Challenge", "Status", "Cluster"};
  if (any_tags) {
    headers.emplace_back("User Tags");
  } else {
    for (auto& row : rows) row.pop_back();
  }
  out << "Recent races:\n\n" << text_table(headers, rows);
  if (listing.races.size() > rows.size()) {
    out << "\n(" << rows.size() << " of " << listing.races.size() << " races; --limit=N shows more)\n";
  }
  return exit_success;
}

int run_report(const ReportCommand& command, std::ostream& out, std::ostream& err) {
  auto race = metrics::RaceStore(command.races_dir).load(command.race_id);
  auto text = metrics::render_report(race.report(), command.output.format, metrics::report_options(command.view));
  if (command.output.format == "json" || command.output.format == "html") {
    // For tools and browsers: the document alone on stdout (and in the file).
    out << text;
    if (!command.output.file.empty()) write_file_atomically(command.output.file, redact(text));
    return exit_success;
  }
  out << "Race [" << race.race_id << "] of track [" << race.track << "], challenge [" << race.challenge << "], at "
      << race.race_timestamp << "\n";
  if (race.status != "success") {
    err << "[WARNING] The race ended with status [" << race.status << "]"
        << (race.failure.empty() ? "" : ": " + race.failure) << "; the results are those measured until then.\n";
  }
  out << metrics::final_score_banner() << text << "\n";
  for (const auto& note : race.notes) out << "[NOTE] " << note << "\n";
  if (!command.output.file.empty()) write_file_atomically(command.output.file, redact(text));
  return exit_success;
}

namespace {

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> ids;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) ids.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return ids;
}

void warn_about_races(const metrics::StoredRace& baseline, const std::vector<metrics::StoredRace>& contenders,
                      std::ostream& err) {
  for (const auto& contender : contenders) {
    if (baseline.track != contender.track || baseline.challenge != contender.challenge) {
      err << "[WARNING] The races ran different workloads: the baseline track [" << baseline.track << "] challenge ["
          << baseline.challenge << "], the contender " << contender.race_id << " track [" << contender.track
          << "] challenge [" << contender.challenge << "].\n";
    }
  }
  auto warn_status = [&](const metrics::StoredRace& race) {
    if (race.status != "success")
      err << "[WARNING] Race [" << race.race_id << "] ended with status [" << race.status << "].\n";
  };
  warn_status(baseline);
  for (const auto& contender : contenders) warn_status(contender);
}

}  // namespace

int run_compare(const CompareCommand& command, std::ostream& out, std::ostream& err) {
  metrics::RaceStore store(command.races_dir);
  auto baseline = store.load(command.baseline);
  std::vector<metrics::StoredRace> contenders;
  for (const auto& id : split_ids(command.contender)) contenders.push_back(store.load(id));
  if (contenders.empty()) throw RallyError("--contender names no race");
  warn_about_races(baseline, contenders, err);
  std::vector<metrics::NamedComparison> comparisons;
  for (const auto& contender : contenders)
    comparisons.push_back({contender.race_id, metrics::compare_results(baseline.results, contender.results)});
  const bool csv = command.output.format == "csv";
  std::string text;
  if (comparisons.size() == 1) {
    const auto& comparison = comparisons.front().comparison;
    text = csv ? metrics::format_comparison_csv(comparison) : metrics::format_comparison_markdown(comparison);
  } else {
    text = csv ? metrics::format_multi_comparison_csv(comparisons)
               : metrics::format_multi_comparison_markdown(comparisons);
  }
  out << "Comparing baseline\n";
  describe_race(out, baseline);
  for (const auto& contender : contenders) {
    out << "\nwith contender\n";
    describe_race(out, contender);
  }
  out << metrics::final_score_banner() << text;
  if (csv) {
    for (const auto& [id, comparison] : comparisons) {
      for (const auto& task : comparison.only_in_baseline)
        out << "[INFO] Task of the baseline that " << id << " did not run: " << task << "\n";
      for (const auto& task : comparison.only_in_contender) out << "[INFO] Task only in " << id << ": " << task << "\n";
    }
  }
  if (!command.output.file.empty()) write_file_atomically(command.output.file, redact(text));
  if (command.fail_on_regression.empty()) return exit_success;

  std::size_t regressions = 0;
  for (const auto& [id, comparison] : comparisons) {
    for (const auto& metric : metrics::unchecked_metrics(comparison, command.fail_on_regression)) {
      err << "[WARNING] fail-on-regression: no task of the baseline and " << id << " has " << metric
          << "; it was not checked.\n";
    }
    for (const auto& r : metrics::find_regressions(comparison, command.fail_on_regression)) {
      err << "[ERROR] " << (comparisons.size() > 1 ? id + ": " : "") << metrics::describe(r) << "\n";
      ++regressions;
    }
  }
  if (regressions == 0) {
    out << "\n[INFO] No regression past the --fail-on-regression thresholds.\n";
    return exit_success;
  }
  err << "[ERROR] " << regressions << (regressions == 1 ? " regression" : " regressions")
      << " past the --fail-on-regression thresholds.\n";
  return exit_error;
}

}  // namespace rally::app
