#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rally {

// Standard base64 (RFC 4648, with padding).
std::string base64_encode(std::string_view bytes);
// Nullopt when `text` is not valid padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace rally
