// leakedCredentials: a leak is a detection only when its hash is the user's current one.
#include "idguard/detect/leaked_credentials.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

const std::string kSha1Now(40, '1');
const std::string kSha1Old(40, '2');
const std::string kNtlmNow(32, 'c');

Directory MakeDirectory() {
  auto directory = Directory::LoadNdjson(
      R"({"id":"u1","userPrincipalName":"Alice@Contoso.example","displayName":"Alice","passwordHashSha1":")" +
          kSha1Now + R"("})" + "\n" +
          R"({"id":"u2","userPrincipalName":"bob@contoso.example","passwordHashNtlm":")" +
          kNtlmNow + R"("})" + "\n" + R"({"id":"u3","userPrincipalName":"carol@contoso.example"})",
      "users");
  EXPECT_TRUE(directory.ok()) << directory.status().message();
  return std::move(directory).value();
}

LeakedCredentialFeed Feed(const std::string& text) {
  auto feed = LeakedCredentialFeed::Parse(text, "leaks");
  EXPECT_TRUE(feed.ok()) << feed.status().message();
  return std::move(feed).value();
}

TEST(LeakedCredentialsTest, OnlyCurrentHashesBecomeHighUserRiskDetections) {
  const auto feed = Feed(
      // current SHA-1, upper-case hex and another case of the account name: a match
      R"({"userPrincipalName":"alice@contoso.example","passwordHashSha1":")" +
      std::string(40, '1') + R"(","discoveredDateTime":"2026-10-20T08:00:00Z","source":"paste"})" +
      "\n" +
      // the same pair again, from another dump: no second detection
      R"({"userPrincipalName":"ALICE@contoso.example","passwordHashSha1":")" + kSha1Now + R"("})" +
      "\n" +
      // an old password of Alice: stale
      R"({"userPrincipalName":"alice@contoso.example","passwordHashSha1":")" + kSha1Old + R"("})" +
      "\n" +
      // Bob's current NTLM hash: a match
      R"({"userPrincipalName":"bob@contoso.example","passwordHashNtlm":")" + std::string(32, 'C') +
      R"("})" + "\n" +
      // Bob has no SHA-1 in the directory: cannot be confirmed
      R"({"userPrincipalName":"bob@contoso.example","passwordHashSha1":")" + kSha1Now + R"("})" +
      "\n" +
      // Carol has no hash at all; Dave does not exist
      R"({"userPrincipalName":"carol@contoso.example","passwordHashSha1":")" + kSha1Now + R"("})" +
      "\n" + R"({"userPrincipalName":"dave@contoso.example","passwordHashSha1":")" + kSha1Now +
      R"("})");
  const EventTime end = DaysFromCivil(2026, 10, 31) * kMicrosPerDay;
  const LeakMatch match = MatchLeakedCredentials(feed, MakeDirectory(), end);
  EXPECT_EQ(match.checked, 7u);
  EXPECT_EQ(match.stale, 1u);
  EXPECT_EQ(match.unknownUser, 1u);
  EXPECT_EQ(match.unverifiable, 2u);
  ASSERT_EQ(match.detections.size(), 2u);
  const RiskDetection& alice = match.detections[0];
  EXPECT_EQ(alice.userId, "u1");
  EXPECT_EQ(alice.riskEventType, "leakedCredentials");
  EXPECT_EQ(alice.riskLevel, RiskLevel::high);
  EXPECT_EQ(alice.activity, ActivityType::user);
  EXPECT_EQ(alice.detectionTimingType, DetectionTimingType::offline);
  EXPECT_EQ(alice.detectedDateTime, *ParseTimestamp("2026-10-20T08:00:00Z"));
  EXPECT_TRUE(alice.requestId.empty());
  const RiskDetection& bob = match.detections[1];
  EXPECT_EQ(bob.userId, "u2");
  EXPECT_EQ(bob.detectedDateTime, end) << "no discovery time: detected at the end of the data";
  for (const auto& detection : match.detections) {
    for (const auto& info : detection.additionalInfo) {
      EXPECT_EQ(info.value.find(kSha1Now), std::string::npos) << "hash in additionalInfo";
    }
  }
}

TEST(LeakedCredentialsTest, BadLinesNameTheLineAndTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {"{\"passwordHashSha1\":\"" + kSha1Now + "\"}", "leaks:1: field userPrincipalName"},
      {"\n{\"userPrincipalName\":\"a@b\",\"passwordHashSha1\":\"12\"}",
       "leaks:2: passwordHashSha1 must be 40 hex characters"},
      {"{\"userPrincipalName\":\"a@b\",\"passwordHashNtlm\":\"" + std::string(32, 'z') + "\"}",
       "leaks:1: passwordHashNtlm must be 32 hex characters"},
      {"{\"userPrincipalName\":\"a@b\"}", "leaks:1: one of passwordHashSha1"},
      {"{\"userPrincipalName\":\"a@b\",\"passwordHashNtlm\":\"" + kNtlmNow +
           "\",\"discoveredDateTime\":\"yesterday\"}",
       "leaks:1: discoveredDateTime is not a timestamp"},
      {"not json", "leaks:1: not a JSON object"},
  };
  for (const auto& [text, message] : cases) {
    auto feed = LeakedCredentialFeed::Parse(text, "leaks");
    ASSERT_FALSE(feed.ok()) << text;
    EXPECT_EQ(feed.status().message().find(message), 0u) << feed.status().message();
  }
}

}  // namespace
}  // namespace idguard
