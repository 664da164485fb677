#pragma once

// Private to rally_track: incremental SHA-256 over OpenSSL's EVP interface, for verifying
// downloaded corpus files.

#include <cstddef>
#include <string>

#include "rally/common/errors.hpp"
#include "rally/common/text.hpp"

#include <openssl/evp.h>

namespace rally::track {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) throw RallyError("cannot compute SHA-256: out of memory");
    reset();
  }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void reset() {
    if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw RallyError("cannot compute SHA-256: init failed");
  }
  void update(const void* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(ctx_, data, size) != 1) throw RallyError("cannot compute SHA-256: update failed");
  }
  // Lower-case hex; the object must be reset() before it is used again.
  std::string hex_digest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_, digest, &length) != 1) throw RallyError("cannot compute SHA-256: final failed");
    return bytes_to_hex(digest, length);
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace rally::track
