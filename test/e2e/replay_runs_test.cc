// Whole-run properties of `idguard replay` on a simulated tenant: byte-identical output across
// runs, idempotent re-ingestion, and a kill -9 in the middle that a re-run completes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "e2e/e2e_support.h"

namespace idguard::e2e {
namespace {

namespace fs = std::filesystem;

std::int64_t CountRows(const std::string& db, const std::string& table) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);  // SQLite allocates a handle even when opening fails
    return -1;
  }
  sqlite3_stmt* statement = nullptr;
  std::int64_t count = -1;
  const std::string sql = "SELECT COUNT(*) FROM " + table;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    count = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return count;
}

// Every row `sql` returns, columns as text (blobs as hex) separated by tabs, one row per line.
std::string ReadRows(const std::string& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    return "cannot open " + db;
  }
  sqlite3_stmt* statement = nullptr;
  std::string rows;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    rows = std::string("cannot prepare: ") + sqlite3_errmsg(handle);
  }
  while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(statement); ++c) {
      const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(statement, c));
      const int size = sqlite3_column_bytes(statement, c);
      static constexpr char kHex[] = "0123456789abcdef";
      for (int i = 0; i < size; ++i) {
        rows += kHex[bytes[i] >> 4];
        rows += kHex[bytes[i] & 15];
      }
      rows += '\t';
    }
    rows += '\n';
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return rows;
}

std::string IntegrityCheck(const std::string& db) {
  sqlite3* handle = nullptr;
  if (sqlite3_open(db.c_str(), &handle) != SQLITE_OK) {
    sqlite3_close(handle);
    return "cannot open";
  }
  sqlite3_stmt* statement = nullptr;
  std::string answer = "no answer";
  if (sqlite3_prepare_v2(handle, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    answer = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return answer;
}

class ReplayRunsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HaveGeoData()) return;
    tenant_ = new TempDir("tenant");
    auto result = RunIdguard("simulate --users 300 --days 20 --seed 11 --out " + (*tenant_ / "t") +
                             DataDirArgument());
    if (result.exitCode != 0) setup_error_ = "idguard simulate failed: " + result.output;
  }
  static void TearDownTestSuite() {
    delete tenant_;
    tenant_ = nullptr;
  }
  void SetUp() override {
    if (tenant_ == nullptr) GTEST_SKIP() << "GeoIP/ASN data not installed (run scripts/setup)";
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }
  static std::string Inputs() {
    return " --input " + (*tenant_ / "t/signIns.ndjson") + " --directory " +
           (*tenant_ / "t/users.ndjson") + " --named-locations " +
           (*tenant_ / "t/namedLocations.json") + DataDirArgument();
  }
  static TempDir* tenant_;
  static std::string setup_error_;
};
TempDir* ReplayRunsTest::tenant_ = nullptr;
std::string ReplayRunsTest::setup_error_;

TEST_F(ReplayRunsTest, TwoRunsGiveByteIdenticalOutput) {
  TempDir dir("identical");
  auto first =
      RunIdguard("replay --quiet" + Inputs() + " --db " + (dir / "a.db") + " --out " + (dir / "a"));
  ASSERT_EQ(first.exitCode, 0) << first.output;
  auto second =
      RunIdguard("replay --quiet" + Inputs() + " --db " + (dir / "b.db") + " --out " + (dir / "b"));
  ASSERT_EQ(second.exitCode, 0) << second.output;
  for (const char* name : {"signIns.ndjson", "riskDetections.ndjson", "riskyUsers.ndjson",
                           "riskyUserHistory.ndjson"}) {
    const std::string a = ReadFile(dir.path() / "a" / name);
    EXPECT_FALSE(a.empty()) << name;
    EXPECT_EQ(a, ReadFile(dir.path() / "b" / name)) << name << " differs between runs";
  }
  EXPECT_GT(ReadLines(dir.path() / "a" / "riskDetections.ndjson").size(), 0u);
}

TEST_F(ReplayRunsTest, ReingestingNeverDuplicates) {
  TempDir dir("reingest");
  const std::string db = dir / "db";
  auto first = RunIdguard(
      "replay --quiet --retention-signins-days 3650 --retention-detections-days 3650"
      " --retention-history-days 3650" +
      Inputs() + " --db " + db + " --out " + (dir / "a"));
  ASSERT_EQ(first.exitCode, 0) << first.output;
  const auto sign_ins = CountRows(db, "signins");
  const auto detections = CountRows(db, "detections");
  const auto history = CountRows(db, "risky_user_history");
  EXPECT_EQ(static_cast<std::size_t>(sign_ins),
            ReadLines(dir.path() / "a" / "signIns.ndjson").size());
  auto again = RunIdguard("replay" + Inputs() + " --db " + db + " --out " + (dir / "b"));
  ASSERT_EQ(again.exitCode, 0) << again.output;
  EXPECT_NE(again.output.find("duplicates skipped:  " + std::to_string(sign_ins)),
            std::string::npos)
      << again.output;
  EXPECT_EQ(CountRows(db, "signins"), sign_ins);
  EXPECT_EQ(CountRows(db, "detections"), detections);
  EXPECT_EQ(CountRows(db, "risky_user_history"), history);
}

