#include "idguard/ingest/loganalytics_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace idguard {
namespace {

// Whether an error message mentions `needle`; prints the message when it does not.
::testing::AssertionResult Mentions(const std::string& message, std::string_view needle) {
  if (message.find(needle) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "'" << message << "' does not mention '" << needle << "'";
}

std::vector<std::string> Rows(std::string_view document) {
  std::vector<RecordSpan> spans;
  const Status status = SplitCsvRecords(document, spans);
  EXPECT_TRUE(status.ok()) << status.message();
  std::vector<std::string> rows;
  rows.reserve(spans.size());
  for (const RecordSpan& span : spans) {
    rows.emplace_back(document.substr(span.offset, span.length));
  }
  return rows;
}

std::vector<std::string> Fields(std::string_view row) {
  std::vector<std::string> fields;
  const Status status = SplitCsvFields(row, fields);
  EXPECT_TRUE(status.ok()) << status.message();
  return fields;
}

// --- CSV splitting -------------------------------------------------------------------------

TEST(CsvSplitTest, SplitsLfAndCrlfRowsAndNumbersLines) {
  const std::string_view document = "a,b\r\n1,2\n3,4";
  std::vector<RecordSpan> spans;
  ASSERT_TRUE(SplitCsvRecords(document, spans).ok());
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(document.substr(spans[0].offset, spans[0].length), "a,b");
  EXPECT_EQ(document.substr(spans[1].offset, spans[1].length), "1,2");
  EXPECT_EQ(document.substr(spans[2].offset, spans[2].length), "3,4");
  EXPECT_EQ(spans[0].line, 1u);
  EXPECT_EQ(spans[1].line, 2u);
  EXPECT_EQ(spans[2].line, 3u);
}

TEST(CsvSplitTest, QuotedNewlineKeepsRowTogetherAndLaterLinesCount) {
  const std::string_view document = "h1,h2\r\nx,\"line one\r\nline two\nline three\"\r\ny,z\r\n";
  std::vector<RecordSpan> spans;
  ASSERT_TRUE(SplitCsvRecords(document, spans).ok());
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[1].line, 2u);
  EXPECT_EQ(spans[2].line, 5u);
  const std::string row(document.substr(spans[1].offset, spans[1].length));
  EXPECT_EQ(Fields(row), (std::vector<std::string>{"x", "line one\r\nline two\nline three"}));
  EXPECT_EQ(Fields(document.substr(spans[2].offset, spans[2].length)),
            (std::vector<std::string>{"y", "z"}));
}

TEST(CsvSplitTest, DoubledQuotesAndEmbeddedCommas) {
  EXPECT_EQ(Fields(R"("{""a"":1,""b"":""x""}",,"say ""hi""",plain)"),
            (std::vector<std::string>{R"({"a":1,"b":"x"})", "", R"(say "hi")", "plain"}));
  // A lone quoted pair is an empty field, four quotes are one quote character.
  EXPECT_EQ(Fields(R"("","""")"), (std::vector<std::string>{"", "\""}));
}

TEST(CsvSplitTest, EmptyFieldsAtEdges) {
  EXPECT_EQ(Fields(",a,"), (std::vector<std::string>{"", "a", ""}));
  EXPECT_EQ(Fields(""), (std::vector<std::string>{""}));
}

TEST(CsvSplitTest, QuoteInsideUnquotedFieldIsText) {
  EXPECT_EQ(Fields(R"(ab"c,d)"), (std::vector<std::string>{"ab\"c", "d"}));
  // Splitting rows must agree: the stray quote does not open a multi-line field.
  EXPECT_EQ(Rows("ab\"c,d\ne,f\n").size(), 2u);
}

TEST(CsvSplitTest, SkipsBomAndBlankLines) {
  const std::string document = "\xEF\xBB\xBFId,UserId\n\n1,2\n\n";
  std::vector<RecordSpan> spans;
  ASSERT_TRUE(SplitCsvRecords(document, spans).ok());
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].offset, 3u);
  EXPECT_EQ(document.substr(spans[0].offset, spans[0].length), "Id,UserId");
  EXPECT_EQ(spans[1].line, 3u);
}

TEST(CsvSplitTest, FieldSplitterDropsTrailingCarriageReturn) {
  EXPECT_EQ(Fields("a,b\r"), (std::vector<std::string>{"a", "b"}));
}

