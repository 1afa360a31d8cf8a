// The admin portal's server side, called in-process on a real SQLite store: the built files at
// `/` with their security headers, sign-in with a local account or an API token, the session
// cookie (HttpOnly, SameSite=Strict, stored hashed, expiring), the header that cookie-authenticated
// changes need, sign-out, failed sign-ins (refused alike, audited, slowed down), the overview
// report, and `idguard admin` on the command line.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>

#include "e2e/e2e_support.h"
#include "idguard/api/api_service.h"
#include "idguard/api/portal_account.h"
#include "idguard/core/digest.h"
#include "idguard/core/password_hash.h"
#include "idguard/export/graph_json.h"
#include "idguard/store/report_reader.h"
#include "idguard/store/risk_store.h"

namespace idguard {
namespace {

using api::HttpRequest;
using api::HttpResponse;
using api::Role;
using e2e::Json;

constexpr const char* kPassword = "correct horse battery staple";
// 2026-11-02T00:00:00Z, a Monday: the overview fixture's first day.
constexpr EventTime kDayOne = 1'793'577'600LL * kMicrosPerSecond;

RiskDetection Detection(const std::string& id, const std::string& type, RiskLevel level,
                        EventTime detected, const std::string& request_id, double latitude) {
  RiskDetection d;
  d.id = id;
  d.riskEventType = type;
  d.riskLevel = level;
  d.userId = "u-" + id;
  d.userPrincipalName = d.userId + "@contoso.example";
  d.detectedDateTime = d.activityDateTime = d.lastUpdatedDateTime = detected;
  d.requestId = d.correlationId = request_id;
  if (!request_id.empty()) {
    d.location.city = latitude > 50 ? "Moscow" : "Lagos";
    d.location.countryOrRegion = latitude > 50 ? "RU" : "NG";
    d.location.geoCoordinates.latitude = latitude;
    d.location.geoCoordinates.longitude = latitude > 50 ? 37.62 : 3.38;
  }
  return d;
}

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<e2e::TempDir>(
        "portal-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    db_ = *dir_ / "store.db";
    web_ = *dir_ / "web";
    std::filesystem::create_directories(web_ + "/assets");
    std::ofstream(web_ + "/index.html") << "<!doctype html><title>idguard</title>";
    std::ofstream(web_ + "/assets/index-1a2b3c.js") << "console.log('portal')";
    WriteFixture();
    api::ApiOptions options;
    options.webRoot = web_;
    service_ = e2e::StartApiService(db_, {}, options);
    ASSERT_NE(service_, nullptr);
  }

  void WriteFixture() {
    auto store = OpenSqliteStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    StoreBatch batch;
    tokens_ = e2e::AddRoleTokens(batch);
    auto hash = HashPassword(kPassword);
    ASSERT_TRUE(hash.ok());
    for (const auto& [name, role] :
         {std::pair{"Olivia", "security-operator"}, std::pair{"rita", "security-reader"}}) {
      api::PortalAccount account{name, role, *hash, "", kDayOne};
      batch.configDocuments.push_back({std::string(api::kPortalAccountKind),
                                       api::PortalAccountId(name), api::PortalAccountJson(account),
                                       kDayOne});
    }
    // Detections on days one and three (two in one place), one offline, one before the period.
    const RiskDetection detections[] = {
        Detection("d1", "unfamiliarFeatures", RiskLevel::high, kDayOne + kMicrosPerHour, "s1",
                  55.75),
        Detection("d2", "unlikelyTravel", RiskLevel::medium, kDayOne + 2 * kMicrosPerDay, "s2",
                  55.76),
        Detection("d3", "unfamiliarFeatures", RiskLevel::low, kDayOne + 2 * kMicrosPerDay + 5, "s3",
                  6.45),
        Detection("d4", "leakedCredentials", RiskLevel::high, kDayOne + 2 * kMicrosPerDay, "", 0),
        Detection("d0", "passwordSpray", RiskLevel::high, kDayOne - 3 * kMicrosPerDay, "s0", 6.45),
    };
    for (const RiskDetection& d : detections) {
      std::string json;
      AppendRiskDetectionJson(json, d);
      batch.detections.push_back({d, json});
    }
    const std::pair<const char*, RiskLevel> users[] = {
        {"u1", RiskLevel::high}, {"u2", RiskLevel::high}, {"u3", RiskLevel::low}};
    for (const auto& [id, level] : users) {
      RiskyUser user;
      user.id = id;
      user.userPrincipalName = std::string(id) + "@contoso.example";
      user.riskLevel = level;
      user.riskState = RiskState::atRisk;
      user.riskLastUpdatedDateTime = kDayOne;
      std::string json;
      AppendRiskyUserJson(json, user);
      batch.riskyUsers.push_back({user, json});
    }
    idguard::SignIn risky;
    risky.id = "s1";
    risky.createdDateTime = kDayOne + kMicrosPerHour;
    risky.userId = "u1";
    risky.userPrincipalName = "u1@contoso.example";
    risky.riskLevelAggregated = risky.riskLevelDuringSignIn = RiskLevel::high;
    risky.riskState = RiskState::atRisk;
    batch.signIns.push_back(StoredSignIn::From(std::move(risky)));
    ASSERT_TRUE((*store)->Write(batch).ok());
  }

  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& address = "127.0.0.1") {
    HttpRequest request;
    request.method = method;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    request.body = body;
    request.remoteAddress = address;
    request.requestId = "portal-test-" + std::to_string(++requests_);
    request.headers.emplace_back("host", "idguard.test");
    for (const auto& header : headers) request.headers.push_back(header);
    return service_->Handle(request);
  }

