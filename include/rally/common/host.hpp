#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rally {

struct HostPort {
  std::string host;
  std::uint16_t port = 9200;

  [[nodiscard]] std::string to_string() const { return host + ":" + std::to_string(port); }
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// Parses "host:port,host:port" (Rally's --target-hosts). Throws RallyError naming the
// offending entry. A missing port means 9200.
std::vector<HostPort> parse_host_list(std::string_view text, std::string_view option_name);

}  // namespace rally