TEST_F(ReplayRunsTest, KillNineMidReplayThenRerunCompletes) {
  TempDir dir("crash");
  const std::string clean_db = dir / "clean.db";
  const std::string crash_db = dir / "crash.db";
  const std::string keep =
      " --retention-signins-days 3650 --retention-detections-days 3650"
      " --retention-history-days 3650 --batch-size 2000";
  auto clean = RunIdguard("replay --quiet" + keep + Inputs() + " --db " + clean_db + " --out " +
                          (dir / "c"));
  ASSERT_EQ(clean.exitCode, 0) << clean.output;

  // Crash a replay with SIGKILL half-way through writing its third batch: two batches are
  // committed and the third is in flight. Profiles are checkpointed every eighth batch (the
  // default), so the two committed batches hold no profiles: the re-run must learn them again.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string command = std::string(IDGUARD_BINARY) + " replay --quiet" + keep + Inputs() +
                                " --db " + crash_db + " --out " + (dir / "k") + " >/dev/null 2>&1";
    setenv("IDGUARD_CRASH_AT", "inside-store-batch:3", 1);
    execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the replay was not killed inside its third batch (wait status " << status << ")";
  EXPECT_EQ(IntegrityCheck(crash_db), "ok");
  const auto partial = CountRows(crash_db, "signins");
  EXPECT_EQ(partial, 2 * 2000) << "exactly the two committed batches survive the kill";
  auto rerun =
      RunIdguard("replay" + keep + Inputs() + " --db " + crash_db + " --out " + (dir / "r"));
  ASSERT_EQ(rerun.exitCode, 0) << rerun.output;
  EXPECT_NE(rerun.output.find("re-learned:          4000 "), std::string::npos) << rerun.output;
  EXPECT_EQ(IntegrityCheck(crash_db), "ok");
  for (const char* table :
       {"signins", "detections", "risky_users", "risky_user_history", "profiles"}) {
    EXPECT_EQ(CountRows(crash_db, table), CountRows(clean_db, table)) << table;
  }
  // Not only as many rows: the same learned state and the same judgements as a clean run.
  for (const char* query :
       {"SELECT user_id, blob FROM profiles ORDER BY user_id",
        "SELECT value FROM engine_state WHERE key = 'organizationProfile'",
        "SELECT key, value FROM engine_state WHERE key LIKE 'detector.%' ORDER BY key",
        "SELECT id, risk_level, risk_state FROM detections ORDER BY id",
        "SELECT id, risk_level_aggregated, risk_event_types FROM signins ORDER BY id",
        "SELECT json FROM risky_users ORDER BY id"}) {
    const std::string clean_rows = ReadRows(clean_db, query);
    EXPECT_FALSE(clean_rows.empty()) << query;
    EXPECT_TRUE(clean_rows == ReadRows(crash_db, query)) << query << " differs after the re-run";
  }
}

TEST_F(ReplayRunsTest, AnonymizerFeedFlagsTheListedAddressAndABadFeedStopsTheRun) {
  TempDir dir("feeds");
  // List the address of the first successful sign-in, whatever the simulator chose.
  std::string address;
  for (const std::string& line : ReadLines(*tenant_ / "t/signIns.ndjson")) {
    if (line.find("\"errorCode\":0") == std::string::npos) continue;
    const auto key = line.find("\"ipAddress\":\"");
    if (key == std::string::npos) continue;
    const auto begin = key + 13;
    address = line.substr(begin, line.find('"', begin) - begin);
    break;
  }
  ASSERT_FALSE(address.empty());
  const std::string feed = dir / "tor.netset";
  std::ofstream(feed) << "# test list\n" << address << "\n";
  auto run = RunIdguard("replay" + Inputs() + " --feed anonymizer=" + feed + " --no-store --out " +
                        (dir / "a"));
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_NE(run.output.find("feed anonymizer: 1 entries"), std::string::npos) << run.output;
  std::size_t flagged = 0;
  for (const std::string& line : ReadLines(dir.path() / "a" / "riskDetections.ndjson")) {
    if (line.find("\"riskEventType\":\"anonymizedIPAddress\"") == std::string::npos) continue;
    ++flagged;
    EXPECT_NE(line.find("\"ipAddress\":\"" + address + "\""), std::string::npos) << line;
  }
  EXPECT_GT(flagged, 0u) << "no anonymizedIPAddress detection for " << address;

  std::ofstream(feed) << "# test list\n" << address << "/99\n";
  auto bad = RunIdguard("replay" + Inputs() + " --feed anonymizer=" + feed + " --no-store --out " +
                        (dir / "b"));
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.output.find(feed + ":2: '" + address + "/99' is not an IP address or CIDR range"),
            std::string::npos)
      << bad.output;
}

