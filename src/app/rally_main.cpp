#include <iostream>

#include "rally/actors/race_runner.hpp"
#include "rally/common/errors.hpp"
#include "rally/version.hpp"

#include "cli.hpp"

int main(int argc, char** argv) {
  auto parsed = rally::app::parse_command_line(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  auto& command = std::get<rally::app::Command>(parsed);
  if (std::holds_alternative<rally::app::VersionCommand>(command)) {
    std::cout << "rally " << rally::version << "\n";
    return rally::exit_success;
  }
  try {
    return rally::actors::run_race(std::get<rally::app::RaceCommand>(command).config, std::cout, std::cerr);
  } catch (const rally::RallyError& e) {
    std::cerr << "[ERROR] " << e.what() << "\n";
    return rally::exit_error;
  }
}
