// Rally's Jinja2 subset: a whole track file rendered with typical track parameters, the
// collect pre-pass and includes resolved against an in-memory file system.
#include <string>

#include <nlohmann/json.hpp>

#include "rally/track/template/template.hpp"

#include "fuzz_support.hpp"

namespace tpl = rally::track::templating;

namespace {

const std::string kTrackFile = "/fuzz/track/track.json";

// What every include or collect finds: one small operation.
const std::string kPartFile = "/fuzz/track/operations/ops.json";
const std::string kPart = R"({"name": "{{ op_name | default('search') }}", "operation-type": "search"})";

tpl::TemplateSource source_for(const std::string& track) {
  tpl::TemplateSource source;
  source.read = [track](const std::string& path) -> std::optional<std::string> {
    if (path == kTrackFile) return track;
    if (path == kPartFile) return kPart;
    return std::nullopt;
  };
  source.glob = [](const std::string& pattern) -> std::vector<std::string> {
    if (pattern.rfind("/fuzz/track/", 0) == 0) return {kPartFile};
    return {};
  };
  return source;
}

const tpl::TemplateParams& params() {
  static const tpl::TemplateParams p(nlohmann::json{{"bulk_size", 5000},
                                                    {"number_of_replicas", 0},
                                                    {"ingest_percentage", 100.5},
                                                    {"index_name", "logs-\"x\""},
                                                    {"enabled", true},
                                                    {"shards", {1, 2, 3}},
                                                    {"settings", {{"refresh", "1s"}, {"codec", nullptr}}}});
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string track(rally::fuzz::as_text(data, size));
  tpl::RenderOptions options;
  options.now = 1'700'000'000;  // reproducible `now` and days_ago
  rally::fuzz::expect_rally_errors_only([&] {
    auto result = tpl::render_track_file(kTrackFile, source_for(track), params(), options);
    (void)result.text.size();
  });
  return 0;
}
