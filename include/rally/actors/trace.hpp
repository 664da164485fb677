#pragma once

#include <functional>
#include <string_view>

namespace rally::actors {

// A hook that sees every message the actors send, by participant and message name. The
// actor-protocol tests install one to check the seed's sequence diagrams; without a
// sink, tracing costs one atomic load.
using TraceSink = std::function<void(std::string_view from, std::string_view to, std::string_view message)>;

void set_trace_sink(TraceSink sink);  // set before the actor system starts
void trace(std::string_view from, std::string_view to, std::string_view message);

}  // namespace rally::actors
