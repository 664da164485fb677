#include "corpus_decoder.hpp"

#include <algorithm>
#include <climits>
#include <cstring>

#include "rally/common/errors.hpp"

#include <bzlib.h>
#include <zlib.h>
#include <zstd.h>

namespace rally::track {
namespace {

// zlib and libbz2 count in unsigned int; the extractor's buffers are far smaller anyway.
unsigned int clamp_uint(std::size_t n) { return static_cast<unsigned int>(std::min<std::size_t>(n, UINT_MAX)); }

RallyError corrupt(const std::string& archive, const std::string& format, const std::string& detail) {
  return RallyError("cannot unpack " + archive + ": it is not valid " + format + " data (" + detail +
                    "); delete it so that it is downloaded again");
}

class GzipDecoder final : public Decoder {
 public:
  explicit GzipDecoder(std::string archive) : archive_(std::move(archive)) {
    std::memset(&z_, 0, sizeof z_);
    // 16 + 15: gzip framing only (header, CRC-32 and length trailer are checked), 32 KB window.
    if (inflateInit2(&z_, 16 + 15) != Z_OK) throw RallyError("cannot unpack " + archive_ + ": zlib init failed");
  }
  ~GzipDecoder() override { inflateEnd(&z_); }
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  void decode(const std::uint8_t*& in, std::size_t& in_size, std::uint8_t*& out, std::size_t& out_size) override {
    z_.next_in = const_cast<Bytef*>(in);  // zlib's API is not const-correct; it never writes
    z_.avail_in = clamp_uint(in_size);
    z_.next_out = out;
    z_.avail_out = clamp_uint(out_size);
    for (;;) {
      if (member_ended_) {
        if (z_.avail_in == 0) break;
        // Another member follows (gzip -c a >> f; pigz): it continues the same file.
        inflateReset(&z_);
        member_ended_ = false;
        boundary_ = false;
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_ended_ = true;
        boundary_ = true;
        continue;
      }
      if (rc == Z_BUF_ERROR) break;  // needs more input or more room: not an error here
      if (rc != Z_OK) throw corrupt(archive_, "gzip", z_.msg ? z_.msg : "zlib error " + std::to_string(rc));
      if (z_.avail_in == 0 || z_.avail_out == 0) break;
    }
    auto used = in_size - z_.avail_in;
    in += used;
    in_size -= used;
    auto produced = out_size - z_.avail_out;
    out += produced;
    out_size -= produced;
  }

  [[nodiscard]] bool at_boundary() const override { return boundary_; }

 private:
  std::string archive_;
  z_stream z_{};
  bool member_ended_ = false;
  bool boundary_ = false;
};

class Bzip2Decoder final : public Decoder {
 public:
  explicit Bzip2Decoder(std::string archive) : archive_(std::move(archive)) { init(); }
  ~Bzip2Decoder() override { BZ2_bzDecompressEnd(&bz_); }
  Bzip2Decoder(const Bzip2Decoder&) = delete;
  Bzip2Decoder& operator=(const Bzip2Decoder&) = delete;

  void decode(const std::uint8_t*& in, std::size_t& in_size, std::uint8_t*& out, std::size_t& out_size) override {
    bz_.next_in = reinterpret_cast<char*>(const_cast<std::uint8_t*>(in));
    bz_.avail_in = clamp_uint(in_size);
    bz_.next_out = reinterpret_cast<char*>(out);
    bz_.avail_out = clamp_uint(out_size);
    for (;;) {
      if (stream_ended_) {
        if (bz_.avail_in == 0) break;
        // pbzip2 and `cat a.bz2 b.bz2` write one bzip2 stream after another.
        auto next_in = bz_.next_in;
        auto avail_in = bz_.avail_in;
        auto next_out = bz_.next_out;
        auto avail_out = bz_.avail_out;
        BZ2_bzDecompressEnd(&bz_);
        init();
        bz_.next_in = next_in;
        bz_.avail_in = avail_in;
        bz_.next_out = next_out;
        bz_.avail_out = avail_out;
        stream_ended_ = false;
        boundary_ = false;
      }
      int rc = BZ2_bzDecompress(&bz_);
      if (rc == BZ_STREAM_END) {
        stream_ended_ = true;
        boundary_ = true;
        continue;
      }
      if (rc != BZ_OK) throw corrupt(archive_, "bzip2", describe(rc));
      // BZ_OK with input left means the output is full; with no input left, everything
      // decodable so far has been written.
      if (bz_.avail_in == 0 || bz_.avail_out == 0) break;
    }
    auto used = in_size - bz_.avail_in;
    in += used;
    in_size -= used;
    auto produced = out_size - bz_.avail_out;
    out += produced;
    out_size -= produced;
  }

