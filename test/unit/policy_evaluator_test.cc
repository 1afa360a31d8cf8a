#include "idguard/policy/policy_evaluator.h"

#include <gtest/gtest.h>

#include "idguard/enrich/named_locations.h"

namespace idguard {
namespace {

ConditionalAccessPolicy Policy(std::string id, PolicyState state, std::vector<std::string> controls,
                               std::string op = "OR") {
  ConditionalAccessPolicy policy;
  policy.id = id;
  policy.displayName = "policy " + id;
  policy.state = state;
  policy.users.includeUsers = {"All"};
  policy.applications.includeApplications = {"All"};
  policy.grantControls = GrantControls{std::move(op), std::move(controls), ""};
  return policy;
}

ConditionalAccessPolicy SignInRisk(std::string id, PolicyState state = PolicyState::enabled) {
  auto policy = Policy(std::move(id), state, {"mfa"});
  policy.signInRiskLevels = {RiskLevel::medium, RiskLevel::high};
  policy.signInFrequency =
      SignInFrequency{true, "everyTime", "", 0, "primaryAndSecondaryAuthentication"};
  return policy;
}

ConditionalAccessPolicy UserRisk(std::string id, PolicyState state = PolicyState::enabled) {
  auto policy = Policy(std::move(id), state, {"mfa", "passwordChange"}, "AND");
  policy.userRiskLevels = {RiskLevel::high};
  return policy;
}

SignIn Attempt(RiskLevel sign_in_risk) {
  SignIn sign_in;
  sign_in.id = "s1";
  sign_in.userId = "u1";
  sign_in.appId = "app-1";
  sign_in.ipAddress = "203.0.113.7";
  sign_in.clientAppUsed = "Browser";
  sign_in.riskLevelDuringSignIn = sign_in_risk;
  return sign_in;
}

PolicyEvaluation Evaluate(const std::vector<ConditionalAccessPolicy>& policies,
                          const SignIn& sign_in, const EvaluationSubject& subject = {},
                          const NamedLocations* locations = nullptr) {
  return EvaluatePolicies(policies, EvaluationInputs{sign_in, subject, locations});
}

TEST(PolicyEvaluatorTest, SignInRiskPolicyAsksForMfaOnlyAtItsLevels) {
  const std::vector<ConditionalAccessPolicy> policies = {SignInRisk("p")};
  auto low = Evaluate(policies, Attempt(RiskLevel::low));
  EXPECT_EQ(low.decision, Decision::allow);
  EXPECT_EQ(low.policies[0].applied.result, "notApplied");
  EXPECT_EQ(low.ConditionalAccessStatus(), "notApplied");

  auto medium = Evaluate(policies, Attempt(RiskLevel::medium));
  EXPECT_EQ(medium.decision, Decision::mfa);
  EXPECT_TRUE(medium.bySignInRiskPolicy);
  EXPECT_FALSE(medium.byUserRiskPolicy);
  EXPECT_EQ(medium.policies[0].applied.result, "unknown");  // waits for the outcome
  EXPECT_EQ(medium.policies[0].applied.enforcedGrantControls, std::vector<std::string>{"Mfa"});
  EXPECT_EQ(medium.policies[0].applied.enforcedSessionControls,
            std::vector<std::string>{"SignInFrequency"});

  // Every time: an MFA claim already in the session does not satisfy it.
  EvaluationSubject with_claim;
  with_claim.sessionHasMfa = true;
  EXPECT_EQ(Evaluate(policies, Attempt(RiskLevel::high), with_claim).decision, Decision::mfa);
  // Without sign-in frequency every time, the claim satisfies MFA.
  auto relaxed = policies;
  relaxed[0].signInFrequency.reset();
  auto satisfied = Evaluate(relaxed, Attempt(RiskLevel::high), with_claim);
  EXPECT_EQ(satisfied.decision, Decision::allow);
  EXPECT_EQ(satisfied.policies[0].applied.result, "success");
}

TEST(PolicyEvaluatorTest, ReportOnlyRecordsWithoutDeciding) {
  const std::vector<ConditionalAccessPolicy> policies = {
      SignInRisk("p", PolicyState::enabledForReportingButNotEnforced),
      Policy("b", PolicyState::enabledForReportingButNotEnforced, {"block"}),
      Policy("off", PolicyState::disabled, {"block"})};
  auto evaluation = Evaluate(policies, Attempt(RiskLevel::high));
  EXPECT_EQ(evaluation.decision, Decision::allow);
  EXPECT_EQ(evaluation.policies[0].applied.result, "reportOnlyInterrupted");
  EXPECT_EQ(evaluation.policies[1].applied.result, "reportOnlyFailure");
  EXPECT_EQ(evaluation.policies[2].applied.result, "notEnabled");
  auto quiet = Evaluate(policies, Attempt(RiskLevel::none));
  EXPECT_EQ(quiet.policies[0].applied.result, "reportOnlyNotApplied");
}

TEST(PolicyEvaluatorTest, StrictestEnforcedPolicyWins) {
  std::vector<ConditionalAccessPolicy> policies = {SignInRisk("sign-in"), UserRisk("user")};
  EvaluationSubject high_user;
  high_user.userRiskLevel = RiskLevel::high;
  auto evaluation = Evaluate(policies, Attempt(RiskLevel::medium), high_user);
  EXPECT_EQ(evaluation.decision, Decision::passwordChange);
  EXPECT_TRUE(evaluation.byUserRiskPolicy);
  EXPECT_TRUE(evaluation.bySignInRiskPolicy);
  EXPECT_EQ(evaluation.policies[1].applied.enforcedGrantControls,
            (std::vector<std::string>{"Mfa", "PasswordChange"}));

  policies.push_back(Policy("legacy", PolicyState::enabled, {"block"}));
  policies.back().clientAppTypes = {"exchangeActiveSync", "other"};
  SignIn imap = Attempt(RiskLevel::none);
  imap.clientAppUsed = "IMAP4";
  auto blocked = Evaluate(policies, imap);
  EXPECT_EQ(blocked.decision, Decision::block);
  EXPECT_EQ(blocked.errorCode, 53003);
  EXPECT_EQ(blocked.ConditionalAccessStatus(), "failure");
  EXPECT_EQ(Evaluate(policies, Attempt(RiskLevel::none)).decision, Decision::allow);
}

TEST(PolicyEvaluatorTest, UsersGroupsAndApplicationsScopeAPolicy) {
  auto policy = SignInRisk("p");
  policy.users.includeUsers.clear();
  policy.users.includeGroups = {"g-staff"};
  policy.users.excludeUsers = {"u-breakglass"};
  policy.applications.excludeApplications = {"app-1"};
  const std::vector<std::string> staff = {"g-staff"};
  EvaluationSubject member;
  member.groupIds = &staff;
  SignIn attempt = Attempt(RiskLevel::high);
  EXPECT_EQ(Evaluate({policy}, attempt, member).decision, Decision::allow);  // app excluded
  attempt.appId = "app-2";
  EXPECT_EQ(Evaluate({policy}, attempt, member).decision, Decision::mfa);
  EXPECT_EQ(Evaluate({policy}, attempt, {}).decision, Decision::allow);  // not in the group
  attempt.userId = "u-breakglass";
  EXPECT_EQ(Evaluate({policy}, attempt, member).decision, Decision::allow);
}

TEST(PolicyEvaluatorTest, LocationsIncludeAndExclude) {
  auto locations = NamedLocations::LoadJson(
      R"([{"id":"hq","displayName":"HQ","isTrusted":true,"ipRanges":[{"cidrAddress":"203.0.113.0/24"}]},
          {"id":"de","displayName":"Germany","countriesAndRegions":["DE"]}])",
      "test");
  ASSERT_TRUE(locations.ok()) << locations.status().message();
  auto policy = Policy("p", PolicyState::enabled, {"block"});
  policy.locations = PolicyLocations{{"All"}, {"AllTrusted"}};
  SignIn at_hq = Attempt(RiskLevel::none);
  at_hq.network.isTrustedLocation = true;
  EXPECT_EQ(Evaluate({policy}, at_hq, {}, &*locations).decision, Decision::allow);
  SignIn elsewhere = Attempt(RiskLevel::none);
  elsewhere.ipAddress = "198.51.100.1";
  EXPECT_EQ(Evaluate({policy}, elsewhere, {}, &*locations).decision, Decision::block);

