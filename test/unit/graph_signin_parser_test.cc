#include "idguard/ingest/graph_signin_parser.h"

#include <gtest/gtest.h>

#include "idguard/export/graph_json.h"
#include "idguard/ingest/json_records.h"
#include "unit/every_field_set.h"

namespace idguard {
namespace {

constexpr std::string_view kSignIn = R"({
  "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
  "createdDateTime": "2024-03-01T10:15:30.1234567Z",
  "userDisplayName": "Alex Wilber", "userPrincipalName": "alexw@contoso.example",
  "userId": "d7cc485d-2c1b-422c-98fd-5ce52859a4a3",
  "appId": "de8bc8b5-d9f9-48b1-a8ad-b748da725064", "appDisplayName": "Graph Explorer",
  "ipAddress": "81.2.69.144", "clientAppUsed": "Browser", "isInteractive": true,
  "userAgent": "Mozilla/5.0", "sessionId": "s-1", "authenticationRequirement": "multiFactorAuthentication",
  "mfaDetail": {"authMethod": "PhoneAppNotification", "authDetail": null},
  "status": {"errorCode": 50074, "failureReason": "Strong Authentication is required.", "additionalDetails": null},
  "deviceDetail": {"deviceId": "", "operatingSystem": "Windows 10", "browser": "Edge 122.0", "isCompliant": false, "isManaged": null},
  "location": {"city": "London", "state": "England", "countryOrRegion": "GB",
               "geoCoordinates": {"latitude": 51.5, "longitude": -0.12, "altitude": null}},
  "appliedConditionalAccessPolicies": [{"id": "p1", "displayName": "MFA", "enforcedGrantControls": ["Mfa"], "enforcedSessionControls": [], "result": "success"}],
  "riskLevelDuringSignIn": "high", "unknownField": {"nested": [1, 2, 3]}
})";

TEST(GraphSignInParserTest, ReadsV1AndBetaFields) {
  auto parser = MakeGraphSignInParser();
  auto result = parser->Parse(kSignIn);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const SignIn& s = result.value();
  EXPECT_EQ(s.id, "66ea54eb-6301-4ee5-be62-ff5a759b0100");
  EXPECT_EQ(FormatTimestamp(s.createdDateTime), "2024-03-01T10:15:30.123456Z");
  EXPECT_EQ(s.userPrincipalName, "alexw@contoso.example");
  EXPECT_EQ(s.status.errorCode, 50074);
  EXPECT_EQ(s.mfaDetail.authMethod, "PhoneAppNotification");
  EXPECT_EQ(s.authenticationRequirement, "multiFactorAuthentication");
  EXPECT_EQ(s.sessionId, "s-1");
  EXPECT_EQ(s.location.city, "London");
  EXPECT_DOUBLE_EQ(*s.location.geoCoordinates.latitude, 51.5);
  EXPECT_FALSE(s.location.geoCoordinates.altitude.has_value());
  EXPECT_EQ(s.deviceDetail.isCompliant, std::optional<bool>(false));
  EXPECT_FALSE(s.deviceDetail.isManaged.has_value());
  ASSERT_EQ(s.appliedConditionalAccessPolicies.size(), 1u);
  EXPECT_EQ(s.appliedConditionalAccessPolicies[0].enforcedGrantControls[0], "Mfa");
  // Input risk is not taken over: idguard computes its own.
  EXPECT_EQ(s.riskLevelDuringSignIn, RiskLevel::none);
}

TEST(GraphSignInParserTest, ErrorsNameTheField) {
  auto parser = MakeGraphSignInParser();
  auto missing_id = parser->Parse(R"({"createdDateTime":"2024-01-01T00:00:00Z","userId":"u"})");
  ASSERT_FALSE(missing_id.ok());
  EXPECT_NE(missing_id.status().message().find("field id"), std::string::npos);
  auto bad_time = parser->Parse(R"({"id":"a","createdDateTime":"tuesday","userId":"u"})");
  ASSERT_FALSE(bad_time.ok());
  EXPECT_NE(bad_time.status().message().find("createdDateTime"), std::string::npos);
  auto bad_type = parser->Parse(
      R"({"id":"a","createdDateTime":"2024-01-01T00:00:00Z","userId":"u","status":{"errorCode":"x1"}})");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("status.errorCode"), std::string::npos);
  // Found by fuzzing: oversized numbers are errors, not overflows.
  auto huge_text = parser->Parse(
      R"({"id":"a","createdDateTime":"2024-01-01T00:00:00Z","userId":"u","status":{"errorCode":"99999999999999999999"}})");
  ASSERT_FALSE(huge_text.ok());
  EXPECT_NE(huge_text.status().message().find("status.errorCode"), std::string::npos);
  auto huge_number = parser->Parse(
      R"({"id":"a","createdDateTime":"2024-01-01T00:00:00Z","userId":"u","status":{"errorCode":4294967296}})");
  ASSERT_FALSE(huge_number.ok());
  EXPECT_NE(huge_number.status().message().find("out of range"), std::string::npos);
  auto no_user = parser->Parse(R"({"id":"a","createdDateTime":"2024-01-01T00:00:00Z"})");
  ASSERT_FALSE(no_user.ok());
  EXPECT_NE(no_user.status().message().find("userId"), std::string::npos);
  EXPECT_FALSE(parser->Parse("{\"id\":").ok());
  EXPECT_FALSE(parser->Parse("[1,2]").ok());
}

TEST(GraphSignInParserTest, ClearForReuseGivesADefaultSignInThatKeepsItsStorage) {
  SignIn s = test::EveryFieldSet();
  const std::size_t id_capacity = s.id.capacity();
  ClearForReuse(s);
  EXPECT_EQ(s, SignIn{});
  EXPECT_EQ(s.id.capacity(), id_capacity);
}

