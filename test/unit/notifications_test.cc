// Notification settings, who an alert names and who receives it, the mail and webhook formats,
// and the weekly digest over a real SQLite store.
#include <gtest/gtest.h>

#include <filesystem>

#include "export/notifications/risky_users_alert.h"
#include "idguard/core/digest.h"
#include "idguard/export/graph_json.h"
#include "idguard/export/mail.h"
#include "idguard/export/notification_settings.h"
#include "idguard/export/notifier.h"
#include "idguard/export/weekly_digest.h"
#include "unit/risk_store_conformance.h"

namespace idguard {
namespace {

using store_test::kDay;
using store_test::kNow;
using store_test::MakeFullSignIn;
using store_test::MakeRiskyUser;

constexpr const char* kFullSettings = R"({
  "riskyUsersAlert": {"isEnabled": true, "minimumRiskLevel": "medium",
                      "notifyRoleHolders": false, "recipients": ["soc@example.com"]},
  "weeklyDigest": {"isEnabled": false, "recipients": ["ciso@example.com"]},
  "webhooks": [{"id": "siem", "url": "https://siem.example.com/hook",
                "secret": "0123456789abcdef-secret", "eventTypes": ["riskyUser"],
                "minimumRiskLevel": "high"}]})";

TEST(NotificationSettingsTest, DefaultsAreTheEntraDefaults) {
  auto settings = ReadNotificationSettingsJson("{}", NotificationSettings{});
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_TRUE(settings->riskyUsersAlert.isEnabled);
  EXPECT_EQ(settings->riskyUsersAlert.minimumRiskLevel, RiskLevel::high);
  EXPECT_TRUE(settings->riskyUsersAlert.notifyRoleHolders);
  EXPECT_TRUE(settings->weeklyDigest.isEnabled);
  EXPECT_TRUE(settings->webhooks.empty());
}

TEST(NotificationSettingsTest, ReadsEveryMemberAndHidesSecretsWhenShown) {
  auto settings = ReadNotificationSettingsJson(kFullSettings, NotificationSettings{});
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_EQ(settings->riskyUsersAlert.minimumRiskLevel, RiskLevel::medium);
  EXPECT_FALSE(settings->riskyUsersAlert.notifyRoleHolders);
  EXPECT_EQ(settings->riskyUsersAlert.recipients, std::vector<std::string>{"soc@example.com"});
  EXPECT_FALSE(settings->weeklyDigest.isEnabled);
  ASSERT_EQ(settings->webhooks.size(), 1U);
  const WebhookSettings& hook = settings->webhooks[0];
  EXPECT_EQ(hook.secret, "0123456789abcdef-secret");
  EXPECT_TRUE(hook.Wants(WebhookEventType::riskyUser));
  EXPECT_FALSE(hook.Wants(WebhookEventType::riskDetection));
  EXPECT_EQ(hook.minimumRiskLevel, RiskLevel::high);

  std::string shown;
  AppendNotificationSettingsJson(shown, *settings, SecretDisclosure::omit);
  EXPECT_EQ(shown.find("0123456789abcdef-secret"), std::string::npos) << shown;
  EXPECT_NE(shown.find(R"("hasSecret":true)"), std::string::npos) << shown;
  std::string stored;
  AppendNotificationSettingsJson(stored, *settings, SecretDisclosure::include);
  auto again = ReadNotificationSettingsJson(stored, NotificationSettings{});
  ASSERT_TRUE(again.ok()) << again.status().message();
  std::string stored_again;
  AppendNotificationSettingsJson(stored_again, *again, SecretDisclosure::include);
  EXPECT_EQ(stored_again, stored);

  // The shown form sent back keeps the stored secret.
  auto resent = ReadNotificationSettingsJson(shown, *settings);
  ASSERT_TRUE(resent.ok()) << resent.status().message();
  EXPECT_EQ(resent->webhooks[0].secret, "0123456789abcdef-secret");
}

