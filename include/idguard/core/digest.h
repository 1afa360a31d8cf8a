// Hex digests through OpenSSL, for deterministic record ids and credential-hash matching.
// Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace idguard {

std::string Sha256Hex(std::string_view data);
std::string Sha1Hex(std::string_view data);

}  // namespace idguard
