#pragma once

// Jinja resolves variables when it compiles a template, not while it renders: each frame
// (the template, each for-loop body) gets one slot per name, initialized on entry from the
// globals ("resolve"), from an enclosing frame ("alias") or as missing. That is why
// `{% for %}{{ x }}{% endfor %}{% set x = 1 %}` prints nothing even when a global x exists,
// and why a `{% set %}` inside a loop body never leaks out. This module repeats Jinja's
// analysis (jinja2/idtracking.py) so that rendering follows the same rules, and so that the
// names the template reads from its globals come out as Rally computes them with
// jinja2.meta.find_undeclared_variables.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ast.hpp"

namespace rally::track::templating {

enum class LoadAction : std::uint8_t { parameter, resolve, alias, undefined };

struct SlotInit {
  LoadAction action = LoadAction::undefined;
  std::string name;  // resolve: the global to look up
  SlotRef alias;     // alias: the enclosing frame's slot to copy
};

struct FrameInfo {
  int level = 0;
  std::vector<std::string> names;  // by slot index
  std::vector<SlotInit> inits;     // by slot index: how the slot starts on frame entry
};

struct Analysis {
  std::vector<std::unique_ptr<FrameInfo>> frames;  // frames[0]: the template's root frame
  // Names read from the context that are not in `environment_globals`.
  std::set<std::string> undeclared;
};

// Binds every name in `body` to a slot and returns the frames.
Analysis analyze(Body& body, const std::set<std::string>& environment_globals);

}  // namespace rally::track::templating
