// The public pipeline (template.hpp): Rally's environments for track files and index
// body files, and the loader for includes.

#include <filesystem>
#include <map>

#include "rally/common/errors.hpp"
#include "rally/track/template/template.hpp"

#include "collect.hpp"
#include "evaluator.hpp"

namespace rally::track::templating {

namespace fs = std::filesystem;

struct TemplateParams::Values {
  Globals globals;
};

namespace {

template <class Json>
std::shared_ptr<const TemplateParams::Values> convert_params(const Json& params) {
  auto values = std::make_shared<TemplateParams::Values>();
  if (params.is_null()) return values;
  if (!params.is_object()) throw RallyError("track parameters must be a JSON object");
  for (auto it = params.begin(); it != params.end(); ++it) {
    try {
      values->globals[it.key()] = from_json(it.value());
    } catch (const TemplateError& e) {
      throw RallyError("track parameter '" + it.key() + "': " + e.what());
    }
  }
  return values;
}

// Rally's environments: Jinja's default globals, then the track parameters (which may
// shadow them), then Rally's own globals (which nothing may shadow).
std::shared_ptr<const Globals> make_globals(const TemplateParams& params, const RenderOptions& options,
                                            Environment env) {
  auto globals = std::make_shared<Globals>();
  (*globals)["range"] = Builtin::range;
  (*globals)["dict"] = Builtin::dict;
  (*globals)["lipsum"] = Builtin::lipsum;
  (*globals)["cycler"] = Builtin::cycler;
  (*globals)["joiner"] = Builtin::joiner;
  (*globals)["namespace"] = Builtin::namespace_;
  for (const auto& [name, value] : params.values().globals) (*globals)[name] = value;
  (*globals)["build_flavor"] = Value(options.build_flavor);
  (*globals)["serverless_operator"] = Value(options.serverless_operator);
  if (env == Environment::track) {
    (*globals)["now"] = Value(options.now);
    (*globals)["glob"] = Builtin::glob;
  }
  return globals;
}

// Rally's jinja2.FileSystemLoader(track_dir): names are '/'-separated and relative to the
// track directory (a leading '/' is ignored); '..' is refused, as Jinja does.
class IncludeLoader {
 public:
  IncludeLoader(std::string root, const TemplateSource& source) : root_(std::move(root)), source_(source) {}

  std::shared_ptr<const Template> load(const std::string& name) {
    std::string path = root_;
    std::size_t start = 0;
    while (start <= name.size()) {
      std::size_t slash = name.find('/', start);
      std::string piece = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      if (piece == "..") return nullptr;
      if (!piece.empty() && piece != ".") path += "/" + piece;
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    if (auto it = cache_.find(path); it != cache_.end()) return it->second;
    auto text = source_.read(path);
    std::shared_ptr<const Template> tpl;
    if (text) tpl = compile(TemplateText(template_text(std::move(*text), path), path), Environment::track);
    cache_.emplace(path, tpl);
    return tpl;
  }

 private:
  std::string root_;
  const TemplateSource& source_;
  std::map<std::string, std::shared_ptr<const Template>> cache_;
};

std::string render_once(const Template& tpl, const RenderEnvironment& env) {
  std::string out;
  render(tpl, env, Context{env.globals, {}}, out);
  return out;
}

}  // namespace

TemplateParams::TemplateParams(const nlohmann::json& params) : values_(convert_params(params)) {}
TemplateParams::TemplateParams(const nlohmann::ordered_json& params) : values_(convert_params(params)) {}

RenderResult render_track_file(const std::string& absolute_path, const TemplateSource& source,
                               const TemplateParams& params, const RenderOptions& options) {
  std::string path = fs::path(absolute_path).lexically_normal().string();
  std::string dir = fs::path(path).parent_path().string();
  std::string text = read_template_file(source, path, "track");
  auto tpl = compile(assemble(text, path, dir, source), Environment::track);
  IncludeLoader loader(dir, source);
  RenderEnvironment env;
  env.globals = make_globals(params, options, Environment::track);
  env.load = [&loader](const std::string& name) { return loader.load(name); };
  return RenderResult{render_once(*tpl, env), tpl->analysis.undeclared};
}

RenderResult render_index_body(const std::string& absolute_path, const std::string& track_dir,
                               const TemplateSource& source, const TemplateParams& params,
                               const RenderOptions& options) {
  std::string path = fs::path(absolute_path).lexically_normal().string();
  std::string text = read_template_file(source, path, "index body");
  auto tpl = compile(assemble(text, path, track_dir, source), Environment::index_body);
  RenderEnvironment env;
  env.globals = make_globals(params, options, Environment::index_body);
  return RenderResult{render_once(*tpl, env), tpl->analysis.undeclared};
}

std::string render_string(const std::string& text, const std::string& file_name, const TemplateParams& params,
                          const RenderOptions& options) {
  auto tpl = compile(TemplateText(normalize_newlines(text), file_name), Environment::track);
  RenderEnvironment env;
  env.globals = make_globals(params, options, Environment::track);
  return render_once(*tpl, env);
}

}  // namespace rally::track::templating