TEST(NotificationSettingsTest, RefusesBadSettingsNamingTheMember) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"riskyUsersAlert": {"minimumRiskLevel": "none"}})", "riskyUsersAlert.minimumRiskLevel"},
      {R"({"riskyUsersAlert": {"recipients": ["not an address"]}})", "riskyUsersAlert.recipients"},
      {R"({"weeklyDigest": {"recipients": ["a@b.example\r\nBcc: x@y.example"]}})",
       "weeklyDigest.recipients"},
      {R"({"weeklyDigest": {"sendAt": "Monday"}})", "weeklyDigest.sendAt"},
      {R"({"webhooks": [{"id": "a", "url": "https://x.example/h"}]})", "webhooks[0].secret"},
      {R"({"webhooks": [{"id": "a", "url": "ftp://x.example/h", "secret": "0123456789abcdef"}]})",
       "webhooks[0].url"},
      {R"({"webhooks": [{"id": "a", "url": "https://x.example", "secret": "short"}]})",
       "webhooks[0].secret"},
      {R"({"webhooks": [{"id": "a b", "url": "https://x.example", "secret": "0123456789abcdef"}]})",
       "webhooks[0].id"},
      {R"({"webhooks": [{"id": "a", "url": "https://x.example", "secret": "0123456789abcdef"},
                       {"id": "a", "url": "https://y.example", "secret": "0123456789abcdef"}]})",
       "webhooks[1].id"},
      {R"({"webhooks": [{"id": "a", "url": "https://x.example", "secret": "0123456789abcdef",
                        "eventTypes": ["signIn"]}]})",
       "webhooks[0].eventTypes"},
      {R"({"pager": true})", "pager"},
      {R"([1, 2])", "JSON object"},
  };
  for (const auto& [json, named] : cases) {
    auto settings = ReadNotificationSettingsJson(json, NotificationSettings{});
    ASSERT_FALSE(settings.ok()) << json;
    EXPECT_NE(settings.status().message().find(named), std::string::npos)
        << json << " -> " << settings.status().message();
  }
}

TEST(NotificationSettingsTest, EmailAddresses) {
  EXPECT_TRUE(IsValidEmailAddress("soc@example.com"));
  EXPECT_TRUE(IsValidEmailAddress("first.last+tag@sub.example.org"));
  EXPECT_FALSE(IsValidEmailAddress("no-at.example.com"));
  EXPECT_FALSE(IsValidEmailAddress("@example.com"));
  EXPECT_FALSE(IsValidEmailAddress("a@"));
  EXPECT_FALSE(IsValidEmailAddress("a@b@c.example"));
  EXPECT_FALSE(IsValidEmailAddress("a b@example.com"));
  EXPECT_FALSE(IsValidEmailAddress("a@example.com>"));
  EXPECT_FALSE(IsValidEmailAddress("a@example..com"));
}

RiskyUser User(const std::string& id, RiskLevel level, EventTime updated,
               RiskState state = RiskState::atRisk) {
  RiskyUser user = MakeRiskyUser(id, level).user;
  user.riskState = state;
  user.riskLastUpdatedDateTime = updated;
  return user;
}

TEST(RiskyUsersAlertBatchTest, NamesUsersReachingTheLevelOncePerNewerChange) {
  RiskyUsersAlertBatch batch;
  EXPECT_FALSE(batch.Offer(User("low", RiskLevel::medium, kNow), RiskLevel::high));
  EXPECT_TRUE(batch.Offer(User("a", RiskLevel::high, kNow), RiskLevel::high));
  EXPECT_TRUE(batch.Offer(User("b", RiskLevel::high, kNow + 1), RiskLevel::high));
  EXPECT_FALSE(batch.Offer(User("a", RiskLevel::high, kNow), RiskLevel::high))
      << "the same change again";
  auto taken = batch.Take();
  ASSERT_EQ(taken.size(), 2U);
  EXPECT_EQ(taken[0].id, "a");
  EXPECT_EQ(taken[1].id, "b");
  EXPECT_TRUE(batch.empty());
  // An older sign-in scored late raises nothing new; a later recalculation still high does.
  // Wants answers as Offer would, and takes nobody.
  EXPECT_FALSE(batch.Wants(User("a", RiskLevel::high, kNow - kDay), RiskLevel::high));
  EXPECT_FALSE(batch.Offer(User("a", RiskLevel::high, kNow - kDay), RiskLevel::high));
  EXPECT_TRUE(batch.Wants(User("a", RiskLevel::high, kNow + kDay), RiskLevel::high));
  EXPECT_TRUE(batch.empty());
  EXPECT_FALSE(batch.Wants(User("a", RiskLevel::medium, kNow + kDay), RiskLevel::high));
  EXPECT_TRUE(batch.Offer(User("a", RiskLevel::high, kNow + kDay), RiskLevel::high));
  // Remediated or dismissed users are not at risk.
  EXPECT_FALSE(
      batch.Offer(User("c", RiskLevel::none, kNow, RiskState::remediated), RiskLevel::low));
  EXPECT_TRUE(batch.Offer(User("d", RiskLevel::high, kNow, RiskState::confirmedCompromised),
                          RiskLevel::high));
  EXPECT_EQ(batch.Take().size(), 2U);
}

