// UpdateSamples blobs: what each Worker (local or on a daemon) sends the DriverActor every
// sample interval. Any bytes are refused or decode to intervals that merge and encode to a
// blob that decodes to the same intervals.
#include <string>
#include <vector>

#include "rally/metrics/sample_collector.hpp"

#include "fuzz_support.hpp"

using rally::metrics::TaskInterval;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<TaskInterval> intervals;
  if (!rally::metrics::decode_intervals(rally::fuzz::as_text(data, size), intervals)) return 0;
  TaskInterval total;
  for (const auto& interval : intervals) total.merge(interval);
  auto blob = rally::metrics::encode_intervals(intervals);
  std::vector<TaskInterval> again;
  rally::fuzz::check(rally::metrics::decode_intervals(blob, again), "an encoded blob decodes");
  rally::fuzz::check(rally::metrics::encode_intervals(again) == blob, "encoding is stable");
  return 0;
}
