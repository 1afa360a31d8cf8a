// leakedCredentials (offline, user risk, always high): the leaked-credentials feeds matched against
// the directory's current password hashes. A pair whose hash is no longer the user's (the password
// was changed since) is stale and produces nothing; a pair for an account the directory does not
// know, or whose hash type the directory does not hold, cannot be confirmed and produces nothing.
// Only confirmed matches become detections, as in Entra. docs/detectors/leakedCredentials.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idguard/core/risk_records.h"
#include "idguard/core/sign_in.h"
#include "idguard/enrich/directory.h"
#include "idguard/enrich/leaked_credentials.h"

namespace idguard {

struct LeakMatch {
  std::vector<RiskDetection> detections;  // one per confirmed pair, in feed order
  std::uint64_t checked = 0;
  std::uint64_t stale = 0;         // the user's password changed since the leak
  std::uint64_t unknownUser = 0;   // no such userPrincipalName in the directory
  std::uint64_t unverifiable = 0;  // the directory holds no hash of the leaked kind
};

// `now` is the detection time of pairs without a discoveredDateTime (the end of the data seen).
LeakMatch MatchLeakedCredentials(const LeakedCredentialFeed& feed, const Directory& directory,
                                 EventTime now);

// The same feeds matched against the password an identity provider submits at sign-in
// (evaluate's passwordSha1): the first factor just accepted that password, so a pair with the
// user's name and that hash is a confirmed leak of the current password. Feeds keyed by user
// principal name (case-insensitive); SHA-1 pairs only.
class SubmittedPasswordCheck {
 public:
  explicit SubmittedPasswordCheck(const LeakedCredentialFeed& feed);
  bool empty() const { return byUser_.empty(); }
  // The leakedCredentials detection (with the id MatchLeakedCredentials gives the same pair), or
  // nullopt when the password is not a leaked one of this user.
  std::optional<RiskDetection> Match(const SignIn& sign_in, std::string_view password_sha1,
                                     EventTime now) const;

 private:
  std::unordered_map<std::string, std::vector<LeakedCredential>> byUser_;
};

}  // namespace idguard
