#include "markup.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rally::metrics {

std::string svg_number(double value) {
  if (std::isnan(value)) return "0";
  value = std::clamp(value, -1e6, 1e6);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  std::string text = buf;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

std::string compact_number(double value) {
  if (!std::isfinite(value)) return "n/a";
  struct Unit {
    double scale;
    const char* suffix;
  };
  static constexpr Unit units[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  char buf[48];
  const double magnitude = std::fabs(value);
  // Below 10,000 (what rounds to it included) the four digits fit as they are; from 1e15 on
  // an exponent is shorter.
  if (magnitude >= 9999.5 && magnitude < 1e15) {
    for (const auto& unit : units) {
      if (magnitude >= unit.scale) {
        std::snprintf(buf, sizeof buf, "%.4g%s", value / unit.scale, unit.suffix);
        return buf;
      }
    }
  }
  std::snprintf(buf, sizeof buf, "%.4g", value);
  return buf;
}

}  // namespace rally::metrics
