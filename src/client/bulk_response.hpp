#pragma once

#include <cstdint>
#include <string_view>

#include "rally/client/runner.hpp"

namespace rally::client::detail {

// Judges the body of a successful (2xx) bulk response for `docs` documents: a response whose
// "errors" flag is false leaves `result` alone; failed items make it a bulk_items error with
// the failed documents as failed_weight; a body without the flag fails all `docs`. Without
// detailed results the flag is read from the first bytes and the body parsed only on errors.
void evaluate_bulk_response(std::string_view response, std::uint64_t docs, bool detailed_results,
                            OperationResult& result);

}  // namespace rally::client::detail
