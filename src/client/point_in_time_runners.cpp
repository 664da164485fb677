// Points in time (inside a composite) and Rally's paginated-search (search_after paging).

#include <nlohmann/json.hpp>

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

namespace {

OperationResult failed(std::string why) {
  OperationResult result;
  result.success = false;
  result.error = metrics::ErrorClass::http;
  result.error_kind = "point in time";
  result.error_description = std::move(why);
  return result;
}

PointInTime* find_pit(ClientContext& client, const std::string& name) {
  if (!client.points_in_time) return nullptr;
  auto it = client.points_in_time->find(name);
  return it == client.points_in_time->end() ? nullptr : &it->second;
}

// Elasticsearch answers /_pit; OpenSearch has no such handler (400 "no handler found") and
// serves /_search/point_in_time instead. A missing index is a real error on either.
bool no_pit_handler(const Exchange& exchange, const std::string& body) {
  bool status = exchange.status == 400 || exchange.status == 404 || exchange.status == 405;
  return !exchange.ec && status && body.find("index_not_found_exception") == std::string::npos;
}

}  // namespace

boost::asio::awaitable<OperationResult> run_open_point_in_time(const track::Operation& op, ClientContext& client) {
  const auto& p = std::get<track::OpenPointInTimeParams>(op.params);
  if (!client.points_in_time) co_return failed("open-point-in-time '" + op.name + "' runs only inside a composite");
  auto params = p.request_params;
  params.emplace_back("keep_alive", p.keep_alive);
  using PitApi = ClientContext::PitApi;
  // The cluster said what it is at GET /; unknown (a probe-less setup), the answer decides.
  if (client.pit_api == PitApi::unknown && client.setup && client.setup->distribution() == "opensearch")
    client.pit_api = PitApi::opensearch;
  if (client.pit_api != PitApi::opensearch) {
    OperationResult result;
    set_request(client, http::verb::post, with_query("/" + p.index + "/_pit", params));
    request_body(client).clear();
    auto exchange = co_await send(client, result);
    bool fall_back = client.pit_api == PitApi::unknown && no_pit_handler(exchange, response_body(client));
    if (!fall_back) {
      if (http_failed(exchange, result, response_body(client))) co_return result;
      client.pit_api = PitApi::elasticsearch;
      auto json = nlohmann::json::parse(response_body(client), nullptr, false);
      const auto* id = at_path(json, "id");
      if (!id || !id->is_string()) co_return failed("open-point-in-time '" + op.name + "': the response has no id");
      (*client.points_in_time)[op.name] = PointInTime{id->get<std::string>(), false};
      co_return result;
    }
  }
  OperationResult result;
  set_request(client, http::verb::post, with_query("/" + p.index + "/_search/point_in_time", params));
  request_body(client).clear();
  auto exchange = co_await send(client, result);
  if (http_failed(exchange, result, response_body(client))) co_return result;
  client.pit_api = PitApi::opensearch;
  auto json = nlohmann::json::parse(response_body(client), nullptr, false);
  const auto* id = at_path(json, "pit_id");
  if (!id || !id->is_string()) co_return failed("open-point-in-time '" + op.name + "': the response has no pit_id");
  (*client.points_in_time)[op.name] = PointInTime{id->get<std::string>(), true};
  co_return result;
}

boost::asio::awaitable<OperationResult> run_close_point_in_time(const track::ClosePointInTimeParams& p,
                                                                ClientContext& client) {
  auto* pit = find_pit(client, p.pit_from);
  if (!pit) co_return failed("close-point-in-time: no point in time was opened by '" + p.pit_from + "'");
  OperationResult result;
  if (pit->opensearch) {
    set_request(client, http::verb::delete_, with_query("/_search/point_in_time", p.request_params));
    request_body(client) = nlohmann::json{{"pit_id", nlohmann::json::array({pit->id})}}.dump();
  } else {
    set_request(client, http::verb::delete_, with_query("/_pit", p.request_params));
    request_body(client) = nlohmann::json{{"id", pit->id}}.dump();
  }
  client.points_in_time->erase(p.pit_from);
  auto exchange = co_await send(client, result);
  http_failed(exchange, result, response_body(client));
  co_return result;
}

// Rally's paginated-search: search_after paging over the body's sort (with a point in time,
// its implicit tiebreaker), until `pages` pages or the hits are exhausted. Weight: pages.
boost::asio::awaitable<OperationResult> run_paginated_search(const track::SearchParams& p, ClientContext& client) {
  OperationResult result;
  auto body = nlohmann::json::parse(p.body);
  body["size"] = p.results_per_page;
  PointInTime* pit = nullptr;
  if (!p.pit_from.empty()) {
    pit = find_pit(client, p.pit_from);
    if (!pit) co_return failed("paginated-search: no point in time was opened by '" + p.pit_from + "'");
  }
  auto target = with_query(pit ? std::string("/_search") : "/" + p.index + "/_search", p.request_params);
  std::uint64_t pages = 0;
  std::uint64_t hits_total = 0;
  while (pages < p.pages) {
    if (pit) body["pit"] = {{"id", pit->id}, {"keep_alive", "1m"}};
    set_request(client, http::verb::post, target);
    request_body(client) = body.dump();
    auto exchange = co_await send(client, result);
    if (http_failed(exchange, result, response_body(client))) break;
    auto json = nlohmann::json::parse(response_body(client), nullptr, false);
    add_search_meta(json, pages == 0, result.meta);
    ++pages;
    if (pages == 1) hits_total = result.meta.value("hits", std::uint64_t{0});
    // The most recent PIT id is the one to use next (Elasticsearch may change it).
    if (const auto* id = at_path(json, "pit_id"); pit && id && id->is_string()) pit->id = id->get<std::string>();
    const auto* hits = at_path(json, "hits.hits");
    std::size_t on_page = hits && hits->is_array() ? hits->size() : 0;
    if (hits_total <= pages * p.results_per_page || on_page < p.results_per_page || on_page == 0) break;
    const auto& last = hits->back();
    if (!last.is_object() || !last.contains("sort")) {
      result.success = false;
      result.error = metrics::ErrorClass::http;
      result.error_kind = "paginated-search without sort values";
      result.error_description =
          "paginated-search: the hits carry no sort values to search after; give the body a 'sort'";
      break;
    }
    body["search_after"] = last["sort"];
  }
  result.weight = pages;
  result.meta["pages"] = pages;
  co_return result;
}

}  // namespace rally::client::detail
