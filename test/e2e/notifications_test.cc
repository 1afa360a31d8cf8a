// Notifications end to end, in-process against real servers: a real SMTP server (aiosmtpd) that
// demands STARTTLS and authentication, and a real HTTP webhook receiver that fails first. Risk
// changes made through the API reach them: the "users at risk detected" email aggregates users who
// cross within one window, goes to the configured recipients and the admin role holders; the
// weekly digest goes out on demand; webhooks are signed and retried.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "e2e/e2e_support.h"
#include "idguard/core/digest.h"
#include "idguard/store/notification_outbox.h"

namespace idguard {
namespace {

using api::HttpResponse;
using api::Role;
using e2e::Json;

constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kSecret = "webhook-secret-0123456789";
constexpr auto kAlertWindow = std::chrono::milliseconds(1500);

bool HaveAiosmtpd() {
  return std::system((std::string(kPython) + " -c 'import aiosmtpd' 2>/dev/null").c_str()) == 0;
}

class NotificationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveAiosmtpd()) {
      GTEST_SKIP() << "python3-aiosmtpd is not installed (scripts/setup installs it)";
    }
    dir_ = std::make_unique<e2e::TempDir>(
        "notify-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    const std::string cert = *dir_ / "cert.pem";
    const std::string key = *dir_ / "key.pem";
    ASSERT_EQ(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                           "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
                           key + " -out " + cert + " 2>/dev/null")
                              .c_str()),
              0);
    std::filesystem::create_directories(*dir_ / "mail");
    std::filesystem::create_directories(*dir_ / "hooks");
    const std::string source = std::string(IDGUARD_SOURCE_DIR) + "/test/e2e/";
    smtp_ = std::make_unique<e2e::BackgroundProcess>(
        std::string(kPython) + " " + source + "smtp_sink.py --dir " + (*dir_ / "mail") +
        " --port-file " + (*dir_ / "smtp.port") + " --cert " + cert + " --key " + key +
        " --user idguard --password 'mail pass' 2>" + (*dir_ / "smtp.log"));
    hooks_ = std::make_unique<e2e::BackgroundProcess>(
        std::string(kPython) + " " + source + "webhook_sink.py --dir " + (*dir_ / "hooks") +
        " --port-file " + (*dir_ / "hooks.port") +
        " --fail-first 1 --always /broken=500 --always /gone=404 2>" + (*dir_ / "hooks.log"));
    ASSERT_TRUE(e2e::WaitForFile(*dir_ / "smtp.port")) << e2e::ReadFile(*dir_ / "smtp.log");
    ASSERT_TRUE(e2e::WaitForFile(*dir_ / "hooks.port")) << e2e::ReadFile(*dir_ / "hooks.log");
    hooksBase_ = "http://127.0.0.1:" + e2e::ReadLines(*dir_ / "hooks.port").at(0);
    webhookUrl_ = hooksBase_ + "/idguard";

    db_ = *dir_ / "store.db";
    auto store = OpenSqliteStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    StoreBatch batch;
    tokens_ = e2e::AddRoleTokens(batch);
    for (StoredApiToken& token : batch.apiTokens) {
      if (token.token.role == "security-administrator") token.token.email = "admin@example.com";
      if (token.token.role == "security-reader") token.token.email = "reader@example.com";
      if (token.token.role == "security-operator") token.token.email = "operator@example.com";
    }
    ASSERT_TRUE((*store)->Write(batch).ok());
    store->reset();

    api::ApiOptions& options = apiOptions_;
    options.notifier.smtp.url = "smtp://127.0.0.1:" + e2e::ReadLines(*dir_ / "smtp.port").at(0);
    options.notifier.smtp.from = "idguard@example.com";
    options.notifier.smtp.username = "idguard";
    options.notifier.smtp.password = "mail pass";
    options.notifier.smtp.caFile = cert;
    options.notifier.smtp.timeout = std::chrono::seconds(10);
    options.notifier.baseUrl = "https://idguard.example.com";
    options.notifier.alertWindow = kAlertWindow;
    options.notifier.webhookFirstRetry = std::chrono::milliseconds(200);
    options.notifier.weeklyDigestSchedule = false;
    // The directory names the users (a user never at risk before has no name in the engine).
    {
      std::ofstream users(*dir_ / "users.ndjson");
      for (const std::string user : {"alice", "bob", "carol"}) {
        users << R"({"id":")" << user << R"(","userPrincipalName":")" << user
              << R"(@contoso.example","displayName":"User )" << user
              << R"(","accountEnabled":true})"
              << "\n";
      }
    }
    engineOptions_.directoryPath = *dir_ / "users.ndjson";
    StartService();

    // Three users with a sign-in each, so the risk actions have someone to act on.
    const EventTime an_hour_ago = SystemClock().Now() - kMicrosPerHour;
    std::string sign_ins;
    for (const std::string user : {"alice", "bob", "carol"}) {
      sign_ins += R"({"id":"s-)" + user + R"(","createdDateTime":")" +
                  FormatTimestamp(an_hour_ago) + R"(","userId":")" + user +
                  R"(","userPrincipalName":")" + user +
                  R"(@contoso.example","appDisplayName":"Mail","ipAddress":"81.2.69.160",)" +
                  R"("status":{"errorCode":0},"isInteractive":true})" + "\n";
    }
    ASSERT_EQ(Call("POST", "/v1/signins", Role::securityAdministrator, sign_ins).status, 202);
  }

  void StartService() {
    service_.reset();
    service_ = e2e::StartApiService(db_, engineOptions_, apiOptions_);
    ASSERT_NE(service_, nullptr);
  }

  HttpResponse Call(const std::string& method, const std::string& target, Role role,
                    const std::string& body = "") {
    return e2e::CallApi(*service_, method, target, tokens_[role], body,
                        "notify-request-" + std::to_string(++requests_));
  }

  void PutSettings(const std::string& webhooks = "[]") {
    HttpResponse put = Call("PUT", "/v1/notifications/settings", Role::securityAdministrator,
                            R"({"riskyUsersAlert": {"recipients": ["soc@example.com"]},
                                "weeklyDigest": {"recipients": ["soc@example.com"]},
                                "webhooks": )" +
                                webhooks + "}");
    ASSERT_EQ(put.status, 200) << put.body;
  }

  void ConfirmCompromised(const std::string& user) {
    ASSERT_EQ(Call("POST", "/v1.0/identityProtection/riskyUsers/confirmCompromised",
                   Role::securityOperator, R"({"userIds":[")" + user + R"("]})")
                  .status,
              204);
  }

  // The files `count` deliveries made, waiting up to 15 s for them.
  std::vector<std::filesystem::path> WaitForFiles(const std::string& folder, std::size_t count) {
    std::vector<std::filesystem::path> files;
    e2e::WaitUntil(
        [&] {
          files = e2e::FilesIn(*dir_ / folder, ".json");
          return files.size() >= count;
        },
        std::chrono::seconds(15));
    return files;
  }

  // The POSTs the webhook receiver got at `path`, in order.
  std::vector<std::filesystem::path> PostsTo(const std::string& path) {
    std::vector<std::filesystem::path> posts;
    for (const auto& file : e2e::FilesIn(*dir_ / "hooks", ".json")) {
      if (Json(e2e::ReadFile(file)).String("/path") == path) posts.push_back(file);
    }
    return posts;
  }

  // A counter or gauge from /metrics; -1 when it is not there.
  std::int64_t Metric(const std::string& name) {
    return e2e::MetricValue(Call("GET", "/metrics", Role::securityReader).body, name);
  }

  std::unique_ptr<e2e::TempDir> dir_;
  std::string db_;
  api::ApiOptions apiOptions_;
  LiveEngineOptions engineOptions_;
  std::unique_ptr<e2e::BackgroundProcess> smtp_;
  std::unique_ptr<e2e::BackgroundProcess> hooks_;
  std::string hooksBase_;
  std::string webhookUrl_;
  std::map<Role, std::string> tokens_;
  std::unique_ptr<api::ApiService> service_;
  int requests_ = 0;
};

