#include "rally/client/cluster_probe.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"

#include "runner_support.hpp"

namespace rally::client {

Answer get_once(const ClientSetup& setup, const HostPort& target, const std::string& path,
                std::chrono::milliseconds timeout) {
  asio::io_context io;
  auto connection = setup.connect(io.get_executor(), target);
  HttpRequest request;
  request.target = path;
  Exchange exchange;
  bool done = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { exchange = co_await connection->exchange(request, timeout); },
      [&](std::exception_ptr) { done = true; });
  const auto& timeouts = setup.timeouts();
  io.run_for(timeouts.connect + (timeout.count() > 0 ? timeout : timeouts.request) + std::chrono::seconds(1));
  auto where = target.to_string();
  if (!done) throw RallyError("cannot reach the cluster at " + where + ": no answer to GET " + path + " in time");
  if (exchange.ec) {
    throw RallyError(
        std::string(exchange.connect_failed ? "cannot connect to the cluster at " : "no answer from the cluster at ") +
        where + " to GET " + path + ": " + connection->describe(exchange.ec));
  }
  return Answer{exchange.status, connection->body()};
}

ClusterInfo probe_cluster(const ClientSetup& setup, const HostPort& target) {
  auto where = target.to_string();
  auto [status, body] = get_once(setup, target, "/");
  if (status == 401 || status == 403) {
    throw RallyError("the cluster at " + where + " refused GET / (check the credentials in --client-options): " +
                     detail::describe_http_error(status, body));
  }
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (status != 200 || !json.is_object() || !json.contains("version") || !json["version"].is_object())
    throw RallyError("the target " + where + " did not answer GET / like Elasticsearch or OpenSearch: " +
                     detail::describe_http_error(status, body));
  // A field of another type than a string is taken as absent (value() would throw).
  auto text = [](const nlohmann::json& object, const char* key, const char* absent) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string(absent);
  };
  ClusterInfo info;
  const auto& version = json["version"];
  info.version = text(version, "number", "");
  info.distribution = text(version, "distribution", "elasticsearch");
  info.cluster_name = text(json, "cluster_name", "");
  return info;
}

metrics::ClusterSnapshot snapshot_cluster(const ClientSetup& setup, const HostPort& target) {
  metrics::ClusterSnapshot snapshot;
  constexpr std::chrono::milliseconds timeout{10'000};
  for (auto [path, into] : {std::pair{"/_stats?level=shards", &snapshot.index_stats},
                            std::pair{"/_nodes/stats/jvm", &snapshot.node_stats}}) {
    auto [status, body] = get_once(setup, target, path, timeout);
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (status != 200 || !json.is_object())
      throw RallyError("GET " + std::string(path) + " on " + target.to_string() +
                       " failed: " + detail::describe_http_error(status, body));
    *into = std::move(json);
  }
  return snapshot;
}

}  // namespace rally::client
