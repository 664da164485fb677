#pragma once

#include <string>
#include <string_view>

#include "rally/common/markup_escape.hpp"

// Text and numbers for the HTML report and its SVG charts: whatever goes into markup passes
// through here, so that no name breaks a tag and no NaN reaches a coordinate.
namespace rally::metrics {

using rally::escape_markup;  // rally/common/markup_escape.hpp

// A coordinate or length for SVG: at most two decimals, no exponent, no trailing zeros;
// "0" for NaN, and infinities clamped to +-1e6 (far outside any chart).
std::string svg_number(double value);

// A short number for axis ticks and value labels: four significant digits, thousands as
// k, M, G, T ("12.35k"); "n/a" for NaN or infinity.
std::string compact_number(double value);

}  // namespace rally::metrics
