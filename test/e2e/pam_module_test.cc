// pam_idguard under the real PAM stack: pamtester (Debian) runs a PAM service file that stacks
// the module after a first factor, against a running `idguard serve`. Allowed logins pass and
// report their outcome; blocked users are refused; an MFA demand is denied, or handed to the next
// module (the second factor) and reported as mfaPassed when it passes; an unreachable server
// fails closed or open as configured.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "e2e/e2e_support.h"
#include "idguard/store/report_reader.h"

#if defined(IDGUARD_PAM_MODULE)
namespace idguard {
namespace {

constexpr const char* kPamtester = "/usr/bin/pamtester";

class PamModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPamtester, X_OK) != 0) GTEST_SKIP() << "pamtester is not installed";
    if (access("/etc/pam.d", W_OK) != 0) {
      GTEST_SKIP() << "writing a PAM service file to /etc/pam.d needs root";
    }
    if (!e2e::HaveGeoData()) GTEST_SKIP() << "GeoIP data missing: run scripts/setup";
    dir_ = std::make_unique<e2e::TempDir>("pam");
    db_ = *dir_ / "store.db";
    tokenFile_ = e2e::CreateTokenFile(*dir_, db_, "identity-provider");
    {
      std::ofstream users(*dir_ / "users.ndjson");
      users
          << R"({"id":"alice","userPrincipalName":"alice@contoso.example","isMfaRegistered":true})"
          << "\n"
          << R"({"id":"bob","userPrincipalName":"bob@contoso.example","isMfaRegistered":true})"
          << "\n"
          << R"({"id":"mallory","userPrincipalName":"mallory@contoso.example"})"
          << "\n";
    }
    e2e::StorePolicies(db_, {e2e::UserPolicy("Block mallory", "mallory", "block"),
                             e2e::UserPolicy("MFA for bob", "bob", "mfa")});
    server_ = e2e::StartServeProcess(
        *dir_, db_, "--directory " + (*dir_ / "users.ndjson") + e2e::DataDirArgument());
    ASSERT_FALSE(server_.url.empty());
    url_ = server_.url;
  }

  void TearDown() override {
    for (const std::string& service : services_) std::filesystem::remove("/etc/pam.d/" + service);
  }

  // Writes a PAM service: a first factor that always passes, the module, an optional second
  // factor, and the module in the account stack. Returns the service name.
  std::string Service(const std::string& arguments, const std::string& second_factor = "") {
    const std::string name =
        "idguard-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(services_.size());
    const std::string module = std::string(IDGUARD_PAM_MODULE) + " token_file=" + tokenFile_ +
                               " timeout_ms=3000 " + arguments;
    std::ofstream out("/etc/pam.d/" + name);
    out << "auth required pam_permit.so\n";
    out << "auth [success=1 ignore=ignore default=die] " << module << "\n";
    out << "auth required " << (second_factor.empty() ? "pam_deny.so" : second_factor) << "\n";
    // As Debian's common-account: pam_unix (here pam_permit) decides, idguard may refuse.
    out << "account required pam_permit.so\n";
    out << "account required " << module << "\n";
    services_.push_back(name);
    return name;
  }

  // `stages` "authenticate acct_mgmt" is a password login; "acct_mgmt" alone is sshd with a
  // public key, which skips the auth stack.
  e2e::CommandResult Login(const std::string& service, const std::string& user,
                           const std::string& stages = "authenticate acct_mgmt") {
    return e2e::RunCommand(std::string(kPamtester) + " -I rhost=81.2.69.160 " + service + " " +
                           user + " " + stages);
  }

  // Stops the server (it writes what it holds) and returns the user's evaluations: decision and
  // outcomes, oldest first.
  std::vector<EvaluationRecord> EvaluationsOf(const std::string& user) {
    server_.process.reset();
    std::vector<EvaluationRecord> found;
    auto reader = OpenSqliteReportReader(db_);
    EXPECT_TRUE(reader.ok());
    std::vector<std::string> ids;
    (void)(*reader)->ForEachSignInBetween(0, std::numeric_limits<EventTime>::max(), {},
                                          [&](const SignInColumnsView& row) {
                                            if (row.userId == user) ids.emplace_back(row.id);
                                            return Status::Ok();
                                          });
    reader->reset();
    auto store = OpenSqliteStore(db_);
    EXPECT_TRUE(store.ok());
    for (const std::string& id : ids) {
      auto record = (*store)->GetEvaluation(id);
      if (record.ok() && record->has_value()) found.push_back(**record);
    }
    return found;
  }

  std::unique_ptr<e2e::TempDir> dir_;
  std::string db_;
  std::string tokenFile_;
  std::string url_;
  e2e::ServeProcess server_;
  std::vector<std::string> services_;
};