// The value of a string field in a one-line JSON object, or "" when absent.
std::string Field(const std::string& line, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto at = line.find(key);
  if (at == std::string::npos) return "";
  const auto begin = at + key.size();
  return line.substr(begin, line.find('"', begin) - begin);
}

TEST_F(ReplayRunsTest, LeakedCredentialsMatchOnlyTheCurrentPassword) {
  TempDir dir("leaks");
  const auto users = ReadLines(*tenant_ / "t/users.ndjson");
  ASSERT_GE(users.size(), 2u);
  const std::string current = Field(users[0], "userPrincipalName");
  const std::string changed = Field(users[1], "userPrincipalName");
  const std::string hash = Field(users[0], "passwordHashSha1");
  ASSERT_EQ(hash.size(), 40u) << users[0];
  ASSERT_NE(Field(users[1], "passwordHashSha1"), std::string(40, 'a'));
  const std::string feed = dir / "leaks.ndjson";
  std::ofstream(feed) << R"({"userPrincipalName":")" << current << R"(","passwordHashSha1":")"
                      << hash << R"(","source":"paste site"})"
                      << "\n"
                      << R"({"userPrincipalName":")" << changed << R"(","passwordHashSha1":")"
                      << std::string(40, 'a') << R"("})"
                      << "\n"
                      << R"({"userPrincipalName":"nobody@elsewhere.example","passwordHashNtlm":")"
                      << std::string(32, 'b') << R"("})"
                      << "\n";
  auto run = RunIdguard("replay" + Inputs() + " --feed leaked-credentials=" + feed +
                        " --no-store --out " + (dir / "a"));
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_NE(run.output.find("3 pairs checked, 1 match a current password, 1 stale, 1 unknown"),
            std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find(hash), std::string::npos) << "a password hash was logged";
  std::vector<std::string> leaked;
  for (const std::string& line : ReadLines(dir.path() / "a" / "riskDetections.ndjson")) {
    if (line.find("\"riskEventType\":\"leakedCredentials\"") != std::string::npos) {
      leaked.push_back(line);
    }
  }
  ASSERT_EQ(leaked.size(), 1u);
  EXPECT_EQ(Field(leaked[0], "userPrincipalName"), current);
  EXPECT_EQ(Field(leaked[0], "riskLevel"), "high");
  EXPECT_EQ(Field(leaked[0], "activity"), "user");
  EXPECT_EQ(leaked[0].find(hash), std::string::npos) << "the hash leaked into the detection";
  bool high_user = false;
  for (const std::string& line : ReadLines(dir.path() / "a" / "riskyUsers.ndjson")) {
    if (Field(line, "userPrincipalName") == current) high_user = Field(line, "riskLevel") == "high";
  }
  EXPECT_TRUE(high_user) << current << " is not a high-risk user";

  auto no_directory =
      RunIdguard("replay --input " + (*tenant_ / "t/signIns.ndjson") + DataDirArgument() +
                 " --feed leaked-credentials=" + feed + " --no-store --out " + (dir / "b"));
  EXPECT_NE(no_directory.exitCode, 0);
  EXPECT_NE(no_directory.output.find("needs --directory"), std::string::npos)
      << no_directory.output;
  std::ofstream(feed) << R"({"userPrincipalName":"x@y.example"})"
                      << "\n";
  auto bad = RunIdguard("replay" + Inputs() + " --feed leaked-credentials=" + feed +
                        " --no-store --out " + (dir / "c"));
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.output.find(feed + ":1: one of passwordHashSha1 or passwordHashNtlm is required"),
            std::string::npos)
      << bad.output;
}

