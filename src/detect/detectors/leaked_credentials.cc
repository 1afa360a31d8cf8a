#include "idguard/detect/leaked_credentials.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "idguard/core/digest.h"
#include "idguard/core/text_lines.h"

namespace idguard {

LeakMatch MatchLeakedCredentials(const LeakedCredentialFeed& feed, const Directory& directory,
                                 EventTime now) {
  LeakMatch result;
  std::set<std::string, std::less<>> reported;  // one detection per user and hash
  for (const LeakedCredential& leak : feed.entries()) {
    ++result.checked;
    const DirectoryUser* user = directory.FindByUserPrincipalName(leak.userPrincipalName);
    if (user == nullptr) {
      ++result.unknownUser;
      continue;
    }
    const bool sha1_known = !leak.passwordHashSha1.empty() && !user->passwordHashSha1.empty();
    const bool ntlm_known = !leak.passwordHashNtlm.empty() && !user->passwordHashNtlm.empty();
    if (!sha1_known && !ntlm_known) {
      ++result.unverifiable;
      continue;
    }
    const bool sha1_match = sha1_known && leak.passwordHashSha1 == user->passwordHashSha1;
    const bool ntlm_match = ntlm_known && leak.passwordHashNtlm == user->passwordHashNtlm;
    if (!sha1_match && !ntlm_match) {
      ++result.stale;
      continue;
    }
    const std::string& hash = sha1_match ? leak.passwordHashSha1 : leak.passwordHashNtlm;
    // The id depends on the user and the leaked hash, never on the hash in clear in a log.
    const std::string id = Sha256Hex("leakedCredentials|" + user->id + "|" + hash);
    if (!reported.insert(id).second) continue;
    const EventTime detected = leak.discoveredDateTime.value_or(now);
    RiskDetection detection;
    detection.id = id;
    detection.activity = ActivityType::user;
    detection.activityDateTime = detected;
    detection.detectedDateTime = detected;
    detection.lastUpdatedDateTime = detected;
    detection.detectionTimingType = DetectionTimingType::offline;
    detection.riskEventType = "leakedCredentials";
    detection.riskLevel = RiskLevel::high;
    detection.riskState = RiskState::atRisk;
    detection.source = "idguard";
    detection.userId = user->id;
    detection.userPrincipalName = user->userPrincipalName;
    detection.userDisplayName = user->displayName;
    detection.additionalInfo.push_back({"riskReasons", "leakedCredentials"});
    std::string reason = "a credential pair for this account";
    if (!leak.source.empty()) reason.append(" found in ").append(leak.source);
    reason.append(" matches the current password (")
        .append(sha1_match ? "SHA-1" : "NTLM")
        .append(" hash)");
    detection.additionalInfo.push_back({"reason", reason});
    result.detections.push_back(std::move(detection));
  }
  return result;
}

SubmittedPasswordCheck::SubmittedPasswordCheck(const LeakedCredentialFeed& feed) {
  for (const LeakedCredential& leak : feed.entries()) {
    if (leak.passwordHashSha1.empty()) continue;
    byUser_[AsciiLower(leak.userPrincipalName)].push_back(leak);
  }
}

std::optional<RiskDetection> SubmittedPasswordCheck::Match(const SignIn& sign_in,
                                                           std::string_view password_sha1,
                                                           EventTime now) const {
  if (password_sha1.empty() || sign_in.userPrincipalName.empty()) return std::nullopt;
  const auto pairs = byUser_.find(AsciiLower(sign_in.userPrincipalName));
  if (pairs == byUser_.end()) return std::nullopt;
  const std::string submitted = AsciiLower(password_sha1);
  const auto leak = std::find_if(pairs->second.begin(), pairs->second.end(), [&](const auto& pair) {
    return pair.passwordHashSha1 == submitted;
  });
  if (leak == pairs->second.end()) return std::nullopt;
  RiskDetection detection;
  detection.id = Sha256Hex("leakedCredentials|" + sign_in.userId + "|" + submitted);
  detection.activity = ActivityType::user;
  detection.activityDateTime = detection.detectedDateTime = detection.lastUpdatedDateTime = now;
  detection.detectionTimingType = DetectionTimingType::offline;
  detection.riskEventType = "leakedCredentials";
  detection.riskLevel = RiskLevel::high;
  detection.riskState = RiskState::atRisk;
  detection.source = "idguard";
  detection.userId = sign_in.userId;
  detection.userPrincipalName = sign_in.userPrincipalName;
  detection.userDisplayName = sign_in.userDisplayName;
  detection.ipAddress = sign_in.ipAddress;
  detection.additionalInfo.push_back({"riskReasons", "leakedCredentials"});
  std::string reason = "the password submitted at sign-in " + sign_in.id +
                       " matches a credential pair for this account";
  if (!leak->source.empty()) reason.append(" found in ").append(leak->source);
  detection.additionalInfo.push_back({"reason", reason});
  return detection;
}

}  // namespace idguard