TEST_F(NotificationsTest, UsersCrossingInOneWindowShareOneEmailSentOverStartTlsWithAuth) {
  PutSettings();
  ConfirmCompromised("alice");
  ConfirmCompromised("bob");
  auto mails = WaitForFiles("mail", 1);
  ASSERT_EQ(mails.size(), 1U) << e2e::ReadFile(*dir_ / "smtp.log");
  std::this_thread::sleep_for(kAlertWindow + std::chrono::milliseconds(500));
  ASSERT_EQ(e2e::FilesIn(*dir_ / "mail", ".json").size(), 1U) << "one email for both users";

  Json first(e2e::ReadFile(mails[0]));
  bool tls = false;
  ASSERT_EQ(first.root["tls"].get(tls), simdjson::SUCCESS);
  EXPECT_TRUE(tls) << "sent only after STARTTLS";
  EXPECT_EQ(first.String("/login"), "idguard");
  EXPECT_EQ(first.String("/mailFrom"), "idguard@example.com");
  std::vector<std::string> to;
  for (auto address : first.root["rcptTos"].get_array())
    to.emplace_back(address.get_string().value());
  EXPECT_EQ(
      to, (std::vector<std::string>{"soc@example.com", "admin@example.com", "reader@example.com"}))
      << "configured recipients, then security administrators and readers; never operators";
  const std::string data = first.String("/data");
  EXPECT_NE(data.find("Subject: Users at risk detected\r\n"), std::string::npos) << data;
  EXPECT_NE(data.find("2 users at risk"), std::string::npos) << data;
  EXPECT_NE(data.find("- alice@contoso.example (User alice): risk high, confirmedCompromised"),
            std::string::npos)
      << data;
  EXPECT_NE(data.find("- bob@contoso.example (User bob): risk high, confirmedCompromised"),
            std::string::npos)
      << data;
  EXPECT_NE(data.find("https://idguard.example.com/v1.0/identityProtection/riskyUsers"),
            std::string::npos)
      << data;

  // A later crossing is a new email naming only the new user.
  ConfirmCompromised("carol");
  mails = WaitForFiles("mail", 2);
  ASSERT_EQ(mails.size(), 2U);
  const std::string second = Json(e2e::ReadFile(mails[1])).String("/data");
  EXPECT_NE(second.find("1 user at risk"), std::string::npos) << second;
  EXPECT_NE(second.find("carol@contoso.example"), std::string::npos) << second;
  EXPECT_EQ(second.find("alice@contoso.example"), std::string::npos) << second;

  // Dismissing a user is no alert; the metrics count the two emails.
  ASSERT_EQ(Call("POST", "/v1.0/identityProtection/riskyUsers/dismiss", Role::securityOperator,
                 R"({"userIds":["alice"]})")
                .status,
            204);
  std::this_thread::sleep_for(kAlertWindow + std::chrono::milliseconds(300));
  EXPECT_EQ(e2e::FilesIn(*dir_ / "mail", ".json").size(), 2U);
  const std::string metrics = Call("GET", "/metrics", Role::securityReader).body;
  EXPECT_NE(metrics.find("idguard_notification_emails_total{kind=\"riskyUsersAlert\"} 2"),
            std::string::npos)
      << metrics;
}