TEST(CsvSplitTest, UnterminatedQuoteNamesTheLineItStartedOn) {
  std::vector<RecordSpan> spans;
  const Status status = SplitCsvRecords("a,b\n1,2\n3,\"never\nclosed\n", spans);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(Mentions(status.message(), "line 3"));

  std::vector<std::string> fields;
  const Status field_status = SplitCsvFields("a,\"open", fields);
  ASSERT_FALSE(field_status.ok());
  EXPECT_TRUE(Mentions(field_status.message(), "unterminated"));
}

TEST(CsvSplitTest, FieldVectorIsReusedAcrossRows) {
  std::vector<std::string> fields;
  ASSERT_TRUE(SplitCsvFields("a,b,c,d", fields).ok());
  ASSERT_TRUE(SplitCsvFields("x,y", fields).ok());
  EXPECT_EQ(fields, (std::vector<std::string>{"x", "y"}));
}

// --- CSV parser ------------------------------------------------------------------------------

constexpr std::string_view kHeader =
    "Id,CreatedDateTime [UTC],UserId,UserPrincipalName,IPAddress,ResultType,ResultDescription,"
    "LocationDetails_dynamic,LocationDetails_string,Status_dynamic,Category,IsInteractive,"
    "RiskLevelDuringSignIn,ResourceId,ResourceIdentity";

std::string Row(std::string_view id, std::string_view time, std::string_view user,
                std::string_view result = "0", std::string_view category = "SignInLogs") {
  return std::string(id) + ",\"" + std::string(time) + "\"," + std::string(user) +
         ",adelev@example.com,175.45.176.99," + std::string(result) +
         ",,\"{\"\"city\"\":\"\"Azor\"\",\"\"countryOrRegion\"\":\"\"IL\"\","
         "\"\"geoCoordinates\"\":{\"\"latitude\"\":32.0,\"\"longitude\"\":34.8}}\","
         "\"{\"\"city\"\":\"\"Elsewhere\"\"}\",\"{\"\"errorCode\"\":50058}\"," +
         std::string(category) +
         ",True,high,/tenants/t/providers/Microsoft.aadiam,797f4846-ba00-4fd7-ba43-dac1f8f63013";
}

TEST(LogAnalyticsCsvParserTest, ParsesHandWrittenRow) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader(kHeader).ok());
  auto parsed = parser->Parse(Row("sign-in-1", "4/28/2021, 2:08:45.221 PM", "user-1"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const SignIn& s = parsed.value();
  EXPECT_EQ(s.id, "sign-in-1");
  EXPECT_EQ(FormatTimestamp(s.createdDateTime), "2021-04-28T14:08:45.221Z");
  EXPECT_EQ(s.userId, "user-1");
  EXPECT_EQ(s.userPrincipalName, "adelev@example.com");
  EXPECT_EQ(s.ipAddress, "175.45.176.99");
  // ResultType wins over Status.errorCode.
  EXPECT_EQ(s.status.errorCode, 0);
  // _dynamic is preferred over _string.
  EXPECT_EQ(s.location.city, "Azor");
  EXPECT_EQ(s.location.countryOrRegion, "IL");
  ASSERT_TRUE(s.location.HasCoordinates());
  EXPECT_DOUBLE_EQ(*s.location.geoCoordinates.latitude, 32.0);
  EXPECT_DOUBLE_EQ(*s.location.geoCoordinates.longitude, 34.8);
  EXPECT_EQ(s.kind, SignInKind::interactiveUser);
  EXPECT_TRUE(s.isInteractive);
  // The Azure resource path in ResourceId is not Graph's resourceId.
  EXPECT_EQ(s.resourceId, "797f4846-ba00-4fd7-ba43-dac1f8f63013");
  // Input risk columns are ignored: idguard computes its own.
  EXPECT_EQ(s.riskLevelDuringSignIn, RiskLevel::none);
}

TEST(LogAnalyticsCsvParserTest, FallsBackToStringVariantAndStatusErrorCode) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser
                  ->SetHeader("LocationDetails_string,Id,UserId,TimeGenerated,ResultType,"
                              "Status_string,LocationDetails_dynamic")
                  .ok());
  auto parsed = parser->Parse(
      R"("{""city"":""Oslo""}",id-2,user-2,2024-05-01T10:00:00Z,,"{""errorCode"":50126,""failureReason"":""Invalid password""}",)");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->location.city, "Oslo");
  EXPECT_EQ(parsed->status.errorCode, 50126);
  EXPECT_EQ(parsed->status.failureReason, "Invalid password");
  EXPECT_EQ(FormatTimestamp(parsed->createdDateTime), "2024-05-01T10:00:00Z");
}

