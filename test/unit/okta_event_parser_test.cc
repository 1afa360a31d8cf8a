// Okta System Log events as sign-ins, in the raw API shape and the flattened Sentinel Okta_CL
// shape, plus the real Okta_CL sample.
#include "idguard/ingest/okta_event_parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "idguard/core/time.h"
#include "idguard/ingest/json_records.h"

namespace idguard {
namespace {

Result<SignIn> ParseOne(std::string_view record) { return MakeOktaEventParser()->Parse(record); }

constexpr std::string_view kRawSessionStart = R"({
  "uuid": "861b0c10-9f9e-11ea-8f4c-b9fe37b9e5fa", "published": "2020-05-26T22:16:19.179Z",
  "eventType": "user.session.start", "displayMessage": "User login to Okta",
  "actor": {"id": "00u1", "type": "User", "alternateId": "ana@example.com",
            "displayName": "Ana"},
  "client": {"userAgent": {"rawUserAgent": "Mozilla/5.0 Firefox/76.0", "os": "Windows 10"},
             "ipAddress": "198.51.100.7",
             "geographicalContext": {"city": "Los Angeles", "country": "United States",
                                     "geolocation": {"lat": 34.04, "lon": -118.27}}},
  "outcome": {"result": "SUCCESS", "reason": null},
  "authenticationContext": {"externalSessionId": "102M55TPJ", "authenticationStep": 0},
  "securityContext": {"asNumber": 10993, "isProxy": false},
  "transaction": {"type": "WEB", "id": "Xs2VMpps"},
  "target": null})";

TEST(OktaEventParserTest, ReadsARawSessionStart) {
  auto parsed = ParseOne(kRawSessionStart);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const SignIn& s = *parsed;
  EXPECT_EQ(s.id, "861b0c10-9f9e-11ea-8f4c-b9fe37b9e5fa");
  EXPECT_EQ(s.createdDateTime, *ParseTimestamp("2020-05-26T22:16:19.179Z"));
  EXPECT_EQ(s.userId, "00u1");
  EXPECT_EQ(s.userPrincipalName, "ana@example.com");
  EXPECT_EQ(s.userDisplayName, "Ana");
  EXPECT_EQ(s.ipAddress, "198.51.100.7");
  EXPECT_EQ(s.userAgent, "Mozilla/5.0 Firefox/76.0");
  EXPECT_EQ(s.sessionId, "102M55TPJ");
  EXPECT_EQ(s.correlationId, "Xs2VMpps");
  EXPECT_EQ(s.appDisplayName, "Okta");
  EXPECT_TRUE(s.isInteractive);
  EXPECT_TRUE(s.Succeeded());
  // Location is left to idguard's GeoIP so every source is judged by the same data.
  EXPECT_TRUE(s.location.countryOrRegion.empty());
}

TEST(OktaEventParserTest, ReadsTheFlattenedSentinelShapeWithColumnSuffixes) {
  auto parsed = ParseOne(R"({"TimeGenerated": "2020-05-26T22:20:03.402Z",
    "uuid_g": "e1", "published_t": "2020-05-26T22:10:00Z", "eventType_s": "user.session.start",
    "actor_id_s": "00u2", "actor_type_s": "User", "actor_alternateId_s": "bo@example.com",
    "client_ipAddress_s": "203.0.113.9", "outcome_result_s": "FAILURE",
    "outcome_reason_s": "VERIFICATION_ERROR", "authenticationContext_externalSessionId_s": "unknown",
    "securityContext_isProxy_b": "FALSE", "target_s": "null"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->id, "e1");
  EXPECT_EQ(parsed->userPrincipalName, "bo@example.com");
  EXPECT_EQ(parsed->status.errorCode, 50126);  // a wrong password, as bruteForce counts it
  EXPECT_EQ(parsed->status.additionalDetails, "VERIFICATION_ERROR");
  EXPECT_TRUE(parsed->sessionId.empty()) << "'unknown' is Okta's null";
}

TEST(OktaEventParserTest, SsoTakesTheApplicationFromTheTargets) {
  auto raw = ParseOne(R"({"uuid": "e2", "published": "2020-05-26T22:10:00Z",
    "eventType": "user.authentication.sso", "actor": {"id": "00u3", "type": "User"},
    "outcome": {"result": "SUCCESS"},
    "target": [{"id": "0oa1", "type": "AppInstance", "displayName": "Salesforce"},
               {"id": "0ua9", "type": "AppUser", "displayName": "x"}]})");
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  EXPECT_EQ(raw->appId, "0oa1");
  EXPECT_EQ(raw->appDisplayName, "Salesforce");
  auto flat = ParseOne(R"({"uuid_g": "e3", "published_t": "2020-05-26T22:10:00Z",
    "eventType": "user.authentication.sso", "actor_id": "00u3", "outcome_result": "SUCCESS",
    "target": "[{\"id\": \"0oa2\", \"type\": \"AppInstance\", \"displayName\": \"Slack\"}]"})");
  ASSERT_TRUE(flat.ok()) << flat.status().message();
  EXPECT_EQ(flat->appDisplayName, "Slack");
}