TEST_F(NotificationsTest, AnAlertWhoseWindowWasOpenAtAStopIsSentAfterTheRestart) {
  apiOptions_.notifier.alertWindow = std::chrono::seconds(3);
  StartService();
  PutSettings();
  ConfirmCompromised("bob");
  service_.reset();  // well inside the window
  EXPECT_TRUE(e2e::FilesIn(*dir_ / "mail", ".json").empty()) << "the window was still open";
  {
    std::vector<std::string> stored;
    auto outbox = OpenSqliteNotificationOutbox(db_);
    ASSERT_TRUE(outbox.ok()) << outbox.status().message();
    ASSERT_TRUE((*outbox)
                    ->ForEach([&](OutboxEvent&& event) {
                      stored.push_back(event.channel + " " + event.eventId);
                    })
                    .ok());
    EXPECT_EQ(stored, std::vector<std::string>{"email:riskyUsersAlert bob"});
  }

  StartService();
  auto mails = WaitForFiles("mail", 1);
  ASSERT_EQ(mails.size(), 1U) << e2e::ReadFile(*dir_ / "smtp.log");
  const std::string data = Json(e2e::ReadFile(mails[0])).String("/data");
  EXPECT_NE(data.find("1 user at risk"), std::string::npos) << data;
  EXPECT_NE(data.find("- bob@contoso.example (User bob): risk high, confirmedCompromised"),
            std::string::npos)
      << data;
  service_.reset();
  auto outbox = OpenSqliteNotificationOutbox(db_);
  ASSERT_TRUE(outbox.ok());
  std::size_t left = 0;
  ASSERT_TRUE((*outbox)->ForEach([&](OutboxEvent&&) { ++left; }).ok());
  EXPECT_EQ(left, 0U) << "the users of a sent alert leave the store";
}

