// Directory: a snapshot of the organisation's users, loaded from NDJSON, one user per line:
//   {"id", "userPrincipalName", "displayName", "accountEnabled", "groupIds": [...],
//    "isMfaRegistered", "passwordHashSha1"?, "passwordHashNtlm"?}
// Password hashes are hex (40 chars for SHA-1, 32 for NTLM), kept only in memory for
// leaked-credential matching, and never logged or written out.
//
// Lookups by id and by userPrincipalName (case-insensitive). Immutable after Load; thread-safe.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "idguard/core/status.h"

namespace idguard {

struct DirectoryUser {
  std::string id;
  std::string userPrincipalName;
  std::string displayName;
  bool accountEnabled = true;
  std::vector<std::string> groupIds;
  bool isMfaRegistered = false;
  std::string passwordHashSha1;  // lower-case hex or empty
  std::string passwordHashNtlm;  // lower-case hex or empty
};

class Directory {
 public:
  static Result<Directory> LoadFile(const std::string& path);
  static Result<Directory> LoadNdjson(std::string_view text, const std::string& source_name);

  const DirectoryUser* FindById(const std::string& id) const;
  const DirectoryUser* FindByUserPrincipalName(const std::string& upn) const;
  const std::vector<DirectoryUser>& users() const { return users_; }

 private:
  std::vector<DirectoryUser> users_;
  std::unordered_map<std::string, std::size_t> by_id_;
  std::unordered_map<std::string, std::size_t> by_upn_;  // lower-cased
};

// Reads a whole file into a string; shared by the small configuration loaders.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace idguard
