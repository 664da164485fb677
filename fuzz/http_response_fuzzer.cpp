// HTTP responses as a client connection reads them: the raw bytes fed to ResponseParser in
// pieces (Content-Length, chunked, close-delimited, truncated), a gzip body inflated, then the
// body judged as a bulk response, a search response and an error response.
//
// Input: one byte choosing the piece size and options, then the bytes the server sent.
#include <string>

#include <boost/beast/http/error.hpp>
#include <nlohmann/json.hpp>

#include "client/bulk_response.hpp"
#include "client/gzip.hpp"
#include "client/response_parser.hpp"
#include "client/runner_support.hpp"
#include "client/runners.hpp"
#include "fuzz_support.hpp"

namespace beast = boost::beast;
using rally::client::OperationResult;

namespace {

// What the connection's read loop does with the bytes: parse what is buffered, ask for more on
// need_more, and at the end of the stream let a close-delimited body finish.
bool read_response(std::string_view wire, std::size_t piece, rally::client::ResponseParser& parser) {
  std::string buffered;
  beast::error_code ec;
  while (true) {
    if (!buffered.empty()) {
      auto used = parser.put(boost::asio::buffer(buffered), ec);
      buffered.erase(0, used);
      if (ec == beast::http::error::need_more) {
        ec = {};
      } else if (ec) {
        return false;
      }
      if (parser.is_done()) return true;
      if (used > 0 && !buffered.empty()) continue;
    }
    if (wire.empty()) {  // the server closed the connection
      if (!parser.got_some()) return false;
      parser.put_eof(ec);
      return !ec && parser.is_done();
    }
    auto n = std::min(piece, wire.size());
    buffered.append(wire.substr(0, n));
    wire.remove_prefix(n);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t options = data[0];
  const std::size_t piece = 1 + (options & 0x3f) * 7;  // 1 .. 442 bytes a read
  const bool detailed_results = (options & 0x40) != 0;
  const bool head_request = (options & 0x80) != 0;
  auto wire = rally::fuzz::as_text(data + 1, size - 1);

  std::string body;
  rally::client::ResponseParser parser(body, 1 << 20);
  parser.eager(true);
  parser.skip(head_request);
  if (!read_response(wire, piece, parser)) return 0;  // a transport error: nothing to judge

  static rally::client::Gzip gzip;  // one per connection, reused like the connection's
  std::string inflated;
  if (parser.gzip() && !body.empty()) {
    if (!gzip.decompress(body, inflated)) return 0;  // bad_transfer_encoding
    body.swap(inflated);
  }
  const unsigned status = parser.status();
  if (status >= 400) {
    auto kind = rally::client::detail::http_error_kind(status, body);
    auto description = rally::client::detail::describe_http_error(status, body);
    rally::fuzz::check(!kind.empty() && !description.empty(), "an HTTP error is described");
    return 0;
  }
  const std::uint64_t docs = 3;
  OperationResult result;
  result.weight = docs;
  if (!rally::client::detail::evaluate_bulk_response(body, docs, detailed_results, result)) {
    rally::fuzz::check(result.failed_weight <= result.weight, "no more failed documents than sent");
    rally::fuzz::check(result.success == (result.failed_weight == 0), "failed documents make a failed bulk");
  }

  nlohmann::json meta;
  rally::client::detail::add_search_meta(nlohmann::json::parse(body, nullptr, false), true, meta);
  rally::fuzz::check(meta.contains("hits") && meta.contains("took"), "search meta-data is complete");
  return 0;
}
