// ConditionalAccessPolicy: a risk-based Conditional Access policy in the Microsoft Graph
// `conditionalAccessPolicy` shape (/identity/conditionalAccess/policies), limited to what idguard
// can evaluate for an identity provider: users and groups, applications, client app types,
// sign-in and user risk levels, named locations, the grant controls block / mfa / passwordChange /
// riskRemediation / compliantDevice / domainJoinedDevice (with an authentication strength standing
// for mfa), and the session controls sign-in frequency and disableResilienceDefaults (whether
// sign-ins the policy covers fail closed while idguard cannot answer, docs/EVALUATE.md).
//
// A condition idguard cannot evaluate (platforms, devices, roles, guests, ...) is refused when the
// policy is written instead of being ignored: an ignored condition would widen the policy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/risk_enums.h"
#include "idguard/core/status.h"
#include "idguard/core/time.h"

namespace idguard {

enum class PolicyState : std::uint8_t { enabled, disabled, enabledForReportingButNotEnforced };
std::string_view ToString(PolicyState state);
std::optional<PolicyState> ParsePolicyState(std::string_view text);

struct PolicyUsers {
  std::vector<std::string> includeUsers;  // user ids, "All" or "None"
  std::vector<std::string> excludeUsers;
  std::vector<std::string> includeGroups;
  std::vector<std::string> excludeGroups;
};

struct PolicyApplications {
  std::vector<std::string> includeApplications;  // app ids, "All" or "None"
  std::vector<std::string> excludeApplications;
};

struct PolicyLocations {
  std::vector<std::string> includeLocations;  // named location ids, "All" or "AllTrusted"
  std::vector<std::string> excludeLocations;
};

struct SignInFrequency {
  bool isEnabled = false;
  std::string frequencyInterval = "timeBased";  // timeBased | everyTime
  std::string type;                             // days | hours (timeBased)
  std::int64_t value = 0;                       // timeBased
  std::string authenticationType = "primaryAndSecondaryAuthentication";
  bool EveryTime() const { return isEnabled && frequencyInterval == "everyTime"; }
};

struct GrantControls {
  std::string op = "OR";                     // AND | OR (Graph's `operator`)
  std::vector<std::string> builtInControls;  // block, mfa, passwordChange, riskRemediation, ...
  std::string authenticationStrengthId;      // empty when none; any strength demands MFA
  bool Has(std::string_view control) const;
};

struct ConditionalAccessPolicy {
  std::string id;
  std::string displayName;
  PolicyState state = PolicyState::disabled;
  EventTime createdDateTime = 0;
  EventTime modifiedDateTime = 0;
  PolicyUsers users;
  PolicyApplications applications;
  std::vector<std::string> clientAppTypes;  // empty means all
  std::vector<RiskLevel> userRiskLevels;
  std::vector<RiskLevel> signInRiskLevels;
  std::optional<PolicyLocations> locations;
  std::optional<GrantControls> grantControls;
  std::optional<SignInFrequency> signInFrequency;
  // Graph's sessionControls.disableResilienceDefaults: true when the sign-ins this policy covers
  // must be refused while idguard cannot be asked (fail closed), instead of the integration's
  // default. Unset (null) reads as false.
  std::optional<bool> disableResilienceDefaults;

  bool IsUserRiskPolicy() const { return !userRiskLevels.empty(); }
  bool IsSignInRiskPolicy() const { return !signInRiskLevels.empty(); }
};

// Reads a policy from a POST body (create: the result starts empty) or a PATCH body (update: the
// result starts as `base` and takes every top-level property the body carries, as Graph's PATCH
// replaces a complex property whole). The read-only id is ignored; createdDateTime and
// modifiedDateTime are read when they are timestamps, and callers set them as they should be.
// Errors name the property and say why; the result is not yet validated.
Result<ConditionalAccessPolicy> ReadPolicyJson(std::string_view json,
                                               const ConditionalAccessPolicy& base);

// Graph's rules for a policy idguard stores (spec §3.1): required properties, enum values,
// controls that need or exclude each other, and user risk and sign-in risk not mixed. The error
// names the property.
Status ValidatePolicy(const ConditionalAccessPolicy& policy);

// The policy in the Graph conditionalAccessPolicy shape, with every property Graph returns.
void AppendPolicyJson(std::string& out, const ConditionalAccessPolicy& policy);

}  // namespace idguard
