#pragma once

#include <cstdint>
#include <string_view>

#include "rally/client/runner.hpp"

namespace rally::client::detail {

// Judges the body of a successful (2xx) bulk response for `docs` documents: a response whose
// "errors" flag is false leaves `result` alone; failed items make it a bulk_items error with
// the failed documents (at most `docs`) as failed_weight. Returns why the body is malformed
// ("not JSON", no "errors" flag), for the caller to mark with malformed_response, else
// nullptr. Without detailed results the flag is read from the first bytes and the body
// parsed only on errors.
[[nodiscard]] const char* evaluate_bulk_response(std::string_view response, std::uint64_t docs, bool detailed_results,
                                                 OperationResult& result);

}  // namespace rally::client::detail