TEST(RiskyUsersAlertBatchTest, AUserKeptInTheOutboxReadsBackAsTheEmailNamesThem) {
  RiskyUser user = User("u-1", RiskLevel::high, kNow, RiskState::confirmedCompromised);
  user.userPrincipalName = "dana@contoso.example";
  user.userDisplayName = "Dana \"D\" Ng";
  user.riskDetail = RiskDetail::adminConfirmedUserCompromised;
  std::string json;
  AppendRiskyUserJson(json, user);
  auto read = AlertUserFromGraphJson(json);
  ASSERT_TRUE(read.has_value()) << json;
  EXPECT_EQ(read->id, "u-1");
  EXPECT_EQ(read->userPrincipalName, "dana@contoso.example");
  EXPECT_EQ(read->userDisplayName, "Dana \"D\" Ng");
  EXPECT_EQ(read->riskLevel, RiskLevel::high);
  EXPECT_EQ(read->riskState, RiskState::confirmedCompromised);
  EXPECT_EQ(read->riskDetail, RiskDetail::adminConfirmedUserCompromised);
  EXPECT_EQ(read->riskLastUpdatedDateTime, kNow);

  EXPECT_FALSE(AlertUserFromGraphJson("not json"));
  EXPECT_FALSE(AlertUserFromGraphJson(R"({"id":"u-1","riskLevel":"severe","riskState":"atRisk",
      "riskDetail":"none","riskLastUpdatedDateTime":"2026-11-30T10:00:00Z"})"))
      << "an unknown level";
  EXPECT_FALSE(AlertUserFromGraphJson(R"({"riskLevel":"high","riskState":"atRisk",
      "riskDetail":"none","riskLastUpdatedDateTime":"2026-11-30T10:00:00Z"})"))
      << "no id";
}

TEST(EmailRecipientsTest, ConfiguredAddressesThenTheFirstTwentyHoldersOfEachAdminRole) {
  std::vector<ApiTokenRecord> tokens;
  for (int i = 0; i < 25; ++i) {
    tokens.push_back({"a" + std::to_string(i), "admin", "security-administrator", i, false,
                      "admin" + std::to_string(i) + "@example.com"});
  }
  tokens.push_back({"r1", "reader", "security-reader", 30, false, "reader@example.com"});
  tokens.push_back({"r2", "revoked", "security-reader", 31, true, "revoked@example.com"});
  tokens.push_back({"r3", "no address", "security-reader", 32, false, ""});
  tokens.push_back({"o1", "operator", "security-operator", 33, false, "operator@example.com"});
  tokens.push_back({"dup", "soc", "security-reader", 34, false, "soc@example.com"});
  EmailNotification settings;
  settings.recipients = {"soc@example.com"};
  const auto recipients = EmailRecipients(settings, tokens);
  ASSERT_EQ(recipients.size(), 1U + 20U + 1U) << "soc, 20 admins, the reader (soc once)";
  EXPECT_EQ(recipients[0], "soc@example.com");
  EXPECT_EQ(recipients[1], "admin0@example.com");
  EXPECT_EQ(recipients[20], "admin19@example.com");
  EXPECT_EQ(recipients[21], "reader@example.com");
  settings.notifyRoleHolders = false;
  EXPECT_EQ(EmailRecipients(settings, tokens), std::vector<std::string>{"soc@example.com"});
}

