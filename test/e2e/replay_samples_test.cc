// `idguard replay` on the real exported samples: every record parses or is reported with file,
// line and reason, and the outputs are Graph-shaped.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include "e2e/e2e_support.h"

namespace idguard::e2e {
namespace {

namespace fs = std::filesystem;

// GTEST_SKIP only leaves the function it is written in, so this is a macro for test bodies.
#define SKIP_UNLESS_EXISTS(path) \
  if (!fs::exists(path)) GTEST_SKIP() << "shared dataset missing: " << (path)

TEST(ReplaySamplesTest, SentinelSigninLogsCsvParsesEveryRecord) {
  const std::string input =
      SharedDataset("azure-sentinel-training-lab-signinlogs/sign-in_adelete.csv");
  SKIP_UNLESS_EXISTS(input);
  TempDir dir("sentinel");
  auto result = RunIdguard("replay --quiet --input " + input + " --db " + (dir / "db.sqlite") +
                           " --out " + (dir / "out") + DataDirArgument());
  ASSERT_EQ(result.exitCode, 0) << result.output;
  const auto sign_ins = ReadLines(dir.path() / "out" / "signIns.ndjson");
  ASSERT_EQ(sign_ins.size(), 56u);
  simdjson::dom::parser parser;
  for (const auto& line : sign_ins) {
    simdjson::dom::element signin;
    ASSERT_EQ(parser.parse(line).get(signin), simdjson::SUCCESS) << line;
    std::string_view ip, level, state;
    ASSERT_EQ(signin["ipAddress"].get_string().get(ip), simdjson::SUCCESS);
    EXPECT_EQ(ip, "175.45.176.99");
    ASSERT_EQ(signin["riskLevelAggregated"].get_string().get(level), simdjson::SUCCESS);
    ASSERT_EQ(signin["riskState"].get_string().get(state), simdjson::SUCCESS);
    EXPECT_TRUE(level == "none" || level == "low" || level == "medium" || level == "high");
    simdjson::dom::array types;
    EXPECT_EQ(signin["riskEventTypes_v2"].get_array().get(types), simdjson::SUCCESS);
  }
  // One user, all from one address within an hour: still learning, so no detections.
  EXPECT_TRUE(ReadLines(dir.path() / "out" / "riskDetections.ndjson").empty());
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "riskyUsers.ndjson"));
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "riskyUserHistory.ndjson"));
}

TEST(ReplaySamplesTest, CsvWithoutTimestampColumnIsReportedWithFileAndReason) {
  const std::string input =
      SharedDataset("azure-sentinel-training-lab-signinlogs/disable_accounts.csv");
  SKIP_UNLESS_EXISTS(input);
  TempDir dir("disabled");
  auto stopped =
      RunIdguard("replay --quiet --no-store --input " + input + " --out " + (dir / "out"));
  EXPECT_EQ(stopped.exitCode, 2) << stopped.output;
  EXPECT_NE(stopped.output.find("disable_accounts.csv:1"), std::string::npos) << stopped.output;
  EXPECT_NE(stopped.output.find("CreatedDateTime"), std::string::npos) << stopped.output;

  auto skipped = RunIdguard("replay --quiet --no-store --skip-invalid --input " + input +
                            " --out " + (dir / "out2"));
  ASSERT_EQ(skipped.exitCode, 0) << skipped.output;
  const auto rejects = ReadLines(dir.path() / "out2" / "rejects.ndjson");
  EXPECT_EQ(rejects.size(), 4u);
  EXPECT_NE(rejects.front().find("\"file\""), std::string::npos);
  EXPECT_NE(rejects.front().find("\"line\""), std::string::npos);
}

