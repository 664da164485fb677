#pragma once

// Rally's track templating: the Jinja2 subset Rally tracks are written in, rendered exactly
// as Rally renders them (Jinja2 3.1 with Rally's settings, esrally/track/loader.py).
//
// A track file goes through Rally's pipeline: first a textual pass replaces every
// `{{ rally.collect(parts="GLOB") }}` with the files GLOB matches (sorted, joined with
// ",\n", recursively), then the result is rendered once with the track parameters as
// globals, plus `build_flavor`, `serverless_operator`, `now` and the `days_ago` filter.
// Index body files are rendered with the track parameters too, in Rally's smaller
// environment for them (no `now`, no `days_ago`, no includes).
//
// Anything outside the subset is a RallyError naming file, line and construct; the
// engine never renders something Jinja would render differently. The unit tests
// tests/unit/track/template_*_test.cpp pin down the subset and its edge cases.
//
// Two deliberate differences from Rally, both in the collect pre-pass: a glob that
// matches no file is an error (Rally silently inserts nothing), and the collect
// expression may be spelled with single quotes or without spaces (Rally's regular
// expression would miss those and leave them to a Jinja macro that globs relative to the
// track directory). Ints are 64-bit: where Python would grow a big integer, it is an error.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rally::track::templating {

// Where template files come from. Everything the engine reads goes through here, so the
// caller can record it and render the same track again on another host from the recording.
struct TemplateSource {
  // The text of a file, or nullopt when it does not exist (or is not a regular file).
  // Throws RallyError when it exists but cannot be read.
  std::function<std::optional<std::string>(const std::string& absolute_path)> read;
  // The paths matching an absolute pattern, with Python's glob.glob() rules (see glob_files).
  std::function<std::vector<std::string>(const std::string& absolute_pattern)> glob;
};

// Reads and globs the local file system.
TemplateSource file_system_source();

// Python's glob.glob(pattern) (recursive=False) on the local file system: `*`, `?` and
// `[...]` within one path component, `**` is `*`, names starting with '.' only match a
// pattern component that starts with '.'. Paths come back as the pattern spells them.
std::vector<std::string> glob_files(const std::string& absolute_pattern);

// Track parameters (--track-params), which become template globals: objects become dicts,
// arrays lists. Rally iterates a dict in insertion order; nlohmann::json sorts keys, so
// pass an nlohmann::ordered_json where that order matters.
class TemplateParams {
 public:
  TemplateParams(const nlohmann::json& params);          // NOLINT(google-explicit-constructor)
  TemplateParams(const nlohmann::ordered_json& params);  // NOLINT(google-explicit-constructor)

  struct Values;
  [[nodiscard]] const Values& values() const { return *values_; }

 private:
  std::shared_ptr<const Values> values_;
};

struct RenderOptions {
  std::string build_flavor = "default";  // Rally: mechanic distribution.flavor
  bool serverless_operator = false;
  double now = 0;  // `now`: epoch seconds (Rally: time.time()), injected so renders are reproducible
};

struct RenderResult {
  std::string text;
  // The names the template reads from its globals, computed as Rally does with
  // jinja2.meta.find_undeclared_variables on the assembled template: statically, over all
  // branches, not following includes, without Jinja's and Rally's own globals. Rally
  // reports track parameters that are not among them.
  std::set<std::string> referenced_globals;
};

// The whole pipeline for a track file (track.json): collect pre-pass relative to each
// file's directory, one render; includes resolve relative to the track file's directory.
RenderResult render_track_file(const std::string& absolute_path, const TemplateSource& source,
                               const TemplateParams& params, const RenderOptions& options);

// An index body file, as Rally renders it: the collect pre-pass relative to the track
// directory, then one render with the parameters, `build_flavor` and `serverless_operator`.
RenderResult render_index_body(const std::string& absolute_path, const std::string& track_dir,
                               const TemplateSource& source, const TemplateParams& params,
                               const RenderOptions& options);

// One render of `text` in the track file's environment, without the collect pre-pass and
// without includes; `file_name` is used in error messages.
std::string render_string(const std::string& text, const std::string& file_name, const TemplateParams& params,
                          const RenderOptions& options);

}  // namespace rally::track::templating
