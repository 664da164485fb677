#pragma once

#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <zlib.h>

namespace rally::client {

// gzip for request bodies (http_compress) and gzip-encoded responses. One per connection:
// the zlib states are kept and reset, so steady-state use does not allocate.
class Gzip {
 public:
  Gzip() = default;
  ~Gzip();
  Gzip(const Gzip&) = delete;
  Gzip& operator=(const Gzip&) = delete;

  // Compresses the concatenation of `pieces` into `out` (replaced).
  template <class Buffers>
  void compress(const Buffers& pieces, std::size_t total, std::string& out);
  // Decompresses a gzip body into `out` (replaced); false on corrupt input.
  bool decompress(std::string_view in, std::string& out);

 private:
  void start_deflate(std::size_t total, std::string& out);
  void deflate_piece(const void* data, std::size_t size, std::string& out, bool last);

  z_stream deflate_{};
  z_stream inflate_{};
  bool deflate_ready_ = false;
  bool inflate_ready_ = false;
};

template <class Buffers>
void Gzip::compress(const Buffers& pieces, std::size_t total, std::string& out) {
  start_deflate(total, out);
  std::size_t n = 0, count = static_cast<std::size_t>(std::distance(pieces.begin(), pieces.end()));
  for (const auto& piece : pieces) {
    deflate_piece(piece.data(), piece.size(), out, ++n == count);
  }
  if (count == 0) deflate_piece(nullptr, 0, out, true);
}

}  // namespace rally::client
