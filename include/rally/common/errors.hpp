#pragma once

#include <stdexcept>
#include <string>

namespace rally {

// Raised only at start-up and for configuration or input errors that end the run.
// The message is shown to the user as it is, so it must say what is wrong and where.
class RallyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit codes shared with Rally: 0 success, 64 error, 130 interrupted.
inline constexpr int exit_success = 0;
inline constexpr int exit_error = 64;
inline constexpr int exit_interrupted = 130;

}  // namespace rally
