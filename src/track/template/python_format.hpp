#pragma once

// Python's text forms of numbers and strings, and Jinja's tojson. Rendered tracks are
// compared against what Rally produces, so these follow CPython byte for byte.

#include <string>
#include <string_view>

#include "value.hpp"

namespace rally::track::templating {

// repr(float): the shortest digits that round-trip, in fixed notation when the decimal
// exponent is in [-4, 16), otherwise as 1e-05 / 1.5e+16; "inf", "-inf", "nan".
std::string float_repr(double x);

// repr(str): single quotes unless the text holds ' and no ", escapes for \\ \n \r \t,
// the quote, and non-printable characters as \xNN, \uNNNN or \UNNNNNNNN.
std::string string_repr(std::string_view s);

// Jinja's tojson filter: json.dumps(value, sort_keys=True, indent=indent) with
// ensure_ascii (non-ASCII as \uXXXX), NaN/Infinity for non-finite floats, and then
// < > & ' replaced by \u003c \u003e \u0026 \u0027. `indent` < 0 means None (compact with
// ", " and ": "); `indent_text` is used instead when not null (indent given as a string).
std::string to_json(const Value& v, int indent = -1, const std::string* indent_text = nullptr);

}  // namespace rally::track::templating
