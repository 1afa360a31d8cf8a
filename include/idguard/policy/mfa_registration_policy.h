// MfaRegistrationPolicy: ID Protection's MFA registration policy (spec §3.4). Users in scope who
// have no MFA method are asked to register at their next interactive sign-in; for the first 14
// days (the grace period) they may skip it, then registration is required before they go on. It
// exists so users can answer an MFA challenge before risk ever demands one: a risk policy that
// needs MFA from an unregistered user blocks them (53004).
//
// JSON (GET/PUT /v1/policies/mfaRegistration):
//   {"isEnabled": true, "includeUsers": ["All"], "excludeUsers": [], "includeGroups": [],
//    "excludeGroups": [], "gracePeriodDays": 14}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/core/time.h"

namespace idguard {

struct MfaRegistrationPolicy {
  bool isEnabled = false;
  std::vector<std::string> includeUsers;  // user ids or "All"
  std::vector<std::string> excludeUsers;
  std::vector<std::string> includeGroups;
  std::vector<std::string> excludeGroups;
  std::int64_t gracePeriodDays = 14;  // Default: 14 days, as Entra

  // Whether the policy asks this user (with these directory groups) to register.
  bool Covers(const std::string& user_id, const std::vector<std::string>* group_ids) const;
};

// What evaluate tells the identity provider about registration for one sign-in.
struct MfaRegistrationPrompt {
  bool required = false;   // ask the user to register now
  bool skippable = false;  // still inside the grace period
  EventTime gracePeriodEndDateTime = 0;
};

// `first_prompted` is when the user was first asked (0: now is the first time).
MfaRegistrationPrompt PromptFor(const MfaRegistrationPolicy& policy, EventTime first_prompted,
                                EventTime now);

// Reads a PUT body; errors name the member. Unknown members are refused.
Result<MfaRegistrationPolicy> ReadMfaRegistrationPolicyJson(std::string_view json);
void AppendMfaRegistrationPolicyJson(std::string& out, const MfaRegistrationPolicy& policy);

}  // namespace idguard