TEST(MailFormatTest, HeadersBodyAndLineEnds) {
  MailMessage mail;
  mail.to = {"a@example.com", "b@example.com"};
  mail.subject = "Users at risk detected";
  mail.text = "line one\nline two\n";
  // 2026-11-30T15:04:05Z, a Monday.
  const EventTime date = *ParseTimestamp("2026-11-30T15:04:05Z");
  const std::string text = FormatMailMessage(mail, "idguard@example.com", date, "abc@example.com");
  EXPECT_NE(text.find("From: idguard@example.com\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("To: a@example.com,\r\n b@example.com\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Subject: Users at risk detected\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Date: Mon, 30 Nov 2026 15:04:05 +0000\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Message-ID: <abc@example.com>\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\r\n\r\nline one\r\nline two\r\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("\n\n"), std::string::npos) << "every line ends with CRLF";
}

TEST(MailFormatTest, AlertListsEveryUserAndLinksTheReport) {
  const auto mail = FormatRiskyUsersAlertMail(
      {User("alice", RiskLevel::high, kNow), User("bob", RiskLevel::high, kNow + 1)},
      RiskLevel::high, "https://idguard.example.com");
  EXPECT_EQ(mail.subject, "Users at risk detected");
  EXPECT_NE(mail.text.find("2 users at risk"), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("alice@contoso.example (User alice): risk high, atRisk"),
            std::string::npos)
      << mail.text;
  EXPECT_NE(mail.text.find("bob@contoso.example"), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("https://idguard.example.com/v1.0/identityProtection/riskyUsers"),
            std::string::npos)
      << mail.text;
}

TEST(WebhookSignatureTest, IsHmacSha256OfTimestampAndBody) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(WebhookSignature("secret", 1700000000, R"({"value":[]})"),
            "t=1700000000,v1=" + HmacSha256Hex("secret", R"(1700000000.{"value":[]})"));
}

TEST(WebhookRetryDelayTest, DoublesFromTheFirstDelayUpToTheMaximum) {
  const NotifierOptions defaults;
  std::vector<std::int64_t> seconds;
  for (int failed = 1; failed <= 10; ++failed) {
    seconds.push_back(
        std::chrono::duration_cast<std::chrono::seconds>(WebhookRetryDelay(failed, defaults))
            .count());
  }
  // 1 s doubled per failure, capped at 5 minutes.
  EXPECT_EQ(seconds, (std::vector<std::int64_t>{1, 2, 4, 8, 16, 32, 64, 128, 256, 300}));
  // However many failures, no overflow past the cap.
  EXPECT_EQ(WebhookRetryDelay(1000, defaults), std::chrono::minutes(5));
  NotifierOptions quick;
  quick.webhookFirstRetry = std::chrono::milliseconds(100);
  quick.webhookMaxRetryDelay = std::chrono::milliseconds(300);
  EXPECT_EQ(WebhookRetryDelay(1, quick), std::chrono::milliseconds(100));
  EXPECT_EQ(WebhookRetryDelay(2, quick), std::chrono::milliseconds(200));
  EXPECT_EQ(WebhookRetryDelay(3, quick), std::chrono::milliseconds(300));
  EXPECT_EQ(WebhookRetryDelay(4, quick), std::chrono::milliseconds(300));
}

TEST(WeeklyDigestTest, IsDueOnMondaysAtEightUtc) {
  EXPECT_EQ(FormatTimestamp(NextWeeklyDigestTime(*ParseTimestamp("2026-11-25T10:00:00Z"))),
            "2026-11-30T08:00:00Z");
  EXPECT_EQ(FormatTimestamp(NextWeeklyDigestTime(*ParseTimestamp("2026-11-30T07:59:59Z"))),
            "2026-11-30T08:00:00Z");
  EXPECT_EQ(FormatTimestamp(NextWeeklyDigestTime(*ParseTimestamp("2026-11-30T08:00:00Z"))),
            "2026-12-07T08:00:00Z");
}

