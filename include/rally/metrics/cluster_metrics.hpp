#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rally/metrics/report.hpp"

namespace rally::metrics {

// What the cluster said about itself at one moment: `GET /_stats?level=shards` and
// `GET /_nodes/stats/jvm`, as parsed JSON.
struct ClusterSnapshot {
  nlohmann::json index_stats;
  nlohmann::json node_stats;
};

// Rally's cluster rows from the stats at the start and at the end of the race: cumulative
// indexing, indexing throttle, merge, merge throttle, refresh and flush times (and counts)
// of primary shards with their min/median/max across primary shards, young and old GC, then
// store size, translog size and segment count at the end. Counters are differences between
// end and start, so they cover the race only (a counter that went down, e.g. an index
// deleted and created again, counts from zero). Missing fields give no row.
std::vector<ClusterMetric> cluster_metrics(const ClusterSnapshot& start, const ClusterSnapshot& end);

}  // namespace rally::metrics