TEST(LogAnalyticsCsvParserTest, HeaderNamesAreCaseInsensitive) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader(" id ,createddatetime,USERID,ipaddress").ok());
  auto parsed = parser->Parse("x,2024-05-01T10:00:00Z,u,10.0.0.1");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->ipAddress, "10.0.0.1");
}

TEST(LogAnalyticsCsvParserTest, CategoryMapsKindAndForcesNonInteractive) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(
      parser->SetHeader("Id,TimeGenerated,UserId,ServicePrincipalId,Type,IsInteractive").ok());
  auto non_interactive =
      parser->Parse("a,2024-05-01T10:00:00Z,u,,AADNonInteractiveUserSignInLogs,true");
  ASSERT_TRUE(non_interactive.ok()) << non_interactive.status().message();
  EXPECT_EQ(non_interactive->kind, SignInKind::nonInteractiveUser);
  EXPECT_FALSE(non_interactive->isInteractive);

  auto service = parser->Parse("b,2024-05-01T10:00:00Z,,sp-1,AADServicePrincipalSignInLogs,");
  ASSERT_TRUE(service.ok()) << service.status().message();
  EXPECT_EQ(service->kind, SignInKind::servicePrincipal);
  EXPECT_EQ(service->SubjectId(), "sp-1");

  auto managed = parser->Parse("c,2024-05-01T10:00:00Z,,mi-1,ManagedIdentitySignInLogs,");
  ASSERT_TRUE(managed.ok()) << managed.status().message();
  EXPECT_EQ(managed->kind, SignInKind::managedIdentity);

  auto interactive = parser->Parse("d,2024-05-01T10:00:00Z,u,,SigninLogs,FALSE");
  ASSERT_TRUE(interactive.ok()) << interactive.status().message();
  EXPECT_EQ(interactive->kind, SignInKind::interactiveUser);
  EXPECT_FALSE(interactive->isInteractive);

  auto audit = parser->Parse("e,2024-05-01T10:00:00Z,u,,AuditLogs,");
  ASSERT_FALSE(audit.ok());
  EXPECT_TRUE(Mentions(audit.status().message(), "Type"));
  EXPECT_TRUE(Mentions(audit.status().message(), "AuditLogs"));
}

TEST(LogAnalyticsCsvParserTest, ReadsDeviceMfaAndPolicies) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(
      parser->SetHeader("Id,TimeGenerated,UserId,DeviceDetail,MfaDetail,ConditionalAccessPolicies")
          .ok());
  auto parsed = parser->Parse(
      R"(a,2024-05-01T10:00:00Z,u,"{""deviceId"":""d1"",""displayName"":""PC"",""operatingSystem"":""Windows 10"",""browser"":""Edge 90"",""isCompliant"":true,""isManaged"":false,""trustType"":""Azure AD joined""}","{""authMethod"":""PhoneAppNotification"",""authDetail"":""+X""}","[{""id"":""p1"",""displayName"":""Require MFA"",""enforcedGrantControls"":[""Mfa""],""enforcedSessionControls"":[],""result"":""success""}]")");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->deviceDetail.deviceId, "d1");
  EXPECT_EQ(parsed->deviceDetail.operatingSystem, "Windows 10");
  EXPECT_EQ(parsed->deviceDetail.isCompliant, std::optional<bool>(true));
  EXPECT_EQ(parsed->deviceDetail.isManaged, std::optional<bool>(false));
  EXPECT_EQ(parsed->deviceDetail.trustType, "Azure AD joined");
  EXPECT_EQ(parsed->mfaDetail.authMethod, "PhoneAppNotification");
  ASSERT_EQ(parsed->appliedConditionalAccessPolicies.size(), 1u);
  EXPECT_EQ(parsed->appliedConditionalAccessPolicies[0].displayName, "Require MFA");
  EXPECT_EQ(parsed->appliedConditionalAccessPolicies[0].enforcedGrantControls,
            (std::vector<std::string>{"Mfa"}));
  EXPECT_EQ(parsed->appliedConditionalAccessPolicies[0].result, "success");
}