TEST_F(NotificationsTest, AlertEmailIsOffWhenDisabledOrBelowTheLevel) {
  ASSERT_EQ(Call("PUT", "/v1/notifications/settings", Role::securityAdministrator,
                 R"({"riskyUsersAlert": {"isEnabled": false, "recipients": ["soc@example.com"]}})")
                .status,
            200);
  ConfirmCompromised("alice");
  std::this_thread::sleep_for(kAlertWindow + std::chrono::milliseconds(700));
  EXPECT_TRUE(e2e::FilesIn(*dir_ / "mail", ".json").empty());
}

TEST_F(NotificationsTest, WeeklyDigestOnDemandListsTheWeeksNewRiskyUsers) {
  PutSettings();
  ConfirmCompromised("alice");
  ConfirmCompromised("bob");
  auto alert = WaitForFiles("mail", 1);  // the alert
  ASSERT_EQ(alert.size(), 1U);
  HttpResponse sent =
      Call("POST", "/v1/notifications/weeklyDigest/send", Role::securityAdministrator, "");
  ASSERT_EQ(sent.status, 200) << sent.body;
  std::int64_t recipients = 0;
  ASSERT_EQ(Json(sent.body).root["recipients"].get(recipients), simdjson::SUCCESS);
  EXPECT_EQ(recipients, 3);
  auto mails = WaitForFiles("mail", 2);
  ASSERT_EQ(mails.size(), 2U);
  const std::string data = Json(e2e::ReadFile(mails[1])).String("/data");
  EXPECT_NE(data.find("Subject: Weekly digest: identity risk"), std::string::npos) << data;
  EXPECT_NE(data.find("New risky users: 2 (high 2, medium 0, low 0)"), std::string::npos) << data;
  EXPECT_NE(data.find("alice@contoso.example"), std::string::npos) << data;
  // Only administrators send it; a bad period is a 400 that names the member.
  EXPECT_EQ(Call("POST", "/v1/notifications/weeklyDigest/send", Role::securityOperator, "").status,
            403);
  HttpResponse bad = Call("POST", "/v1/notifications/weeklyDigest/send",
                          Role::securityAdministrator, R"({"from":"yesterday"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("'from' must be a timestamp"), std::string::npos) << bad.body;
}

TEST_F(NotificationsTest, WebhooksAreSignedRetriedAfterAFailureAndInOrder) {
  PutSettings(R"([{"id": "siem", "url": ")" + webhookUrl_ + R"(", "secret": ")" + kSecret +
              R"(", "eventTypes": ["riskyUser"], "minimumRiskLevel": "high"}])");
  ConfirmCompromised("alice");
  auto posts = WaitForFiles("hooks", 2);
  ASSERT_GE(posts.size(), 2U) << "the first POST fails (500) and is retried";
  Json failed(e2e::ReadFile(posts[0]));
  Json retried(e2e::ReadFile(posts[1]));
  std::int64_t status = 0;
  ASSERT_EQ(failed.root["status"].get(status), simdjson::SUCCESS);
  EXPECT_EQ(status, 500);
  ASSERT_EQ(retried.root["status"].get(status), simdjson::SUCCESS);
  EXPECT_EQ(status, 204);
  EXPECT_EQ(failed.String("/body"), retried.String("/body")) << "the same events again";
  EXPECT_EQ(failed.String("/headers/x-idguard-delivery"),
            retried.String("/headers/x-idguard-delivery"))
      << "a retry keeps its delivery id, so receivers can drop duplicates";
  EXPECT_EQ(retried.String("/headers/content-type"), "application/json");

  // The signature: t=<unix seconds>,v1=HMAC-SHA256(secret, "<t>.<body>").
  const std::string signature = retried.String("/headers/x-idguard-signature");
  const auto comma = signature.find(',');
  ASSERT_TRUE(signature.starts_with("t=") && comma != std::string::npos) << signature;
  const std::string t = signature.substr(2, comma - 2);
  const std::string body = retried.String("/body");
  EXPECT_EQ(signature.substr(comma + 1), "v1=" + HmacSha256Hex(kSecret, t + "." + body));
  EXPECT_NE(signature.substr(comma + 1), "v1=" + HmacSha256Hex("another secret", t + "." + body));

  Json events(body);
  EXPECT_EQ(events.String("/value/0/eventType"), "riskyUser");
  EXPECT_EQ(events.String("/value/0/resource/userPrincipalName"), "alice@contoso.example");
  EXPECT_EQ(events.String("/value/0/resource/riskLevel"), "high");
  EXPECT_EQ(events.String("/value/0/resource/riskState"), "confirmedCompromised");
  EXPECT_EQ(events.String("/value/0/resource/activity/detail"), "adminConfirmedUserCompromised");

  // A dismissal (level none) is still delivered: receivers learn the risk is gone.
  ASSERT_EQ(Call("POST", "/v1.0/identityProtection/riskyUsers/dismiss", Role::securityOperator,
                 R"({"userIds":["alice"]})")
                .status,
            204);
  posts = WaitForFiles("hooks", 3);
  ASSERT_EQ(posts.size(), 3U);
  Json dismissed(Json(e2e::ReadFile(posts[2])).String("/body"));
  EXPECT_EQ(dismissed.String("/value/0/resource/riskState"), "dismissed");
}

