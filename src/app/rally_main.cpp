#include <iostream>

#include "rally/actors/race_runner.hpp"
#include "rally/common/cpu.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/redacting_stream.hpp"
#include "rally/version.hpp"

#include "cli.hpp"
#include "commands.hpp"

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

int main(int argc, char** argv) {
  using namespace rally::app;
  rally::redact_standard_streams();  // every line printed passes rally::redact (docs/reliability.md)
  rally::raise_open_file_limit();
  auto parsed = parse_command_line(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  auto& command = std::get<Command>(parsed);
  try {
    return std::visit(Overloaded{
                          [](RaceCommand& c) {
                            prepare_race_config(c);
                            return rally::actors::run_race(c.config, std::cout, std::cerr);
                          },
                          [](RenderTrackCommand& c) { return run_render_track(c, std::cout); },
                          [](ValidateTrackCommand& c) { return run_validate_track(c, std::cout); },
                          [](InfoCommand& c) { return run_info(c, std::cout); },
                          [](ListTracksCommand&) { return run_list_tracks(std::cout); },
                          [](ListRacesCommand& c) { return run_list_races(c, std::cout, std::cerr); },
                          [](ReportCommand& c) { return run_report(c, std::cout, std::cerr); },
                          [](CompareCommand& c) { return run_compare(c, std::cout, std::cerr); },
                          [](GenerateCorpusCommand& c) { return run_generate_corpus(c, std::cout); },
                          [](VersionCommand&) {
                            std::cout << "rally " << rally::version << "\n";
                            return rally::exit_success;
                          },
                      },
                      command);
  } catch (const rally::RallyError& e) {
    std::cerr << "[ERROR] Cannot " << (std::holds_alternative<RaceCommand>(command) ? "race" : "continue") << ". "
              << e.what() << "\n";
    return rally::exit_error;
  }
}
