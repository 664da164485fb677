#pragma once

// Private to rally_track: one streaming decompressor per archive format, behind one small
// interface so that ArchiveExtractor's read/write loop is written once.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "rally/track/archive.hpp"

namespace rally::track {

class Decoder {
 public:
  virtual ~Decoder() = default;

  // Decompresses from [in, in + in_size) into [out, out + out_size) and advances all four.
  // Called with in_size == 0 to drain output still held inside the decompressor. Throws
  // RallyError naming the archive when the data is corrupt.
  virtual void decode(const std::uint8_t*& in, std::size_t& in_size, std::uint8_t*& out, std::size_t& out_size) = 0;

  // True when everything decoded so far ends exactly at the end of a gzip member, bzip2
  // stream or zstd frame; an archive whose input ends elsewhere is truncated.
  [[nodiscard]] virtual bool at_boundary() const = 0;
};

// `archive` only names the file in error messages.
std::unique_ptr<Decoder> make_decoder(ArchiveFormat format, const std::string& archive);

}  // namespace rally::track
