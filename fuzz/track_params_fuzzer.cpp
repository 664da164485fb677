// --track-params: "k:v,k:v", an inline JSON object, or a .json file's path.
#include <string>

#include <nlohmann/json.hpp>

#include "rally/track/track_params.hpp"

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(rally::fuzz::as_text(data, size));
  // A value ending in .json is a file to read: the fuzzer must not read the machine's files.
  if (text.size() >= 5 && text.compare(text.size() - 5, 5, ".json") == 0) return 0;
  rally::fuzz::expect_rally_errors_only([&] {
    auto params = rally::track::parse_track_params(text);
    rally::fuzz::check(params.is_object(), "track params are an object");
    // Rally's unused-parameter message, with its "did you mean" hint, for every name.
    std::set<std::string> referenced = {"bulk_size", "number_of_replicas", "ingest_percentage"};
    auto unused = rally::track::unused_track_params(params, referenced);
    if (!unused.empty()) (void)rally::track::describe_unused_track_params(unused, referenced);
    (void)params.dump();
  });
  return 0;
}
