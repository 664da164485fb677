#pragma once

// Compiling and rendering one template, Jinja style: the template's root frame resolves
// names from a context (root-level assignments over the globals), and `{% include %}`
// renders another template with a copy of what the includer sees.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "ast.hpp"
#include "filters.hpp"
#include "source_text.hpp"
#include "symbols.hpp"

namespace rally::track::templating {

struct Template {
  TemplateText source;
  Body body;
  Analysis analysis;
};

// The names Rally's analysis environment defines, which therefore never count as names
// the template reads from the track parameters (Jinja's default globals and Rally's).
const std::set<std::string>& environment_global_names();

// Lexes, parses and analyzes; drops one trailing newline first (keep_trailing_newline is
// off in Rally's environment).
std::shared_ptr<const Template> compile(TemplateText source, Environment env);

using Globals = std::unordered_map<std::string, Value>;

struct RenderEnvironment {
  std::shared_ptr<const Globals> globals;
  // Resolves an include name to a compiled template; nullptr when no such file exists.
  // Empty when the environment has no loader (index bodies).
  std::function<std::shared_ptr<const Template>(const std::string& name)> load;
};

// Jinja's Context: assignments at the template's top level over a parent mapping.
struct Context {
  std::shared_ptr<const Globals> parent;
  Globals vars;

  [[nodiscard]] std::optional<Value> resolve(const std::string& name) const;
};

// Renders `tpl` and appends the output. Errors are RallyErrors naming file and line.
void render(const Template& tpl, const RenderEnvironment& env, Context context, std::string& out, int depth = 0);

}  // namespace rally::track::templating
