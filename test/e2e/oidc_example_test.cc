// The OIDC integration example (integrations/oidc/idguard_login.mjs) run as its users would run
// it, with Node against a running `idguard serve`: an allowed login gets its code, an MFA demand
// is met and reported, a blocked user is refused, and an unreachable idguard fails closed, or
// open when asked, except for users idguard answered with fail mode "closed".
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "e2e/e2e_support.h"
#include "idguard/store/report_reader.h"

namespace idguard {
namespace {

class OidcExampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("node --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "node is missing";
    if (!e2e::HaveGeoData()) GTEST_SKIP() << "GeoIP data missing: run scripts/setup";
    dir_ = std::make_unique<e2e::TempDir>("oidc");
    db_ = *dir_ / "store.db";
    tokenFile_ = e2e::CreateTokenFile(*dir_, db_, "identity-provider");
    std::ofstream(*dir_ / "users.ndjson")
        << R"({"id":"bob","userPrincipalName":"bob@contoso.example","isMfaRegistered":true})"
        << "\n";
    e2e::StorePolicies(db_, {e2e::UserPolicy("Block mallory", "mallory", "block"),
                             e2e::UserPolicy("MFA for bob", "bob", "mfa"),
                             R"({"displayName":"Carol fails closed","state":"enabled",
                                 "conditions":{"users":{"includeUsers":["carol"]},
                                   "applications":{"includeApplications":["All"]},
                                   "signInRiskLevels":["high"]},
                                 "grantControls":{"operator":"OR","builtInControls":["mfa"]},
                                 "sessionControls":{"disableResilienceDefaults":true}})"});
    server_ = e2e::StartServeProcess(
        *dir_, db_, "--directory " + (*dir_ / "users.ndjson") + e2e::DataDirArgument());
    ASSERT_FALSE(server_.url.empty());
  }

  // Runs one login; returns the exit code and the JSON lines it printed.
  e2e::CommandResult Login(const std::string& user, const std::string& extra = "",
                           const std::string& url = "") {
    const std::string command = "node " + std::string(IDGUARD_SOURCE_DIR) +
                                "/integrations/oidc/idguard_login.mjs --url " +
                                (url.empty() ? server_.url : url) + " --token-file " + tokenFile_ +
                                " --user " + user + " --ip 81.2.69.160 " + extra;
    return e2e::RunCommand(command);
  }

