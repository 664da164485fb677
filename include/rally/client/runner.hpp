#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "rally/client/bulk_reader.hpp"
#include "rally/client/connection.hpp"
#include "rally/common/random.hpp"
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
  bool fatal = false;           // ends the race whatever --on-error says (a failed assertion)
  metrics::ErrorClass error = metrics::ErrorClass::none;
  unsigned http_status = 0;
  Nanos service_time = 0;
  std::uint64_t bytes = 0;        // written to the connection plus response bodies read, all attempts
  std::string error_description;  // filled only on failure
  std::string error_kind;         // what failed, for counting: "HTTP 404 index_not_found_exception", "timeout"
  // Rally's runner meta-data (search with detailed-results:
  // hits, hits_relation, took, timed_out; paged searches also pages). Null when the runner
  // reports none. Assertions read it; the metrics path does not record it (yet).
  nlohmann::json meta;
};

// The points in time a running composite operation opened, by the name of the
// open-point-in-time operation.
struct PointInTime {
  std::string id;
  bool opensearch = false;  // opened with OpenSearch's API (/_search/point_in_time), else Elasticsearch's (/_pit)
};
using PointsInTime = std::map<std::string, PointInTime>;

// A search body with a terms list taken from the corpus (Rally's large terms queries):
// the serialized body split where a random term goes, so a request costs one concatenation.
struct TermsBody {
  std::string prefix;                            // the body up to and including the last corpus term
  std::string suffix;                            // the rest of the body
  std::uint64_t random_min = 0, random_max = 0;  // max 0: no random term
  bool needs_comma = false;                      // the array holds terms before the random one
};

// Builds a TermsBody from the operation's body and the terms sampled from the corpus file.
TermsBody make_terms_body(const std::string& body, const track::TermsFromCorpus& spec,
                          const std::vector<std::string>& terms);

// A simulated client's reusable state: its connection, request and bulk source.
struct ClientContext {
  explicit ClientContext(Connection& c) : connection(c) {}
  Connection& connection;
  HttpRequest request;
  const ClientSetup* setup = nullptr;  // makes more connections like this one (composite streams)
  std::optional<BulkReader> bulk;
  const TermsBody* terms = nullptr;      // for searches with terms-from-corpus
  const bool* cancelled = nullptr;       // the step was aborted: no more retries
  std::chrono::milliseconds timeout{0};  // the operation's request-timeout; 0: the client's
  bool retrying = false;                 // run_with_retries runs the operation again: a bulk resends its body
  std::uint64_t bulk_docs = 0;           // documents in the bulk body last built
  bool assertions = false;               // check the operations' assertions (--enable-assertions)
  // The PITs of the composite this client runs (null outside one), and which PIT API the
  // target answered (unknown until the first PIT).
  PointsInTime* points_in_time = nullptr;
  enum class PitApi : std::uint8_t { unknown, elasticsearch, opensearch } pit_api = PitApi::unknown;
  SplitMix64 random{0x9e3779b97f4a7c15ull};  // per client, for random terms
};

boost::asio::awaitable<OperationResult> run_operation(const track::Operation& operation, ClientContext& client);

// Runs the operation with its retry properties (retries, retry-until-success, ...): one
// sample covers every attempt.
boost::asio::awaitable<OperationResult> run_with_retries(const track::Operation& operation, ClientContext& client);

// Appends "?k=v&k2=v2" with percent-encoding.
std::string with_query(std::string path, const track::RequestParams& params);
// The same in place, into a string that keeps its capacity (the hot path).
void append_query(std::string& target, const track::RequestParams& params);

}  // namespace rally::client
