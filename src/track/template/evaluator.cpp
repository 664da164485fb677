#include "evaluator.hpp"

#include "rally/common/errors.hpp"

#include "lexer.hpp"
#include "parser.hpp"

namespace rally::track::templating {

namespace {

constexpr int kMaxIncludeDepth = 64;  // Jinja would recurse until Python's stack gives out

class Renderer {
 public:
  Renderer(const Template& tpl, const RenderEnvironment& env, Context& context, int depth)
      : tpl_(tpl), env_(env), context_(context), depth_(depth) {}

  void run(std::string& out) {
    Frame root = enter(*tpl_.analysis.frames.front());
    frames_.push_back(&root);
    render_body(tpl_.body, out);
    frames_.pop_back();
  }

 private:
  struct Frame {
    std::vector<std::optional<Value>> slots;
  };

  // Jinja's enter_frame: every slot starts from the context, an outer slot, or missing.
  Frame enter(const FrameInfo& info) {
    Frame f;
    f.slots.resize(info.names.size());
    for (std::size_t i = 0; i < info.inits.size(); ++i) {
      const SlotInit& init = info.inits[i];
      if (init.action == LoadAction::resolve) {
        f.slots[i] = context_.resolve(init.name);
      } else if (init.action == LoadAction::alias) {
        f.slots[i] = slot(init.alias);
      }
    }
    return f;
  }

  std::optional<Value>& slot(SlotRef ref) {
    return frames_[static_cast<std::size_t>(ref.level)]->slots[static_cast<std::size_t>(ref.index)];
  }

  void assign(const Target& target, Value value) {
    if (target.slot.level == 0) context_.vars[target.name] = value;  // top level: visible to includes
    slot(target.slot) = std::move(value);
  }

  [[noreturn]] void fail(std::size_t offset, const std::string& message) const { tpl_.source.fail(offset, message); }

  void render_body(const Body& body, std::string& out) {
    for (const auto& stmt : body) {
      try {
        render_stmt(*stmt, out);
      } catch (const TemplateError& e) {
        fail(stmt->offset, e.what());
      }
    }
  }

  void render_stmt(const Stmt& s, std::string& out) {
    switch (s.kind) {
      case StmtKind::output:
        out += s.text;
        return;
      case StmtKind::print:
        out += to_str(eval(*s.expr));
        return;
      case StmtKind::if_:
        for (const auto& branch : s.branches) {
          if (truthy(eval(*branch.test))) {
            render_body(branch.body, out);
            return;
          }
        }
        render_body(s.else_body, out);
        return;
      case StmtKind::for_:
        render_for(s, out);
        return;
      case StmtKind::set:
        assign(s.targets.front(), eval(*s.expr));
        return;
      case StmtKind::import:
        for (std::size_t i = 0; i < s.targets.size(); ++i) assign(s.targets[i], imported(s.imported[i]));
        return;
      case StmtKind::include:
        render_include(s, out);
        return;
    }
  }

  static Value imported(const std::string& name) {
    if (name.empty()) return Builtin::helpers;
    if (name == "exists_set_param") return Builtin::exists_set_param;
    if (name == "collect") return Builtin::collect;
    return Value::undefined("the template 'rally.helpers' does not export the requested name '" + name + "'");
  }

  void bind_targets(const std::vector<Target>& targets, bool unpack, const Value& item) {
    if (!unpack) {
      assign(targets.front(), item);
      return;
    }
    auto parts = iterate(item);
    if (parts.size() != targets.size()) {
      throw TemplateError(parts.size() > targets.size()
                              ? "too many values to unpack (expected " + std::to_string(targets.size()) + ")"
                              : "not enough values to unpack (expected " + std::to_string(targets.size()) + ", got " +
                                    std::to_string(parts.size()) + ")");
    }
    for (std::size_t i = 0; i < parts.size(); ++i) assign(targets[i], parts[i]);
  }