TEST(OktaEventParserTest, MfaOutcomesBecomeTheCodesTheMfaDetectorsRead) {
  auto failed = ParseOne(R"({"uuid": "m1", "published": "2020-05-26T22:10:00Z",
    "eventType": "user.authentication.auth_via_mfa", "actor": {"id": "00u4"},
    "outcome": {"result": "FAILURE"}, "debugContext": {"debugData": {"factor": "OKTA_VERIFY_PUSH"}}})");
  ASSERT_TRUE(failed.ok()) << failed.status().message();
  EXPECT_EQ(failed->status.errorCode, 500121);
  EXPECT_EQ(failed->mfaDetail.authMethod, "OKTA_VERIFY_PUSH");
  EXPECT_EQ(failed->authenticationRequirement, "multiFactorAuthentication");

  auto denied = ParseOne(R"({"uuid": "m2", "published": "2020-05-26T22:10:00Z",
    "eventType": "user.mfa.okta_verify.deny_push", "actor": {"id": "00u4"},
    "outcome": {"result": "SUCCESS"}})");
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status.errorCode, 500121);

  auto fraud = ParseOne(R"({"uuid": "m3", "published": "2020-05-26T22:10:00Z",
    "eventType": "user.account.report_suspicious_activity_by_enduser", "actor": {"id": "00u4"},
    "outcome": {"result": "SUCCESS"}})");
  ASSERT_TRUE(fraud.ok());
  EXPECT_EQ(fraud->status.errorCode, 500121);
  EXPECT_NE(fraud->status.failureReason.find("fraud"), std::string::npos);

  auto challenged = ParseOne(R"({"uuid": "m4", "published": "2020-05-26T22:10:00Z",
    "eventType": "user.session.start", "actor": {"id": "00u4"}, "outcome": {"result": "CHALLENGE"}})");
  ASSERT_TRUE(challenged.ok());
  EXPECT_EQ(challenged->status.errorCode, 50074);
  EXPECT_TRUE(CredentialsWereValid(challenged->status.errorCode));
}

TEST(OktaEventParserTest, AFailureForAnUnknownUserNameKeepsTheNameThatWasTried) {
  auto parsed = ParseOne(R"({"uuid": "u1", "published": "2020-05-26T22:10:00Z",
    "eventType": "user.session.start", "outcome": {"result": "FAILURE",
    "reason": "VERIFICATION_ERROR"}, "actor": {"id": "unknown", "type": "User",
    "alternateId": "nobody@example.com", "displayName": "unknown"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->userId, "nobody@example.com");
  EXPECT_EQ(parsed->userPrincipalName, "nobody@example.com");
  EXPECT_TRUE(parsed->userDisplayName.empty());
  EXPECT_EQ(parsed->status.errorCode, 50126);
}

TEST(OktaEventParserTest, OtherEventsAreNotSignInsAndBadOnesSayWhy) {
  auto other = ParseOne(R"({"uuid": "o1", "published": "2020-05-26T22:10:00Z",
    "eventType": "policy.evaluate_sign_on", "actor": {"id": "00u5"}})");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kNotFound);
  EXPECT_NE(other.status().message().find("policy.evaluate_sign_on"), std::string::npos);

  struct Case {
    const char* record;
    const char* expected;
  };
  const Case cases[] = {
      {R"({"published": "2020-05-26T22:10:00Z", "eventType": "user.session.start",
           "actor": {"id": "a"}})",
       "field uuid is required"},
      {R"({"uuid": "x", "published": "yesterday", "eventType": "user.session.start",
           "actor": {"id": "a"}})",
       "field published: 'yesterday' is not an ISO 8601 timestamp"},
      {R"({"uuid": "x", "published": "2020-05-26T22:10:00Z", "eventType": "user.session.start"})",
       "field actor.id (or actor.alternateId) is required"},
      {R"({"uuid": "x", "published": "2020-05-26T22:10:00Z", "actor": {"id": "a"}})",
       "field eventType is required"},
      {R"({"uuid": "x", "published": "2020-05-26T22:10:00Z", "eventType": "user.session.start",
           "actor": {"id": "a"}, "target": "[oops"})",
       "field target"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseOne(c.record);
    ASSERT_FALSE(parsed.ok()) << c.record;
    EXPECT_NE(parsed.status().code(), StatusCode::kNotFound);
    EXPECT_NE(parsed.status().message().find(c.expected), std::string::npos)
        << parsed.status().message() << " should mention " << c.expected;
  }
}

TEST(OktaEventParserTest, ReadsEveryEventOfTheRealOktaSample) {
  const std::string path =
      std::string(IDGUARD_SHARED_DIR) + "/datasets/okta-sentinel-playground/Okta_CL.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "sample not present: " << path;
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string document = buffer.str();
  bool is_csv = true;
  EXPECT_EQ(DetectInputFormat(document, is_csv), InputFormat::okta);
  EXPECT_FALSE(is_csv);
  std::vector<RecordSpan> records;
  ASSERT_TRUE(SplitJsonRecords(document, records).ok());
  ASSERT_EQ(records.size(), 593U);
  auto parser = MakeOktaEventParser();
  std::map<std::int32_t, int> codes;
  int other = 0;
  for (const RecordSpan& span : records) {
    auto parsed = parser->Parse(std::string_view(document).substr(span.offset, span.length));
    if (!parsed.ok()) {
      ASSERT_EQ(parsed.status().code(), StatusCode::kNotFound)
          << "line " << span.line << ": " << parsed.status().message();
      ++other;
      continue;
    }
    ++codes[parsed->status.errorCode];
  }
  // SOURCE.md: 44 session starts (32 VERIFICATION_ERROR), 27 auth_via_mfa (3 failed), 6 SSO,
  // 12 verify.
  EXPECT_EQ(other, 593 - 89);
  EXPECT_EQ(codes[50126], 32);
  EXPECT_EQ(codes[500121], 3);
  EXPECT_EQ(codes[0], 89 - 32 - 3);
}

}  // namespace
}  // namespace idguard
