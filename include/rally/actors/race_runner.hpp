#pragma once

#include <iosfwd>

#include "rally/common/race_config.hpp"

namespace rally::actors {

// Starts the actor system, runs one race through BenchmarkActor and returns the exit
// code (0 success, 64 error). Output goes to `out` (report) and `err` (progress, errors).
int run_race(const RaceConfig& config, std::ostream& out, std::ostream& err);

}  // namespace rally::actors
