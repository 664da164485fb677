#include "fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>

namespace rally::fuzz {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

}  // namespace rally::fuzz
