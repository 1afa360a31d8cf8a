#include "idguard/policy/policy_evaluator.h"

#include <algorithm>

#include "idguard/enrich/named_locations.h"

namespace idguard {
namespace {

bool Contains(const std::vector<std::string>& values, std::string_view value) {
  return !value.empty() && std::find(values.begin(), values.end(), value) != values.end();
}

bool InAnyGroup(const std::vector<std::string>& policy_groups, const EvaluationSubject& subject) {
  if (subject.groupIds == nullptr) return false;
  return std::any_of(policy_groups.begin(), policy_groups.end(),
                     [&](const std::string& group) { return Contains(*subject.groupIds, group); });
}

bool MatchesUsers(const PolicyUsers& users, const SignIn& sign_in,
                  const EvaluationSubject& subject) {
  const std::string& user = sign_in.userId;
  const bool included = Contains(users.includeUsers, "All") || Contains(users.includeUsers, user) ||
                        InAnyGroup(users.includeGroups, subject);
  if (!included) return false;
  return !Contains(users.excludeUsers, user) && !InAnyGroup(users.excludeGroups, subject);
}

// Applications are the resource signed in to; an identity provider may only know the client, so
// either id matches.
bool MatchesApplication(const std::vector<std::string>& list, const SignIn& sign_in) {
  return Contains(list, sign_in.appId) || Contains(list, sign_in.resourceId);
}

bool MatchesApplications(const PolicyApplications& applications, const SignIn& sign_in) {
  const bool included = Contains(applications.includeApplications, "All") ||
                        MatchesApplication(applications.includeApplications, sign_in);
  return included && !MatchesApplication(applications.excludeApplications, sign_in);
}

bool MatchesClientApp(const std::vector<std::string>& types, const SignIn& sign_in) {
  if (types.empty() || Contains(types, "all")) return true;
  const std::string_view type = ClientAppType(sign_in.clientAppUsed);
  if (Contains(types, type)) return true;
  return type == "exchangeActiveSync" && Contains(types, "easSupported");
}

bool InLocation(std::string_view id, const SignIn& sign_in, const NamedLocations* locations) {
  if (id == "All") return true;
  if (id == "AllTrusted") return sign_in.network.isTrustedLocation;
  if (sign_in.network.namedLocationId == id) return true;
  if (locations == nullptr) return false;
  for (const NamedLocation& location : locations->all()) {
    if (location.id != id) continue;
    if (location.IsCountryLocation()) {
      const std::string& country = sign_in.location.countryOrRegion;
      if (country.empty()) return location.includeUnknownCountriesAndRegions;
      return Contains(location.countriesAndRegions, country);
    }
    const auto address = IpAddress::Parse(sign_in.ipAddress);
    return address && std::any_of(location.ipRanges.begin(), location.ipRanges.end(),
                                  [&](const CidrRange& range) { return range.Contains(*address); });
  }
  return false;
}

bool MatchesLocations(const std::optional<PolicyLocations>& condition, const SignIn& sign_in,
                      const NamedLocations* locations) {
  if (!condition) return true;
  auto any = [&](const std::vector<std::string>& ids) {
    return std::any_of(ids.begin(), ids.end(),
                       [&](const std::string& id) { return InLocation(id, sign_in, locations); });
  };
  return any(condition->includeLocations) && !any(condition->excludeLocations);
}

bool MatchesLevels(const std::vector<RiskLevel>& levels, RiskLevel level) {
  if (levels.empty()) return true;
  if (level == RiskLevel::hidden) level = RiskLevel::none;
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

// One grant control as this sign-in stands.
struct ControlState {
  bool satisfied = false;
  bool promptable = false;  // the user can meet it now (MFA, password change)
  Decision demand = Decision::block;
  std::string_view logged;  // how sign-in logs name the control
};

ControlState StateOf(std::string_view control, const ConditionalAccessPolicy& policy,
                     const SignIn& sign_in, const EvaluationSubject& subject) {
  const bool every_time = policy.signInFrequency && policy.signInFrequency->EveryTime();
  if (control == "mfa") return {subject.sessionHasMfa && !every_time, true, Decision::mfa, "Mfa"};
  if (control == "passwordChange") {
    return {false, true, Decision::passwordChange, "PasswordChange"};
  }
  if (control == "riskRemediation") {
    return {false, true, subject.passwordRelatedRisk ? Decision::passwordChange : Decision::mfa,
            "RiskRemediation"};
  }
  if (control == "compliantDevice") {
    return {sign_in.deviceDetail.isCompliant.value_or(false), false, Decision::block,
            "RequireCompliantDevice"};
  }
  if (control == "domainJoinedDevice") {
    return {sign_in.deviceDetail.trustType.find("Hybrid") != std::string::npos, false,
            Decision::block, "RequireDomainJoinedDevice"};
  }
  if (control == "approvedApplication")
    return {false, false, Decision::block, "RequireApprovedApp"};
  if (control == "compliantApplication") {
    return {false, false, Decision::block, "RequireCompliantApp"};
  }
  return {false, false, Decision::block, "Block"};  // block, and anything unknown
}

// What one applying policy demands, and whether it waits for the user.
void Grant(const ConditionalAccessPolicy& policy, const SignIn& sign_in,
           const EvaluationSubject& subject, PolicyOutcome& outcome) {
  const GrantControls& grant = *policy.grantControls;
  std::vector<ControlState> controls;
  for (const std::string& control : grant.builtInControls) {
    controls.push_back(StateOf(control, policy, sign_in, subject));
  }
  if (!grant.authenticationStrengthId.empty()) {
    controls.push_back(StateOf("mfa", policy, sign_in, subject));
  }
  Decision demand = Decision::allow;
  if (grant.op == "AND") {
    for (const ControlState& control : controls) {
      if (control.satisfied) continue;
      demand = control.promptable ? std::max(demand, control.demand) : Decision::block;
      if (demand == Decision::block) break;
    }
  } else {
    const bool any_satisfied = std::any_of(controls.begin(), controls.end(),
                                           [](const ControlState& c) { return c.satisfied; });
    if (!any_satisfied) {
      demand = Decision::block;
      for (const ControlState& control : controls) {
        if (control.promptable) demand = std::min(demand, control.demand);
      }
    }
  }
  outcome.demanded = demand;
  outcome.pending = demand == Decision::mfa || demand == Decision::passwordChange;
  for (const ControlState& control : controls) {
    if (!control.satisfied || demand == Decision::allow) {
      outcome.applied.enforcedGrantControls.emplace_back(control.logged);
    }
  }
  if (policy.signInFrequency && policy.signInFrequency->isEnabled) {
    outcome.applied.enforcedSessionControls.emplace_back("SignInFrequency");
  }
}

std::string_view ResultOf(const PolicyOutcome& outcome, bool applies, PolicyState state) {
  const bool report_only = state == PolicyState::enabledForReportingButNotEnforced;
  if (state == PolicyState::disabled) return "notEnabled";
  if (!applies) return report_only ? "reportOnlyNotApplied" : "notApplied";
  if (outcome.demanded == Decision::allow) return report_only ? "reportOnlySuccess" : "success";
  if (outcome.demanded == Decision::block) return report_only ? "reportOnlyFailure" : "failure";
  // Waiting for the user: the outcome call settles an enforced policy as success or failure.
  return report_only ? "reportOnlyInterrupted" : "unknown";
}

}  // namespace

std::string_view ToString(Decision decision) {
  switch (decision) {
    case Decision::allow:
      return "allow";
    case Decision::mfa:
      return "mfa";
    case Decision::passwordChange:
      return "passwordChange";
    case Decision::block:
      return "block";
  }
  return "block";
}

bool PolicyApplies(const ConditionalAccessPolicy& policy, const EvaluationInputs& inputs) {
  const SignIn& sign_in = inputs.signIn;
  // Risk levels first: they rule out most sign-ins of a risk policy at once.
  return policy.grantControls &&
         MatchesLevels(policy.signInRiskLevels, sign_in.riskLevelDuringSignIn) &&
         MatchesLevels(policy.userRiskLevels, inputs.subject.userRiskLevel) &&
         MatchesUsers(policy.users, sign_in, inputs.subject) &&
         MatchesApplications(policy.applications, sign_in) &&
         MatchesClientApp(policy.clientAppTypes, sign_in) &&
         MatchesLocations(policy.locations, sign_in, inputs.namedLocations);
}

std::string_view ClientAppType(std::string_view client_app_used) {
  if (client_app_used.empty() || client_app_used == "Browser") return "browser";
  if (client_app_used == "Mobile Apps and Desktop clients") return "mobileAppsAndDesktopClients";
  if (client_app_used == "Exchange ActiveSync") return "exchangeActiveSync";
  return "other";  // legacy protocols: IMAP, POP, SMTP, MAPI, "Other clients", ...
}

std::string_view PolicyEvaluation::ConditionalAccessStatus() const {
  if (decision == Decision::block) return "failure";
  const bool any_enforced = std::any_of(policies.begin(), policies.end(),
                                        [](const PolicyOutcome& p) { return p.enforced; });
  return any_enforced ? "success" : "notApplied";
}

PolicyEvaluation EvaluatePolicies(std::span<const ConditionalAccessPolicy> policies,
                                  const EvaluationInputs& inputs) {
  const SignIn& sign_in = inputs.signIn;
  const EvaluationSubject& subject = inputs.subject;
  PolicyEvaluation evaluation;
  const ConditionalAccessPolicy* decider = nullptr;
  for (const ConditionalAccessPolicy& policy : policies) {
    PolicyOutcome outcome;
    outcome.applied.id = policy.id;
    outcome.applied.displayName = policy.displayName;
    const bool applies = policy.state != PolicyState::disabled && PolicyApplies(policy, inputs);
    if (applies) Grant(policy, sign_in, subject, outcome);
    outcome.applied.result = std::string(ResultOf(outcome, applies, policy.state));
    outcome.enforced = applies && policy.state == PolicyState::enabled;
    if (policy.state == PolicyState::enabled && policy.disableResilienceDefaults.value_or(false) &&
        MatchesUsers(policy.users, sign_in, subject) &&
        MatchesApplications(policy.applications, sign_in)) {
      evaluation.failClosedPolicyIds.push_back(policy.id);
    }
    if (outcome.enforced) {
      if (outcome.demanded > evaluation.decision) {
        evaluation.decision = outcome.demanded;
        decider = &policy;
      }
      if (outcome.demanded != Decision::allow) {
        evaluation.bySignInRiskPolicy |= policy.IsSignInRiskPolicy();
        evaluation.byUserRiskPolicy |= policy.IsUserRiskPolicy();
      }
    }
    evaluation.policies.push_back(std::move(outcome));
  }

  if (decider == nullptr) {
    evaluation.reason = "no enforced policy asks for more than the first factor";
    return evaluation;
  }
  if (evaluation.decision == Decision::block) {
    evaluation.errorCode = 53003;
    evaluation.reason = "blocked by Conditional Access policy '" + decider->displayName + "'";
    return evaluation;
  }
  const std::string step = evaluation.decision == Decision::mfa
                               ? "multifactor authentication"
                               : "MFA and a secure password change";
  if (!subject.isMfaRegistered) {
    // Spec §3.3: risk remediation needs a registered method; without one the user is blocked.
    evaluation.decision = Decision::block;
    evaluation.errorCode = 53004;
    evaluation.reason = "policy '" + decider->displayName + "' requires " + step +
                        " but the user has no MFA method registered (ProofUpBlockedDueToRisk)";
    for (PolicyOutcome& outcome : evaluation.policies) {
      if (outcome.enforced && outcome.pending) {
        outcome.applied.result = "failure";
        outcome.pending = false;
      }
    }
    return evaluation;
  }
  evaluation.reason = "policy '" + decider->displayName + "' requires " + step;
  return evaluation;
}

Decision DemandOf(const ConditionalAccessPolicy& policy, const EvaluationInputs& inputs) {
  PolicyOutcome outcome;
  Grant(policy, inputs.signIn, inputs.subject, outcome);
  const bool needs_method =
      outcome.demanded == Decision::mfa || outcome.demanded == Decision::passwordChange;
  return needs_method && !inputs.subject.isMfaRegistered ? Decision::block : outcome.demanded;
}

}  // namespace idguard