TEST(LogAnalyticsCsvParserTest, OriginalRequestIdStandsInForMissingId) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader("OriginalRequestId,TimeGenerated,UserId").ok());
  auto parsed = parser->Parse("req-1,2024-05-01T10:00:00Z,u");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->id, "req-1");
}

TEST(LogAnalyticsCsvParserTest, MissingIdIsRejectedNamingTheColumn) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader(kHeader).ok());
  auto parsed = parser->Parse(Row("", "4/28/2021, 2:08:45.221 PM", "user-1"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(Mentions(parsed.status().message(), "Id"));
  EXPECT_TRUE(Mentions(parsed.status().message(), "OriginalRequestId"));
}

TEST(LogAnalyticsCsvParserTest, BadTimestampIsRejectedNamingTheColumn) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader(kHeader).ok());
  auto parsed = parser->Parse(Row("a", "yesterday afternoon", "user-1"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Mentions(parsed.status().message(), "CreatedDateTime [UTC]"));
  EXPECT_TRUE(Mentions(parsed.status().message(), "yesterday afternoon"));
}

TEST(LogAnalyticsCsvParserTest, EmptyTimestampIsRejectedNamingTheColumn) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader(kHeader).ok());
  auto parsed = parser->Parse(Row("a", "", "user-1"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Mentions(parsed.status().message(), "CreatedDateTime"));
}

TEST(LogAnalyticsCsvParserTest, MissingUserIdIsRejectedNamingTheFields) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader(kHeader).ok());
  auto parsed = parser->Parse(Row("a", "4/28/2021, 2:08:45.221 PM", ""));
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Mentions(parsed.status().message(), "UserId"));
  EXPECT_TRUE(Mentions(parsed.status().message(), "ServicePrincipalId"));

  ASSERT_TRUE(parser->SetHeader("Id,TimeGenerated,UserId,ServicePrincipalId,Category").ok());
  auto service = parser->Parse("a,2024-05-01T10:00:00Z,,,ServicePrincipalSignInLogs");
  ASSERT_FALSE(service.ok());
  EXPECT_TRUE(Mentions(service.status().message(), "ServicePrincipalId"));
}

TEST(LogAnalyticsCsvParserTest, BadResultTypeAndBadJsonAreRejectedNamingTheColumn) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader(kHeader).ok());
  auto bad_code = parser->Parse(Row("a", "4/28/2021, 2:08:45.221 PM", "u", "oops"));
  ASSERT_FALSE(bad_code.ok());
  EXPECT_TRUE(Mentions(bad_code.status().message(), "ResultType"));

  ASSERT_TRUE(parser->SetHeader("Id,TimeGenerated,UserId,LocationDetails").ok());
  auto bad_json = parser->Parse(R"(a,2024-05-01T10:00:00Z,u,"{""city"":")");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_TRUE(Mentions(bad_json.status().message(), "LocationDetails"));
}

TEST(LogAnalyticsCsvParserTest, RowWithWrongFieldCountIsRejected) {
  auto parser = MakeLogAnalyticsCsvParser();
  ASSERT_TRUE(parser->SetHeader("Id,TimeGenerated,UserId").ok());
  auto parsed = parser->Parse("a,2024-05-01T10:00:00Z");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Mentions(parsed.status().message(), "2 fields"));
}

TEST(LogAnalyticsCsvParserTest, HeaderWithoutRequiredColumnsFailsNamingThem) {
  auto parser = MakeLogAnalyticsCsvParser();
  const Status no_time = parser->SetHeader("Id,UserId,IPAddress");
  ASSERT_FALSE(no_time.ok());
  EXPECT_TRUE(Mentions(no_time.message(), "TimeGenerated"));
  EXPECT_TRUE(Mentions(no_time.message(), "CreatedDateTime"));
  EXPECT_FALSE(Mentions(no_time.message(), "UserId"));

  const Status no_identity = parser->SetHeader("StartTime [UTC],IPAddress,Type");
  ASSERT_FALSE(no_identity.ok());
  EXPECT_TRUE(Mentions(no_identity.message(), "no Id"));
  EXPECT_TRUE(Mentions(no_identity.message(), "no UserId"));

  auto parsed = parser->Parse("a,b,c");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Mentions(parsed.status().message(), "header"));
}