TEST_F(NotificationsTest, AFailingWebhookBacksOffThenGivesUpAndTheQueueMovesOn) {
  apiOptions_.notifier.webhookFirstRetry = std::chrono::milliseconds(100);
  apiOptions_.notifier.webhookMaxRetryDelay = std::chrono::milliseconds(300);
  apiOptions_.notifier.webhookMaxAttempts = 5;
  StartService();
  // One receiver always answers 500 (retried), the other 404 (a permanent refusal).
  PutSettings(R"([{"id": "broken", "url": ")" + hooksBase_ + R"(/broken", "secret": ")" + kSecret +
              R"(", "eventTypes": ["riskyUser"], "minimumRiskLevel": "high"},
                  {"id": "gone", "url": ")" +
              hooksBase_ + R"(/gone", "secret": ")" + kSecret +
              R"(", "eventTypes": ["riskyUser"], "minimumRiskLevel": "high"}])");
  ConfirmCompromised("alice");
  e2e::WaitUntil([&] { return Metric("idguard_webhook_events_dropped_total") >= 2; });
  EXPECT_EQ(Metric("idguard_webhook_events_dropped_total"), 2) << "one event per webhook";
  EXPECT_EQ(Metric("idguard_webhook_failed_attempts_total"), 6) << "5 for broken, 1 for gone";
  EXPECT_EQ(Metric("idguard_webhook_events_queued"), 0);
  EXPECT_EQ(PostsTo("/gone").size(), 1U) << "a 404 is not retried";

  const auto broken = PostsTo("/broken");
  ASSERT_EQ(broken.size(), 5U) << "webhookMaxAttempts";
  // Each wait is at least the backoff's: 100 ms, doubled per failure, at most 300 ms.
  std::vector<double> arrivals;
  for (const auto& post : broken) {
    double arrived = 0;
    ASSERT_EQ(Json(e2e::ReadFile(post)).root["arrived"].get(arrived), simdjson::SUCCESS);
    arrivals.push_back(arrived);
  }
  const std::vector<double> minimum_waits = {0.100, 0.200, 0.300, 0.300};
  for (std::size_t i = 0; i < minimum_waits.size(); ++i) {
    EXPECT_GE(arrivals[i + 1] - arrivals[i], minimum_waits[i] - 0.005) << "wait " << i + 1;
  }

  // The webhook is not stuck: pointed at a working receiver, its next change gets through (after
  // that receiver's own first 500).
  PutSettings(R"([{"id": "broken", "url": ")" + webhookUrl_ + R"(", "secret": ")" + kSecret +
              R"(", "eventTypes": ["riskyUser"], "minimumRiskLevel": "high"}])");
  ConfirmCompromised("bob");
  const auto delivered = WaitForFiles("hooks", 8);  // 5 + 1 failed, the fixture's first 500, 204
  ASSERT_EQ(delivered.size(), 8U);
  Json last(e2e::ReadFile(delivered.back()));
  std::int64_t status = 0;
  ASSERT_EQ(last.root["status"].get(status), simdjson::SUCCESS);
  EXPECT_EQ(status, 204);
  EXPECT_EQ(Json(last.String("/body")).String("/value/0/resource/userPrincipalName"),
            "bob@contoso.example");
}