  static std::string Header(const HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "<absent>";
  }

  // Signs in with a password; returns the session cookie's value, or empty.
  std::string SignIn(const std::string& user, const std::string& password = kPassword) {
    HttpResponse response =
        Send("POST", "/v1/portal/session",
             R"({"userName":")" + user + R"(","password":")" + password + R"("})", {});
    if (response.status != 201) return "";
    const std::string cookie = Header(response, "Set-Cookie");
    const auto start = cookie.find('=') + 1;
    return cookie.substr(start, cookie.find(';') - start);
  }

  std::vector<std::pair<std::string, std::string>> WithCookie(const std::string& session,
                                                              bool portal_header = true) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"cookie", "theme=dark; idguard_session=" + session}};
    if (portal_header) headers.emplace_back("x-requested-with", "idguard-portal");
    return headers;
  }

  std::unique_ptr<e2e::TempDir> dir_;
  std::string db_;
  std::string web_;
  std::map<Role, std::string> tokens_;
  std::unique_ptr<api::ApiService> service_;
  int requests_ = 0;
};

TEST_F(PortalTest, PortalFilesAreServedWithSecurityHeadersAndPagesFallBackToIndex) {
  HttpResponse index = Send("GET", "/", "", {});
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.contentType, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<title>idguard</title>"), std::string::npos);
  EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
  EXPECT_NE(Header(index, "Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(Header(index, "X-Content-Type-Options"), "nosniff");

  HttpResponse script = Send("GET", "/assets/index-1a2b3c.js", "", {});
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.contentType, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(script, "Cache-Control"), "public, max-age=31536000, immutable");

  // A shared link to a page opens the portal, which reads the filters from the query.
  HttpResponse page = Send("GET", "/riskyUsers?riskLevel=high", "", {});
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, index.body);
  EXPECT_EQ(Send("GET", "/users/u1/timeline", "", {}).body, index.body);

  // Files that do not exist, and API paths, are never the portal's page.
  EXPECT_EQ(Send("GET", "/assets/missing.js", "", {}).status, 404);
  HttpResponse api_miss = Send("GET", "/v1.0/identityProtection/riskyPeople", "", {});
  EXPECT_EQ(api_miss.status, 404);
  EXPECT_EQ(Json(api_miss.body).String("/error/code"), "ResourceNotFound");
  EXPECT_EQ(Send("GET", "/v1/nothing", "", {}).status, 404);
  EXPECT_EQ(Send("POST", "/riskyUsers", "", {}).status, 404);
}

TEST_F(PortalTest, AServerWithoutPortalFilesOrWithABrokenFolderSaysSo) {
  api::ApiOptions options;
  options.webRoot = *dir_ / "empty";
  std::filesystem::create_directories(options.webRoot);
  std::ostringstream log;
  LiveEngineOptions engine_options;
  engine_options.dbPath = *dir_ / "other.db";
  auto engine = LiveEngine::Open(engine_options, log);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  options.dbPath = engine_options.dbPath;
  auto broken = api::ApiService::Create(options, std::move(engine).value());
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("has no index.html"), std::string::npos);
}

