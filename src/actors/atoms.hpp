#pragma once

#include <caf/atom.hpp>

namespace rally::actors {

using run_atom = caf::atom_constant<caf::atom("run")>;

}  // namespace rally::actors
