// The riskEventType catalog: every Graph string is accepted, the legacy enum maps by number, and
// every type idguard's detectors produce is a catalog entry marked as detected by idguard.
#include "idguard/core/risk_event_types.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "idguard/detect/detector.h"

namespace idguard {
namespace {

TEST(RiskEventTypesTest, LegacyEnumNumbersMapToTheirGraphNames) {
  const char* expected[] = {"unlikelyTravel",
                            "anonymizedIPAddress",
                            "maliciousIPAddress",
                            "unfamiliarFeatures",
                            "malwareInfectedIPAddress",
                            "suspiciousIPAddress",
                            "leakedCredentials",
                            "investigationsThreatIntelligence",
                            "generic",
                            "adminConfirmedUserCompromised",
                            "mcasImpossibleTravel",
                            "mcasSuspiciousInboxManipulationRules",
                            "investigationsThreatIntelligenceSigninLinked",
                            "maliciousIPAddressValidCredentialsBlockedIP",
                            "unknownFutureValue"};
  for (int value = 0; value < 15; ++value) {
    auto name = LegacyRiskEventTypeName(value);
    ASSERT_TRUE(name.has_value()) << value;
    EXPECT_EQ(*name, expected[value]) << value;
    EXPECT_TRUE(IsLegacyRiskEventType(*name));
    auto normalized = NormalizeRiskEventType(std::to_string(value));
    ASSERT_TRUE(normalized.ok()) << normalized.status().message();
    EXPECT_EQ(normalized->name, expected[value]);
  }
  EXPECT_FALSE(LegacyRiskEventTypeName(15).has_value());
  EXPECT_FALSE(LegacyRiskEventTypeName(-1).has_value());
  EXPECT_FALSE(NormalizeRiskEventType("15").ok());
  EXPECT_FALSE(IsLegacyRiskEventType("passwordSpray"));  // only in riskEventTypes_v2
}

TEST(RiskEventTypesTest, EveryCatalogNameIsUniqueAndNormalizesToItself) {
  std::set<std::string_view> names;
  for (const RiskEventTypeInfo& info : AllRiskEventTypes()) {
    EXPECT_TRUE(names.insert(info.name).second) << "duplicate " << info.name;
    EXPECT_NE(info.subjects, 0) << info.name;
    EXPECT_NE(info.timing, 0) << info.name;
    auto normalized = NormalizeRiskEventType(info.name);
    ASSERT_TRUE(normalized.ok()) << info.name;
    EXPECT_EQ(normalized->name, info.name);
    EXPECT_EQ(normalized->info, &info);
  }
  // The strings the spec lists for user, sign-in, workload and agent detections.
  for (const char* name : {"riskyIPAddress",
                           "authenticatorPhishing",
                           "generic",
                           "adminConfirmedUserCompromised",
                           "mcasFinSuspiciousFileAccess",
                           "suspiciousInboxForwarding",
                           "tokenIssuerAnomaly",
                           "anomalousUserActivity",
                           "attackerinTheMiddle",
                           "attemptedPrtAccess",
                           "suspiciousAPITraffic",
                           "suspiciousSendingPatterns",
                           "aiCompoundAccountRisk",
                           "suspiciousSignins",
                           "adminConfirmedServicePrincipalCompromised",
                           "maliciousApplication",
                           "suspiciousApplication",
                           "anomalousServicePrincipalActivity",
                           "unfamiliarResourceAccess",
                           "signInSpike",
                           "failedAccessAttempt",
                           "riskyUserSignIn",
                           "adminConfirmedAgentCompromised",
                           "threatIntelligenceAccount",
                           "impossibleTravel"}) {
    EXPECT_NE(FindRiskEventType(name), nullptr) << name;
  }
}

TEST(RiskEventTypesTest, CaseDifferencesAreForgivenAndUnknownNamesKeptAsGiven) {
  auto lower = NormalizeRiskEventType("leakedcredentials");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->name, "leakedCredentials");
  ASSERT_NE(lower->info, nullptr);
  EXPECT_EQ(lower->info->fixedLevel, RiskLevel::high);

  // The exact lower-case "in" of attackerinTheMiddle is Graph's spelling.
  auto aitm = NormalizeRiskEventType("attackerInTheMiddle");
  ASSERT_TRUE(aitm.ok());
  EXPECT_EQ(aitm->name, "attackerinTheMiddle");

  auto future = NormalizeRiskEventType("someNewDetection2027");
  ASSERT_TRUE(future.ok());
  EXPECT_EQ(future->name, "someNewDetection2027");
  EXPECT_EQ(future->info, nullptr);
}

TEST(RiskEventTypesTest, TextThatCannotBeATypeNameIsRefusedWithTheReason) {
  auto empty = NormalizeRiskEventType("");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);
  auto spaced = NormalizeRiskEventType("unlikely travel");
  ASSERT_FALSE(spaced.ok());
  EXPECT_NE(spaced.status().message().find("not a type name"), std::string::npos);
  EXPECT_FALSE(NormalizeRiskEventType("a\"b").ok());
  EXPECT_FALSE(NormalizeRiskEventType(std::string(129, 'a')).ok());
  EXPECT_TRUE(NormalizeRiskEventType(std::string(128, 'a')).ok());
}

TEST(RiskEventTypesTest, EveryDetectorTypeIsInTheCatalogAsDetectedWithMatchingTiming) {
  DetectorConfig config;
  for (const auto& detector : CreateDetectors(config)) {
    const RiskEventTypeInfo* info = FindRiskEventType(detector->riskEventType());
    ASSERT_NE(info, nullptr) << detector->riskEventType();
    EXPECT_EQ(info->origin, RiskOrigin::detector) << info->name;
    const std::uint8_t timing =
        detector->timing() == DetectionTimingType::offline ? kTimingOffline : kTimingRealtime;
    EXPECT_NE(info->timing & timing, 0) << info->name << " is " << ToString(detector->timing());
    if (info->fixedLevel) {
      EXPECT_EQ(*info->fixedLevel, RiskLevel::high) << info->name;
    }
  }
  const RiskEventTypeInfo* leaked = FindRiskEventType("leakedCredentials");
  ASSERT_NE(leaked, nullptr);
  EXPECT_EQ(leaked->origin, RiskOrigin::detector);
  for (const char* own : {"bruteForce", "mfaFatigue"}) {
    const RiskEventTypeInfo* info = FindRiskEventType(own);
    ASSERT_NE(info, nullptr);
    EXPECT_TRUE(info->beyondGraph);
  }
}

TEST(RiskEventTypesTest, TokenTheftTypesAreMarkedSoMfaAloneDoesNotRemediateThem) {
  for (const char* name : {"investigationsThreatIntelligence", "anomalousToken",
                           "attackerinTheMiddle", "nationStateIP", "tokenIssuerAnomaly"}) {
    const RiskEventTypeInfo* info = FindRiskEventType(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_TRUE(info->tokenTheftClass) << name;
  }
  EXPECT_FALSE(FindRiskEventType("unfamiliarFeatures")->tokenTheftClass);
}

TEST(RiskEventTypesTest, TheDocsPageListsEveryCatalogEntry) {
  std::ifstream file(std::string(IDGUARD_SOURCE_DIR) + "/docs/risk-event-types.md");
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  for (const RiskEventTypeInfo& info : AllRiskEventTypes()) {
    const std::string row = "| `" + std::string(info.name) + "` | " + std::string(info.displayName);
    EXPECT_NE(text.str().find(row), std::string::npos) << "docs/risk-event-types.md lacks " << row;
  }
}

}  // namespace
}  // namespace idguard
