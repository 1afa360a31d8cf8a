// Reads the Microsoft Sentinel training-lab sign-in exports (real Log Analytics CSV, MIT) from the
// shared dataset folder at test time; the files are never copied into the repository.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "idguard/ingest/loganalytics_parser.h"

namespace idguard {
namespace {

const std::string kSampleDir =
    std::string(IDGUARD_SHARED_DIR) + "/datasets/azure-sentinel-training-lab-signinlogs/";

std::optional<std::string> ReadSample(const std::string& name) {
  std::ifstream in(kSampleDir + name, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string MissingSample(const std::string& name) {
  return "sample " + kSampleDir + name +
         " not found; set IDGUARD_SHARED_DIR to the folder holding datasets/";
}

struct Document {
  std::vector<std::string_view> rows;
};

Document Split(const std::string& text) {
  std::vector<RecordSpan> spans;
  const Status status = SplitCsvRecords(text, spans);
  EXPECT_TRUE(status.ok()) << status.message();
  Document document;
  for (const RecordSpan& span : spans) {
    document.rows.push_back(std::string_view(text).substr(span.offset, span.length));
  }
  return document;
}

TEST(LogAnalyticsSamplesTest, AdeleCompromiseExportParsesEveryRow) {
  const std::optional<std::string> text = ReadSample("sign-in_adelete.csv");
  if (!text) {
    GTEST_SKIP() << MissingSample("sign-in_adelete.csv");
  }
  const Document document = Split(*text);
  ASSERT_EQ(document.rows.size(), 57u);  // header + 56 sign-ins

  auto parser = MakeLogAnalyticsCsvParser();
  const Status header = parser->SetHeader(document.rows[0]);
  ASSERT_TRUE(header.ok()) << header.message();

  std::vector<SignIn> sign_ins;
  for (std::size_t i = 1; i < document.rows.size(); ++i) {
    auto parsed = parser->Parse(document.rows[i]);
    ASSERT_TRUE(parsed.ok()) << "row " << i << ": " << parsed.status().message();
    sign_ins.push_back(std::move(parsed).value());
  }
  ASSERT_EQ(sign_ins.size(), 56u);

  std::map<std::int32_t, int> by_error_code;
  for (const SignIn& s : sign_ins) {
    EXPECT_EQ(s.ipAddress, "175.45.176.99");
    EXPECT_EQ(s.userPrincipalName.rfind("adelev@", 0), 0u) << s.userPrincipalName;
    EXPECT_FALSE(s.id.empty());
    EXPECT_EQ(s.userId, "9b117c67-170e-4aed-9702-658b3fddc889");
    EXPECT_EQ(s.kind, SignInKind::interactiveUser);
    // Every row carries LocationDetails_dynamic with a country.
    EXPECT_EQ(s.location.countryOrRegion.size(), 2u) << s.id;
    // The export's risk columns are not read.
    EXPECT_EQ(s.riskLevelDuringSignIn, RiskLevel::none);
    // Within the scenario window, 2021-04-28 14:08 to 15:20 UTC.
    EXPECT_GE(FormatTimestamp(s.createdDateTime), "2021-04-28T14:08");
    EXPECT_LE(FormatTimestamp(s.createdDateTime), "2021-04-28T15:20");
    ++by_error_code[s.status.errorCode];
  }
  EXPECT_EQ(by_error_code[0], 53);
  EXPECT_EQ(by_error_code[16000], 2);
  EXPECT_EQ(by_error_code[50058], 1);
  EXPECT_EQ(by_error_code.size(), 3u);

  const SignIn& first = sign_ins.front();
  EXPECT_EQ(first.id, "cfb68155-70f5-4e28-b046-0a3a7086c401");
  EXPECT_EQ(FormatTimestamp(first.createdDateTime), "2021-04-28T14:08:45.221Z");
  EXPECT_EQ(first.location.countryOrRegion, "IL");
  EXPECT_EQ(first.location.city, "Azor");
  ASSERT_TRUE(first.location.HasCoordinates());
  EXPECT_NEAR(*first.location.geoCoordinates.latitude, 32.0296, 1e-3);
  EXPECT_EQ(first.deviceDetail.operatingSystem, "Windows 10");
  EXPECT_EQ(first.appDisplayName, "Azure Portal");
  EXPECT_EQ(first.resourceId, "797f4846-ba00-4fd7-ba43-dac1f8f63013");
  EXPECT_TRUE(first.isInteractive);
  ASSERT_FALSE(first.appliedConditionalAccessPolicies.empty());
  EXPECT_EQ(first.appliedConditionalAccessPolicies[0].result, "notEnabled");
  EXPECT_NE(first.userAgent.find("Edg/90"), std::string::npos);

  // The failures carry their reason.
  for (const SignIn& s : sign_ins) {
    if (s.status.errorCode == 50058) {
      EXPECT_FALSE(s.status.failureReason.empty()) << s.id;
    }
  }
}

TEST(LogAnalyticsSamplesTest, DisabledAccountExportWithoutTimestampsIsRefusedAtTheHeader) {
  const std::optional<std::string> text = ReadSample("disable_accounts.csv");
  if (!text) {
    GTEST_SKIP() << MissingSample("disable_accounts.csv");
  }
  const Document document = Split(*text);
  ASSERT_EQ(document.rows.size(), 5u);  // header + 4 rows

  auto parser = MakeLogAnalyticsCsvParser();
  const Status header = parser->SetHeader(document.rows[0]);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.code(), StatusCode::kInvalidInput);
  EXPECT_NE(header.message().find("timestamp"), std::string::npos) << header.message();
  EXPECT_NE(header.message().find("CreatedDateTime"), std::string::npos) << header.message();
  EXPECT_NE(header.message().find("TimeGenerated"), std::string::npos) << header.message();
  // Id and UserId are present, so they are not blamed.
  EXPECT_EQ(header.message().find("no Id"), std::string::npos) << header.message();
  EXPECT_EQ(header.message().find("no UserId"), std::string::npos) << header.message();

  for (std::size_t i = 1; i < document.rows.size(); ++i) {
    EXPECT_FALSE(parser->Parse(document.rows[i]).ok()) << "row " << i;
  }
}

TEST(LogAnalyticsSamplesTest, AggregateAlertRowIsRefusedAtTheHeader) {
  const std::optional<std::string> text = ReadSample("signinLogs.csv");
  if (!text) {
    GTEST_SKIP() << MissingSample("signinLogs.csv");
  }
  const Document document = Split(*text);
  ASSERT_EQ(document.rows.size(), 2u);

  auto parser = MakeLogAnalyticsCsvParser();
  const Status header = parser->SetHeader(document.rows[0]);
  ASSERT_FALSE(header.ok());
  EXPECT_NE(header.message().find("no Id"), std::string::npos) << header.message();
  EXPECT_NE(header.message().find("no UserId"), std::string::npos) << header.message();
}

}  // namespace
}  // namespace idguard