TEST(GraphSignInParserTest, ParsingIntoAUsedSignInGivesWhatAFreshParseGives) {
  auto parser = MakeGraphSignInParser();
  constexpr std::string_view kSparse =
      R"({"id":"b","createdDateTime":"2024-01-01T00:00:00Z","userId":"u","isInteractive":false})";
  SignIn reused = test::EveryFieldSet();
  ASSERT_TRUE(parser->ParseInto(kSparse, reused).ok());
  auto fresh = parser->Parse(kSparse);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(reused, fresh.value());
  EXPECT_EQ(reused.kind, SignInKind::nonInteractiveUser);

  ASSERT_TRUE(parser->ParseInto(kSignIn, reused).ok());
  EXPECT_EQ(reused, parser->Parse(kSignIn).value());
  EXPECT_FALSE(parser->ParseInto(R"({"id":"c","createdDateTime":"x","userId":"u"})", reused).ok());
}

TEST(GraphSignInParserTest, SerializedSignInParsesBackTheSame) {
  auto parser = MakeGraphSignInParser();
  auto first = parser->Parse(kSignIn);
  ASSERT_TRUE(first.ok());
  std::string json;
  AppendSignInJson(json, first.value());
  auto second = parser->Parse(json);
  ASSERT_TRUE(second.ok()) << second.status().message() << "\n" << json;
  std::string again;
  AppendSignInJson(again, second.value());
  EXPECT_EQ(json, again);
}

TEST(DiagnosticRecordParserTest, CategoryDecidesKindAndNonSignInCategoriesAreRejected) {
  auto parser = MakeDiagnosticRecordParser();
  auto sp = parser->Parse(
      R"({"time":"2024-01-01T00:00:00Z","category":"ServicePrincipalSignInLogs","properties":{"id":"x","createdDateTime":"2024-01-01T00:00:01Z","servicePrincipalId":"sp1","isInteractive":true}})");
  ASSERT_TRUE(sp.ok()) << sp.status().message();
  EXPECT_EQ(sp->kind, SignInKind::servicePrincipal);
  EXPECT_FALSE(sp->isInteractive);
  EXPECT_EQ(sp->SubjectId(), "sp1");
  auto fallback_time = parser->Parse(
      R"({"time":"2024-01-01T00:00:00Z","category":"NonInteractiveUserSignInLogs","properties":{"id":"x","userId":"u"}})");
  ASSERT_TRUE(fallback_time.ok()) << fallback_time.status().message();
  EXPECT_EQ(FormatTimestamp(fallback_time->createdDateTime), "2024-01-01T00:00:00Z");
  EXPECT_EQ(fallback_time->kind, SignInKind::nonInteractiveUser);
  auto risk = parser->Parse(
      R"({"time":"2024-01-01T00:00:00Z","category":"UserRiskEvents","properties":{}})");
  ASSERT_FALSE(risk.ok());
  EXPECT_NE(risk.status().message().find("UserRiskEvents is not a sign-in log"), std::string::npos);
}

TEST(JsonRecordsTest, SplitsNdjsonArraysPagesAndCaptures) {
  std::vector<RecordSpan> records;
  ASSERT_TRUE(SplitJsonRecords("{\"a\":1}\n\n{\"a\":2}\r\n", records).ok());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].line, 3u);

  records.clear();
  const std::string array = "[\n {\"a\":1},\n {\"a\":2}\n]";
  ASSERT_TRUE(SplitJsonRecords(array, records).ok());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(array.substr(records[1].offset, records[1].length), "{\"a\":2}");
  EXPECT_EQ(records[1].line, 3u);

  records.clear();
  const std::string page = "{\n \"@odata.context\": \"x\",\n \"value\": [\n  {\"a\":1}\n ]\n}";
  ASSERT_TRUE(SplitJsonRecords(page, records).ok());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].line, 4u);

  records.clear();
  ASSERT_TRUE(
      SplitJsonRecords("{\"records\":[{\"a\":1},{\"a\":2}]}\n{\"records\":[{\"a\":3}]}", records)
          .ok());
  EXPECT_EQ(records.size(), 3u);

  records.clear();
  ASSERT_TRUE(SplitJsonRecords("{\n  \"id\": \"single\"\n}\n", records).ok());
  EXPECT_EQ(records.size(), 1u);

  records.clear();
  EXPECT_FALSE(SplitJsonRecords("[{\"a\":1}, 5]", records).ok());
  // Found by fuzzing: an unterminated array must be an error, not a crash.
  records.clear();
  EXPECT_FALSE(SplitJsonRecords("[   {\"value\":[{\"id\":\"a\"   ", records).ok());
  EXPECT_FALSE(SplitJsonRecords("hello", records).ok() && !records.empty());
}

TEST(JsonRecordsTest, DetectsFormats) {
  bool is_csv = false;
  EXPECT_EQ(DetectInputFormat(R"({"time":"x","category":"SignInLogs","properties":{}})", is_csv),
            InputFormat::diagnostic);
  EXPECT_EQ(DetectInputFormat(R"([{"id":"a","createdDateTime":"x"}])", is_csv), InputFormat::graph);
  EXPECT_EQ(DetectInputFormat(R"([{"TimeGenerated":"x","UserPrincipalName":"a"}])", is_csv),
            InputFormat::loganalytics);
  EXPECT_FALSE(is_csv);
  EXPECT_EQ(DetectInputFormat("\xEF\xBB\xBFTenantId,Id\n", is_csv), InputFormat::loganalytics);
  EXPECT_TRUE(is_csv);
}

}  // namespace
}  // namespace idguard
