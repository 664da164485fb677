#include "gzip.hpp"

#include "rally/common/errors.hpp"

namespace rally::client {

namespace {
constexpr int gzip_window = 15 + 16;  // zlib's way of asking for a gzip wrapper
constexpr int any_window = 15 + 32;   // inflate: detect gzip or zlib
constexpr int compression_level = 1;  // the fastest: the driver must not be the bottleneck
}  // namespace

Gzip::~Gzip() {
  if (deflate_ready_) deflateEnd(&deflate_);
  if (inflate_ready_) inflateEnd(&inflate_);
}

void Gzip::start_deflate(std::size_t total, std::string& out) {
  if (!deflate_ready_) {
    if (deflateInit2(&deflate_, compression_level, Z_DEFLATED, gzip_window, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw RallyError("cannot initialise gzip compression");
    deflate_ready_ = true;
  } else {
    deflateReset(&deflate_);
  }
  out.resize(deflateBound(&deflate_, total) + 64);
  deflate_.next_out = reinterpret_cast<Bytef*>(out.data());
  deflate_.avail_out = static_cast<uInt>(out.size());
}

void Gzip::deflate_piece(const void* data, std::size_t size, std::string& out, bool last) {
  deflate_.next_in = static_cast<Bytef*>(const_cast<void*>(data));
  deflate_.avail_in = static_cast<uInt>(size);
  for (;;) {
    if (deflate_.avail_out == 0) {  // the bound is for one input; many small pieces may need more
      auto used = out.size();
      out.resize(used * 2);
      deflate_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      deflate_.avail_out = static_cast<uInt>(out.size() - used);
    }
    int rc = deflate(&deflate_, last ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw RallyError("gzip compression failed");
    if (!last && deflate_.avail_in == 0) break;
  }
  if (last) out.resize(out.size() - deflate_.avail_out);
}

bool Gzip::decompress(std::string_view in, std::string& out) {
  if (!inflate_ready_) {
    if (inflateInit2(&inflate_, any_window) != Z_OK) return false;
    inflate_ready_ = true;
  } else {
    inflateReset(&inflate_);
  }
  out.resize(std::max<std::size_t>(in.size() * 4, 1024));
  inflate_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  inflate_.avail_in = static_cast<uInt>(in.size());
  std::size_t produced = 0;
  for (;;) {
    inflate_.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    inflate_.avail_out = static_cast<uInt>(out.size() - produced);
    int rc = inflate(&inflate_, Z_NO_FLUSH);
    produced = out.size() - inflate_.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
    if (inflate_.avail_in == 0 && inflate_.avail_out != 0) return false;  // truncated
    if (inflate_.avail_out == 0) out.resize(out.size() * 2);
  }
  out.resize(produced);
  return true;
}

}  // namespace rally::client
