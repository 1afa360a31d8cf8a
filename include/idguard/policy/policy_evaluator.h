// PolicyEvaluator: what Conditional Access demands of one sign-in, in real time.
//
// Each policy that is not disabled is checked against the sign-in: users and groups, application,
// client app type, named locations, the sign-in's real-time risk (riskLevelDuringSignIn) and the
// user's risk. A policy that applies demands its grant controls; controls the sign-in already meets
// (a compliant or hybrid-joined device, an MFA claim when the policy does not require sign-in
// every time) are satisfied on the spot. Enforced policies decide; report-only policies only
// record what they would have done (reportOnlySuccess, reportOnlyFailure, reportOnlyInterrupted,
// reportOnlyNotApplied). Decisions rank block > passwordChange > mfa > allow.
//
// A decision that needs MFA for a user who never registered a method is a block (53004,
// ProofUpBlockedDueToRisk): the MFA registration policy exists so users register before risk
// finds them.
//
// The evaluation also says how the identity provider should treat this user and application
// while idguard cannot be asked (its fail mode): closed when an enforced policy that disables
// resilience defaults covers them. Only users and applications count for that: risk, locations
// and client apps cannot be judged without idguard, so a policy that might apply is taken to
// apply. Pure function of its inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/sign_in.h"
#include "idguard/policy/conditional_access_policy.h"

namespace idguard {

class NamedLocations;

enum class Decision : std::uint8_t { allow, mfa, passwordChange, block };
std::string_view ToString(Decision decision);

// The user's side of the evaluation.
struct EvaluationSubject {
  RiskLevel userRiskLevel = RiskLevel::none;
  const std::vector<std::string>* groupIds = nullptr;  // directory groups; null: none known
  bool isMfaRegistered = true;
  bool sessionHasMfa = false;  // the session already carries an MFA claim
  // The user's open risk comes from password-related detections (leaked credentials, spray):
  // riskRemediation then means a secure password change instead of MFA and revoked sessions.
  bool passwordRelatedRisk = false;
};

struct PolicyOutcome {
  AppliedConditionalAccessPolicy applied;  // Graph shape; result as at sign-in time
  Decision demanded = Decision::allow;     // what the policy demands (before report-only)
  bool enforced = false;                   // enabled and applies
  bool pending = false;                    // waits for a control the user must perform now
};

struct PolicyEvaluation {
  Decision decision = Decision::allow;
  // 0 when allowed or waiting for a control; 53003 blocked by Conditional Access; 53004 MFA
  // registration needed before a risk control can be met.
  std::int32_t errorCode = 0;
  std::string reason;  // one sentence for the identity provider's logs
  // Which enforced policies demanded the decision: sign-in risk, user risk, or other.
  bool bySignInRiskPolicy = false;
  bool byUserRiskPolicy = false;
  std::vector<PolicyOutcome> policies;  // every policy, in the order given
  // Enforced policies that disable resilience defaults and cover this user and application.
  std::vector<std::string> failClosedPolicyIds;
  // "closed" when such a policy exists: refuse this user and application while idguard cannot
  // answer; "open" otherwise (the integration's own default then decides).
  std::string_view FailMode() const { return failClosedPolicyIds.empty() ? "open" : "closed"; }
  // Graph conditionalAccessStatus: success, failure or notApplied.
  std::string_view ConditionalAccessStatus() const;
};

struct EvaluationInputs {
  const SignIn& signIn;  // enriched and judged (riskLevelDuringSignIn set)
  const EvaluationSubject& subject;
  const NamedLocations* namedLocations = nullptr;  // for location conditions; null: none
};

PolicyEvaluation EvaluatePolicies(std::span<const ConditionalAccessPolicy> policies,
                                  const EvaluationInputs& inputs);

// What one enabled policy that applies to the sign-in demands, with the MFA registration rule
// (a demand for MFA from a user without a method is a block): the decision EvaluatePolicies
// reaches for that policy alone, without the logged results (the impact preview's hot path).
Decision DemandOf(const ConditionalAccessPolicy& policy, const EvaluationInputs& inputs);

// Whether the policy's conditions match the sign-in (its state aside): the cheap first half of an
// evaluation, for callers that judge many sign-ins against one policy.
bool PolicyApplies(const ConditionalAccessPolicy& policy, const EvaluationInputs& inputs);

// The Graph clientAppTypes member a sign-in's clientAppUsed belongs to.
std::string_view ClientAppType(std::string_view client_app_used);

}  // namespace idguard
