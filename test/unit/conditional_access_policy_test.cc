#include "idguard/policy/conditional_access_policy.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

// The spec's example user-risk policy (report-only), as Graph documents it.
constexpr std::string_view kUserRiskPolicy = R"({
  "displayName": "User risk high - remediate", "state": "enabledForReportingButNotEnforced",
  "conditions": {"users": {"includeUsers": ["All"], "excludeGroups": ["break-glass"]},
    "applications": {"includeApplications": ["All"]}, "clientAppTypes": ["all"],
    "userRiskLevels": ["high"], "signInRiskLevels": []},
  "grantControls": {"operator": "AND", "builtInControls": ["mfa", "passwordChange"]},
  "sessionControls": {"signInFrequency": {"isEnabled": true, "frequencyInterval": "everyTime",
    "authenticationType": "primaryAndSecondaryAuthentication"}}})";

Result<ConditionalAccessPolicy> Read(std::string_view json) {
  auto policy = ReadPolicyJson(json, ConditionalAccessPolicy{});
  if (!policy.ok()) return policy;
  if (Status s = ValidatePolicy(*policy); !s.ok()) return s;
  return policy;
}

// A valid sign-in risk policy with one property replaced by `grant` and `extra_conditions`.
std::string SignInRiskPolicy(std::string_view grant, std::string_view extra_conditions = "") {
  return std::string(R"({"displayName":"Sign-in risk","state":"enabled","conditions":{)") +
         R"("users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},)" +
         std::string(extra_conditions) + R"("signInRiskLevels":["high","medium"]},)" +
         R"("grantControls":)" + std::string(grant) + "}";
}

TEST(ConditionalAccessPolicyTest, ReadsTheSpecExampleAndWritesItBack) {
  auto policy = Read(kUserRiskPolicy);
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  EXPECT_EQ(policy->state, PolicyState::enabledForReportingButNotEnforced);
  EXPECT_EQ(policy->users.excludeGroups, std::vector<std::string>{"break-glass"});
  EXPECT_EQ(policy->userRiskLevels, std::vector<RiskLevel>{RiskLevel::high});
  EXPECT_TRUE(policy->IsUserRiskPolicy());
  EXPECT_FALSE(policy->IsSignInRiskPolicy());
  ASSERT_TRUE(policy->signInFrequency);
  EXPECT_TRUE(policy->signInFrequency->EveryTime());

  policy->id = "p1";
  std::string json;
  AppendPolicyJson(json, *policy);
  EXPECT_NE(json.find(R"("state":"enabledForReportingButNotEnforced")"), std::string::npos);
  EXPECT_NE(json.find(R"("builtInControls":["mfa","passwordChange"])"), std::string::npos);
  EXPECT_NE(json.find(R"("frequencyInterval":"everyTime")"), std::string::npos);
  // What we write reads back to the same policy.
  auto again = Read(json);
  ASSERT_TRUE(again.ok()) << again.status().message();
  std::string rewritten;
  AppendPolicyJson(rewritten, ConditionalAccessPolicy(*again));
  EXPECT_NE(rewritten.find(R"("userRiskLevels":["high"])"), std::string::npos);
  EXPECT_EQ(again->users.excludeGroups, policy->users.excludeGroups);
  EXPECT_EQ(again->grantControls->builtInControls, policy->grantControls->builtInControls);
}

TEST(ConditionalAccessPolicyTest, PatchReplacesOnlyTheGivenTopLevelProperties) {
  auto policy = Read(kUserRiskPolicy);
  ASSERT_TRUE(policy.ok());
  auto patched = ReadPolicyJson(R"({"state":"enabled","displayName":"On"})", *policy);
  ASSERT_TRUE(patched.ok());
  EXPECT_EQ(patched->state, PolicyState::enabled);
  EXPECT_EQ(patched->displayName, "On");
  EXPECT_EQ(patched->userRiskLevels, policy->userRiskLevels);  // untouched
  EXPECT_TRUE(ValidatePolicy(*patched).ok());
}

TEST(ConditionalAccessPolicyTest, DisableResilienceDefaultsReadsAndWritesBack) {
  // Without session controls the policy has no fail mode of its own, and Graph's null comes back.
  auto plain = Read(SignInRiskPolicy(R"({"operator":"OR","builtInControls":["mfa"]})"));
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_FALSE(plain->disableResilienceDefaults);
  std::string plain_json;
  AppendPolicyJson(plain_json, *plain);
  EXPECT_NE(plain_json.find(R"("sessionControls":null)"), std::string::npos) << plain_json;

  auto closed = Read(SignInRiskPolicy(R"({"operator":"OR","builtInControls":["mfa"]},)"
                                      R"("sessionControls":{"disableResilienceDefaults":true})"));
  ASSERT_TRUE(closed.ok()) << closed.status().message();
  ASSERT_TRUE(closed->disableResilienceDefaults);
  EXPECT_TRUE(*closed->disableResilienceDefaults);
  EXPECT_FALSE(closed->signInFrequency);
  std::string json;
  AppendPolicyJson(json, *closed);
  EXPECT_NE(
      json.find(R"("sessionControls":{"signInFrequency":null,"disableResilienceDefaults":true})"),
      std::string::npos)
      << json;
  auto again = Read(json);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->disableResilienceDefaults, std::optional<bool>(true));

  // An explicit false is kept as false (Graph returns what was set), and a PATCH of
  // sessionControls without it clears it.
  auto open = ReadPolicyJson(R"({"sessionControls":{"disableResilienceDefaults":false}})", *closed);
  ASSERT_TRUE(open.ok()) << open.status().message();
  EXPECT_EQ(open->disableResilienceDefaults, std::optional<bool>(false));
  auto cleared = ReadPolicyJson(R"({"sessionControls":null})", *closed);
  ASSERT_TRUE(cleared.ok()) << cleared.status().message();
  EXPECT_FALSE(cleared->disableResilienceDefaults);
}