TEST_F(PortalTest, PasswordSignInSetsAnHttpOnlyStrictCookieThatIsStoredOnlyHashed) {
  HttpResponse response =
      Send("POST", "/v1/portal/session",
           std::string(R"({"userName":"OLIVIA","password":")") + kPassword + R"("})", {});
  ASSERT_EQ(response.status, 201) << response.body;
  const std::string cookie = Header(response, "Set-Cookie");
  EXPECT_EQ(cookie.rfind("idguard_session=idg_", 0), 0U) << cookie;
  for (const char* attribute : {"; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=28800"}) {
    EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute;
  }
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // no TLS in this test
  Json session(response.body);
  EXPECT_EQ(session.String("/userName"), "Olivia");
  EXPECT_EQ(session.String("/role"), "security-operator");

  const std::string value = cookie.substr(16, cookie.find(';') - 16);
  auto reader = OpenSqliteReportReader(db_);
  ASSERT_TRUE(reader.ok());
  auto stored = (*reader)->FindToken(Sha256Hex(value));
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->role, "security-operator");
  EXPECT_GT((*stored)->expiresMicros, SystemClock().Now());
  // The session itself is nowhere in the store's files.
  for (const char* suffix : {"", "-wal"}) {
    const std::string bytes = e2e::ReadFile(db_ + suffix);
    EXPECT_EQ(bytes.find(value), std::string::npos) << suffix;
  }
}

TEST_F(PortalTest, TheCookieAuthenticatesAndChangesNeedThePortalHeader) {
  const std::string session = SignIn("olivia");
  ASSERT_FALSE(session.empty());
  HttpResponse who = Send("GET", "/v1/portal/session", "", WithCookie(session, false));
  ASSERT_EQ(who.status, 200) << who.body;
  Json me(who.body);
  EXPECT_EQ(me.String("/userName"), "Olivia");
  EXPECT_NE(who.body.find(R"("riskActions")"), std::string::npos);
  EXPECT_NE(me.String("/expiresDateTime"), "<absent>");

  EXPECT_EQ(
      Send("GET", "/v1.0/identityProtection/riskyUsers", "", WithCookie(session, false)).status,
      200);
  // A change with only the cookie, as a form on another site would send it, is refused.
  const std::string dismiss = R"({"userIds":["u3"]})";
  HttpResponse forged = Send("POST", "/v1.0/identityProtection/riskyUsers/dismiss", dismiss,
                             WithCookie(session, false));
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(Json(forged.body).String("/error/message").find("X-Requested-With"), std::string::npos);
  EXPECT_EQ(
      Send("POST", "/v1.0/identityProtection/riskyUsers/dismiss", dismiss, WithCookie(session))
          .status,
      204);
  // The history names the portal user who acted.
  HttpResponse history =
      Send("GET", "/v1.0/identityProtection/riskyUsers/u3/history", "", WithCookie(session, false));
  EXPECT_NE(history.body.find(R"("initiatedBy":"Olivia")"), std::string::npos) << history.body;

  // A reader's session sees the reports and cannot act.
  const std::string reader = SignIn("rita");
  ASSERT_FALSE(reader.empty());
  HttpResponse reader_who = Send("GET", "/v1/portal/session", "", WithCookie(reader));
  EXPECT_EQ(reader_who.body.find(R"("riskActions")"), std::string::npos);
  EXPECT_EQ(Send("POST", "/v1.0/identityProtection/riskyUsers/dismiss", dismiss, WithCookie(reader))
                .status,
            403);
}

TEST_F(PortalTest, AnApiTokenSignsInButNotAnIdentityProviderTokenOrASession) {
  HttpResponse by_token =
      Send("POST", "/v1/portal/session",
           R"({"token":")" + tokens_[Role::securityAdministrator] + R"("})", {});
  ASSERT_EQ(by_token.status, 201) << by_token.body;
  EXPECT_EQ(Json(by_token.body).String("/role"), "security-administrator");
  EXPECT_NE(Header(by_token, "Set-Cookie").find("HttpOnly"), std::string::npos);

  HttpResponse provider = Send("POST", "/v1/portal/session",
                               R"({"token":")" + tokens_[Role::identityProvider] + R"("})", {});
  EXPECT_EQ(provider.status, 401);
  // A session cannot mint another session.
  const std::string session = SignIn("olivia");
  EXPECT_EQ(Send("POST", "/v1/portal/session", R"({"token":")" + session + R"("})", {}).status,
            401);
}

