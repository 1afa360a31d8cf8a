// pam_idguard's client code: its arguments, the evaluate request it sends for a login and how it
// reads the answer. The module itself runs under pamtester in test/e2e/pam_module_test.cc.
#if defined(IDGUARD_PAM_CLIENT)
#include <gtest/gtest.h>
#include <simdjson.h>

#include "idguard_client.h"

namespace idguard::pam {
namespace {

std::optional<std::string> Parse(std::vector<const char*> words, ModuleOptions& options) {
  return ParseModuleOptions(static_cast<int>(words.size()), words.data(), options);
}

TEST(PamClientTest, ReadsItsArgumentsAndNamesTheBadOne) {
  ModuleOptions options;
  EXPECT_EQ(Parse({"url=https://idguard.example.com/", "token_file=/etc/idguard/pam.token",
                   "timeout_ms=750", "fail=open", "mfa=next", "upn_suffix=@example.com", "debug"},
                  options),
            std::nullopt);
  EXPECT_EQ(options.url, "https://idguard.example.com");
  EXPECT_EQ(options.timeout.count(), 750);
  EXPECT_TRUE(options.failOpen);
  EXPECT_TRUE(options.mfaNext);
  EXPECT_EQ(options.upnSuffix, "@example.com");

  ModuleOptions defaults;
  EXPECT_EQ(Parse({"url=http://127.0.0.1:8080", "token_file=t"}, defaults), std::nullopt);
  EXPECT_FALSE(defaults.failOpen) << "fails closed unless told";
  EXPECT_FALSE(defaults.mfaNext) << "denies an MFA demand unless a second factor follows";
  EXPECT_EQ(defaults.timeout.count(), 2000);
  EXPECT_EQ(defaults.failCacheDir, "") << "keeps no fail modes unless told where";

  ModuleOptions cached;
  EXPECT_EQ(Parse({"url=http://x", "token_file=t", "fail_cache=/var/cache/pam_idguard/",
                   "fail_cache_hours=12"},
                  cached),
            std::nullopt);
  EXPECT_EQ(cached.failCacheDir, "/var/cache/pam_idguard");
  EXPECT_EQ(cached.failCacheMaxAge, std::chrono::hours(12));

  const std::vector<std::pair<std::vector<const char*>, std::string>> bad = {
      {{"url=http://x", "token_file=t", "timeout_ms=0"}, "timeout_ms must be 1-60000, not '0'"},
      {{"url=http://x", "token_file=t", "fail=maybe"}, "fail must be open or closed"},
      {{"url=http://x", "token_file=t", "colour=red"}, "unknown argument 'colour=red'"},
      {{"url=http://x", "token_file=t", "fail_cache=var/cache"},
       "fail_cache must be an absolute directory path"},
      {{"url=http://x", "token_file=t", "fail_cache_hours=0"},
       "fail_cache_hours must be 1-8760, not '0'"},
      {{"token_file=t"}, "url=http(s)://HOST:PORT is required"},
      {{"url=http://x"}, "token_file=PATH is required"},
  };
  for (const auto& [words, error] : bad) {
    ModuleOptions fresh;
    EXPECT_EQ(Parse(words, fresh).value_or("accepted"), error);
  }
}

TEST(PamClientTest, RequestCarriesTheLoginAndEscapesWhatTheUserTyped) {
  LoginAttempt attempt;
  attempt.signInId = NewSignInId();
  attempt.createdDateTime = "2026-11-30T10:00:00Z";
  attempt.user = "eve\"},\"userId\":\"root";
  attempt.userPrincipalName = attempt.user + "@example.com";
  attempt.service = "sshd";
  attempt.remoteHost = "81.2.69.160";
  const std::string json = EvaluateRequestJson(attempt);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(root["userId"]), attempt.user) << "no member injection";
  EXPECT_EQ(std::string_view(root["ipAddress"]), "81.2.69.160");
  EXPECT_EQ(std::string_view(root["appDisplayName"]), "sshd");
  EXPECT_EQ(std::string_view(root["clientAppUsed"]), "Mobile Apps and Desktop clients");
  EXPECT_TRUE(bool(root["isInteractive"]));
  EXPECT_EQ(attempt.signInId.size(), 36U);
  EXPECT_EQ(attempt.signInId[14], '4') << "a version 4 UUID";
  EXPECT_NE(NewSignInId(), NewSignInId());

  // A host name (reverse DNS) is not an address: it is left out rather than sent as one.
  attempt.remoteHost = "attacker.example";
  ASSERT_EQ(parser.parse(EvaluateRequestJson(attempt)).get(root), simdjson::SUCCESS);
  EXPECT_EQ(root["ipAddress"].error(), simdjson::NO_SUCH_FIELD);
  attempt.remoteHost = "2001:db8::1";
  ASSERT_EQ(parser.parse(EvaluateRequestJson(attempt)).get(root), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(root["ipAddress"]), "2001:db8::1");
}

TEST(PamClientTest, ReadsTheDecision) {
  auto answer = ParseEvaluateAnswer(
      R"({"id":"x","decision":"mfa","reason":"sign-in risk high","riskLevelDuringSignIn":"high"})");
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->decision, Decision::mfa);
  EXPECT_EQ(answer->reason, "sign-in risk high");
  EXPECT_EQ(answer->riskLevel, "high");
  EXPECT_EQ(answer->failMode, "") << "an answer without a fail mode";
  EXPECT_EQ(ParseEvaluateAnswer(R"({"decision":"allow","failMode":"closed"})")->failMode, "closed");
  EXPECT_EQ(ParseEvaluateAnswer(R"({"decision":"allow","failMode":"ajar"})")->failMode, "");
  EXPECT_EQ(ParseEvaluateAnswer(R"({"decision":"allow"})")->decision, Decision::allow);
  EXPECT_EQ(ParseEvaluateAnswer(R"({"decision":"block"})")->decision, Decision::block);
  EXPECT_EQ(ParseEvaluateAnswer(R"({"decision":"passwordChange"})")->decision,
            Decision::passwordChange);
  EXPECT_FALSE(ParseEvaluateAnswer(R"({"decision":"maybe"})").has_value());
  EXPECT_FALSE(ParseEvaluateAnswer(R"({"error":{"code":"BadRequest"}})").has_value());
  EXPECT_FALSE(ParseEvaluateAnswer("not json").has_value());
}

}  // namespace
}  // namespace idguard::pam
#endif