struct Refusal {
  std::string body;
  std::string property;  // the error names it
};

TEST(ConditionalAccessPolicyTest, RefusesWhatGraphRefusesNamingTheProperty) {
  const std::vector<Refusal> refusals = {
      {R"({"state":"enabled"})", "displayName"},
      {R"({"displayName":"x","state":"on"})", "state"},
      {SignInRiskPolicy(R"({"operator":"OR","builtInControls":["block","mfa"]})"),
       "grantControls.builtInControls"},
      {SignInRiskPolicy(R"({"operator":"XOR","builtInControls":["mfa"]})"),
       "grantControls.operator"},
      {SignInRiskPolicy(R"({"operator":"OR","builtInControls":["fingerprint"]})"),
       "grantControls.builtInControls"},
      // passwordChange needs mfa with AND, user risk, all apps and nothing else.
      {SignInRiskPolicy(R"({"operator":"AND","builtInControls":["passwordChange"]})"),
       "grantControls.builtInControls"},
      {SignInRiskPolicy(R"({"operator":"AND","builtInControls":["mfa","passwordChange"]})"),
       "conditions.userRiskLevels"},
      {SignInRiskPolicy(R"({"operator":"OR","builtInControls":["mfa"]})",
                        R"("userRiskLevels":["high"],)"),
       "mixes userRiskLevels and signInRiskLevels"},
      {SignInRiskPolicy(R"({"operator":"OR","builtInControls":["mfa"]})",
                        R"("platforms":{"includePlatforms":["android"]},)"),
       "conditions.platforms"},
      {SignInRiskPolicy(R"({"operator":"OR","builtInControls":["mfa"]})", R"("riskyThing":1,)"),
       "conditions.riskyThing"},
      {R"({"displayName":"r","state":"enabled","conditions":{"users":{"includeUsers":["All"]},
          "applications":{"includeApplications":["All"]},"userRiskLevels":["high"]},
          "grantControls":{"operator":"AND","builtInControls":["riskRemediation"],
          "authenticationStrength":{"id":"00000000-0000-0000-0000-000000000002"}}})",
       "sessionControls.signInFrequency"},
      {R"({"displayName":"r","state":"enabled","conditions":{"users":{"includeUsers":["All"]},
          "applications":{"includeApplications":["app-1"]},"userRiskLevels":["high"]},
          "grantControls":{"operator":"AND","builtInControls":["mfa","passwordChange"]}})",
       "conditions.applications"},
      {R"({"displayName":"r","state":"enabled","conditions":{"users":{"includeUsers":["All"]},
          "applications":{"includeApplications":["All"]},"userRiskLevels":["severe"]},
          "grantControls":{"operator":"OR","builtInControls":["block"]}})",
       "conditions.userRiskLevels"},
      {R"({"displayName":"r","state":"enabled","conditions":{"users":{"includeRoles":["r"]},
          "applications":{"includeApplications":["All"]}},
          "grantControls":{"operator":"OR","builtInControls":["block"]}})",
       "conditions.users.includeRoles"},
      {SignInRiskPolicy(R"({"operator":"OR","builtInControls":["mfa"]},)"
                        R"("sessionControls":{"disableResilienceDefaults":"yes"})"),
       "sessionControls.disableResilienceDefaults"},
      {"not json", "not JSON"},
  };
  for (const Refusal& refusal : refusals) {
    auto policy = Read(refusal.body);
    ASSERT_FALSE(policy.ok()) << refusal.body;
    EXPECT_NE(policy.status().message().find(refusal.property), std::string::npos)
        << policy.status().message() << " should name " << refusal.property;
  }
}

TEST(ConditionalAccessPolicyTest, AcceptsTheRecommendedPolicies) {
  // Sign-in risk: MFA by authentication strength, every time.
  auto sign_in = Read(SignInRiskPolicy(
      R"({"operator":"OR","authenticationStrength":{"id":"00000000-0000-0000-0000-000000000002"}})"));
  EXPECT_TRUE(sign_in.ok()) << sign_in.status().message();
  // User risk: risk remediation with an authentication strength and sign-in every time.
  auto remediation = Read(R"({"displayName":"r","state":"enabled",
      "conditions":{"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},
      "userRiskLevels":["high"]},
      "grantControls":{"operator":"AND","builtInControls":["riskRemediation"],
        "authenticationStrength":{"id":"00000000-0000-0000-0000-000000000002"}},
      "sessionControls":{"signInFrequency":{"isEnabled":true,"frequencyInterval":"everyTime",
        "authenticationType":"primaryAndSecondaryAuthentication"}}})");
  EXPECT_TRUE(remediation.ok()) << remediation.status().message();
}

}  // namespace
}  // namespace idguard