  [[nodiscard]] bool at_boundary() const override { return boundary_; }

 private:
  void init() {
    std::memset(&bz_, 0, sizeof bz_);
    if (BZ2_bzDecompressInit(&bz_, 0, 0) != BZ_OK)
      throw RallyError("cannot unpack " + archive_ + ": bzip2 init failed");
  }

  static std::string describe(int rc) {
    switch (rc) {
      case BZ_DATA_ERROR_MAGIC:
        return "bad magic number";
      case BZ_DATA_ERROR:
        return "data integrity error";
      case BZ_MEM_ERROR:
        return "out of memory";
      default:
        return "bzip2 error " + std::to_string(rc);
    }
  }

  std::string archive_;
  bz_stream bz_{};
  bool stream_ended_ = false;
  bool boundary_ = false;
};

class ZstdDecoder final : public Decoder {
 public:
  explicit ZstdDecoder(std::string archive) : archive_(std::move(archive)), ctx_(ZSTD_createDCtx()) {
    if (!ctx_) throw RallyError("cannot unpack " + archive_ + ": zstd init failed");
    // Archives made with `zstd --long` need windows beyond the 128 MB default; the memory
    // is only taken when an archive asks for it. 31 is zstd's 64-bit maximum.
    ZSTD_DCtx_setParameter(ctx_, ZSTD_d_windowLogMax, 31);
  }
  ~ZstdDecoder() override { ZSTD_freeDCtx(ctx_); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  void decode(const std::uint8_t*& in, std::size_t& in_size, std::uint8_t*& out, std::size_t& out_size) override {
    ZSTD_inBuffer input{in, in_size, 0};
    ZSTD_outBuffer output{out, out_size, 0};
    // Concatenated frames need no special case: the context starts the next frame itself.
    do {
      auto before = input.pos;
      auto rc = ZSTD_decompressStream(ctx_, &output, &input);
      if (ZSTD_isError(rc)) throw corrupt(archive_, "zstd", ZSTD_getErrorName(rc));
      // 0: a frame is complete and flushed. Without new input, a non-zero answer is only a
      // hint for the next frame's header and does not reopen a finished one.
      if (rc == 0) {
        boundary_ = true;
      } else if (input.pos > before) {
        boundary_ = false;
      }
    } while (input.pos < input.size && output.pos < output.size);
    in += input.pos;
    in_size -= input.pos;
    out += output.pos;
    out_size -= output.pos;
  }

  [[nodiscard]] bool at_boundary() const override { return boundary_; }

 private:
  std::string archive_;
  ZSTD_DCtx* ctx_;
  bool boundary_ = false;
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(ArchiveFormat format, const std::string& archive) {
  switch (format) {
    case ArchiveFormat::gzip:
      return std::make_unique<GzipDecoder>(archive);
    case ArchiveFormat::bzip2:
      return std::make_unique<Bzip2Decoder>(archive);
    case ArchiveFormat::zstd:
      return std::make_unique<ZstdDecoder>(archive);
  }
  throw RallyError("cannot unpack " + archive + ": unknown archive format");
}

}  // namespace rally::track