TEST_F(NotificationsTest, WaitingWebhookEventsSurviveARestartAndLeaveTheStoreOnceDelivered) {
  apiOptions_.notifier.webhookFirstRetry = std::chrono::milliseconds(100);
  apiOptions_.notifier.webhookMaxRetryDelay = std::chrono::milliseconds(200);
  apiOptions_.notifier.webhookMaxAttempts = 1000;
  StartService();
  // The receiver refuses for now: every POST to /broken is a 500.
  const std::string hook = R"([{"id": "siem", "url": "URL", "secret": ")" + std::string(kSecret) +
                           R"(", "eventTypes": ["riskyUser"], "minimumRiskLevel": "high"}])";
  auto hook_at = [&](const std::string& url) {
    std::string settings = hook;
    settings.replace(settings.find("URL"), 3, url);
    return settings;
  };
  PutSettings(hook_at(hooksBase_ + "/broken"));
  ConfirmCompromised("alice");
  e2e::WaitUntil([&] { return PostsTo("/broken").size() >= 2; });
  ASSERT_GE(PostsTo("/broken").size(), 2U);
  const std::string refused = Json(e2e::ReadFile(PostsTo("/broken")[0])).String("/body");
  const std::string event_id = Json(refused).String("/value/0/id");
  ASSERT_FALSE(event_id.empty()) << refused;

  // The server stops while the event waits: the store holds it (beside alice's line of the alert
  // email, whose window was still open).
  service_.reset();
  auto stored_events = [&] {
    std::vector<std::string> ids;
    auto outbox = OpenSqliteNotificationOutbox(db_);
    EXPECT_TRUE(outbox.ok()) << outbox.status().message();
    if (outbox.ok()) {
      EXPECT_TRUE((*outbox)
                      ->ForEach([&](OutboxEvent&& event) {
                        if (event.channel == "siem") ids.push_back(event.eventId);
                      })
                      .ok());
    }
    return ids;
  };
  EXPECT_EQ(stored_events(), std::vector<std::string>{event_id});

  // After a restart, with the receiver's address mended, the same event is delivered: the fixture's
  // receiver answers its first POST with a 500, the retry with a 204.
  StartService();
  PutSettings(hook_at(webhookUrl_));
  std::vector<std::filesystem::path> delivered;
  e2e::WaitUntil([&] {
    delivered = PostsTo("/idguard");
    return delivered.size() >= 2;
  });
  ASSERT_EQ(delivered.size(), 2U);
  Json last(e2e::ReadFile(delivered.back()));
  std::int64_t status = 0;
  ASSERT_EQ(last.root["status"].get(status), simdjson::SUCCESS);
  EXPECT_EQ(status, 204);
  EXPECT_EQ(last.String("/body"), refused) << "the stored event, as first sent";
  EXPECT_EQ(Json(last.String("/body")).String("/value/0/resource/userPrincipalName"),
            "alice@contoso.example");
  e2e::WaitUntil([&] { return Metric("idguard_webhook_deliveries_total") >= 1; });
  EXPECT_EQ(Metric("idguard_webhook_events_queued"), 0);
  EXPECT_EQ(Metric("idguard_webhook_outbox_failures_total"), 0);
  service_.reset();
  EXPECT_TRUE(stored_events().empty()) << "a delivered event leaves the store";
}