TEST_F(PamModuleTest, AllowedLoginPassesAndReportsItsOutcome) {
  auto login = Login(Service("url=" + url_), "alice");
  EXPECT_EQ(login.exitCode, 0) << login.output;
  const auto evaluations = EvaluationsOf("alice");
  ASSERT_EQ(evaluations.size(), 1U);
  EXPECT_EQ(evaluations[0].decision, "allow");
  EXPECT_EQ(evaluations[0].outcomes, "completed");
  EXPECT_NE(evaluations[0].answer.find(R"("decision":"allow")"), std::string::npos);
}

TEST_F(PamModuleTest, BlockedUserIsRefused) {
  auto login = Login(Service("url=" + url_ + " mfa=next", "pam_permit.so"), "mallory");
  EXPECT_NE(login.exitCode, 0) << login.output;
  EXPECT_NE(login.output.find("Authentication failure"), std::string::npos) << login.output;
  const auto evaluations = EvaluationsOf("mallory");
  ASSERT_EQ(evaluations.size(), 1U);
  EXPECT_EQ(evaluations[0].decision, "block");
}

TEST_F(PamModuleTest, MfaDemandIsDeniedOrHandedToTheSecondFactor) {
  // mfa=deny: no second factor is consulted.
  auto denied = Login(Service("url=" + url_ + " mfa=deny", "pam_permit.so"), "bob");
  EXPECT_NE(denied.exitCode, 0) << denied.output;
  // mfa=next: the second factor decides; it fails here...
  auto failed = Login(Service("url=" + url_ + " mfa=next", "pam_deny.so"), "bob");
  EXPECT_NE(failed.exitCode, 0) << failed.output;
  // ...and passes here, and idguard hears that MFA passed.
  auto passed = Login(Service("url=" + url_ + " mfa=next", "pam_permit.so"), "bob");
  EXPECT_EQ(passed.exitCode, 0) << passed.output;
  const auto evaluations = EvaluationsOf("bob");
  ASSERT_EQ(evaluations.size(), 3U);
  std::vector<std::string> outcomes;
  for (const auto& evaluation : evaluations) {
    EXPECT_EQ(evaluation.decision, "mfa");
    outcomes.push_back(evaluation.outcomes);
  }
  std::sort(outcomes.begin(), outcomes.end());
  EXPECT_EQ(outcomes, (std::vector<std::string>{"", "abandoned", "mfaPassed"}))
      << "deny reports abandoned, the failed second factor reports nothing, the passed one "
         "mfaPassed";
}

TEST_F(PamModuleTest, UnreachableServerFailsClosedOrOpenAsConfigured) {
  const std::string nowhere = "url=http://127.0.0.1:1";
  auto closed = Login(Service(nowhere + " fail=closed"), "alice");
  EXPECT_NE(closed.exitCode, 0) << closed.output;
  // Open: idguard's vote is ignored and the rest of the stack decides (here: pam_deny as second
  // factor would refuse, so the open service has a passing second factor).
  auto open = Login(Service(nowhere + " fail=open", "pam_permit.so"), "alice");
  EXPECT_EQ(open.exitCode, 0) << open.output;
}

TEST_F(PamModuleTest, KeyBasedLoginsAreJudgedInTheAccountStage) {
  const std::string service = Service("url=" + url_ + " mfa=next", "pam_permit.so");
  auto alice = Login(service, "alice", "acct_mgmt");
  EXPECT_EQ(alice.exitCode, 0) << alice.output;
  auto mallory = Login(service, "mallory", "acct_mgmt");
  EXPECT_NE(mallory.exitCode, 0) << mallory.output;
  auto bob = Login(service, "bob", "acct_mgmt");
  EXPECT_NE(bob.exitCode, 0) << "no second factor can be asked for in the account stage\n"
                             << bob.output;
  const auto evaluations = EvaluationsOf("alice");
  ASSERT_EQ(evaluations.size(), 1U);
  EXPECT_EQ(evaluations[0].outcomes, "completed");
}

TEST_F(PamModuleTest, TokenFileReadableByOthersIsRefused) {
  chmod(tokenFile_.c_str(), 0644);
  auto login = Login(Service("url=" + url_), "alice");
  EXPECT_NE(login.exitCode, 0) << login.output;
}

}  // namespace
}  // namespace idguard
#endif
