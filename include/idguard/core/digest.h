// Hex digests through OpenSSL, for deterministic record ids and credential-hash matching, and
// base64url for tokens and salts. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace idguard {

std::string Sha256Hex(std::string_view data);
std::string Sha1Hex(std::string_view data);
// HMAC-SHA256 of `data` under `key`, in lower-case hex (webhook signatures).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Unpadded base64url (RFC 4648 section 5), for random tokens and salts in text form.
std::string Base64UrlEncode(const unsigned char* data, std::size_t size);
// Appends the bytes of `text` to `out`; false when `text` holds a character outside the alphabet.
bool Base64UrlDecode(std::string_view text, std::vector<unsigned char>& out);

}  // namespace idguard
