#include <iostream>

#include <CLI/CLI.hpp>

#include "rally/version.hpp"

// rally-daemon hosts Workers for a remote coordinator. Distribution is not built yet:
// for now the daemon only answers --version and --help, and refuses to start.
int main(int argc, char** argv) {
  CLI::App app{"rally-daemon: hosts rally Workers on a load-driver host", "rally-daemon"};
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 64;
  }
  if (show_version) {
    std::cout << "rally-daemon " << rally::version << "\n";
    return 0;
  }
  std::cerr << "[ERROR] rally-daemon cannot accept coordinators yet: distributed load drivers are not available "
               "in this version. Run 'rally race' without --load-driver-hosts.\n";
  return 64;
}
