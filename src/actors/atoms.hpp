#pragma once

#include <caf/atom.hpp>

namespace rally::actors {

using run_atom = caf::atom_constant<caf::atom("run")>;
// SIGINT or SIGTERM reached the coordinator: (interrupt_atom, int signal) to the BenchmarkActor.
using interrupt_atom = caf::atom_constant<caf::atom("interrupt")>;

}  // namespace rally::actors
