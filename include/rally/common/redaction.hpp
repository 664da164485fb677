#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rally {

struct ClientOptions;
struct RaceConfig;

// The one place that decides what is secret and hides it (docs/reliability.md). Secrets are
// used where they are needed (a request's Authorization header, a rendered track) and
// replaced by `secret_mask` in everything rally writes: race.json, reports, the metrics
// store, stdout and stderr, logs.
//
// Two layers:
// - Where a secret is stored as a value, it is masked by structure: describe_client_options
//   for client options, mask_secret_params for track params.
// - Every writer passes its text through `redact` (or its JSON through `redact_json`), which
//   replaces each secret this process knows of (registered below), wherever it turns up: in
//   an error message quoting a rendered track line, a failure reason, a log line.

// What stands in for a secret.
inline constexpr std::string_view secret_mask = "*****";

// Secrets shorter than this are masked where stored, but not searched for in text: "ab"
// would mask every "ab" in a report.
inline constexpr std::size_t min_redacted_length = 4;

// Rally's convention: a track parameter whose name starts with "secret_" holds a secret.
bool is_secret_param_name(std::string_view name);

// `params` with the value of every "secret_*" key (at any depth) replaced by the mask.
nlohmann::json mask_secret_params(nlohmann::json params);

// Makes `secret` known to `redact`, with the forms it may take in text: as it is, JSON-escaped,
// base64-encoded (padded or not) and, when it is base64 itself (an API key), decoded.
void register_secret(std::string_view secret);
// The credentials of HTTP basic authentication: the password and the header's
// base64("user:password").
void register_basic_credentials(std::string_view user, std::string_view password);
// Every text or number inside the value of a "secret_*" track parameter.
void register_secret_params(const nlohmann::json& params);
// basic_auth_password (and its header), api_key, and the values of Authorization headers.
void register_client_secrets(const ClientOptions& options);
// All of a race's: client options, secret_* track params, the load-driver secret.
void register_race_secrets(const RaceConfig& config);

// `text` with every known secret replaced by the mask.
std::string redact(std::string_view text);
// Every string (keys too) of `value` redacted; the base64 blobs under "histograms" are data,
// not text, and left alone.
nlohmann::json redact_json(nlohmann::json value);

// Tests only: forgets every registered secret.
void forget_secrets();

}  // namespace rally