StoredHistoryItem Change(const std::string& user, int sequence, EventTime time, RiskLevel level,
                         RiskState state) {
  StoredHistoryItem row;
  row.item.id = user + ":" + std::to_string(sequence);
  row.item.user = User(user, level, time, state);
  AppendRiskyUserHistoryItemJson(row.graphJson, row.item);
  return row;
}

TEST(WeeklyDigestTest, CountsNewRiskyUsersAndRealTimeRiskySignInsOfThePeriod) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("idguard-digest-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "store.db").string();
  const EventTime from = kNow;
  const EventTime to = kNow + 7 * kDay;
  {
    auto store = OpenSqliteStore(db);
    ASSERT_TRUE(store.ok()) << store.status().message();
    StoreBatch batch;
    // new: became risky in the period (high, still at risk)
    batch.history.push_back(
        Change("new-high", 1, from + kDay, RiskLevel::medium, RiskState::atRisk));
    batch.history.push_back(
        Change("new-high", 2, from + 2 * kDay, RiskLevel::high, RiskState::atRisk));
    // new: became risky in the period and was remediated since
    batch.history.push_back(Change("fixed", 1, from + kDay, RiskLevel::low, RiskState::atRisk));
    batch.history.push_back(
        Change("fixed", 2, from + 3 * kDay, RiskLevel::none, RiskState::remediated));
    // not new: at risk before the period and still
    batch.history.push_back(Change("old", 1, from - kDay, RiskLevel::high, RiskState::atRisk));
    batch.history.push_back(Change("old", 2, from + kDay, RiskLevel::high, RiskState::atRisk));
    // not in the period
    batch.history.push_back(Change("later", 1, to + kDay, RiskLevel::high, RiskState::atRisk));
    for (const std::string id : {"new-high", "fixed"}) {
      StoredRiskyUser user = MakeRiskyUser(id, RiskLevel::high);
      if (id == "fixed") user.user.riskState = RiskState::remediated;
      user.graphJson.clear();
      AppendRiskyUserJson(user.graphJson, user.user);
      batch.riskyUsers.push_back(user);
    }
    auto sign_in = [&](const std::string& id, EventTime time, const std::string& user,
                       RiskLevel during) {
      SignIn s = MakeFullSignIn(id, time, user);
      s.riskLevelDuringSignIn = during;
      batch.signIns.push_back(StoredSignIn::From(std::move(s)));
    };
    sign_in("s1", from + kDay, "new-high", RiskLevel::high);
    sign_in("s2", from + kDay + 1, "new-high", RiskLevel::medium);
    sign_in("s3", from + 2 * kDay, "old", RiskLevel::low);
    sign_in("s4", from + 2 * kDay + 1, "calm", RiskLevel::none);
    sign_in("s5", from - kDay, "old", RiskLevel::high);  // before the period
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  auto reader = OpenSqliteReportReader(db);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  auto digest = BuildWeeklyDigest(**reader, from, to);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(digest->newRiskyUsers, 2);
  EXPECT_EQ(digest->newRiskyUsersByLevel[2], 1) << "new-high reached high";
  EXPECT_EQ(digest->newRiskyUsersByLevel[0], 1) << "fixed reached low";
  ASSERT_EQ(digest->topUsers.size(), 2U);
  EXPECT_EQ(digest->topUsers[0].id, "new-high");
  EXPECT_EQ(digest->topUsers[0].userPrincipalName, "new-high@contoso.example");
  EXPECT_EQ(digest->topUsers[1].riskState, RiskState::remediated);
  EXPECT_EQ(digest->realTimeRiskySignIns, 3);
  EXPECT_EQ(digest->realTimeRiskySignInsByLevel[2], 1);
  EXPECT_EQ(digest->usersWithRealTimeRiskySignIns, 2);
  const MailMessage mail = FormatWeeklyDigestMail(*digest, "https://idguard.example.com");
  EXPECT_NE(mail.text.find("New risky users: 2 (high 1, medium 0, low 1)"), std::string::npos)
      << mail.text;
  EXPECT_NE(mail.text.find("New real-time risky sign-ins: 3 (high 1, medium 1, low 1) by 2 users"),
            std::string::npos)
      << mail.text;
  reader->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace idguard
