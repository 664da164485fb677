// Stored races (race.json) as `rally report`, `list races` and `compare` read them: task
// results with their base64 HdrHistogram blobs, cluster rows, notes. Any document is refused
// with a RallyError naming the file and field, or reported in every format, percentiles
// recomputed from the histograms.
#include <string>

#include <nlohmann/json.hpp>

#include "rally/metrics/race_store.hpp"
#include "rally/metrics/report.hpp"

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto document = nlohmann::json::parse(rally::fuzz::as_text(data, size), nullptr, false);
  if (document.is_discarded()) return 0;  // not JSON: RaceStore::load says so with the file's name
  rally::fuzz::expect_rally_errors_only([&] {
    auto race = rally::metrics::parse_stored_race(document, "/fuzz/race.json");
    auto report = race.report();
    rally::metrics::ReportOptions options;
    options.latency_percentiles = {0, 50, 99.99, 100};  // not the stored ones: recomputed
    options.throughput_percentiles = {50};
    for (const char* format : {"markdown", "csv", "json", "html"})
      (void)rally::metrics::render_report(report, format, options);
  });
  return 0;
}
