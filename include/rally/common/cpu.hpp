#pragma once

#include <cstddef>

namespace rally {

// The CPUs this process may run on (its affinity mask), at least 1.
std::size_t available_cpus();

}  // namespace rally
