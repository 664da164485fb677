// Track loading: a rendered track.json (and its templating) turned into a Track, with every
// operation, challenge and schedule parsed and checked, as `rally race` loads it.
#include <string>

#include "rally/track/track.hpp"
#include "rally/track/track_loader.hpp"

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rally::track::TrackFiles files;
  files.track_file = "/fuzz/track/track.json";
  files.contents[files.track_file] = std::string(rally::fuzz::as_text(data, size));
  // The index body a track names as "body": "index.json".
  files.contents["/fuzz/track/index.json"] =
      R"({"settings": {"index.number_of_replicas": {{ number_of_replicas | default(0) }}}, "mappings": {}})";
  rally::track::LoadOptions options;
  options.now = 1'700'000'000;
  options.ignore_unused_params = true;
  options.params = nlohmann::json{{"bulk_size", 100}, {"ingest_percentage", 50}};
  rally::fuzz::expect_rally_errors_only([&] {
    auto track = rally::track::load_track(files, options);
    for (const auto& challenge : track.challenges) (void)track.find_challenge(challenge.name);
  });
  options.test_mode = true;  // test mode rewrites corpora and iteration counts
  rally::fuzz::expect_rally_errors_only([&] { (void)rally::track::load_track(files, options); });
  return 0;
}
