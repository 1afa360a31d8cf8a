// Retention in a long-running server: sign-ins older than the retention, counted back from the
// newest stored sign-in, leave the store, as do portal sessions that have expired; API tokens
// without an expiry and sessions still valid stay.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <thread>

#include "e2e/e2e_support.h"
#include "idguard/core/digest.h"
#include "idguard/core/time.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/store/report_reader.h"
#include "idguard/store/risk_store.h"

namespace idguard::e2e {
namespace {

constexpr EventTime kNewest = 1'790'000'000'000'000;  // 2026-09-22

StoredSignIn SignInAt(const std::string& id, EventTime created) {
  SignIn sign_in;
  sign_in.id = id;
  sign_in.createdDateTime = created;
  sign_in.userId = "alice";
  sign_in.userPrincipalName = "alice@contoso.example";
  sign_in.ipAddress = "145.14.10.10";
  return StoredSignIn::From(std::move(sign_in));
}

StoredApiToken TokenExpiringAt(const std::string& id, EventTime expires) {
  StoredApiToken stored;
  stored.token.id = id;
  stored.token.name = id;
  stored.token.role = "security-reader";
  stored.token.createdMicros = kNewest;
  stored.token.expiresMicros = expires;
  stored.tokenSha256 = Sha256Hex(id);
  return stored;
}

std::vector<std::string> StoredIds(const std::string& db) {
  auto reader = OpenSqliteReportReader(db);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  std::vector<std::string> ids;
  if (!reader.ok()) return ids;
  Status read = (*reader)->ForEachSignInBetween(0, kNewest + 1, {}, [&](const auto& row) {
    ids.emplace_back(row.id);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> TokenIds(const std::string& db) {
  auto reader = OpenSqliteReportReader(db);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  std::vector<std::string> ids;
  if (!reader.ok()) return ids;
  auto tokens = (*reader)->ListTokens();
  EXPECT_TRUE(tokens.ok()) << tokens.status().message();
  if (tokens.ok()) {
    for (const ApiTokenRecord& token : *tokens) ids.push_back(token.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(ServeRetentionTest, OldSignInsAndExpiredSessionsLeaveTheStore) {
  TempDir dir("serve-retention");
  const std::string db = dir / "store.db";
  const EventTime now = SystemClock().Now();
  {
    auto store = OpenSqliteStore(db);
    ASSERT_TRUE(store.ok()) << store.status().message();
    StoreBatch batch;
    batch.signIns.push_back(SignInAt("newest", kNewest));
    batch.signIns.push_back(SignInAt("ten-days", kNewest - 10 * kMicrosPerDay));
    batch.signIns.push_back(SignInAt("forty-days", kNewest - 40 * kMicrosPerDay));
    batch.apiTokens.push_back(TokenExpiringAt("never-expires", 0));
    batch.apiTokens.push_back(TokenExpiringAt("session-valid", now + kMicrosPerHour));
    batch.apiTokens.push_back(TokenExpiringAt("session-expired", now - kMicrosPerHour));
    ASSERT_TRUE((*store)->Write(batch).ok());
  }

  LiveEngineOptions options;
  options.dbPath = db;
  std::ostringstream log;
  {
    auto engine = LiveEngine::Open(options, log);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    auto pass = (*engine)->ApplyRetention();
    ASSERT_TRUE(pass.ok()) << pass.status().message();
    EXPECT_EQ(pass->latestSignIn, std::optional<EventTime>(kNewest))
        << "counted back from the newest sign-in, not from the wall clock";
    EXPECT_EQ(pass->removed.signInsDeleted, 1);
    EXPECT_EQ(pass->expiredSessionsDeleted, 1);
    auto again = (*engine)->ApplyRetention();
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(again->removed.signInsDeleted, 0);
    EXPECT_EQ(again->expiredSessionsDeleted, 0);
  }
  EXPECT_EQ(StoredIds(db), (std::vector<std::string>{"newest", "ten-days"}));
  EXPECT_EQ(TokenIds(db), (std::vector<std::string>{"never-expires", "session-valid"}));

  // A shorter retention, as `--retention-signins-days 5` sets it.
  options.retention.signInDays = 5;
  auto engine = LiveEngine::Open(options, log);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  auto shorter = (*engine)->ApplyRetention();
  ASSERT_TRUE(shorter.ok()) << shorter.status().message();
  EXPECT_EQ(shorter->removed.signInsDeleted, 1);
  engine->reset();
  EXPECT_EQ(StoredIds(db), (std::vector<std::string>{"newest"}));
}

TEST(ServeRetentionTest, ABacklogIsTrimmedWholeInPiecesWhileIngestGoesOn) {
  TempDir dir("serve-retention-pieces");
  const std::string db = dir / "store.db";
  {
    auto store = OpenSqliteStore(db);
    ASSERT_TRUE(store.ok()) << store.status().message();
    StoreBatch batch;
    batch.signIns.push_back(SignInAt("newest", kNewest));
    for (int day = 31; day < 38; ++day) {
      batch.signIns.push_back(
          SignInAt("old-" + std::to_string(day), kNewest - day * kMicrosPerDay));
    }
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  LiveEngineOptions options;
  options.dbPath = db;
  options.retentionPieceRows = 2;  // seven expired sign-ins take four pieces
  std::ostringstream log;
  auto engine = LiveEngine::Open(options, log);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  // Ingest runs beside the pass: it needs the store only between pieces.
  std::thread ingest([&] {
    const std::string body =
        R"({"id":"during","createdDateTime":"2026-09-21T00:00:00Z","userId":"alice",)"
        R"("appId":"app","ipAddress":"145.14.10.10","status":{"errorCode":0}})";
    auto result = (*engine)->Ingest(body, std::nullopt, Actor{});
    EXPECT_TRUE(result.ok()) << result.status().message();
  });
  auto pass = (*engine)->ApplyRetention();
  ingest.join();
  ASSERT_TRUE(pass.ok()) << pass.status().message();
  EXPECT_EQ(pass->removed.signInsDeleted, 7);
  engine->reset();
  EXPECT_EQ(StoredIds(db), (std::vector<std::string>{"during", "newest"}));
}

TEST(ServeRetentionTest, AnEmptyStoreHasNothingToCountBackFrom) {
  TempDir dir("serve-retention-empty");
  const auto engine = OpenLiveEngine(dir / "store.db");
  ASSERT_NE(engine, nullptr);
  auto pass = engine->ApplyRetention();
  ASSERT_TRUE(pass.ok()) << pass.status().message();
  EXPECT_FALSE(pass->latestSignIn.has_value());
  EXPECT_EQ(pass->removed.signInsDeleted, 0);
}

}  // namespace
}  // namespace idguard::e2e
