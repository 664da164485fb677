#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "rally/client/bulk_reader.hpp"
#include "rally/client/http_connection.hpp"
#include "rally/metrics/sample.hpp"
#include "rally/track/track.hpp"

namespace rally::client {

// What one execution of an operation did, as Rally's runners report it.
struct OperationResult {
  std::uint64_t weight = 1;
  std::uint64_t failed_weight = 0;
  bool success = true;
  bool exhausted = false;       // a finite source (bulk) has nothing left; no request was sent
  bool connect_failed = false;  // the target refused or could not be reached
  metrics::ErrorClass error = metrics::ErrorClass::none;
  unsigned http_status = 0;
  Nanos service_time = 0;
  std::string error_description;  // filled only on failure
};

// A simulated client's reusable state: its connection, request and bulk source.
struct ClientContext {
  HttpConnection& connection;
  Request request;
  std::optional<BulkReader> bulk;
};

boost::asio::awaitable<OperationResult> run_operation(const track::Operation& operation, ClientContext& client);

// Appends "?k=v&k2=v2" with percent-encoding.
std::string with_query(std::string path, const track::RequestParams& params);

}  // namespace rally::client
