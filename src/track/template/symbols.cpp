#include "symbols.hpp"

#include <map>
#include <optional>

namespace rally::track::templating {

namespace {

struct Load {
  LoadAction action = LoadAction::undefined;
  std::string name;      // resolve: the global
  int alias_level = -1;  // alias: the level of the enclosing frame that has the name
};

// One frame's symbol table, as jinja2.idtracking.Symbols keeps it: each name the frame
// defines (its refs) with how it is loaded on frame entry, and the names it stores.
class Symbols {
 public:
  Symbols(const Symbols* parent, int level) : parent_(parent), level_(level) {}

  [[nodiscard]] int level() const { return level_; }
  [[nodiscard]] const Symbols* parent() const { return parent_; }
  [[nodiscard]] const std::map<std::string, Load>& loads() const { return loads_; }
  [[nodiscard]] const std::set<std::string>& stores() const { return stores_; }

  [[nodiscard]] std::optional<int> find_ref(const std::string& name) const {
    for (const Symbols* s = this; s; s = s->parent_) {
      if (s->loads_.count(name)) return s->level_;
    }
    return std::nullopt;
  }

  void load(const std::string& name) {
    if (!find_ref(name)) loads_[name] = Load{LoadAction::resolve, name, -1};
  }

  void store(const std::string& name) {
    stores_.insert(name);
    if (loads_.count(name)) return;
    if (parent_) {
      if (auto outer = parent_->find_ref(name)) {
        loads_[name] = Load{LoadAction::alias, name, *outer};
        return;
      }
    }
    loads_[name] = Load{LoadAction::undefined, "", -1};
  }

  void declare_parameter(const std::string& name) {
    stores_.insert(name);
    loads_[name] = Load{LoadAction::parameter, "", -1};
  }

  // After an if statement: what any branch stored and the frame had not stored before
  // must come from outside when the branch is not taken, so it resolves or aliases.
  void branch_update(const std::vector<Symbols>& branches) {
    std::set<std::string> new_stores;
    for (const auto& b : branches) new_stores.insert(b.stores_.begin(), b.stores_.end());
    for (const auto& s : stores_) new_stores.erase(s);
    for (const auto& b : branches) {
      for (const auto& [name, load] : b.loads_) loads_[name] = load;
      stores_.insert(b.stores_.begin(), b.stores_.end());
    }
    for (const auto& name : new_stores) {
      if (parent_) {
        if (auto outer = parent_->find_ref(name)) {
          loads_[name] = Load{LoadAction::alias, name, *outer};
          continue;
        }
      }
      loads_[name] = Load{LoadAction::resolve, name, -1};
    }
  }

 private:
  const Symbols* parent_;
  int level_;
  std::map<std::string, Load> loads_;
  std::set<std::string> stores_;
};

// What one frame's pass collects for binding once the frame's symbols are final.
struct FramePass {
  Symbols* symbols;
  std::vector<Expr*> names;
  std::vector<Target*> stores;
  std::vector<Stmt*> fors;
  std::vector<Stmt*> includes;
};

void visit_expr(Expr& e, FramePass& pass) {
  if (e.kind == ExprKind::name) {
    pass.symbols->load(e.name);
    pass.names.push_back(&e);
    return;
  }
  for (auto& child : e.children) visit_expr(*child, pass);
  for (auto& arg : e.args) visit_expr(*arg.value, pass);
}

void visit_body(Body& body, FramePass& pass);

// Jinja's If node: its elifs are If nodes (without elif or else of their own) visited one
// after the other in one branch; every if merges three branches (body, elifs, else),
// whether they exist or not.
void visit_if(const ExprPtr& test, Body& body, std::vector<IfBranch>* elifs, Body* else_body, FramePass& pass) {
  visit_expr(*test, pass);
  Symbols* original = pass.symbols;
  std::vector<Symbols> branches;
  branches.reserve(3);
  auto visit_copy = [&](auto&& visit) {
    branches.push_back(*original);
    pass.symbols = &branches.back();
    visit();
    pass.symbols = original;
  };
  visit_copy([&] { visit_body(body, pass); });
  visit_copy([&] {
    if (!elifs) return;
    for (std::size_t i = 1; i < elifs->size(); ++i) {
      auto& branch = (*elifs)[i];
      visit_if(branch.test, branch.body, nullptr, nullptr, pass);
    }
  });
  visit_copy([&] {
    if (else_body) visit_body(*else_body, pass);
  });
  original->branch_update(branches);
}

void visit_body(Body& body, FramePass& pass) {
  for (auto& stmt : body) {
    Stmt& s = *stmt;
    switch (s.kind) {
      case StmtKind::output:
        break;
      case StmtKind::print:
        visit_expr(*s.expr, pass);
        break;
      case StmtKind::if_:
        visit_if(s.branches[0].test, s.branches[0].body, &s.branches, &s.else_body, pass);
        break;
      case StmtKind::for_:
        visit_expr(*s.expr, pass);  // only the iterable belongs to this frame
        pass.fors.push_back(&s);
        break;
      case StmtKind::set:
      case StmtKind::import:
        visit_expr(*s.expr, pass);
        for (auto& t : s.targets) {
          pass.symbols->store(t.name);
          pass.stores.push_back(&t);
        }
        break;
      case StmtKind::include:
        visit_expr(*s.expr, pass);
        pass.includes.push_back(&s);
        break;
    }
  }
}

bool expr_mentions(const Expr& e, const std::string& name) {
  if (e.kind == ExprKind::name) return e.name == name;
  for (const auto& c : e.children) {
    if (expr_mentions(*c, name)) return true;
  }
  for (const auto& a : e.args) {
    if (expr_mentions(*a.value, name)) return true;
  }
  return false;
}

bool body_mentions(const Body& body, const std::string& name) {
  for (const auto& s : body) {
    if (s->expr && expr_mentions(*s->expr, name)) return true;
    if (s->loop_filter && expr_mentions(*s->loop_filter, name)) return true;
    for (const auto& b : s->branches) {
      if (expr_mentions(*b.test, name) || body_mentions(b.body, name)) return true;
    }
    if (body_mentions(s->body, name) || body_mentions(s->else_body, name)) return true;
  }
  return false;
}

class Analyzer {
 public:
  Analyzer(const std::set<std::string>& globals, Analysis& out) : globals_(globals), out_(out) {}