TEST(ReplaySamplesTest, DiagnosticSettingsRecordsAllKindsAndNonSignInCategories) {
  const std::string dir_path = SharedDataset("elastic-integrations-azure-identity/");
  SKIP_UNLESS_EXISTS(dir_path + "test-signinlogs-raw.log");
  TempDir dir("diagnostic");
  std::string inputs;
  for (const char* name : {"test-signinlogs-sample.log", "test-signinlogs-raw.log",
                           "test-service-principal-signinlogs-sample.log",
                           "test-userriskevents-raw.log", "test-rickyusers-raw.log"}) {
    inputs += " --input " + dir_path + name;
  }
  // Without --skip-invalid the risk-event records stop the run, naming file and line.
  auto stopped = RunIdguard("replay --quiet --no-store" + inputs + " --out " + (dir / "stop"));
  EXPECT_EQ(stopped.exitCode, 2);
  EXPECT_NE(stopped.output.find("test-userriskevents-raw.log:1"), std::string::npos)
      << stopped.output;
  EXPECT_NE(stopped.output.find("UserRiskEvents is not a sign-in log"), std::string::npos);

  auto result = RunIdguard("replay --skip-invalid" + inputs + " --db " + (dir / "db.sqlite") +
                           " --out " + (dir / "out") + DataDirArgument());
  ASSERT_EQ(result.exitCode, 0) << result.output;
  // 2 + 5 + 7 sign-in records; the 4 risk records are rejected with their category. The five
  // raw records (one per sign-in category) share one id, so four of them are duplicates.
  const auto sign_ins = ReadLines(dir.path() / "out" / "signIns.ndjson");
  EXPECT_EQ(sign_ins.size(), 10u) << result.output;
  const auto rejects = ReadLines(dir.path() / "out" / "rejects.ndjson");
  ASSERT_EQ(rejects.size(), 4u);
  EXPECT_NE(rejects[0].find("UserRiskEvents is not a sign-in log"), std::string::npos)
      << rejects[0];
  EXPECT_NE(rejects[3].find("RiskyUsers is not a sign-in log"), std::string::npos) << rejects[3];
  std::size_t service_principal = 0;
  for (const auto& line : sign_ins) {
    if (line.find("\"signInEventTypes\":[\"servicePrincipal\"]") != std::string::npos) {
      ++service_principal;
    }
  }
  EXPECT_EQ(service_principal, 7u);
  EXPECT_NE(result.output.find("duplicates skipped:  4"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("sign-ins processed:  10"), std::string::npos) << result.output;
}

TEST(ReplaySamplesTest, OktaSystemLogSampleBecomesSignInsAndSkipsOtherEvents) {
  const std::string input = SharedDataset("okta-sentinel-playground/Okta_CL.json");
  SKIP_UNLESS_EXISTS(input);
  if (!HaveGeoData()) GTEST_SKIP() << "GeoIP/ASN data not installed (run scripts/setup)";
  TempDir dir("okta");
  auto result = RunIdguard("replay --input " + input + " --no-store --out " + (dir / "out") +
                           DataDirArgument());
  ASSERT_EQ(result.exitCode, 0) << result.output;
  // 593 events: 89 sign-in events, of which the export repeats most rows (26 distinct ids), and
  // 504 directory, policy and session events that are not sign-ins.
  EXPECT_NE(result.output.find("other events:        504 (not sign-ins; skipped)"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("duplicates skipped:  63"), std::string::npos) << result.output;
  const auto sign_ins = ReadLines(dir.path() / "out" / "signIns.ndjson");
  ASSERT_EQ(sign_ins.size(), 26u);
  simdjson::dom::parser parser;
  int wrong_password = 0;
  for (const auto& line : sign_ins) {
    simdjson::dom::element signin;
    ASSERT_EQ(parser.parse(line).get(signin), simdjson::SUCCESS) << line;
    std::string_view upn;
    ASSERT_EQ(signin["userPrincipalName"].get_string().get(upn), simdjson::SUCCESS);
    EXPECT_NE(upn.find('@'), std::string_view::npos) << line;
    std::int64_t code = -1;
    ASSERT_EQ(signin["status"]["errorCode"].get_int64().get(code), simdjson::SUCCESS);
    if (code == 50126) ++wrong_password;
  }
  EXPECT_EQ(wrong_password, 4);  // user55 three times from 65.65.65.65, user88 once
}

TEST(ReplaySamplesTest, MalformedRecordStopsWithFileLineAndReason) {
  TempDir dir("malformed");
  {
    std::ofstream input(dir / "bad.ndjson");
    input
        << R"({"id":"a","createdDateTime":"2024-01-01T00:00:00Z","userId":"u","ipAddress":"81.2.69.144"})"
           "\n";
    input << R"({"id":"b","createdDateTime":"not a date","userId":"u"})"
             "\n";
  }
  auto result = RunIdguard("replay --quiet --no-store --input " + (dir / "bad.ndjson") + " --out " +
                           (dir / "out"));
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_NE(result.output.find("bad.ndjson:2"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("createdDateTime"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace idguard::e2e
