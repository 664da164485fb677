#pragma once

// Python's operators on template values: ints and floats mix as in Python, `/` is true
// division, `//` and `%` floor, comparisons between an int and a float are exact. Python's
// ints are unbounded; ours are 64-bit, and overflowing them is an error, never a wrap.

#include <cstdint>

#include "value.hpp"

namespace rally::track::templating {

enum class BinaryOp : std::uint8_t { add, sub, mul, div, floordiv, mod, pow };
enum class CompareOp : std::uint8_t { eq, ne, lt, le, gt, ge, in, not_in };

const char* symbol(BinaryOp op);
const char* symbol(CompareOp op);

Value binary(BinaryOp op, const Value& a, const Value& b);
Value negate(const Value& v);
Value unary_plus(const Value& v);

bool equals(const Value& a, const Value& b);
bool compare(CompareOp op, const Value& a, const Value& b);

// Raises Python's TypeError for values that cannot be dict keys (lists, dicts).
void check_hashable(const Value& v);

// Python's `item in container`.
bool contains(const Value& container, const Value& item);

}  // namespace rally::track::templating