  policy.locations = PolicyLocations{{"de"}, {}};
  elsewhere.location.countryOrRegion = "DE";
  EXPECT_EQ(Evaluate({policy}, elsewhere, {}, &*locations).decision, Decision::block);
  elsewhere.location.countryOrRegion = "FR";
  EXPECT_EQ(Evaluate({policy}, elsewhere, {}, &*locations).decision, Decision::allow);
  policy.locations = PolicyLocations{{"hq"}, {}};
  EXPECT_EQ(Evaluate({policy}, Attempt(RiskLevel::none), {}, &*locations).decision,
            Decision::block);  // 203.0.113.7 is in HQ's range
}

TEST(PolicyEvaluatorTest, FailModeIsClosedOnlyUnderEnforcedPoliciesThatDisableResilience) {
  // A sign-in risk policy for staff on app-2 that must fail closed: whether it would apply now
  // (the risk is low) does not matter, only whom and what it covers.
  auto guarded = SignInRisk("guarded");
  guarded.users.includeUsers.clear();
  guarded.users.includeGroups = {"g-staff"};
  guarded.applications.includeApplications = {"app-2"};
  guarded.disableResilienceDefaults = true;
  auto plain = SignInRisk("plain");  // everyone, everything; resilience defaults kept
  const std::vector<std::string> staff = {"g-staff"};
  EvaluationSubject member;
  member.groupIds = &staff;

  SignIn attempt = Attempt(RiskLevel::low);
  attempt.appId = "app-2";
  auto covered = Evaluate({guarded, plain}, attempt, member);
  EXPECT_EQ(covered.decision, Decision::allow);
  EXPECT_EQ(covered.FailMode(), "closed");
  EXPECT_EQ(covered.failClosedPolicyIds, std::vector<std::string>{"guarded"});

  EXPECT_EQ(Evaluate({guarded, plain}, attempt, {}).FailMode(), "open");  // not in the group
  SignIn other_app = attempt;
  other_app.appId = "app-1";
  EXPECT_EQ(Evaluate({guarded, plain}, other_app, member).FailMode(), "open");
  // The resource counts as the application, as for the policy itself.
  other_app.resourceId = "app-2";
  EXPECT_EQ(Evaluate({guarded, plain}, other_app, member).FailMode(), "closed");

  // Report-only and disabled policies never decide, in an outage either; false is the default.
  for (const PolicyState state :
       {PolicyState::enabledForReportingButNotEnforced, PolicyState::disabled}) {
    auto inactive = guarded;
    inactive.state = state;
    EXPECT_EQ(Evaluate({inactive}, attempt, member).FailMode(), "open") << ToString(state);
  }
  auto kept = guarded;
  kept.disableResilienceDefaults = false;
  EXPECT_EQ(Evaluate({kept}, attempt, member).FailMode(), "open");
}