TEST_F(PortalTest, WrongPasswordsAndUnknownUsersAreRefusedAlikeAndAudited) {
  HttpResponse wrong = Send("POST", "/v1/portal/session",
                            R"({"userName":"olivia","password":"not the password"})", {});
  HttpResponse unknown = Send("POST", "/v1/portal/session",
                              R"({"userName":"mallory","password":"not the password"})", {});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(Json(wrong.body).String("/error/message"), Json(unknown.body).String("/error/message"));
  EXPECT_TRUE(Header(wrong, "Set-Cookie") == "<absent>");

  HttpResponse audit = Send(
      "GET", "/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName%20eq%20'signInFailed'",
      "", {{"authorization", "Bearer " + tokens_[Role::securityReader]}});
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("mallory"), std::string::npos);
  EXPECT_NE(audit.body.find("olivia"), std::string::npos);
  EXPECT_EQ(audit.body.find("not the password"), std::string::npos);

  // Bodies that are not a sign-in say what is wrong.
  for (const char* body : {"", "[]", R"({"userName":"olivia"})", R"({"user":"x"})",
                           R"({"token":"a","password":"b","userName":"c"})"}) {
    HttpResponse bad = Send("POST", "/v1/portal/session", body, {});
    EXPECT_EQ(bad.status, 400) << body;
    EXPECT_EQ(Json(bad.body).String("/error/code"), "BadRequest") << body;
  }
}

