#pragma once

#include <string>
#include <variant>

#include "rally/common/race_config.hpp"

namespace rally::app {

struct RaceCommand {
  RaceConfig config;
};
struct VersionCommand {};

using Command = std::variant<RaceCommand, VersionCommand>;

// Parses argv into a typed command. Returns the exit code to use when parsing ends the
// run (--help, a usage error), printing what is needed.
std::variant<Command, int> parse_command_line(int argc, char** argv);

}  // namespace rally::app