  void render_for(const Stmt& s, std::string& out) {
    auto items = std::make_shared<std::vector<Value>>(iterate(eval(*s.expr)));
    if (s.loop_filter) {
      Frame test = enter(*s.filter_frame);
      frames_.push_back(&test);
      std::vector<Value> kept;
      for (const auto& item : *items) {
        bind_targets(s.filter_targets, s.unpack, item);
        if (truthy(eval(*s.loop_filter))) kept.push_back(item);
      }
      frames_.pop_back();
      *items = std::move(kept);
    }
    if (items->empty()) {
      if (s.else_frame) {
        Frame f = enter(*s.else_frame);
        frames_.push_back(&f);
        render_body(s.else_body, out);
        frames_.pop_back();
      }
      return;
    }
    for (std::size_t i = 0; i < items->size(); ++i) {
      Frame f = enter(*s.body_frame);  // per iteration: what the body assigns starts afresh
      frames_.push_back(&f);
      bind_targets(s.targets, s.unpack, (*items)[i]);
      if (s.declares_loop) {
        auto loop = std::make_shared<LoopState>();
        loop->index0 = i;
        loop->items = items;
        slot(s.loop_slot) = Value(LoopPtr(std::move(loop)));
      }
      render_body(s.body, out);
      frames_.pop_back();
    }
  }

  void render_include(const Stmt& s, std::string& out) {
    Value name = eval(*s.expr);
    if (!env_.load)
      throw TemplateError(
          "'{% include %}' is not available here: there is no template loader (Rally renders index body files "
          "without one)");
    if (name.is_undefined()) fail_undefined(name);
    std::vector<Value> names = name.is_list_or_tuple() ? name.as_sequence().items : std::vector<Value>{name};
    std::shared_ptr<const Template> tpl;
    for (const auto& n : names) {
      if (!n.is_string()) throw TemplateError("an include names a template with a string, not " + type_name(n));
      if ((tpl = env_.load(n.as_string()))) break;
    }
    if (!tpl) {
      if (s.ignore_missing) return;
      throw TemplateError("template " + to_repr(names.size() == 1 ? names.front() : name) +
                          " not found (Rally looks up includes relative to the track directory)");
    }
    if (depth_ >= kMaxIncludeDepth) throw TemplateError("includes nested too deeply (is a file including itself?)");
    Context sub;
    if (s.with_context) {
      // Jinja: template.new_context(context.get_all(), True, locals)
      auto all = std::make_shared<Globals>(*context_.parent);
      for (const auto& [k, v] : context_.vars) (*all)[k] = v;
      for (const auto& local : s.visible_locals) {
        if (auto& value = slot(local.slot)) (*all)[local.name] = *value;
      }
      sub.parent = std::move(all);
    } else {
      sub.parent = env_.globals;
    }
    try {
      render(*tpl, env_, std::move(sub), out, depth_ + 1);
    } catch (const RallyError& e) {
      throw RallyError(std::string(e.what()) + " (included from " + tpl_.source.where(s.offset) + ")");
    }
  }

  CallArgs eval_args(const std::vector<Arg>& args) {
    CallArgs out;
    for (const auto& a : args) {
      if (a.keyword.empty()) {
        out.positional.push_back(eval(*a.value));
      } else {
        out.keywords.emplace_back(a.keyword, eval(*a.value));
      }
    }
    return out;
  }

  Value eval(const Expr& e) {
    try {
      return eval_node(e);
    } catch (const TemplateError& err) {
      fail(e.offset, err.what());
    }
  }

