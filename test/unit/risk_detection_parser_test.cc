// Importing risk detections made elsewhere: Graph riskDetection objects, service-principal
// detections and diagnostic-settings UserRiskEvents records, including the real sample.
#include "idguard/ingest/risk_detection_parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "idguard/core/time.h"

namespace idguard {
namespace {

Result<ImportedDetection> ParseOne(std::string_view record) {
  auto parser = MakeRiskDetectionParser();
  return parser->Parse(record);
}

TEST(RiskDetectionParserTest, ReadsAGraphRiskDetection) {
  auto parsed = ParseOne(R"({
    "id": "6a1b2c", "requestId": "req-1", "correlationId": "corr-1",
    "riskEventType": "unlikelyTravel", "riskState": "atRisk", "riskLevel": "medium",
    "riskDetail": "none", "source": "IdentityProtection", "detectionTimingType": "offline",
    "activity": "signin", "tokenIssuerType": "AzureAD", "ipAddress": "203.0.113.7",
    "activityDateTime": "2024-03-01T10:00:00Z", "detectedDateTime": "2024-03-01T12:30:00Z",
    "lastUpdatedDateTime": "2024-03-01T12:31:00Z", "userId": "u-1",
    "userDisplayName": "Alex", "userPrincipalName": "alex@contoso.com",
    "additionalInfo": "[{\"Key\":\"userAgent\",\"Value\":\"Mozilla/5.0\"},{\"Key\":\"relatedLocation\",\"Value\":{\"city\":\"Paris\"}}]",
    "location": {"city": "Sydney", "countryOrRegion": "AU",
                 "geoCoordinates": {"latitude": -33.86, "longitude": 151.2}}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const RiskDetection& d = parsed->detection;
  EXPECT_TRUE(parsed->recognizedType);
  EXPECT_EQ(d.id, "6a1b2c");
  EXPECT_EQ(d.riskEventType, "unlikelyTravel");
  EXPECT_EQ(d.riskLevel, RiskLevel::medium);
  EXPECT_EQ(d.riskState, RiskState::atRisk);
  EXPECT_EQ(d.detectionTimingType, DetectionTimingType::offline);
  EXPECT_EQ(d.activity, ActivityType::signin);
  EXPECT_EQ(d.source, "IdentityProtection");
  EXPECT_EQ(d.requestId, "req-1");
  EXPECT_EQ(d.detectedDateTime, *ParseTimestamp("2024-03-01T12:30:00Z"));
  EXPECT_EQ(d.activityDateTime, *ParseTimestamp("2024-03-01T10:00:00Z"));
  EXPECT_EQ(d.location.countryOrRegion, "AU");
  ASSERT_EQ(d.additionalInfo.size(), 2U);
  EXPECT_EQ(d.additionalInfo[0].key, "userAgent");
  EXPECT_EQ(d.additionalInfo[0].value, "Mozilla/5.0");
  EXPECT_EQ(d.additionalInfo[1].value, R"({"city":"Paris"})");
}

TEST(RiskDetectionParserTest, AcceptsTheLegacyRiskTypeByNumberAndFixedLevels) {
  // No riskEventType, legacy riskType 9, no level: admin-confirmed compromise is always high.
  auto parsed = ParseOne(R"({"id": "d1", "riskType": 9, "userId": "u-2",
                             "detectedDateTime": "2024-03-02T08:00:00Z"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->detection.riskEventType, "adminConfirmedUserCompromised");
  EXPECT_EQ(parsed->detection.riskLevel, RiskLevel::high);
  EXPECT_EQ(parsed->detection.activity, ActivityType::user);  // no sign-in linked
  EXPECT_EQ(parsed->detection.source, "imported");
}

TEST(RiskDetectionParserTest, KeepsAnUnknownTypeAndSaysSo) {
  auto parsed = ParseOne(R"({"id": "d2", "riskEventType": "quantumTunnelling", "riskLevel": "low",
                             "userId": "u-3", "activityDateTime": "2024-03-03T08:00:00Z"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_FALSE(parsed->recognizedType);
  EXPECT_EQ(parsed->detection.riskEventType, "quantumTunnelling");
  EXPECT_EQ(parsed->detection.detectedDateTime, *ParseTimestamp("2024-03-03T08:00:00Z"));
}

TEST(RiskDetectionParserTest, ReadsAServicePrincipalRiskDetection) {
  auto parsed = ParseOne(R"({"id": "sp1", "riskEventType": "suspiciousSignins",
      "riskLevel": "high", "servicePrincipalId": "sp-9", "servicePrincipalDisplayName": "Backup",
      "appId": "a-1", "detectedDateTime": "2024-03-04T00:00:00Z"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->detection.activity, ActivityType::servicePrincipal);
  EXPECT_EQ(parsed->detection.userId, "sp-9");
  EXPECT_EQ(parsed->detection.userDisplayName, "Backup");
}

TEST(RiskDetectionParserTest, ReadsADiagnosticRecordWhoseTopLevelLocationIsARegion) {
  auto parsed = ParseOne(R"({"time": "2024-03-05T01:02:03Z", "location": "de",
      "correlationId": "outer", "category": "UserRiskEvents",
      "properties": {"id": "x1", "riskEventType": "anonymizedIPAddress", "riskLevel": "high",
                     "userId": "u-4", "correlationId": "inner",
                     "location": {"city": "Dresden", "countryOrRegion": "DE"}}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->detection.correlationId, "inner");
  EXPECT_EQ(parsed->detection.location.city, "Dresden");
  EXPECT_EQ(parsed->detection.detectedDateTime, *ParseTimestamp("2024-03-05T01:02:03Z"));
}

TEST(RiskDetectionParserTest, BadRecordsSayWhichFieldAndWhy) {
  struct Case {
    const char* record;
    const char* expected;
  };
  const Case cases[] = {
      {R"({"riskEventType": "generic", "riskLevel": "low", "userId": "u",
           "detectedDateTime": "2024-01-01T00:00:00Z"})",
       "field id is required"},
      {R"({"id": "a", "riskLevel": "low", "userId": "u",
           "detectedDateTime": "2024-01-01T00:00:00Z"})",
       "riskEventType"},
      {R"({"id": "a", "riskEventType": "generic", "userId": "u",
           "detectedDateTime": "2024-01-01T00:00:00Z"})",
       "field riskLevel is required"},
      {R"({"id": "a", "riskEventType": "generic", "riskLevel": "severe", "userId": "u",
           "detectedDateTime": "2024-01-01T00:00:00Z"})",
       "field riskLevel: unknown value 'severe'"},
      {R"({"id": "a", "riskEventType": "generic", "riskLevel": "low",
           "detectedDateTime": "2024-01-01T00:00:00Z"})",
       "userId"},
      {R"({"id": "a", "riskEventType": "generic", "riskLevel": "low", "userId": "u"})",
       "detectedDateTime"},
      {R"({"id": "a", "riskEventType": "generic", "riskLevel": "low", "userId": "u",
           "detectedDateTime": "yesterday"})",
       "field detectedDateTime: not a timestamp"},
      {R"({"id": "a", "riskEventType": "not a type", "riskLevel": "low", "userId": "u",
           "detectedDateTime": "2024-01-01T00:00:00Z"})",
       "field riskEventType"},
      {R"({"id": "a", "riskType": 99, "riskLevel": "low", "userId": "u",
           "detectedDateTime": "2024-01-01T00:00:00Z"})",
       "legacy riskEventType enum"},
      {R"({"id": "a", "riskEventType": "generic", "riskLevel": "low", "userId": "u",
           "detectedDateTime": "2024-01-01T00:00:00Z", "additionalInfo": "{oops"})",
       "field additionalInfo"},
      {R"({"category": "RiskyUsers", "properties": {"id": "u"}})", "does not hold risk detections"},
      {R"({"category": "UserRiskEvents"})", "field properties is required"},
      {R"([1, 2])", "expected a JSON object"},
      {R"({"id": )", "JSON"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseOne(c.record);
    ASSERT_FALSE(parsed.ok()) << c.record;
    EXPECT_NE(parsed.status().message().find(c.expected), std::string::npos)
        << parsed.status().message() << " should mention " << c.expected;
  }
}

TEST(RiskDetectionParserTest, ReadsTheRealUserRiskEventsSample) {
  const std::string path =
      std::string(IDGUARD_SHARED_DIR) +
      "/datasets/elastic-integrations-azure-identity/test-userriskevents-raw.log";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "sample not present: " << path;
  std::ifstream file(path);
  std::string line;
  auto parser = MakeRiskDetectionParser();
  std::vector<std::string> types;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    auto parsed = parser->Parse(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(parsed->detection.riskLevel, RiskLevel::high);
    EXPECT_EQ(parsed->detection.source, "IdentityProtection");
    EXPECT_FALSE(parsed->detection.userId.empty());
    EXPECT_FALSE(parsed->detection.additionalInfo.empty());
    types.push_back(parsed->detection.riskEventType);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"anonymizedIPAddress", "passwordSpray"}));
}

}  // namespace
}  // namespace idguard
