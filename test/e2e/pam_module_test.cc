// pam_idguard under the real PAM stack: pamtester (Debian) runs a PAM service file that stacks
// the module after a first factor, against a running `idguard serve`. Allowed logins pass and
// report their outcome; blocked users are refused; an MFA demand is denied, or handed to the next
// module (the second factor) and reported as mfaPassed when it passes; a password change demand
// reaches the program and the change is reported; an unreachable or hanging server fails closed
// or open as configured, or, with fail_cache, as idguard's last answer for the user said.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "e2e/e2e_support.h"
#include "idguard/store/report_reader.h"

#if defined(IDGUARD_PAM_MODULE)
namespace idguard {
namespace {

constexpr const char* kPamtester = "/usr/bin/pamtester";
constexpr const char* kLeakedSha1 = "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8";

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
          << "\n"
          << R"({"id":"carol","userPrincipalName":"carol@contoso.example","isMfaRegistered":true})"
          << "\n"
          // Dora's password is in a breach feed: high user risk from the start.
          << R"({"id":"dora","userPrincipalName":"dora@contoso.example","isMfaRegistered":true,)"
          << R"("passwordHashSha1":")" << kLeakedSha1 << R"("})"
          << "\n";
      std::ofstream leaks(*dir_ / "leaks.ndjson");
      leaks << R"({"userPrincipalName":"dora@contoso.example","passwordHashSha1":")" << kLeakedSha1
            << R"("})"
            << "\n";
    }
    e2e::StorePolicies(db_,
                       {e2e::UserPolicy("Block mallory", "mallory", "block"),
                        e2e::UserPolicy("MFA for bob", "bob", "mfa"),
                        // Carol's logins must be refused while idguard cannot be asked.
                        R"({"displayName":"Carol: high sign-in risk, fail closed","state":"enabled",
             "conditions":{"users":{"includeUsers":["carol"]},
               "applications":{"includeApplications":["All"]},"signInRiskLevels":["high"]},
             "grantControls":{"operator":"OR","builtInControls":["mfa"]},
             "sessionControls":{"disableResilienceDefaults":true}})",
                        R"({"displayName":"High user risk: password change","state":"enabled",
             "conditions":{"users":{"includeUsers":["All"]},
               "applications":{"includeApplications":["All"]},"userRiskLevels":["high"]},
             "grantControls":{"operator":"AND","builtInControls":["mfa","passwordChange"]}})"});
    server_ = e2e::StartServeProcess(*dir_, db_,
                                     "--directory " + (*dir_ / "users.ndjson") +
                                         " --feed leaked-credentials=" + (*dir_ / "leaks.ndjson") +
                                         e2e::DataDirArgument());
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
    // As Debian's common-password: pam_unix (here pam_permit) changes it, idguard hears of it.
    out << "password required pam_permit.so\n";
    out << "password required " << module << "\n";
    services_.push_back(name);
    return name;
  }

  // `stages` "authenticate acct_mgmt" is a password login; "acct_mgmt" alone is sshd with a
  // public key, which skips the auth stack.
  e2e::CommandResult Login(const std::string& service, const std::string& user,
                           const std::string& stages = "authenticate acct_mgmt") {
    // `timeout`: a module that hung would show as exit code 124 instead of stopping the suite.
    return e2e::RunCommand("timeout 60 " + std::string(kPamtester) + " -I rhost=81.2.69.160 " +
                           service + " " + user + " " + stages);
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

  // Stops the server and returns the outcomes reported for each of the user's evaluations,
  // sorted; every evaluation must have had `decision`.
  std::vector<std::string> SortedOutcomesOf(const std::string& user, const std::string& decision) {
    std::vector<std::string> outcomes;
    for (const EvaluationRecord& evaluation : EvaluationsOf(user)) {
      EXPECT_EQ(evaluation.decision, decision);
      outcomes.push_back(evaluation.outcomes);
    }
    std::sort(outcomes.begin(), outcomes.end());
    return outcomes;
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
  EXPECT_EQ(SortedOutcomesOf("bob", "mfa"),
            (std::vector<std::string>{"", "abandoned", "mfaPassed"}))
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

TEST_F(PamModuleTest, AHangingServerFailsAfterTheTimeout) {
  // A socket that accepts connections (the kernel completes them) and never answers.
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  const std::unique_ptr<const int, void (*)(const int*)> closer(&listener,
                                                                [](const int* fd) { close(*fd); });
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 16), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string silent =
      "url=http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + " timeout_ms=300";
  auto closed = Login(Service(silent + " fail=closed"), "alice");
  EXPECT_NE(closed.exitCode, 0) << closed.output;
  EXPECT_NE(closed.exitCode, 124) << "the module waited past its timeout";
  auto open = Login(Service(silent + " fail=open", "pam_permit.so"), "alice");
  EXPECT_EQ(open.exitCode, 0) << open.output;
}

TEST_F(PamModuleTest, DuringAnOutageEachLoginFailsAsItsPoliciesSaid) {
  const std::string cache = *dir_ / "fail-modes";
  ASSERT_EQ(mkdir(cache.c_str(), 0700), 0);
  // The service fails open by default and remembers whom idguard's answers said to fail closed.
  const std::string service =
      Service("url=" + url_ + " fail=open fail_cache=" + cache, "pam_permit.so");
  ASSERT_EQ(Login(service, "carol").exitCode, 0);
  ASSERT_EQ(Login(service, "alice").exitCode, 0);
  std::ifstream carol_entry(cache + "/pam-" + service + ".carol");
  std::string kept;
  std::getline(carol_entry, kept);
  EXPECT_EQ(kept, "closed") << "carol's policy disables resilience defaults";
  EXPECT_FALSE(std::filesystem::exists(cache + "/pam-" + service + ".alice"))
      << "an open answer leaves alice to fail=";
  const std::string strict =
      Service("url=" + url_ + " fail=closed fail_cache=" + cache, "pam_permit.so");

  server_.process.reset();  // the outage
  auto carol = Login(service, "carol");
  EXPECT_NE(carol.exitCode, 0) << "the policy's fail mode wins over fail=open\n" << carol.output;
  auto alice = Login(service, "alice");
  EXPECT_EQ(alice.exitCode, 0) << "no policy asks alice's logins to fail closed\n" << alice.output;
  auto alice_strict = Login(strict, "alice");
  EXPECT_NE(alice_strict.exitCode, 0) << "where fail=closed, it decides for alice\n"
                                      << alice_strict.output;
}

TEST_F(PamModuleTest, APasswordChangeDemandReachesTheProgramAndTheChangeIsReported) {
  const std::string service = Service("url=" + url_ + " mfa=next", "pam_permit.so");
  // The account stage tells the program (login, sshd) that a new password is required...
  auto demanded = Login(service, "dora");
  EXPECT_NE(demanded.exitCode, 0) << demanded.output;
  EXPECT_NE(demanded.output.find("new one required"), std::string::npos) << demanded.output;
  // ...and once the password stack changed it, the module reports the change.
  auto changed = Login(service, "dora", "authenticate chauthtok");
  EXPECT_EQ(changed.exitCode, 0) << changed.output;

  EXPECT_EQ(SortedOutcomesOf("dora", "passwordChange"),
            (std::vector<std::string>{"mfaPassed", "passwordChanged"}));
  auto store = OpenSqliteStore(db_);
  ASSERT_TRUE(store.ok());
  std::string state;
  std::string detail;
  ASSERT_TRUE((*store)
                  ->ForEachRiskyUser([&](const RiskyUser& user) {
                    if (user.id != "dora") return;
                    state = ToString(user.riskState);
                    detail = ToString(user.riskDetail);
                  })
                  .ok());
  EXPECT_EQ(state, "remediated");
  EXPECT_EQ(detail, "userPerformedSecuredPasswordChange");
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