TEST(PolicyEvaluatorTest, UnregisteredUsersAreBlockedWhenARiskPolicyNeedsMfa) {
  const std::vector<ConditionalAccessPolicy> policies = {SignInRisk("p")};
  EvaluationSubject unregistered;
  unregistered.isMfaRegistered = false;
  auto blocked = Evaluate(policies, Attempt(RiskLevel::high), unregistered);
  EXPECT_EQ(blocked.decision, Decision::block);
  EXPECT_EQ(blocked.errorCode, 53004);
  EXPECT_EQ(blocked.policies[0].applied.result, "failure");
  // Without risk nothing needs MFA, and nothing blocks.
  EXPECT_EQ(Evaluate(policies, Attempt(RiskLevel::none), unregistered).decision, Decision::allow);
}

TEST(PolicyEvaluatorTest, DeviceControlsAndOperators) {
  auto either = Policy("p", PolicyState::enabled, {"compliantDevice", "mfa"}, "OR");
  auto both = Policy("q", PolicyState::enabled, {"compliantDevice", "mfa"}, "AND");
  SignIn managed = Attempt(RiskLevel::none);
  managed.deviceDetail.isCompliant = true;
  EXPECT_EQ(Evaluate({either}, managed).decision, Decision::allow);
  EXPECT_EQ(Evaluate({either}, Attempt(RiskLevel::none)).decision, Decision::mfa);
  EXPECT_EQ(Evaluate({both}, managed).decision, Decision::mfa);
  EXPECT_EQ(Evaluate({both}, Attempt(RiskLevel::none)).decision, Decision::block);
}

