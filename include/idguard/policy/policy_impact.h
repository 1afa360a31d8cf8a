// PolicyImpact: what a conditional access policy would have done to the stored sign-ins of a
// period — the "review the impact before you turn it on" preview. Each stored user sign-in whose
// first factor succeeded is evaluated against the policy as if it were enabled, with the sign-in's
// real-time risk as stored and the user's risk as the risk history had it at that moment; the
// result counts sign-ins and distinct users per decision and keeps the newest samples of each.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/policy/conditional_access_policy.h"
#include "idguard/policy/policy_evaluator.h"

namespace idguard {

class Directory;
class NamedLocations;
class ReportReader;

struct ImpactOptions {
  EventTime from = 0;
  EventTime to = 0;
  std::size_t samplesPerDecision = 5;  // Default: 5 (at most 50)
};

struct ImpactSample {
  std::string id;
  EventTime createdDateTime = 0;
  std::string userId;
  std::string userPrincipalName;
  std::string appDisplayName;
  std::string ipAddress;
  std::string countryOrRegion;
  RiskLevel riskLevelDuringSignIn = RiskLevel::none;
  RiskLevel userRiskLevel = RiskLevel::none;
};

struct PolicyImpact {
  std::uint64_t signInsEvaluated = 0;  // user sign-ins with a valid first factor in the period
  std::uint64_t usersEvaluated = 0;
  std::uint64_t signInsApplied = 0;  // the policy's conditions matched
  std::uint64_t usersApplied = 0;
  static constexpr std::size_t kDecisions = 4;  // indexed by Decision
  std::array<std::uint64_t, kDecisions> signIns{};
  std::array<std::uint64_t, kDecisions> users{};
  std::array<std::vector<ImpactSample>, kDecisions> samples;  // newest first
  double elapsedMilliseconds = 0;
};

struct ImpactContext {
  const Directory* directory = nullptr;            // groups and MFA registration
  const NamedLocations* namedLocations = nullptr;  // location conditions
};

// The stored sign-ins are split into one slice per reader, scanned on as many threads.
Result<PolicyImpact> PreviewPolicyImpact(const std::vector<ReportReader*>& readers,
                                         const ConditionalAccessPolicy& policy,
                                         const ImpactOptions& options,
                                         const ImpactContext& context);

void AppendPolicyImpactJson(std::string& out, const ConditionalAccessPolicy& policy,
                            const ImpactOptions& options, const PolicyImpact& impact);

}  // namespace idguard
