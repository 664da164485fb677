#pragma once

#include <string>

#include "rally/client/http_connection.hpp"

namespace rally::client {

struct ClusterInfo {
  std::string distribution = "elasticsearch";  // or "opensearch"
  std::string version;
  std::string cluster_name;
};

// GET / on the target: the cluster's distribution and version. Throws RallyError naming
// host:port when it cannot connect, times out, or gets no valid answer.
ClusterInfo probe_cluster(const HostPort& target, const Timeouts& timeouts);

}  // namespace rally::client