TEST(LogAnalyticsCsvParserTest, ParseBeforeSetHeaderFails) {
  auto parser = MakeLogAnalyticsCsvParser();
  EXPECT_FALSE(parser->Parse("a,b").ok());
}

// --- JSON parser -----------------------------------------------------------------------------

TEST(LogAnalyticsJsonParserTest, ReadsNestedAndStringEncodedDynamicColumns) {
  auto parser = MakeLogAnalyticsJsonParser();
  auto parsed = parser->Parse(R"({
    "id": "j-1", "TIMEGENERATED": "2024-05-01T10:00:00.5Z", "UserId": "u-1",
    "UserPrincipalName": "a@example.com", "IPAddress": "203.0.113.9", "ResultType": 50126,
    "IsInteractive": false, "Category": "SignInLogs", "RiskState": "atRisk",
    "LocationDetails": {"city": "Oslo", "countryOrRegion": "NO",
                        "geoCoordinates": {"latitude": 59, "longitude": 10.75}},
    "DeviceDetail": "{\"operatingSystem\":\"Linux\",\"isCompliant\":\"false\"}",
    "Status": {"errorCode": 0, "failureReason": "Invalid username or password."},
    "ConditionalAccessPolicies": "[]", "MfaDetail": null })");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->id, "j-1");
  EXPECT_EQ(FormatTimestamp(parsed->createdDateTime), "2024-05-01T10:00:00.500Z");
  EXPECT_EQ(parsed->status.errorCode, 50126);
  EXPECT_EQ(parsed->status.failureReason, "Invalid username or password.");
  EXPECT_FALSE(parsed->isInteractive);
  EXPECT_EQ(parsed->location.city, "Oslo");
  ASSERT_TRUE(parsed->location.HasCoordinates());
  EXPECT_DOUBLE_EQ(*parsed->location.geoCoordinates.latitude, 59.0);
  EXPECT_EQ(parsed->deviceDetail.operatingSystem, "Linux");
  EXPECT_EQ(parsed->deviceDetail.isCompliant, std::optional<bool>(false));
  EXPECT_TRUE(parsed->appliedConditionalAccessPolicies.empty());
  EXPECT_EQ(parsed->riskState, RiskState::none);
}

TEST(LogAnalyticsJsonParserTest, ErrorsNameTheKey) {
  auto parser = MakeLogAnalyticsJsonParser();
  auto no_id = parser->Parse(R"({"TimeGenerated":"2024-05-01T10:00:00Z","UserId":"u"})");
  ASSERT_FALSE(no_id.ok());
  EXPECT_TRUE(Mentions(no_id.status().message(), "Id"));

  auto bad_time = parser->Parse(R"({"Id":"a","createdDateTime":"soon","UserId":"u"})");
  ASSERT_FALSE(bad_time.ok());
  EXPECT_TRUE(Mentions(bad_time.status().message(), "createdDateTime"));

  auto no_time = parser->Parse(R"({"Id":"a","UserId":"u"})");
  ASSERT_FALSE(no_time.ok());
  EXPECT_TRUE(Mentions(no_time.status().message(), "TimeGenerated"));

  auto no_user = parser->Parse(R"({"Id":"a","TimeGenerated":"2024-05-01T10:00:00Z"})");
  ASSERT_FALSE(no_user.ok());
  EXPECT_TRUE(Mentions(no_user.status().message(), "UserId"));

  auto object_id = parser->Parse(R"({"Id":{"x":1},"TimeGenerated":"2024-05-01T10:00:00Z"})");
  ASSERT_FALSE(object_id.ok());
  EXPECT_TRUE(Mentions(object_id.status().message(), "Id"));

  auto bad_nested = parser->Parse(
      R"({"Id":"a","TimeGenerated":"2024-05-01T10:00:00Z","UserId":"u","Status":"{oops"})");
  ASSERT_FALSE(bad_nested.ok());
  EXPECT_TRUE(Mentions(bad_nested.status().message(), "Status"));

  EXPECT_FALSE(parser->Parse("[1,2]").ok());
  EXPECT_FALSE(parser->Parse("{\"Id\":").ok());
}

}  // namespace
}  // namespace idguard
