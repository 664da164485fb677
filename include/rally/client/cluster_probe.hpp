#pragma once

#include <string>

#include "rally/client/connection.hpp"

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

}  // namespace rally::client
