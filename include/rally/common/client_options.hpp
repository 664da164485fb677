#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rally {

// Rally's --client-options, parsed once at the edge into typed values. It crosses process
// boundaries inside RaceConfig, so it holds only plain values: files named by the options
// (static responses) are read at parse time and carried as text; certificate and key files
// are read where the clients run.
struct ClientOptions {
  bool use_ssl = false;
  bool verify_certs = true;
  std::string ca_certs;     // PEM file of trusted CAs; empty: the system's trust store
  std::string client_cert;  // PEM certificate for mutual TLS
  std::string client_key;   // its private key
  std::string basic_auth_user;
  std::string basic_auth_password;
  std::string api_key;  // sent as "Authorization: ApiKey <api_key>"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string opaque_id;              // X-Opaque-Id on every request
  bool http_compress = false;         // gzip request bodies, accept gzip responses
  double timeout_s = 0;               // request timeout in seconds; 0: not given (60)
  std::string static_responses_file;  // as given
  std::string static_responses;       // its contents (JSON); non-empty: no network at all
};

// Parses Rally's forms: "k:v,k:v" (values: true/false, numbers, 'quoted' or "quoted" or bare
// strings), an inline JSON object, or the path of a JSON file; a JSON object may also be
// Rally's per-cluster form {"default": {...}}. Throws RallyError naming the option.
ClientOptions parse_client_options(std::string_view text);

// For logs and race.json: the options with every credential replaced by "*****".
std::string describe_client_options(const ClientOptions& options);

}  // namespace rally
