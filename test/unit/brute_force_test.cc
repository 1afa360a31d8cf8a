// The bruteForce detector's saved state: what a resumed run gets back must let it finish a
// sequence of failures that began before the checkpoint.
#include <gtest/gtest.h>

#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

SignIn Attempt(int n, std::int32_t error_code) {
  SignIn sign_in;
  sign_in.id = "attempt-" + std::to_string(n);
  sign_in.userId = "u-alice";
  sign_in.userPrincipalName = "alice@contoso.example";
  sign_in.ipAddress = "45.155.205." + std::to_string(10 + n % 5);
  sign_in.createdDateTime = 1'790'000'000LL * kMicrosPerSecond + n * kMicrosPerMinute;
  sign_in.status.errorCode = error_code;
  return sign_in;
}

std::vector<Finding> Feed(Detector& detector, const SignIn& sign_in, bool relearn = false) {
  const FeatureValues features = FeatureValues::Of(sign_in);
  const UserProfile profile;
  const OrganizationProfile organization;
  const DetectorConfig config;
  const DetectionContext context{sign_in,      features, profile,
                                 organization, config,   sign_in.createdDateTime};
  std::vector<Finding> findings;
  if (relearn) {
    detector.Relearn(context);
  } else {
    detector.Inspect(context, findings);
  }
  return findings;
}

TEST(BruteForceStateTest, AResumedDetectorFinishesASequenceStartedBeforeTheCheckpoint) {
  auto before = MakeBruteForceDetector({});
  for (int n = 0; n < 6; ++n) EXPECT_TRUE(Feed(*before, Attempt(n, 50126)).empty());
  const std::optional<std::string> saved = before->SaveState();
  ASSERT_TRUE(saved.has_value());

  auto resumed = MakeBruteForceDetector({});
  ASSERT_TRUE(resumed->RestoreState(*saved).ok());
  // Sign-ins stored after the checkpoint come back through Relearn, then the run goes on.
  for (int n = 6; n < 9; ++n) Feed(*resumed, Attempt(n, 50126), /*relearn=*/true);
  for (int n = 9; n < 12; ++n) EXPECT_TRUE(Feed(*resumed, Attempt(n, 50126)).empty());
  const auto findings = Feed(*resumed, Attempt(12, 0));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].riskEventType, "bruteForce");
  EXPECT_EQ(findings[0].level, RiskLevel::medium);
  EXPECT_TRUE(Feed(*resumed, Attempt(13, 0)).empty()) << "the success closed the sequence";

  // Without the restored state the same tail is below the threshold.
  auto fresh = MakeBruteForceDetector({});
  for (int n = 6; n < 12; ++n) Feed(*fresh, Attempt(n, 50126));
  EXPECT_TRUE(Feed(*fresh, Attempt(12, 0)).empty());
}

TEST(BruteForceStateTest, CorruptStateIsRefused) {
  auto detector = MakeBruteForceDetector({});
  for (int n = 0; n < 3; ++n) Feed(*detector, Attempt(n, 50126));
  const std::string saved = *detector->SaveState();
  for (std::size_t cut = 0; cut < saved.size(); ++cut) {
    EXPECT_FALSE(MakeBruteForceDetector({})->RestoreState(saved.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(MakeBruteForceDetector({})->RestoreState(saved + "x").ok());
  EXPECT_FALSE(MakeBruteForceDetector({})->RestoreState("\x07").ok());
}

}  // namespace
}  // namespace idguard