TEST_F(PortalTest, AnAddressThatKeepsFailingIsSlowedDownWith429) {
  for (int attempt = 0; attempt < 30; ++attempt) {
    EXPECT_EQ(
        Send("POST", "/v1/portal/session", R"({"token":"idg_guess"})", {}, "203.0.113.9").status,
        401);
  }
  HttpResponse limited = Send(
      "POST", "/v1/portal/session",
      std::string(R"({"userName":"olivia","password":")") + kPassword + R"("})", {}, "203.0.113.9");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(Header(limited, "Retry-After"), "60");
  EXPECT_FALSE(SignIn("olivia").empty());  // another address signs in
}

TEST_F(PortalTest, SignOutEndsTheSessionAtOnceAndExpiredSessionsAreRefused) {
  const std::string session = SignIn("olivia");
  ASSERT_FALSE(session.empty());
  ASSERT_EQ(Send("GET", "/v1/portal/session", "", WithCookie(session)).status, 200);
  HttpResponse out = Send("DELETE", "/v1/portal/session", "", WithCookie(session));
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(Header(out, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Send("GET", "/v1/portal/session", "", WithCookie(session)).status, 401);

  // A session past its expiry, written as the server writes sessions.
  auto token = api::GenerateApiToken();
  ASSERT_TRUE(token.ok());
  {
    auto store = OpenSqliteStore(db_);
    ASSERT_TRUE(store.ok());
    StoreBatch batch;
    StoredApiToken expired;
    expired.token = {"session-old",
                     "Olivia",
                     "security-operator",
                     kDayOne,
                     false,
                     "",
                     SystemClock().Now() - kMicrosPerSecond};
    expired.tokenSha256 = token->sha256;
    batch.apiTokens.push_back(expired);
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  HttpResponse stale = Send("GET", "/v1/portal/session", "", WithCookie(token->token));
  EXPECT_EQ(stale.status, 401);
  EXPECT_NE(Json(stale.body).String("/error/message").find("expired"), std::string::npos);
}

TEST_F(PortalTest, OverviewCountsThePeriodByLevelWithTrendTypesAndPlaces) {
  const std::string reader = "Bearer " + tokens_[Role::securityReader];
  HttpResponse response =
      Send("GET", "/v1/reports/overview?from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z", "",
           {{"authorization", reader}});
  ASSERT_EQ(response.status, 200) << response.body;
  Json overview(response.body);
  auto number = [&](std::string_view pointer) {
    std::int64_t value = -1;
    if (overview.root.at_pointer(pointer).get(value) != simdjson::SUCCESS) return std::int64_t{-1};
    return value;
  };
  EXPECT_EQ(number("/riskyUsers/high"), 2);
  EXPECT_EQ(number("/riskyUsers/low"), 1);
  EXPECT_EQ(number("/riskySignIns/high"), 1);
  // d0 is before the period.
  EXPECT_EQ(number("/riskDetections/high"), 2);
  EXPECT_EQ(number("/riskDetections/medium"), 1);
  EXPECT_EQ(number("/riskDetections/low"), 1);
  EXPECT_EQ(overview.String("/detectionsByDay/0/date"), "2026-11-02T00:00:00Z");
  EXPECT_EQ(number("/detectionsByDay/0/high"), 1);
  EXPECT_EQ(overview.String("/detectionsByDay/1/date"), "2026-11-04T00:00:00Z");
  EXPECT_EQ(number("/detectionsByDay/1/high"), 1);
  EXPECT_EQ(number("/detectionsByDay/1/medium"), 1);
  EXPECT_EQ(overview.String("/topRiskEventTypes/0/riskEventType"), "unfamiliarFeatures");
  EXPECT_EQ(number("/topRiskEventTypes/0/count"), 2);
  // Moscow's two risky sign-ins round to one place with the highest level seen there; the
  // offline detection has no place.
  EXPECT_EQ(overview.String("/riskySignInLocations/0/city"), "Moscow");
  EXPECT_EQ(number("/riskySignInLocations/0/riskySignIns"), 2);
  EXPECT_EQ(overview.String("/riskySignInLocations/0/highestRiskLevel"), "high");
  EXPECT_EQ(overview.String("/riskySignInLocations/1/city"), "Lagos");
  EXPECT_EQ(overview.String("/riskySignInLocations/2/city"), "<absent>");

  for (const char* query : {"?from=yesterday", "?from=2026-11-09T00:00:00Z&to=2026-11-02T00:00:00Z",
                            "?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"}) {
    HttpResponse bad =
        Send("GET", std::string("/v1/reports/overview") + query, "", {{"authorization", reader}});
    EXPECT_EQ(bad.status, 400) << query;
  }
}

TEST_F(PortalTest, AdminCommandManagesAccountsWithoutEverShowingPasswords) {
  const std::string password_file = *dir_ / "password";
  std::ofstream(password_file) << "short\n";
  auto too_short = e2e::RunIdguard("admin create --db " + db_ +
                                   " --name carol --role security-administrator --password-file " +
                                   password_file);
  EXPECT_EQ(too_short.exitCode, 2);
  EXPECT_NE(too_short.output.find("at least 12 characters"), std::string::npos);

  std::ofstream(password_file) << "a long enough passphrase\n";
  auto provider =
      e2e::RunIdguard("admin create --db " + db_ +
                      " --name carol --role identity-provider --password-file " + password_file);
  EXPECT_EQ(provider.exitCode, 2) << provider.output;

  auto created = e2e::RunIdguard("admin create --db " + db_ +
                                 " --name carol --role security-administrator --password-file " +
                                 password_file);
  ASSERT_EQ(created.exitCode, 0) << created.output;
  auto listed = e2e::RunIdguard("admin list --db " + db_);
  EXPECT_NE(listed.output.find("carol\tsecurity-administrator"), std::string::npos)
      << listed.output;
  EXPECT_EQ(listed.output.find("scrypt"), std::string::npos);
  EXPECT_FALSE(SignIn("carol", "a long enough passphrase").empty());

  // Stdin works too, and sets a new password; a session opened with the old one ends.
  const std::string before_change = SignIn("carol", "a long enough passphrase");
  ASSERT_FALSE(before_change.empty());
  EXPECT_EQ(Send("GET", "/v1/portal/session", "", WithCookie(before_change)).status, 200);
  auto changed =
      e2e::RunCommand("echo 'another long passphrase' | " + std::string(IDGUARD_BINARY) +
                      " admin create --db " + db_ + " --name carol --role security-reader");
  ASSERT_EQ(changed.exitCode, 0) << changed.output;
  EXPECT_TRUE(SignIn("carol", "a long enough passphrase").empty());
  // Both sessions opened with the old password end.
  EXPECT_NE(changed.output.find("2 open session(s) ended"), std::string::npos) << changed.output;
  // The server caches a token for up to 10 s; a fresh server reads the revocation at once.
  service_.reset();
  api::ApiOptions options;
  options.webRoot = web_;
  service_ = e2e::StartApiService(db_, {}, options);
  ASSERT_NE(service_, nullptr);
  EXPECT_EQ(Send("GET", "/v1/portal/session", "", WithCookie(before_change)).status, 401);
  const std::string after_change = SignIn("carol", "another long passphrase");
  EXPECT_FALSE(after_change.empty());

  auto deleted = e2e::RunIdguard("admin delete --db " + db_ + " --name CAROL");
  ASSERT_EQ(deleted.exitCode, 0) << deleted.output;
  EXPECT_NE(deleted.output.find("1 open session(s) ended"), std::string::npos) << deleted.output;
  EXPECT_TRUE(SignIn("carol", "another long passphrase").empty());
}

}  // namespace
}  // namespace idguard
