#pragma once

// The parsed form of a template: statements and expressions, one plain node type each.
// Names are bound to frame slots by the symbol analysis (symbols.hpp) after parsing.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "operators.hpp"
#include "value.hpp"

namespace rally::track::templating {

// Where a variable lives at run time: slot `index` of the frame at nesting `level`.
struct SlotRef {
  int level = -1;
  int index = -1;
  [[nodiscard]] bool bound() const { return level >= 0; }
};

enum class ExprKind : std::uint8_t {
  constant,
  name,
  list,
  tuple,
  dict,  // children: key, value, key, value, ...
  getattr,
  getitem,
  call,    // children[0]: the callee; args
  filter,  // children[0]: the input; name, args
  test,    // children[0]: the input; name, args
  negate,
  unary_plus,
  binary,   // op
  concat,   // `~`, over all children
  compare,  // children[0] then one child per entry of compare_ops
  logical_and,
  logical_or,
  logical_not,
  conditional,  // children: then, test, [else]
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Arg {
  std::string keyword;  // empty for a positional argument
  ExprPtr value;
};

struct Expr {
  ExprKind kind = ExprKind::constant;
  std::size_t offset = 0;  // into the template text, for error locations
  Value constant;
  std::string name;  // variable, attribute, filter or test name
  SlotRef slot;      // for names
  BinaryOp op = BinaryOp::add;
  std::vector<CompareOp> compare_ops;
  std::vector<ExprPtr> children;
  std::vector<Arg> args;
};

struct FrameInfo;

enum class StmtKind : std::uint8_t { output, print, if_, for_, set, include, import };

struct Stmt;
using Body = std::vector<std::unique_ptr<Stmt>>;

struct IfBranch {
  ExprPtr test;
  Body body;
};

// A name a statement assigns, with the slot it goes to.
struct Target {
  std::string name;
  SlotRef slot;
};

struct Stmt {
  StmtKind kind = StmtKind::output;
  std::size_t offset = 0;
  std::string text;  // output: the template data
  ExprPtr expr;      // print, set: the value; for: the iterable; include: the template name

  // if / elif / else
  std::vector<IfBranch> branches;
  Body else_body;  // also the body of a for loop's else

  // for
  std::vector<Target> targets;  // also: set (one), import (the bound names)
  bool unpack = false;          // `for a, b in` (targets is a tuple)
  ExprPtr loop_filter;          // `for x in xs if cond`
  Body body;
  bool declares_loop = false;  // Jinja only defines `loop` when the body mentions it
  SlotRef loop_slot;
  const FrameInfo* body_frame = nullptr;
  const FrameInfo* else_frame = nullptr;
  const FrameInfo* filter_frame = nullptr;
  std::vector<Target> filter_targets;

  // import: (helper name or empty for the module, bound name)
  std::vector<std::string> imported;

  // include
  bool ignore_missing = false;
  bool with_context = true;
  std::vector<Target> visible_locals;  // what Jinja passes to the included template
};

}  // namespace rally::track::templating
