#pragma once

// Rally's pre-pass (TemplateSource.replace_includes in esrally/track/loader.py): before
// Jinja sees a track, each `{{ rally.collect(parts="GLOB") }}` is replaced by the files
// matching GLOB, sorted by path and joined with ",\n"; the parts are processed the same
// way, relative to the directory of the glob that found them. Being textual, it lets a
// `{% set %}` in track.json reach into the parts.

#include <string>

#include "rally/track/template/template.hpp"

#include "source_text.hpp"

namespace rally::track::templating {

// A template file's text as Jinja sees it: UTF-8 checked, newlines normalized.
std::string template_text(std::string raw, const std::string& path);

// Reads a template file through `source` (see template_text).
// `referenced_from` prefixes the error when the file does not exist.
std::string read_template_file(const TemplateSource& source, const std::string& path,
                               const std::string& referenced_from);

// Replaces the collect expressions in `text` (read from `file`); globs are relative to
// `base_dir`. The result maps every part back to its file and line.
TemplateText assemble(const std::string& text, const std::string& file, const std::string& base_dir,
                      const TemplateSource& source);

}  // namespace rally::track::templating
