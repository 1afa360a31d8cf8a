// Password hashing for credentials idguard itself issues or checks (temporary passwords from an
// admin reset, local admin accounts): scrypt through OpenSSL, a memory-hard hash, with a random
// salt per password. The stored form names its parameters, so they can be raised later without
// breaking existing hashes:  scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>
#pragma once

#include <string>
#include <string_view>

#include "idguard/core/status.h"

namespace idguard {

struct ScryptParameters {
  int log2N = 15;  // Default: N = 32768, 32 MiB of memory per hash with r = 8
  int r = 8;
  int p = 1;
};

Result<std::string> HashPassword(std::string_view password,
                                 const ScryptParameters& parameters = {});
// True when `password` matches `stored` (in constant time); false for a malformed `stored`.
bool VerifyPassword(std::string_view password, std::string_view stored);

// A random password of `length` characters from an alphabet without look-alikes (no 0/O, 1/l/I).
Result<std::string> GenerateTemporaryPassword(std::size_t length = 16);

}  // namespace idguard
