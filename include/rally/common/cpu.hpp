#pragma once

#include <cstddef>

namespace rally {

// The CPUs this process may run on (its affinity mask), at least 1.
std::size_t available_cpus();

// Raises the soft limit of open files to the hard limit (every simulated client holds a
// socket); returns the limit now in force.
std::size_t raise_open_file_limit();

}  // namespace rally
