#pragma once

#include <cstdint>
#include <string>

namespace rally {

// 1234567 -> "1,234,567", for tables and progress lines.
inline std::string with_thousands(std::uint64_t n) {
  auto digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace rally
