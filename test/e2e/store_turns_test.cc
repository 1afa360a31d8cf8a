// Writes reach the store in the order the engine made them, and a write waiting for its turn
// does not hold up evaluations: a slow write of an ingest call, with the evaluation writer's next
// batch queued behind it, leaves the engine free.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "e2e/e2e_support.h"
#include "idguard/core/time.h"
#include "idguard/pipeline/live_engine.h"

namespace idguard::e2e {
namespace {

constexpr EventTime kStart = 1'790'000'000'000'000;  // 2026-09-22

std::string SignInJson(const std::string& id, EventTime time) {
  return R"({"id":")" + id + R"(","createdDateTime":")" + FormatTimestamp(time) +
         R"(","userId":"alice","userPrincipalName":"alice@contoso.example","appId":"app-mail",)"
         R"("appDisplayName":"Mail","ipAddress":"145.14.10.10","clientAppUsed":"Browser",)"
         R"("isInteractive":true,"location":{"city":"Amsterdam","countryOrRegion":"NL"}})";
}

// Holds the first write of a batch whose first sign-in has the given id until released, and
// records the first sign-in id of every batch written.
class SlowWrite {
 public:
  explicit SlowWrite(std::string held_id) : heldId_(std::move(held_id)) {}

  void BeforeWrite(StoreBatch& batch) {
    std::unique_lock lock(mutex_);
    if (batch.signIns.empty()) return;
    const std::string& first = batch.signIns.front().signIn.id;
    written_.push_back(first);
    if (first != heldId_) return;
    held_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_; });
  }
  void WaitUntilHeld() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return held_; });
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  std::vector<std::string> written() {
    std::lock_guard lock(mutex_);
    return written_;
  }

 private:
  const std::string heldId_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  bool released_ = false;
  std::vector<std::string> written_;
};

TEST(StoreTurnsTest, EvaluationsAreAnsweredWhileWritesWaitForTheStoreAndTheyLandInOrder) {
  TempDir dir("store-turns");
  const auto opened = OpenLiveEngine(dir / "store.db");
  ASSERT_NE(opened, nullptr);
  LiveEngine& engine = *opened;
  SlowWrite slow("ingested");
  engine.SetCommitObserver({[&](StoreBatch& batch) { slow.BeforeWrite(batch); }, {}});
  const Actor actor{"test", "token", "securityAdministrator", "request"};

  // An ingest call whose write stalls (a busy disk, a long checkpoint) with the store lock held.
  std::thread ingest([&] {
    auto result = engine.Ingest(SignInJson("ingested", kStart), InputFormat::graph, actor);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->accepted, 1U);
  });
  slow.WaitUntilHeld();

  // An evaluation: the writer takes it after its 2 ms of gathering and queues behind the stalled
  // write. It used to wait there with the engine lock held, stopping every later evaluation.
  auto first = engine.Evaluate(SignInJson("evaluated-1", kStart + kMicrosPerMinute), actor);
  ASSERT_TRUE(first.ok()) << first.status().message();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto second = std::async(std::launch::async, [&] {
    return engine.Evaluate(SignInJson("evaluated-2", kStart + 2 * kMicrosPerMinute), actor);
  });
  const bool answered = second.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  slow.Release();
  ingest.join();
  ASSERT_TRUE(answered) << "an evaluation waited for a write it does not depend on";
  ASSERT_TRUE(second.get().ok());

  // Both evaluations were written after the stalled batch, in the order they were answered. (A
  // call that reads the store writes the evaluations still waiting first.)
  ASSERT_TRUE(engine.GetSettingsDocument("notificationSettings").ok());
  EXPECT_EQ(slow.written(), (std::vector<std::string>{"ingested", "evaluated-1", "evaluated-2"}));
  engine.SetCommitObserver({});  // the engine outlives what the observer uses
}

// A repeated evaluation waits for the batch that holds its first answer. When the store refuses
// that batch, the repeat is told to retry (503), not that the id was never evaluated, and the
// retry evaluates it anew. Another connection holding the write lock makes the write fail.
TEST(StoreTurnsTest, ARepeatWhoseFirstAnswerTheStoreRefusedIsToldToRetry) {
  TempDir dir("store-turns-refused");
  const std::string db = dir / "store.db";
  const auto opened = OpenLiveEngine(db);
  ASSERT_NE(opened, nullptr);
  LiveEngine& engine = *opened;
  sqlite3* locker = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &locker), SQLITE_OK);
  std::promise<void> locked;
  bool held = false;  // the first write of "first" only
  engine.SetCommitObserver(
      {[&](StoreBatch& batch) {
         if (held || batch.signIns.empty() || batch.signIns.front().signIn.id != "first") {
           return;
         }
         held = true;
         // Taken after the writer's turn began and before its transaction:
         // the write waits out the busy timeout, then fails.
         EXPECT_EQ(sqlite3_exec(locker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
         locked.set_value();
       },
       {}});
  const Actor actor{"test", "token", "identityProvider", "request"};

  auto first = engine.Evaluate(SignInJson("first", kStart), actor);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(locked.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto repeat = engine.Evaluate(SignInJson("first", kStart), actor);
  ASSERT_FALSE(repeat.ok()) << "the first answer cannot have been stored";
  EXPECT_EQ(repeat.status().code(), StatusCode::kUnavailable) << repeat.status().message();

  ASSERT_EQ(sqlite3_exec(locker, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(locker);
  auto retried = engine.Evaluate(SignInJson("first", kStart), actor);
  ASSERT_TRUE(retried.ok()) << retried.status().message();
  EXPECT_FALSE(retried->repeated) << "evaluated anew";
  engine.SetCommitObserver({});  // the engine outlives what the observer uses
}

}  // namespace
}  // namespace idguard::e2e
