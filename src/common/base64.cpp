#include "rally/common/base64.hpp"

#include <boost/beast/core/detail/base64.hpp>

namespace rally {

namespace b64 = boost::beast::detail::base64;

std::string base64_encode(std::string_view bytes) {
  std::string out(b64::encoded_size(bytes.size()), '\0');
  out.resize(b64::encode(out.data(), bytes.data(), bytes.size()));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(b64::decoded_size(text.size()), '\0');
  auto [written, read] = b64::decode(out.data(), text.data(), text.size());
  // Decoding stops at the padding or at the first character that is not base64.
  auto data = text;
  for (int i = 0; i < 2 && !data.empty() && data.back() == '='; ++i) data.remove_suffix(1);
  if (read != data.size()) return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace rally