  void root(Body& body) {
    Symbols symbols(nullptr, 0);
    FramePass pass{&symbols, {}, {}, {}, {}};
    visit_body(body, pass);
    complete(symbols, pass, [](const Symbols&) {});
  }

 private:
  // Turns final symbols into a FrameInfo, binds the frame's names, then analyzes the
  // loops nested in it (whose symbols see this frame's final ones, as in Jinja).
  template <class Extra>
  const FrameInfo* complete(const Symbols& symbols, FramePass& pass, Extra&& extra) {
    auto info = std::make_unique<FrameInfo>();
    info->level = symbols.level();
    for (const auto& [name, load] : symbols.loads()) {
      SlotInit init;
      init.action = load.action;
      if (load.action == LoadAction::resolve) {
        init.name = load.name;
        if (!globals_.count(load.name)) out_.undeclared.insert(load.name);
      } else if (load.action == LoadAction::alias) {
        init.alias = SlotRef{load.alias_level, slot_in(*chain_[static_cast<std::size_t>(load.alias_level)], name)};
      }
      info->names.push_back(name);
      info->inits.push_back(std::move(init));
    }
    const FrameInfo* frame = info.get();
    out_.frames.push_back(std::move(info));
    chain_.push_back(frame);
    for (Expr* e : pass.names) e->slot = bind(symbols, e->name);
    for (Target* t : pass.stores) t->slot = bind(symbols, t->name);
    for (Stmt* s : pass.includes) s->visible_locals = visible_stores(symbols);
    extra(symbols);
    for (Stmt* s : pass.fors) loop(*s, symbols);
    chain_.pop_back();
    return frame;
  }

  void loop(Stmt& s, const Symbols& outer) {
    int level = outer.level() + 1;
    {
      Symbols body(&outer, level);
      s.declares_loop = body_mentions(s.body, "loop");
      if (s.declares_loop) body.declare_parameter("loop");
      for (const auto& t : s.targets) body.declare_parameter(t.name);
      FramePass pass{&body, {}, {}, {}, {}};
      visit_body(s.body, pass);
      for (auto& t : s.targets) pass.stores.push_back(&t);
      s.body_frame = complete(body, pass, [&](const Symbols& final_symbols) {
        if (s.declares_loop) s.loop_slot = bind(final_symbols, "loop");
      });
    }
    if (!s.else_body.empty()) {
      Symbols else_symbols(&outer, level);
      FramePass pass{&else_symbols, {}, {}, {}, {}};
      visit_body(s.else_body, pass);
      s.else_frame = complete(else_symbols, pass, [](const Symbols&) {});
    }
    if (s.loop_filter) {
      Symbols test(&outer, level);
      for (const auto& t : s.targets) test.declare_parameter(t.name);
      FramePass pass{&test, {}, {}, {}, {}};
      visit_expr(*s.loop_filter, pass);
      s.filter_targets = s.targets;
      for (auto& t : s.filter_targets) pass.stores.push_back(&t);
      s.filter_frame = complete(test, pass, [](const Symbols&) {});
    }
  }

  [[nodiscard]] SlotRef bind(const Symbols& symbols, const std::string& name) const {
    auto level = symbols.find_ref(name);
    if (!level) return {};
    return SlotRef{*level, slot_in(*chain_[static_cast<std::size_t>(*level)], name)};
  }

  static int slot_in(const FrameInfo& frame, const std::string& name) {
    for (std::size_t i = 0; i < frame.names.size(); ++i) {
      if (frame.names[i] == name) return static_cast<int>(i);
    }
    return -1;
  }

  // Jinja's Symbols.dump_stores: what an include sees of the including frames.
  [[nodiscard]] std::vector<Target> visible_stores(const Symbols& symbols) const {
    std::vector<Target> out;
    std::set<std::string> seen;
    for (const Symbols* s = &symbols; s; s = s->parent()) {
      for (const auto& name : s->stores()) {
        if (seen.insert(name).second) out.push_back({name, bind(symbols, name)});
      }
    }
    return out;
  }

  const std::set<std::string>& globals_;
  Analysis& out_;
  std::vector<const FrameInfo*> chain_;  // the frames enclosing the one being completed, by level
};

}  // namespace

Analysis analyze(Body& body, const std::set<std::string>& environment_globals) {
  Analysis out;
  Analyzer(environment_globals, out).root(body);
  return out;
}

}  // namespace rally::track::templating