  std::unique_ptr<e2e::TempDir> dir_;
  std::string db_;
  std::string tokenFile_;
  e2e::ServeProcess server_;
};

TEST_F(OidcExampleTest, AllowedLoginGetsItsCodeAndReportsCompleted) {
  auto login = Login("alice");
  EXPECT_EQ(login.exitCode, 0) << login.output;
  EXPECT_NE(login.output.find(R"("step":"evaluate")"), std::string::npos) << login.output;
  EXPECT_NE(login.output.find(R"("decision":"allow")"), std::string::npos) << login.output;
  EXPECT_NE(login.output.find(R"("outcome":"completed")"), std::string::npos) << login.output;
  EXPECT_NE(login.output.find(R"({"step":"result","issued":true})"), std::string::npos)
      << login.output;
}

TEST_F(OidcExampleTest, MfaDemandIsChallengedAndItsResultReported) {
  auto passed = Login("bob", "--mfa passed");
  EXPECT_EQ(passed.exitCode, 0) << passed.output;
  EXPECT_NE(passed.output.find(R"("decision":"mfa")"), std::string::npos) << passed.output;
  EXPECT_NE(passed.output.find(R"("outcome":"mfaPassed")"), std::string::npos) << passed.output;
  // idguard answered the outcome with the sign-in's state (no error member).
  EXPECT_EQ(passed.output.find(R"("error")"), std::string::npos) << passed.output;
  auto denied = Login("bob", "--mfa denied");
  EXPECT_EQ(denied.exitCode, 1) << denied.output;
  EXPECT_NE(denied.output.find(R"("outcome":"mfaDenied")"), std::string::npos) << denied.output;
  EXPECT_NE(denied.output.find(R"("issued":false,"error":"access_denied")"), std::string::npos)
      << denied.output;
}

TEST_F(OidcExampleTest, BlockedUserIsRefusedAndUnreachableIdguardFailsClosed) {
  auto blocked = Login("mallory");
  EXPECT_EQ(blocked.exitCode, 1) << blocked.output;
  EXPECT_NE(blocked.output.find(R"("decision":"block")"), std::string::npos) << blocked.output;
  auto closed = Login("alice", "--timeout-ms 500", "http://127.0.0.1:1");
  EXPECT_EQ(closed.exitCode, 1) << closed.output;
  EXPECT_NE(closed.output.find("failing closed"), std::string::npos) << closed.output;
  auto open = Login("alice", "--fail open --timeout-ms 500", "http://127.0.0.1:1");
  EXPECT_EQ(open.exitCode, 0) << open.output;
}

TEST_F(OidcExampleTest, DuringAnOutageUsersAnsweredClosedAreRefused) {
  const std::string kept = *dir_ / "fail-modes.json";
  const std::string keep = "--fail-modes " + kept;
  ASSERT_EQ(Login("carol", keep).exitCode, 0);
  ASSERT_EQ(Login("alice", keep).exitCode, 0);
  // Each run writes the kept modes aside and renames them into place: nothing is left over.
  EXPECT_EQ(e2e::FilesIn(dir_->path(), ".pending").size(), 0U);
  const std::string nowhere = "http://127.0.0.1:1";
  auto carol = Login("carol", keep + " --fail open --timeout-ms 500", nowhere);
  EXPECT_EQ(carol.exitCode, 1) << "carol's policy disables resilience defaults\n" << carol.output;
  EXPECT_NE(carol.output.find("failing closed (a policy covers this user"), std::string::npos)
      << carol.output;
  // Alice was answered "open": the provider's default decides, either way.
  auto alice_open = Login("alice", keep + " --fail open --timeout-ms 500", nowhere);
  EXPECT_EQ(alice_open.exitCode, 0) << alice_open.output;
  auto alice_closed = Login("alice", keep + " --fail closed --timeout-ms 500", nowhere);
  EXPECT_EQ(alice_closed.exitCode, 1) << alice_closed.output;
  EXPECT_NE(alice_closed.output.find("failing closed (the provider's default)"), std::string::npos)
      << alice_closed.output;
}

// Two logins at once, each with its own view of the kept pairs: neither's change is lost to the
// other's write.
TEST_F(OidcExampleTest, TwoLoginsKeepingFailModesAtOnceLoseNeitherChange) {
  const std::string kept = *dir_ / "fail-modes.json";
  const std::string script =
      std::string(IDGUARD_SOURCE_DIR) + "/integrations/oidc/idguard_login.mjs";
  const std::string program =
      "import { failModesInFile } from '" + script +
      "';"
      "const first = failModesInFile('" +
      kept + "'), second = failModesInFile('" + kept +
      "');"
      "first.set('client|carol', { at: 1 }); second.set('client|dave', { at: 2 });"
      "first.set('client|erin', { at: 3 }); second.delete('client|erin');"
      "console.log(JSON.stringify(['client|carol', 'client|dave', 'client|erin']"
      ".map((key) => first.get(key)?.at ?? null)));";
  const e2e::CommandResult run = e2e::RunCommand("node --input-type=module -e \"" + program + "\"");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_NE(run.output.find("[1,2,null]"), std::string::npos) << run.output;
  std::ifstream file(kept);
  const std::string stored((std::istreambuf_iterator<char>(file)), {});
  EXPECT_NE(stored.find("client|carol"), std::string::npos) << stored;
  EXPECT_NE(stored.find("client|dave"), std::string::npos) << stored;
  EXPECT_EQ(stored.find("client|erin"), std::string::npos) << stored;
}

}  // namespace
}  // namespace idguard
