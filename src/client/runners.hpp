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
Outcome run_raw_request(const track::RawRequestParams& p, ClientContext& client);
Outcome run_sleep(const track::SleepParams& p, ClientContext& client);
Outcome run_put_pipeline(const track::PutPipelineParams& p, ClientContext& client);
Outcome run_put_settings(const track::PutSettingsParams& p, ClientContext& client);
// `path` is the API: "/_template", "/_index_template" or "/_component_template".
Outcome run_create_templates(const track::TemplateParams& p, const char* path, ClientContext& client);
Outcome run_delete_templates(const track::TemplateParams& p, const char* path, ClientContext& client);
Outcome run_create_data_streams(const track::DataStreamParams& p, ClientContext& client);
Outcome run_delete_data_streams(const track::DataStreamParams& p, ClientContext& client);
Outcome run_paginated_search(const track::SearchParams& p, ClientContext& client);
Outcome run_open_point_in_time(const track::Operation& op, ClientContext& client);
Outcome run_close_point_in_time(const track::ClosePointInTimeParams& p, ClientContext& client);
Outcome run_composite(const track::CompositeParams& p, ClientContext& client);

// Rally's detailed-results of a search response, added to `meta`: hits and hits_relation
// (from the first page), took (summed), timed_out (any).
void add_search_meta(const nlohmann::json& response, bool first_page, nlohmann::json& meta);

// Checks the operation's assertions against result.meta, else the last response body; a
// failed one makes the result failed and fatal. Only when client.assertions is set.
void check_assertions(const track::Operation& op, ClientContext& client, OperationResult& result);

// A request without a body (GET by default, or POST for actions such as force-merge). The
// target is taken by value: a coroutine keeps its parameters, and a caller may hand over a
// temporary it returns the awaitable of (a reference would dangle by the first co_await).
Outcome run_bodyless(std::string target, ClientContext& client, http::verb verb = http::verb::get);

}  // namespace rally::client::detail
