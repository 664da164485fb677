// Actor messages as the network layer receives them from another host: a serialized
// caf::message whose element types are named in the bytes, deserialized with every rally
// message type registered (what BASP does with a daemon's or a coordinator's messages).
// A message that deserializes serializes again to bytes that deserialize to the same bytes.
#include <vector>

#include <caf/all.hpp>

#include "rally/actors/messages.hpp"

#include "fuzz_support.hpp"

namespace {

// Built once and never destroyed: at exit, CAF's own globals may already be gone.
caf::actor_system& actor_system() {
  static auto* config = [] {
    auto* cfg = new caf::actor_system_config;
    rally::actors::register_message_types(*cfg);
    cfg->set("scheduler.max-threads", 1);
    return cfg;
  }();
  static auto* system = new caf::actor_system{*config};
  return *system;
}

std::vector<char> serialize(caf::actor_system& system, caf::message& message) {
  std::vector<char> bytes;
  caf::binary_serializer sink{system, bytes};
  auto error = sink(message);
  rally::fuzz::check(!error, "a deserialized message serializes");
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& system = actor_system();
  caf::message message;
  caf::binary_deserializer source{system, reinterpret_cast<const char*>(data), size};
  if (source(message)) return 0;  // refused: an error value, which is all the middleman needs
  auto bytes = serialize(system, message);
  caf::message again;
  caf::binary_deserializer second{system, bytes};
  rally::fuzz::check(!second(again), "a message's own bytes deserialize");
  rally::fuzz::check(serialize(system, again) == bytes, "serialization is stable");
  return 0;
}
