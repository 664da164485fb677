// The bulk runner: the next bulk of the client's corpus slice, sent as scatter/gather buffers.

#include "bulk_response.hpp"
#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

boost::asio::awaitable<OperationResult> run_bulk(const track::BulkParams& p, ClientContext& client) {
  OperationResult result;
  std::uint64_t docs = client.bulk_docs;
  if (!client.retrying || docs == 0) {
    set_request(client, http::verb::post,
                p.pipeline.empty() ? std::string("/_bulk") : with_query("/_bulk", {{"pipeline", p.pipeline}}),
                ContentType::ndjson);
    request_body(client).clear();
    // The body is scatter/gather buffers over the mapped corpus; a retry sends it again.
    docs = client.bulk ? client.bulk->next(p.bulk_size, client.request.pieces) : 0;
    client.bulk_docs = docs;
  }
  if (docs == 0) {
    result.exhausted = true;
    co_return result;
  }
  result.weight = docs;
  auto exchange = co_await send(client, result);
  const auto& response = response_body(client);
  if (http_failed(exchange, result, response)) {
    result.failed_weight = docs;
    co_return result;
  }
  if (const char* malformed = evaluate_bulk_response(response, docs, p.detailed_results, result)) {
    // Nothing in it can be trusted: every document of the bulk counts as failed.
    malformed_response(client, result, malformed);
    result.failed_weight = docs;
  }
  co_return result;
}

}  // namespace rally::client::detail
