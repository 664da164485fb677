#include <algorithm>
#include <charconv>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

namespace {

void set_search_body(const track::SearchParams& p, ClientContext& client) {
  auto& body = request_body(client);
  if (!client.terms) {
    body = p.body;
    return;
  }
  const auto& t = *client.terms;
  body = t.prefix;
  if (t.random_max > 0) {
    auto span = t.random_max - t.random_min + 1;
    body += t.needs_comma ? ",\"" : "\"";
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, t.random_min + client.random.next() % span);
    body.append(digits, end);
    body += '"';
  }
  body += t.suffix;
}

// A filter_path may leave out any part of the answer, 'hits' too.
bool filters_response(const track::RequestParams& params) {
  for (const auto& [key, value] : params)
    if (key == "filter_path") return true;
  return false;
}

// A count from a response, whatever JSON number it is: a float is truncated and clamped to
// the int64 range (converting 1e43 to an integer would be undefined); anything else is 0.
std::int64_t as_count(const nlohmann::json* value) {
  if (!value || !value->is_number()) return 0;
  if (value->is_number_unsigned())
    return static_cast<std::int64_t>(std::min<std::uint64_t>(value->get<std::uint64_t>(), INT64_MAX));
  if (value->is_number_integer()) return value->get<std::int64_t>();
  double d = value->get<double>();
  if (!(d > -9.2e18)) return d < 0 ? INT64_MIN : 0;  // also NaN
  return d < 9.2e18 ? static_cast<std::int64_t>(d) : INT64_MAX;
}

}  // namespace

void add_search_meta(const nlohmann::json& response, bool first_page, nlohmann::json& meta) {
  if (first_page) {
    const auto* total = at_path(response, "hits.total");
    if (total && total->is_object()) {
      meta["hits"] = as_count(at_path(*total, "value"));
      const auto* relation = at_path(*total, "relation");
      meta["hits_relation"] = relation && relation->is_string() ? *relation : nlohmann::json("eq");
    } else {
      meta["hits"] = as_count(total);
      meta["hits_relation"] = "eq";
    }
  }
  auto took_ms = as_count(at_path(response, "took"));
  meta["took"] = as_count(&meta["took"]) + took_ms;
  const auto* timed_out = at_path(response, "timed_out");
  meta["timed_out"] =
      meta.value("timed_out", false) || (timed_out && timed_out->is_boolean() && timed_out->get<bool>());
}

namespace {

// Rally's scroll-search (and search with pages): a scroll, one page per request, then the
// scroll is cleared. Weight is the number of pages read, unit "pages"; pages "all" reads
// until a page is short.
boost::asio::awaitable<OperationResult> run_scroll(const track::SearchParams& p, ClientContext& client) {
  OperationResult result;
  auto params = p.request_params;
  params.emplace_back("sort", "_doc");
  params.emplace_back("scroll", "10m");
  params.emplace_back("size", std::to_string(p.results_per_page));
  set_request(client, http::verb::post, with_query("/" + p.index + "/_search", params));
  set_search_body(p, client);
  std::uint64_t pages = 0;
  std::string scroll_id;
  for (;;) {
    auto exchange = co_await send(client, result);
    if (http_failed(exchange, result, response_body(client))) break;
    auto json = nlohmann::json::parse(response_body(client), nullptr, false);
    add_search_meta(json, pages == 0, result.meta);
    ++pages;
    std::size_t hits = 0;
    if (json.is_object() && json.contains("hits") && json["hits"].contains("hits")) hits = json["hits"]["hits"].size();
    if (json.is_object() && json.contains("_scroll_id")) scroll_id = json["_scroll_id"].get<std::string>();
    if (pages >= p.pages || hits < p.results_per_page || scroll_id.empty()) break;
    set_request(client, http::verb::post, "/_search/scroll");
    request_body(client) = nlohmann::json{{"scroll", "10m"}, {"scroll_id", scroll_id}}.dump();
  }
  if (!scroll_id.empty()) {
    OperationResult ignored;  // clearing is housekeeping: it neither fails nor times the task
    set_request(client, http::verb::delete_, "/_search/scroll");
    request_body(client) = nlohmann::json{{"scroll_id", nlohmann::json::array({scroll_id})}}.dump();
    co_await send(client, ignored);
  }
  result.weight = pages;
  result.meta["pages"] = pages;
  co_return result;
}

}  // namespace

boost::asio::awaitable<OperationResult> run_search(const track::SearchParams& p, ClientContext& client) {
  if (p.pages > 0) co_return co_await run_scroll(p, client);
  OperationResult result;
  // Built in place: a steady-state search allocates nothing.
  set_request(client, http::verb::post, "/");
  auto& target = client.request.target;
  target += p.index;
  target += "/_search";
  append_query(target, p.request_params);
  set_search_body(p, client);
  auto exchange = co_await send(client, result);
  if (http_failed(exchange, result, response_body(client))) co_return result;
  // Parsed only for detailed results; else checked cheaply: the braces of a JSON object and a
  // "hits" key (found near the start of a real answer).
  const auto& body = response_body(client);
  bool filtered = filters_response(p.request_params);
  if (!p.detailed_results) {
    if (!looks_like_json_object(body))
      malformed_response(client, result, "not a JSON object");
    else if (!filtered && std::string_view(body).find("\"hits\"") == std::string_view::npos)
      malformed_response(client, result, "search response without 'hits'");
    co_return result;
  }
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) {
    malformed_response(client, result, json.is_discarded() ? "not JSON" : "not a JSON object");
    co_return result;
  }
  if (!json.contains("hits") && !filtered) {
    malformed_response(client, result, "search response without 'hits'");
    co_return result;
  }
  add_search_meta(json, true, result.meta);
  co_return result;
}

}  // namespace rally::client::detail
