// HdrHistogram blobs as race.json and UpdateSamples carry them: any bytes are either refused
// with a reason or give a histogram that answers queries and serializes to the same bytes.
#include <string>

#include "rally/metrics/hdr_histogram.hpp"

#include "fuzz_support.hpp"

using rally::metrics::HdrHistogram;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string error;
  // A small bound on the counts array keeps the fuzzer's memory flat; the bound itself is
  // checked by the unit tests.
  auto histogram = HdrHistogram::deserialize(rally::fuzz::as_text(data, size), &error, 1 << 16);
  if (!histogram) {
    rally::fuzz::check(!error.empty(), "a refused blob has a reason");
    return 0;
  }
  for (double p : {0.0, 50.0, 99.9, 100.0}) (void)histogram->value_at_percentile(p);
  (void)histogram->min();
  (void)histogram->max();
  (void)histogram->mean();
  auto again = HdrHistogram::deserialize(histogram->serialize(), &error, 1 << 16);
  rally::fuzz::check(again.has_value(), "a histogram's own blob deserializes");
  rally::fuzz::check(again->serialize() == histogram->serialize(), "serialization is stable");
  rally::fuzz::check(again->total_count() == histogram->total_count(), "the count survives");
  return 0;
}
