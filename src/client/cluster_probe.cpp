#include "rally/client/cluster_probe.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"

#include "runner_support.hpp"

namespace rally::client {

ClusterInfo probe_cluster(const ClientSetup& setup, const HostPort& target) {
  asio::io_context io;
  auto connection = setup.connect(io.get_executor(), target);
  HttpRequest request;
  Exchange exchange;
  bool done = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { exchange = co_await connection->exchange(request); },
      [&](std::exception_ptr) { done = true; });
  const auto& timeouts = setup.timeouts();
  io.run_for(timeouts.connect + timeouts.request + std::chrono::seconds(1));
  auto where = target.to_string();
  if (!done) throw RallyError("cannot reach the cluster at " + where + ": no answer in time");
  if (exchange.ec) {
    throw RallyError(
        std::string(exchange.connect_failed ? "cannot connect to the cluster at " : "no answer from the cluster at ") +
        where + ": " + connection->describe(exchange.ec));
  }
  const auto& body = connection->body();
  if (exchange.status == 401 || exchange.status == 403) {
    throw RallyError("the cluster at " + where + " refused GET / (check the credentials in --client-options): " +
                     detail::describe_http_error(exchange.status, body));
  }
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (exchange.status != 200 || !json.is_object() || !json.contains("version") || !json["version"].is_object())
    throw RallyError("the target " + where + " did not answer GET / like Elasticsearch or OpenSearch: " +
                     detail::describe_http_error(exchange.status, body));
  ClusterInfo info;
  const auto& version = json["version"];
  info.version = version.value("number", "");
  info.distribution = version.value("distribution", "elasticsearch");
  info.cluster_name = json.value("cluster_name", "");
  return info;
}

}  // namespace rally::client