TEST(PolicyEvaluatorTest, RiskRemediationDependsOnTheKindOfRisk) {
  auto policy = Policy("r", PolicyState::enabled, {"riskRemediation"}, "AND");
  policy.grantControls->authenticationStrengthId = "00000000-0000-0000-0000-000000000002";
  policy.userRiskLevels = {RiskLevel::high};
  policy.signInFrequency =
      SignInFrequency{true, "everyTime", "", 0, "primaryAndSecondaryAuthentication"};
  EvaluationSubject subject;
  subject.userRiskLevel = RiskLevel::high;
  EXPECT_EQ(Evaluate({policy}, Attempt(RiskLevel::none), subject).decision, Decision::mfa);
  subject.passwordRelatedRisk = true;
  EXPECT_EQ(Evaluate({policy}, Attempt(RiskLevel::none), subject).decision,
            Decision::passwordChange);
}

TEST(PolicyEvaluatorTest, ClientAppTypes) {
  EXPECT_EQ(ClientAppType("Browser"), "browser");
  EXPECT_EQ(ClientAppType(""), "browser");
  EXPECT_EQ(ClientAppType("Mobile Apps and Desktop clients"), "mobileAppsAndDesktopClients");
  EXPECT_EQ(ClientAppType("Exchange ActiveSync"), "exchangeActiveSync");
  EXPECT_EQ(ClientAppType("POP3"), "other");
}

}  // namespace
}  // namespace idguard

namespace idguard {
namespace {

TEST(PolicyEvaluatorTest, DemandOfAgreesWithEvaluatePoliciesForOneAppliedPolicy) {
  const std::vector<ConditionalAccessPolicy> candidates = {
      SignInRisk("sign-in"),
      UserRisk("user"),
      Policy("block", PolicyState::enabled, {"block"}),
      Policy("mfa-or-compliant", PolicyState::enabled, {"mfa", "compliantDevice"}),
      Policy("mfa-and-compliant", PolicyState::enabled, {"mfa", "compliantDevice"}, "AND"),
      Policy("compliant", PolicyState::enabled, {"compliantDevice"}),
  };
  int compared = 0;
  for (const ConditionalAccessPolicy& policy : candidates) {
    for (const bool registered : {true, false}) {
      for (const bool session_mfa : {true, false}) {
        for (const bool compliant : {true, false}) {
          SignIn sign_in = Attempt(RiskLevel::high);
          sign_in.deviceDetail.isCompliant = compliant;
          EvaluationSubject subject;
          subject.userRiskLevel = RiskLevel::high;
          subject.isMfaRegistered = registered;
          subject.sessionHasMfa = session_mfa;
          const EvaluationInputs inputs{sign_in, subject, nullptr};
          ASSERT_TRUE(PolicyApplies(policy, inputs)) << policy.id;
          const std::vector<ConditionalAccessPolicy> alone = {policy};
          EXPECT_EQ(DemandOf(policy, inputs), EvaluatePolicies(alone, inputs).decision)
              << policy.id << " registered=" << registered << " sessionMfa=" << session_mfa
              << " compliant=" << compliant;
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 48);
}

}  // namespace
}  // namespace idguard
