#include "idguard/core/digest.h"

#include <openssl/evp.h>

namespace idguard {
namespace {

std::string HexDigest(const EVP_MD* md, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

}  // namespace

std::string Sha256Hex(std::string_view data) { return HexDigest(EVP_sha256(), data); }
std::string Sha1Hex(std::string_view data) { return HexDigest(EVP_sha1(), data); }

}  // namespace idguard