TEST_F(ReplayRunsTest, ImportedDetectionsCountTowardUserRiskFromTheirDetectionTime) {
  TempDir dir("imported");
  const auto users = ReadLines(*tenant_ / "t/users.ndjson");
  ASSERT_GE(users.size(), 4u);
  const auto sign_ins = ReadLines(*tenant_ / "t/signIns.ndjson");
  ASSERT_FALSE(sign_ins.empty());
  const std::string when = Field(sign_ins[sign_ins.size() / 2], "createdDateTime");
  const std::string confirmed = Field(users[2], "id");
  const std::string future = Field(users[3], "id");
  const std::string dismissed = Field(users[0], "id");
  const std::string detections = dir / "detections.ndjson";
  // Legacy riskType 9 (adminConfirmedUserCompromised), an unknown future type, a dismissed
  // detection, and a service-principal detection in the diagnostic-settings shape.
  std::ofstream(detections)
      << R"({"id":"imp-1","riskType":9,"userId":")" << confirmed << R"(","detectedDateTime":")"
      << when << R"("})"
      << "\n"
      << R"({"id":"imp-2","riskEventType":"futureThing","riskLevel":"medium","userId":")" << future
      << R"(","detectedDateTime":")" << when << R"("})"
      << "\n"
      << R"({"id":"imp-3","riskEventType":"dismissedThing","riskLevel":"high",)"
      << R"("riskState":"dismissed","userId":")" << dismissed << R"(","detectedDateTime":")" << when
      << R"("})"
      << "\n"
      << R"({"time":")" << when << R"(","category":"ServicePrincipalRiskEvents","properties":)"
      << R"({"id":"imp-4","riskEventType":"suspiciousSignins","riskLevel":"high",)"
      << R"("servicePrincipalId":"sp-1"}})"
      << "\n"
      << R"({"id":"imp-1","riskType":9,"userId":")" << confirmed << R"(","detectedDateTime":")"
      << when << R"("})"
      << "\n";
  auto run = RunIdguard("replay" + Inputs() + " --detections " + detections + " --db " +
                        (dir / "db") + " --out " + (dir / "a"));
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_NE(run.output.find("imported detections: 4 of 5 records (0 rejected, 1 duplicates)"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("type dismissedThing is not in idguard's catalog"), std::string::npos);
  EXPECT_NE(run.output.find("type futureThing is not in idguard's catalog"), std::string::npos);

  std::map<std::string, std::string> imported;  // id → line
  for (const std::string& line : ReadLines(dir.path() / "a" / "riskDetections.ndjson")) {
    const std::string id = Field(line, "id");
    if (id.rfind("imp-", 0) == 0) imported[id] = line;
  }
  ASSERT_EQ(imported.size(), 4u);
  EXPECT_EQ(Field(imported["imp-1"], "riskEventType"), "adminConfirmedUserCompromised");
  EXPECT_EQ(Field(imported["imp-1"], "riskLevel"), "high");
  EXPECT_EQ(Field(imported["imp-1"], "detectedDateTime"), when);
  EXPECT_EQ(Field(imported["imp-3"], "riskState"), "dismissed");
  EXPECT_EQ(Field(imported["imp-4"], "activity"), "servicePrincipal");
  EXPECT_EQ(CountRows(dir / "db", "detections WHERE id LIKE 'imp-%'"), 4);
  // The service principal's risk reaches the store as well as the output files.
  EXPECT_EQ(CountRows(dir / "db",
                      "risky_service_principals WHERE id = 'sp-1' AND "
                      "risk_level = 'high' AND risk_state = 'atRisk'"),
            1);
  EXPECT_EQ(CountRows(dir / "db", "risky_service_principal_history WHERE user_id = 'sp-1'"), 1);

  std::map<std::string, std::string> level;
  for (const std::string& line : ReadLines(dir.path() / "a" / "riskyUsers.ndjson")) {
    level[Field(line, "id")] = Field(line, "riskLevel");
  }
  EXPECT_EQ(level[confirmed], "high");
  EXPECT_FALSE(level.count("sp-1")) << "a service principal became a risky user";
  bool future_counted = false;
  for (const std::string& line : ReadLines(dir.path() / "a" / "riskyUserHistory.ndjson")) {
    EXPECT_EQ(line.find("dismissedThing"), std::string::npos) << "a dismissed detection counted";
    if (line.find("futureThing") != std::string::npos) {
      future_counted = true;
      EXPECT_EQ(Field(line, "riskLastUpdatedDateTime"), when) << line;
    }
  }
  EXPECT_TRUE(future_counted) << "the unknown type did not reach the user's risk history";

  // A malformed record stops the run naming file and line, or is set aside with --skip-invalid.
  std::ofstream(detections, std::ios::app)
      << R"({"id":"imp-9","riskEventType":"generic","riskLevel":"severe","userId":"u",)"
      << R"("detectedDateTime":")" << when << R"("})"
      << "\n";
  auto bad = RunIdguard("replay" + Inputs() + " --detections " + detections + " --no-store --out " +
                        (dir / "b"));
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.output.find(detections + ":6: field riskLevel: unknown value 'severe'"),
            std::string::npos)
      << bad.output;
  auto skipped = RunIdguard("replay" + Inputs() + " --detections " + detections +
                            " --skip-invalid --no-store --out " + (dir / "c"));
  ASSERT_EQ(skipped.exitCode, 0) << skipped.output;
  const auto rejects = ReadLines(dir.path() / "c" / "rejects.ndjson");
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(Field(rejects[0], "reason"), "field riskLevel: unknown value 'severe'");
}

}  // namespace
}  // namespace idguard::e2e
