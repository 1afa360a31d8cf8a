// The serve and token commands as a user runs them: tokens are printed once and listed without
// their secret, bad roles and bad settings are refused with the reason, and revoked tokens stop
// working.
#include <gtest/gtest.h>

#include <fstream>

#include "e2e/e2e_support.h"

namespace idguard::e2e {
namespace {

TEST(ServeCommandTest, TokensArePrintedOnceListedWithoutSecretAndRevocable) {
  TempDir dir("tokens");
  const std::string db = dir / "store.db";
  CommandResult created =
      RunIdguard("token create --db " + db + " --name soc --role security-reader");
  ASSERT_EQ(created.exitCode, 0) << created.output;
  const std::string token = created.output.substr(0, created.output.find('\n'));
  EXPECT_EQ(token.rfind("idg_", 0), 0U);
  EXPECT_EQ(token.size(), 47U);  // idg_ + 43 base64url characters of 32 random bytes

  CommandResult listed = RunIdguard("token list --db " + db);
  ASSERT_EQ(listed.exitCode, 0) << listed.output;
  EXPECT_NE(listed.output.find("\tsoc\tsecurity-reader\t"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("\tactive"), std::string::npos);
  EXPECT_EQ(listed.output.find(token), std::string::npos);
  EXPECT_EQ(ReadFile(db).find(token), std::string::npos);
  EXPECT_EQ(ReadFile(db + "-wal").find(token), std::string::npos);

  const std::string id = listed.output.substr(
      listed.output.find('\n') + 1,
      listed.output.find('\t', listed.output.find('\n')) - listed.output.find('\n') - 1);
  CommandResult revoked = RunIdguard("token revoke --db " + db + " --id " + id);
  ASSERT_EQ(revoked.exitCode, 0) << revoked.output;
  EXPECT_NE(RunIdguard("token list --db " + db).output.find("\trevoked"), std::string::npos);
  CommandResult unknown = RunIdguard("token revoke --db " + db + " --id nope");
  EXPECT_NE(unknown.exitCode, 0);
  EXPECT_NE(unknown.output.find("no API token has the id 'nope'"), std::string::npos);
}

TEST(ServeCommandTest, UnknownRolesAndSettingsAreRefusedWithTheReason) {
  TempDir dir("serve-settings");
  const std::string db = dir / "store.db";
  CommandResult role = RunIdguard("token create --db " + db + " --name x --role admin");
  EXPECT_EQ(role.exitCode, 2);
  EXPECT_NE(role.output.find("unknown role 'admin'; roles: global-reader, security-reader"),
            std::string::npos)
      << role.output;

  const std::string config = dir / "serve.yaml";
  std::ofstream(config) << "listen: 127.0.0.1:0\nthreds: 2\n";
  CommandResult typo = RunIdguard("serve --db " + db + " --config " + config);
  EXPECT_EQ(typo.exitCode, 2);
  EXPECT_NE(typo.output.find("serve.yaml: unknown setting 'threds'"), std::string::npos)
      << typo.output;

  CommandResult listen = RunIdguard("serve --db " + db + " --listen localhost");
  EXPECT_EQ(listen.exitCode, 2);
  EXPECT_NE(listen.output.find("expected ADDRESS:PORT"), std::string::npos) << listen.output;

  CommandResult tls = RunIdguard("serve --db " + db + " --listen 127.0.0.1:0 --tls-cert " + config);
  EXPECT_NE(tls.exitCode, 0);
  EXPECT_NE(tls.output.find("TLS needs both a certificate file and a key file"), std::string::npos)
      << tls.output;
}

}  // namespace
}  // namespace idguard::e2e
