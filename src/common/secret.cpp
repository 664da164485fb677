#include "rally/common/secret.hpp"

#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "rally/common/errors.hpp"
#include "rally/common/text.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>

namespace rally {

std::string random_nonce() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw RallyError("the operating system's random generator failed");
  return bytes_to_hex(bytes.data(), bytes.size());
}

std::string secret_proof(std::string_view secret, std::string_view nonce) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size(), mac.data(), &length) == nullptr)
    throw RallyError("HMAC-SHA256 failed");
  return bytes_to_hex(mac.data(), length);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string read_secret_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw RallyError("the secret file " + path + " cannot be read");
  if ((st.st_mode & 077) != 0)
    throw RallyError("the secret file " + path + " may be read by other users: chmod 600 " + path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof()) throw RallyError("the secret file " + path + " cannot be read");
  auto secret = buffer.str();
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) secret.pop_back();
  if (secret.empty()) throw RallyError("the secret file " + path + " is empty");
  if (secret.size() < 16) throw RallyError("the secret in " + path + " is shorter than 16 characters");
  return secret;
}

}  // namespace rally