  Value eval_node(const Expr& e) {
    switch (e.kind) {
      case ExprKind::constant:
        return e.constant;
      case ExprKind::name: {
        if (!e.slot.bound()) throw TemplateError("internal error: '" + e.name + "' has no slot");
        const auto& value = slot(e.slot);
        return value ? *value : Value::undefined("'" + e.name + "' is undefined");
      }
      case ExprKind::list:
      case ExprKind::tuple: {
        std::vector<Value> items;
        items.reserve(e.children.size());
        for (const auto& c : e.children) items.push_back(eval(*c));
        return Value::list(std::move(items), e.kind == ExprKind::list ? SeqKind::list : SeqKind::tuple);
      }
      case ExprKind::dict: {
        auto dict = std::make_shared<Dict>();
        for (std::size_t i = 0; i + 1 < e.children.size(); i += 2) {
          Value key = eval(*e.children[i]);
          if (!key.is_string())
            fail(e.children[i]->offset, "dict keys other than strings are not supported (got " + type_name(key) + ")");
          dict->set(key.as_string(), eval(*e.children[i + 1]));
        }
        return Value(DictPtr(std::move(dict)));
      }
      case ExprKind::getattr:
        return get_attribute(eval(*e.children[0]), e.name);
      case ExprKind::getitem: {
        Value obj = eval(*e.children[0]);
        return get_item(obj, eval(*e.children[1]));
      }
      case ExprKind::call:
        return eval_call(e);
      case ExprKind::filter: {
        Value input = eval(*e.children[0]);
        return apply_filter(e.name, input, eval_args(e.args));
      }
      case ExprKind::test: {
        Value input = eval(*e.children[0]);
        return apply_test(e.name, input, eval_args(e.args));
      }
      case ExprKind::negate:
        return negate(eval(*e.children[0]));
      case ExprKind::unary_plus:
        return unary_plus(eval(*e.children[0]));
      case ExprKind::binary: {
        Value left = eval(*e.children[0]);
        return binary(e.op, left, eval(*e.children[1]));
      }
      case ExprKind::concat: {
        std::string out;
        for (const auto& c : e.children) out += to_str(eval(*c));
        return out;
      }
      case ExprKind::compare: {
        Value left = eval(*e.children[0]);
        for (std::size_t i = 0; i < e.compare_ops.size(); ++i) {
          Value right = eval(*e.children[i + 1]);
          if (!compare(e.compare_ops[i], left, right)) return false;
          left = std::move(right);
        }
        return true;
      }
      case ExprKind::logical_and: {
        Value left = eval(*e.children[0]);
        return truthy(left) ? eval(*e.children[1]) : left;
      }
      case ExprKind::logical_or: {
        Value left = eval(*e.children[0]);
        return truthy(left) ? left : eval(*e.children[1]);
      }
      case ExprKind::logical_not:
        return !truthy(eval(*e.children[0]));
      case ExprKind::conditional:
        if (truthy(eval(*e.children[1]))) return eval(*e.children[0]);
        if (e.children.size() > 2) return eval(*e.children[2]);
        return Value::undefined("the inline if-expression at " + tpl_.source.where(e.offset) +
                                " evaluated to false and no else section was defined.");
    }
    return {};
  }

  Value eval_call(const Expr& e) {
    const Expr& callee = *e.children[0];
    if (callee.kind == ExprKind::getattr) {
      Value obj = eval(*callee.children[0]);
      return call_method(obj, callee.name, eval_args(e.args));
    }
    Value fn = eval(callee);
    CallArgs args = eval_args(e.args);
    if (fn.kind() == Kind::builtin) return call_builtin(fn.as_builtin(), args);
    if (fn.is_undefined()) fail_undefined(fn);
    throw TemplateError("'" + type_name(fn) + "' object is not callable");
  }

  const Template& tpl_;
  const RenderEnvironment& env_;
  Context& context_;
  int depth_;
  std::vector<Frame*> frames_;  // the active frames, by level
};

}  // namespace

const std::set<std::string>& environment_global_names() {
  static const std::set<std::string> names = {
      "range", "dict", "lipsum", "cycler", "joiner", "namespace", "build_flavor", "serverless_operator", "now", "glob"};
  return names;
}

std::optional<Value> Context::resolve(const std::string& name) const {
  if (auto it = vars.find(name); it != vars.end()) return it->second;
  if (parent) {
    if (auto it = parent->find(name); it != parent->end()) return it->second;
  }
  return std::nullopt;
}

std::shared_ptr<const Template> compile(TemplateText source, Environment env) {
  auto tpl = std::make_shared<Template>();
  if (!source.text().empty() && source.text().back() == '\n') source.text().pop_back();
  tpl->source = std::move(source);
  auto tokens = tokenize(tpl->source);
  tpl->body = parse(tpl->source, tokens, env);
  tpl->analysis = analyze(tpl->body, environment_global_names());
  return tpl;
}

void render(const Template& tpl, const RenderEnvironment& env, Context context, std::string& out, int depth) {
  Renderer(tpl, env, context, depth).run(out);
}

}  // namespace rally::track::templating
