// Every detector that keeps state: a run that checkpoints, restores into a new detector and
// re-learns the sign-ins after the checkpoint must end exactly where an uninterrupted run ends
// (same findings afterwards, same saved state), and a corrupt or truncated state is refused.
#include <gtest/gtest.h>

#include "idguard/detect/detector.h"

namespace idguard {
namespace {

// A night of attacks and ordinary sign-ins: a spray from one network with a success before and
// after it is recognised, credential stuffing from one address, guesses at one account, MFA
// prompts denied until one is approved, a replayed session, typos.
std::vector<SignIn> Night() {
  std::vector<SignIn> stream;
  const EventTime start = 1'790'000'000LL * kMicrosPerSecond;
  auto add = [&](std::string user, std::string ip, std::int32_t code) {
    SignIn s;
    s.id = "s" + std::to_string(stream.size());
    s.userId = "u-" + user;
    s.userPrincipalName = user + "@contoso.example";
    s.ipAddress = std::move(ip);
    s.network.autonomousSystemNumber = 14061;
    s.status.errorCode = code;
    s.createdDateTime = start + static_cast<EventTime>(stream.size()) * kMicrosPerMinute;
    stream.push_back(std::move(s));
  };
  for (int n = 0; n < 40; ++n) {
    add("victim" + std::to_string(n), "45.155.205." + std::to_string(n % 7 + 10), 50126);
    if (n == 4) add("victim-early", "45.155.205.30", 0);
    if (n % 4 == 0) add("stuffed" + std::to_string(n), "91.240.118.7", 50126);
    if (n % 3 == 0) add("alice", "45.150.1.1", 50126);
    if (n % 9 == 0) add("typo" + std::to_string(n), "73.15.20.11", n % 2 == 0 ? 50126 : 0);
    if (n % 6 == 0) add("dora", "81.2.69.160", 500121);  // MFA prompts denied
    if (n % 10 == 0) {  // a session issued at home, then replayed from another network
      add("erin", "73.15.20.12", 0);
      stream.back().sessionId = "erin-session";
      stream.back().deviceDetail.operatingSystem = n >= 20 ? "Linux" : "Windows10";
      if (n >= 20) stream.back().network.autonomousSystemNumber = 3215;
    }
  }
  add("victim-late", "45.155.205.31", 0);
  add("victim3", "45.155.205.31", 0);
  add("alice", "45.150.1.1", 0);
  add("carol", "91.240.118.7", 0);
  add("dora", "81.2.69.160", 0);
  stream.back().authenticationRequirement = "multiFactorAuthentication";
  return stream;
}

// Every account gets the same profile, past learning: a fortnight of sign-ins from one home.
const UserProfile& MatureProfile() {
  static const UserProfile profile = [] {
    UserProfile learned;
    SignIn home;
    home.userId = "u-home";
    home.ipAddress = "73.15.20.11";
    home.network.autonomousSystemNumber = 7922;
    home.deviceDetail.operatingSystem = "Windows10";
    for (int day = 0; day < 14; ++day) {
      home.createdDateTime = 1'790'000'000LL * kMicrosPerSecond - (20 - day) * kMicrosPerDay;
      learned.Learn(home, FeatureValues::Of(home), ProfileLimits{});
    }
    return learned;
  }();
  return profile;
}

std::vector<Finding> Feed(Detector& detector, const SignIn& sign_in, bool relearn) {
  const FeatureValues features = FeatureValues::Of(sign_in);
  const UserProfile& profile = MatureProfile();
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

std::unique_ptr<Detector> Make(std::string_view type) {
  for (auto& detector : CreateDetectors({})) {
    if (detector->riskEventType() == type) return std::move(detector);
  }
  return nullptr;
}

std::string Describe(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& f : findings) {
    text += f.riskEventType + ":" + std::string(ToString(f.level)) + ":" +
            (f.earlier ? f.earlier->id : std::string("-")) + " ";
  }
  return text;
}

class DetectorStateTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DetectorStateTest, AResumedRunEndsWhereAnUninterruptedOneEnds) {
  const std::vector<SignIn> stream = Night();
  for (const std::size_t checkpoint : {std::size_t{3}, stream.size() / 3, stream.size() / 2}) {
    auto whole = Make(GetParam());
    ASSERT_NE(whole, nullptr);
    std::string whole_tail, resumed_tail;
    auto before = Make(GetParam());
    std::optional<std::string> saved;
    for (std::size_t i = 0; i < stream.size(); ++i) {
      const std::string found = Describe(Feed(*whole, stream[i], false));
      if (i >= checkpoint + 5) whole_tail += found;
      if (i < checkpoint) Feed(*before, stream[i], false);
    }
    saved = before->SaveState();
    ASSERT_TRUE(saved.has_value()) << GetParam() << " keeps no state";
    auto resumed = Make(GetParam());
    ASSERT_TRUE(resumed->RestoreState(*saved).ok());
    // The crashed run had judged five more sign-ins; they come back through Relearn.
    for (std::size_t i = checkpoint; i < checkpoint + 5; ++i) Feed(*resumed, stream[i], true);
    for (std::size_t i = checkpoint + 5; i < stream.size(); ++i) {
      resumed_tail += Describe(Feed(*resumed, stream[i], false));
    }
    EXPECT_EQ(resumed_tail, whole_tail) << "checkpoint at " << checkpoint;
    EXPECT_EQ(resumed->SaveState(), whole->SaveState()) << "checkpoint at " << checkpoint;
    EXPECT_EQ(resumed->Records(), whole->Records()) << "checkpoint at " << checkpoint;
  }
}

TEST_P(DetectorStateTest, TheNightIsNotQuiet) {
  // Guards the test above against a stream that exercises nothing.
  auto detector = Make(GetParam());
  std::size_t findings = 0;
  for (const SignIn& sign_in : Night()) findings += Feed(*detector, sign_in, false).size();
  EXPECT_GT(findings, 0u) << GetParam();
}

TEST_P(DetectorStateTest, CorruptStateIsRefused) {
  auto detector = Make(GetParam());
  const auto stream = Night();
  for (std::size_t i = 0; i < 20; ++i) Feed(*detector, stream[i], false);
  const std::string saved = *detector->SaveState();
  for (std::size_t cut = 0; cut < saved.size(); ++cut) {
    EXPECT_FALSE(Make(GetParam())->RestoreState(saved.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(Make(GetParam())->RestoreState(saved + "x").ok());
  EXPECT_FALSE(Make(GetParam())->RestoreState("\x07").ok());

  // A refused state leaves the detector as it was, even one that parsed before its garbage.
  auto other = Make(GetParam());
  for (std::size_t i = 20; i < stream.size(); ++i) Feed(*other, stream[i], false);
  const std::string other_state = *other->SaveState();
  ASSERT_NE(other_state, saved);
  EXPECT_FALSE(other->RestoreState(saved + "x").ok());
  EXPECT_EQ(*other->SaveState(), other_state);
  EXPECT_FALSE(other->RestoreState(saved.substr(0, saved.size() / 2)).ok());
  EXPECT_EQ(*other->SaveState(), other_state);
}

INSTANTIATE_TEST_SUITE_P(Stateful, DetectorStateTest,
                         ::testing::Values("bruteForce", "passwordSpray", "maliciousIPAddress",
                                           "mfaFatigue", "anomalousToken"));

}  // namespace
}  // namespace idguard
