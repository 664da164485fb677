#pragma once

// The runners, one per operation type, as run_operation dispatches to them.

#include <boost/asio/awaitable.hpp>

#include "rally/client/runner.hpp"

namespace rally::client::detail {

using Outcome = boost::asio::awaitable<OperationResult>;

Outcome run_bulk(const track::BulkParams& p, ClientContext& client);
Outcome run_search(const track::SearchParams& p, ClientContext& client);
Outcome run_create_index(const track::CreateIndexParams& p, ClientContext& client);
Outcome run_delete_index(const track::DeleteIndexParams& p, ClientContext& client);
Outcome run_cluster_health(const track::ClusterHealthParams& p, ClientContext& client);
Outcome run_refresh(const track::RefreshParams& p, ClientContext& client);
Outcome run_force_merge(const track::ForceMergeParams& p, ClientContext& client);
Outcome run_index_stats(const track::IndexStatsParams& p, ClientContext& client);
// A request without a body (GET by default, or POST for actions such as force-merge).
Outcome run_bodyless(const std::string& target, ClientContext& client, http::verb verb = http::verb::get);

}  // namespace rally::client::detail
