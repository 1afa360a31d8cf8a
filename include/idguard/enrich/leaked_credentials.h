// LeakedCredentialFeed: credential pairs found in breach dumps, pastes and dark-web markets, as
// NDJSON, one pair per line:
//   {"userPrincipalName": "...", "passwordHashSha1": "<40 hex>" | "passwordHashNtlm": "<32 hex>",
//    "discoveredDateTime": "2026-10-20T08:00:00Z"?, "source": "paste site"?}
// Only hashes travel: a feed never carries a clear-text password, and idguard never logs or
// writes the hashes out. The leakedCredentials detection matches them against the directory's
// current hashes (src/detect/leaked_credentials.cc). Immutable after loading; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/core/time.h"

namespace idguard {

struct LeakedCredential {
  std::string userPrincipalName;
  std::string passwordHashSha1;  // lower-case hex or empty
  std::string passwordHashNtlm;  // lower-case hex or empty
  std::optional<EventTime> discoveredDateTime;
  std::string source;  // where the pair was found, for the analyst
};

class LeakedCredentialFeed {
 public:
  // An error names `source_name`, the line and the field.
  static Result<LeakedCredentialFeed> Parse(std::string_view text, const std::string& source_name);
  static Result<LeakedCredentialFeed> LoadFile(const std::string& path);
  void Append(const LeakedCredentialFeed& other);
  const std::vector<LeakedCredential>& entries() const { return entries_; }

 private:
  std::vector<LeakedCredential> entries_;
};

}  // namespace idguard
