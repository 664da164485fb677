#pragma once

#include <string>

#include "rally/client/connection.hpp"
#include "rally/metrics/cluster_metrics.hpp"

namespace rally::client {

struct ClusterInfo {
  std::string distribution = "elasticsearch";  // or "opensearch"
  std::string version;
  std::string cluster_name;
};

// GET / on the target (through `setup`'s TLS, credentials and headers, or its static
// responses): the cluster's distribution and version. Throws RallyError naming host:port
// when it cannot connect, times out, is refused (401/403) or gets no valid answer.
ClusterInfo probe_cluster(const ClientSetup& setup, const HostPort& target);

struct Answer {
  unsigned status = 0;
  std::string body;
};

// One GET on a private io_context, within `timeout` (zero: the setup's request timeout).
// Throws RallyError naming host:port when it cannot connect or gets no answer in time.
Answer get_once(const ClientSetup& setup, const HostPort& target, const std::string& path,
                std::chrono::milliseconds timeout = {});

// The cluster's index stats (level shards) and nodes' JVM stats, for Rally's cluster rows.
// Throws RallyError naming host:port and the request that failed.
metrics::ClusterSnapshot snapshot_cluster(const ClientSetup& setup, const HostPort& target);

}  // namespace rally::client
