#pragma once

// What every fuzz target shares: the libFuzzer entry point's signature, and the rule that
// rally's parsers report bad input as RallyError and nothing else. Any other exception
// escaping a parser is a bug (the user would get no file, line or field), so it is left to
// escape: libFuzzer reports it as a crash ("deadly signal" from std::terminate).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rally/common/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace rally::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `parse`, accepting a RallyError as the right answer to bad input.
template <class F>
void expect_rally_errors_only(F&& parse) {
  try {
    parse();
  } catch (const RallyError&) {
  }
}

// A check on the parser's own promises; a failure aborts, which libFuzzer reports as a crash.
void check(bool ok, const char* what);

}  // namespace rally::fuzz
