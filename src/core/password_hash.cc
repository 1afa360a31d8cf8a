#include "idguard/core/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include "idguard/core/digest.h"

namespace idguard {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
bool Scrypt(std::string_view password, const unsigned char* salt, std::size_t salt_size,
            const ScryptParameters& parameters, unsigned char* key, std::size_t key_size) {
  const std::uint64_t n = std::uint64_t{1} << parameters.log2N;
  // maxmem: what N and r need (128 * N * r bytes) plus room for OpenSSL's own bookkeeping.
  const std::uint64_t maxmem = 128 * n * static_cast<std::uint64_t>(parameters.r) * 2;
  return EVP_PBE_scrypt(password.data(), password.size(), salt, salt_size, n,
                        static_cast<std::uint64_t>(parameters.r),
                        static_cast<std::uint64_t>(parameters.p), maxmem, key, key_size) == 1;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, const ScryptParameters& parameters) {
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) return Status::Internal("random generator failed");
  unsigned char key[kHashBytes];
  if (!Scrypt(password, salt, sizeof salt, parameters, key, sizeof key)) {
    return Status::Internal("scrypt failed");
  }
  return "scrypt$" + std::to_string(parameters.log2N) + "$" + std::to_string(parameters.r) + "$" +
         std::to_string(parameters.p) + "$" + Base64UrlEncode(salt, sizeof salt) + "$" +
         Base64UrlEncode(key, sizeof key);
}

bool VerifyPassword(std::string_view password, std::string_view stored) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dollar = stored.find('$');
    parts.push_back(stored.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    stored.remove_prefix(dollar + 1);
  }
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  ScryptParameters parameters;
  auto number = [](std::string_view text, int& value) {
    return std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc();
  };
  if (!number(parts[1], parameters.log2N) || !number(parts[2], parameters.r) ||
      !number(parts[3], parameters.p) || parameters.log2N < 10 || parameters.log2N > 20 ||
      parameters.r < 1 || parameters.r > 32 || parameters.p < 1 || parameters.p > 16) {
    return false;
  }
  std::vector<unsigned char> salt;
  std::vector<unsigned char> expected;
  if (!Base64UrlDecode(parts[4], salt) || !Base64UrlDecode(parts[5], expected) ||
      expected.size() != kHashBytes) {
    return false;
  }
  unsigned char key[kHashBytes];
  if (!Scrypt(password, salt.data(), salt.size(), parameters, key, sizeof key)) return false;
  return CRYPTO_memcmp(key, expected.data(), kHashBytes) == 0;
}

Result<std::string> GenerateTemporaryPassword(std::size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  constexpr std::size_t kAlphabetSize = sizeof kAlphabet - 1;
  std::string password;
  while (password.size() < length) {
    unsigned char byte = 0;
    if (RAND_bytes(&byte, 1) != 1) return Status::Internal("random generator failed");
    // Rejection sampling keeps every character equally likely.
    if (byte >= 256 - 256 % kAlphabetSize) continue;
    password += kAlphabet[byte % kAlphabetSize];
  }
  return password;
}

}  // namespace idguard
