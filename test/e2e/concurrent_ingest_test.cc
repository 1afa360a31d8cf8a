// Ingest from several connections at once: the engine works on one batch while the store writes
// the batch before it. Every accepted sign-in is stored exactly once, and a batch the store
// refused was not accepted: the engine forgets it, so the same batch can be sent again.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "e2e/e2e_support.h"
#include "idguard/api/roles.h"
#include "idguard/core/time.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/store/risk_store.h"

namespace idguard::e2e {
namespace {

constexpr EventTime kStart = 1'790'000'000'000'000;  // 2026-09-22
constexpr EventTime kMinute = 60'000'000;
constexpr int kBatchSize = 150;

// NDJSON of kBatchSize Graph sign-ins with ids PREFIX-0…, of twenty users, a minute apart.
std::string Batch(const std::string& prefix, int first_minute) {
  std::string body;
  for (int i = 0; i < kBatchSize; ++i) {
    const int minute = first_minute + i;
    body += R"({"id":")" + prefix + "-" + std::to_string(i) + R"(","createdDateTime":")" +
            FormatTimestamp(kStart + minute * kMinute) + R"(","userId":"user-)" +
            std::to_string(minute % 20) + R"(","appId":"app","ipAddress":"145.14.10.)" +
            std::to_string(minute % 200) + R"(","status":{"errorCode":0}})" + "\n";
  }
  return body;
}

std::int64_t Number(const api::HttpResponse& response, const char* member) {
  Json json(response.body);
  std::int64_t value = -1;
  EXPECT_EQ(json.root[member].get(value), simdjson::SUCCESS) << response.body;
  return value;
}

class ConcurrentIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDir>(
        "ingest-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    db_ = *dir_ / "store.db";
    auto store = OpenSqliteStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    StoreBatch batch;
    tokens_ = AddRoleTokens(batch);
    ASSERT_TRUE((*store)->Write(batch).ok());
    store->reset();
    service_ = StartApiService(db_);
    ASSERT_NE(service_, nullptr);
  }

  api::HttpResponse Ingest(const std::string& body, const std::string& request_id) {
    return CallApi(*service_, "POST", "/v1/signins", tokens_[api::Role::securityAdministrator],
                   body, request_id);
  }

  std::int64_t StoredSignIns() {
    api::HttpResponse page = CallApi(*service_, "GET", "/v1.0/auditLogs/signIns?$count=true&$top=1",
                                     tokens_[api::Role::securityReader], "", "count");
    EXPECT_EQ(page.status, 200) << page.body;
    return Number(page, "@odata.count");
  }

  std::unique_ptr<TempDir> dir_;
  std::string db_;
  std::map<api::Role, std::string> tokens_;
  std::unique_ptr<api::ApiService> service_;
};

TEST_F(ConcurrentIngestTest, BatchesFromTwoConnectionsAreEachStoredOnce) {
  constexpr int kBatchesPerConnection = 6;
  std::vector<std::thread> connections;
  std::vector<std::vector<api::HttpResponse>> answers(2);
  for (int c = 0; c < 2; ++c) {
    connections.emplace_back([&, c] {
      for (int b = 0; b < kBatchesPerConnection; ++b) {
        const std::string prefix = "c" + std::to_string(c) + "b" + std::to_string(b);
        answers[c].push_back(
            Ingest(Batch(prefix, (c * kBatchesPerConnection + b) * kBatchSize), prefix));
      }
    });
  }
  for (std::thread& connection : connections) connection.join();
  for (const auto& connection : answers) {
    for (const api::HttpResponse& answer : connection) {
      ASSERT_EQ(answer.status, 202) << answer.body;
      EXPECT_EQ(Number(answer, "accepted"), kBatchSize);
      EXPECT_EQ(Number(answer, "duplicates"), 0);
    }
  }
  EXPECT_EQ(StoredSignIns(), 2 * kBatchesPerConnection * kBatchSize);

  // A new engine over the same store knows them all.
  service_.reset();
  service_ = StartApiService(db_);
  ASSERT_NE(service_, nullptr);
  api::HttpResponse again = Ingest(Batch("c1b3", (kBatchesPerConnection + 3) * kBatchSize), "x");
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(Number(again, "accepted"), 0);
  EXPECT_EQ(Number(again, "duplicates"), kBatchSize);
}

TEST_F(ConcurrentIngestTest, ABatchTheStoreRefusedIsNotAcceptedAndCanBeSentAgain) {
  ASSERT_EQ(Ingest(Batch("first", 0), "first").status, 202);

  // Another process holds the write lock longer than the store waits for it.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  api::HttpResponse refused = Ingest(Batch("second", kBatchSize), "second");
  EXPECT_GE(refused.status, 500) << refused.body;
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  api::HttpResponse resent = Ingest(Batch("second", kBatchSize), "second-again");
  ASSERT_EQ(resent.status, 202) << resent.body;
  EXPECT_EQ(Number(resent, "accepted"), kBatchSize);
  EXPECT_EQ(Number(resent, "duplicates"), 0);
  api::HttpResponse third = Ingest(Batch("third", 2 * kBatchSize), "third");
  ASSERT_EQ(third.status, 202) << third.body;
  EXPECT_EQ(StoredSignIns(), 3 * kBatchSize);
}

}  // namespace
}  // namespace idguard::e2e
