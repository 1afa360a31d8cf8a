#include "idguard/policy/mfa_registration_policy.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

TEST(MfaRegistrationPolicyTest, ScopeAndGracePeriod) {
  auto policy = ReadMfaRegistrationPolicyJson(
      R"({"isEnabled":true,"includeGroups":["staff"],"excludeUsers":["breakglass"],"gracePeriodDays":14})");
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  const std::vector<std::string> staff = {"staff"};
  EXPECT_TRUE(policy->Covers("u1", &staff));
  EXPECT_FALSE(policy->Covers("u1", nullptr));
  EXPECT_FALSE(policy->Covers("breakglass", &staff));

  const EventTime first = 1'000 * kMicrosPerDay;
  const auto fresh = PromptFor(*policy, 0, first);
  EXPECT_TRUE(fresh.required);
  EXPECT_TRUE(fresh.skippable);
  EXPECT_EQ(fresh.gracePeriodEndDateTime, first + 14 * kMicrosPerDay);
  EXPECT_TRUE(PromptFor(*policy, first, first + 13 * kMicrosPerDay).skippable);
  EXPECT_FALSE(PromptFor(*policy, first, first + 14 * kMicrosPerDay).skippable);

  policy->isEnabled = false;
  EXPECT_FALSE(policy->Covers("u1", &staff));
  std::string json;
  AppendMfaRegistrationPolicyJson(json, *policy);
  auto again = ReadMfaRegistrationPolicyJson(json);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->includeGroups, staff);
  EXPECT_EQ(again->gracePeriodDays, 14);
}

TEST(MfaRegistrationPolicyTest, RefusesWhatItCannotUse) {
  for (const char* body :
       {"[]", R"({"isEnabled":"yes"})", R"({"gracePeriodDays":-1})", R"({"gracePeriodDays":365})",
        R"({"includeUsers":[1]})", R"({"isEnabled":true})", R"({"enforce":true})"}) {
    auto policy = ReadMfaRegistrationPolicyJson(body);
    EXPECT_FALSE(policy.ok()) << body;
    if (!policy.ok()) {
      EXPECT_EQ(policy.status().code(), StatusCode::kInvalidInput);
    }
  }
}

}  // namespace
}  // namespace idguard
