#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace rally {

struct ProcessResult {
  int exit_code = -1;  // -1: did not finish in time (it was killed)
  std::string output;  // stdout and stderr together
};

// Runs a program (looked up in PATH) with no shell, waits at most `timeout`, and kills it
// (by its PID) if it takes longer. Throws RallyError only if it cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::seconds timeout);

}  // namespace rally
