#include <cctype>
#include <charconv>
#include <ctime>
#include <thread>

#include "rally/common/clock.hpp"
#include "rally/common/cpu.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/host.hpp"

#include <sched.h>
#include <sys/resource.h>

namespace rally {

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::size_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  auto hw = std::thread::hardware_concurrency();
  return hw > 0 ? hw : 1;
}

std::vector<HostPort> parse_host_list(std::string_view text, std::string_view option_name) {
  std::vector<HostPort> hosts;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    auto item = text.substr(start, end - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    const auto entry = item;  // as written, for messages: the scheme is stripped below
    auto bad = [&](std::string_view why) {
      return RallyError("--" + std::string(option_name) + ": '" + std::string(entry) + "' " + std::string(why) +
                        " (expected host:port, e.g. 127.0.0.1:9200)");
    };
    if (item.empty()) throw bad("is empty");
    for (std::string_view scheme : {"http://", "https://"}) {
      if (item.substr(0, scheme.size()) == scheme) item.remove_prefix(scheme.size());
    }
    HostPort hp;
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos) {
      hp.host = std::string(item);
    } else {
      hp.host = std::string(item.substr(0, colon));
      auto port_text = item.substr(colon + 1);
      unsigned port = 0;
      auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
      if (ec != std::errc{} || p != port_text.data() + port_text.size() || port == 0 || port > 65535)
        throw bad("has an invalid port");
      hp.port = static_cast<std::uint16_t>(port);
    }
    if (hp.host.empty()) throw bad("has no host");
    hosts.push_back(std::move(hp));
    start = end + 1;
  }
  return hosts;
}

}  // namespace rally