TEST_F(NotificationsTest, SettingsApiHidesSecretsAndOnlyAdministratorsChangeIt) {
  PutSettings(R"([{"id": "siem", "url": ")" + webhookUrl_ + R"(", "secret": ")" + kSecret +
              R"("}])");
  HttpResponse shown = Call("GET", "/v1/notifications/settings", Role::securityReader);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.body.find(kSecret), std::string::npos) << shown.body;
  EXPECT_NE(shown.body.find(R"("hasSecret":true)"), std::string::npos) << shown.body;
  // Sending the shown form back keeps the secret (webhooks still deliver, signed with it).
  ASSERT_EQ(
      Call("PUT", "/v1/notifications/settings", Role::securityAdministrator, shown.body).status,
      200);
  EXPECT_EQ(Call("PUT", "/v1/notifications/settings", Role::securityOperator, shown.body).status,
            403);
  EXPECT_EQ(Call("GET", "/v1/notifications/settings", Role::identityProvider).status, 403);
  HttpResponse bad = Call("PUT", "/v1/notifications/settings", Role::securityAdministrator,
                          R"({"riskyUsersAlert": {"minimumRiskLevel": "extreme"}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("riskyUsersAlert.minimumRiskLevel"), std::string::npos) << bad.body;
  ConfirmCompromised("bob");
  auto posts = WaitForFiles("hooks", 2);
  ASSERT_EQ(posts.size(), 2U);
  Json delivered(e2e::ReadFile(posts[1]));
  const std::string signature = delivered.String("/headers/x-idguard-signature");
  const std::string t = signature.substr(2, signature.find(',') - 2);
  EXPECT_EQ(signature.substr(signature.find(',') + 1),
            "v1=" + HmacSha256Hex(kSecret, t + "." + delivered.String("/body")));
  // The change is in the audit log.
  HttpResponse audit = Call("GET", "/v1.0/auditLogs/directoryAudits", Role::securityReader);
  EXPECT_NE(audit.body.find("Update notification settings"), std::string::npos) << audit.body;
}

}  // namespace
}  // namespace idguard
