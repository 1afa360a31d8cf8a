#include "idguard/core/digest.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <memory>

namespace idguard {
namespace {

std::string Hex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

// OpenSSL 3 looks an algorithm up among its providers on every use of a legacy EVP_sha256()
// handle, under a lock; ids are hashed several times per sign-in, so each algorithm is fetched
// once, and each thread reuses one digest context (BM_Sha256HexShort: 413 ns the implicit way,
// 144 ns fetched with a reused context). A fetch that fails leaves null, and the legacy handle
// is used instead.
struct FetchedDigests {
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
};

const FetchedDigests& Digests() {
  // Never freed: a thread still hashing while the process exits must not find them gone.
  static const FetchedDigests* const digests = [] {
    auto* fetched = new FetchedDigests();
    ERR_clear_error();  // a failed fetch's errors would otherwise surface in a later TLS call
    return fetched;
  }();
  return *digests;
}

struct ContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string HexDigest(const EVP_MD* fetched, const EVP_MD* fallback, std::string_view data) {
  thread_local const std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(EVP_MD_CTX_new());
  const EVP_MD* md = fetched != nullptr ? fetched : fallback;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (context == nullptr || EVP_DigestInit_ex(context.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    ERR_clear_error();
    EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr);
  }
  return Hex(digest, length);
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  return HexDigest(Digests().sha256, EVP_sha256(), data);
}
std::string Sha1Hex(std::string_view data) { return HexDigest(Digests().sha1, EVP_sha1(), data); }

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  return Hex(mac, length);
}

namespace {
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}  // namespace

std::string Base64UrlEncode(const unsigned char* data, std::size_t size) {
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 63];
  return out;
}

bool Base64UrlDecode(std::string_view text, std::vector<unsigned char>& out) {
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const char* at = std::char_traits<char>::find(kBase64Url, 64, c);
    if (at == nullptr) return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((buffer >> bits) & 0xFF));
    }
  }
  return true;
}

}  // namespace idguard
