#include "rally/client/cluster_probe.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"

namespace rally::client {

ClusterInfo probe_cluster(const HostPort& target, const Timeouts& timeouts) {
  asio::io_context io;
  HttpConnection connection(io.get_executor(), target, timeouts);
  Request request{http::verb::get, "/", 11};
  Exchange exchange;
  bool done = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { exchange = co_await connection.exchange(request); },
      [&](std::exception_ptr) { done = true; });
  io.run_for(timeouts.connect + timeouts.request + std::chrono::seconds(1));
  auto where = target.to_string();
  if (!done) throw RallyError("cannot reach the cluster at " + where + ": no answer in time");
  if (exchange.ec) {
    throw RallyError(
        std::string(exchange.connect_failed ? "cannot connect to the cluster at " : "no answer from the cluster at ") +
        where + ": " + exchange.ec.message());
  }
  auto json = nlohmann::json::parse(connection.body(), nullptr, false);
  if (exchange.status != 200 || !json.is_object() || !json.contains("version"))
    throw RallyError("the target " + where + " did not answer GET / like Elasticsearch or OpenSearch (HTTP " +
                     std::to_string(exchange.status) + ")");
  ClusterInfo info;
  const auto& version = json["version"];
  info.version = version.value("number", "");
  info.distribution = version.value("distribution", "elasticsearch");
  info.cluster_name = json.value("cluster_name", "");
  return info;
}

}  // namespace rally::client
