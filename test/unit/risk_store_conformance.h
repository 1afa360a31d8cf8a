// RiskStoreConformance: the behaviour every RiskStore backend must show, as a typed test suite.
//
// A backend joins by providing a factory type and instantiating the suite with it:
//
//   class MyFactory {
//    public:
//     MyFactory();                                      // a fresh, empty store location
//     Result<std::unique_ptr<RiskStore>> Open();        // opens (or reopens) that same store
//     Result<std::string> IntegrityCheck();             // "ok" when the backend is consistent
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, RiskStoreConformance, ::testing::Types<MyFactory>);
//
// Open() must be callable in a forked child (the crash test writes from one), so a factory must
// not hold a connection of its own. The suite owns nothing beyond what each test creates.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "idguard/store/risk_store.h"

namespace idguard::store_test {

inline constexpr EventTime kDay = kMicrosPerDay;
inline constexpr EventTime kNow = 1'700'000'000LL * kMicrosPerSecond;

inline SignIn MakeFullSignIn(const std::string& id, EventTime created, const std::string& user) {
  SignIn s;
  s.id = id;
  s.createdDateTime = created;
  s.userId = user;
  s.userPrincipalName = user + "@contoso.example";
  s.appId = "app-1";
  s.appDisplayName = "Office 365";
  s.ipAddress = "203.0.113.7";
  s.location.countryOrRegion = "NL";
  s.location.city = "Amsterdam";
  s.location.geoCoordinates = {52.37, 4.89, std::nullopt};
  s.deviceDetail.isCompliant = true;
  s.status.errorCode = 50126;
  s.riskLevelAggregated = RiskLevel::high;
  s.riskLevelDuringSignIn = RiskLevel::medium;
  s.riskState = RiskState::atRisk;
  s.riskEventTypes_v2 = {"unfamiliarFeatures", "anonymizedIPAddress"};
  s.network.autonomousSystemNumber = 1136;
  s.client.browserFamily = "Firefox";
  return s;
}

inline StoredSignIn MakeSignIn(const std::string& id, EventTime created, const std::string& user) {
  return StoredSignIn::From(MakeFullSignIn(id, created, user));
}

inline StoredDetection MakeDetection(const std::string& id, EventTime detected,
                                     RiskState state = RiskState::atRisk) {
  StoredDetection row;
  RiskDetection& d = row.detection;
  d.id = id;
  d.riskEventType = "unfamiliarFeatures";
  d.riskLevel = RiskLevel::medium;
  d.riskState = state;
  d.riskDetail = RiskDetail::none;
  d.detectionTimingType = DetectionTimingType::nearRealtime;
  d.userId = "user-" + id;
  d.requestId = "signin-" + id;
  d.ipAddress = "198.51.100.4";
  d.activityDateTime = detected - kMicrosPerMinute;
  d.detectedDateTime = detected;
  d.lastUpdatedDateTime = detected + kMicrosPerMinute;
  row.graphJson = R"({"id":")" + id + R"("})";
  return row;
}

inline StoredRiskyUser MakeRiskyUser(const std::string& id, RiskLevel level) {
  StoredRiskyUser row;
  row.user.id = id;
  row.user.riskLevel = level;
  row.user.riskState = RiskState::atRisk;
  row.user.riskDetail = RiskDetail::none;
  row.user.riskLastUpdatedDateTime = kNow;
  row.user.userPrincipalName = id + "@contoso.example";
  row.user.userDisplayName = "User " + id;
  row.graphJson = R"({"id":")" + id + R"("})";
  return row;
}

inline StoredHistoryItem MakeHistory(const std::string& user, int sequence, EventTime time) {
  StoredHistoryItem row;
  row.item.id = user + ":" + std::to_string(sequence);
  row.item.user = MakeRiskyUser(user, RiskLevel::low).user;
  row.item.user.riskLastUpdatedDateTime = time;
  row.graphJson = "{}";
  return row;
}

// Batch `index` of a stream of equal batches: `size` sign-ins and `detections` detections, ids
// unique across batches.
inline StoreBatch MakeNumberedBatch(int index, int size, int detections = 1) {
  StoreBatch batch;
  for (int i = 0; i < size; ++i) {
    const std::string id = "b" + std::to_string(index) + "-" + std::to_string(i);
    batch.signIns.push_back(MakeSignIn(id, kNow + index * kMicrosPerSecond + i, "u" + id));
  }
  for (int i = 0; i < detections; ++i) {
    batch.detections.push_back(
        MakeDetection("d" + std::to_string(index) + "-" + std::to_string(i), kNow));
  }
  return batch;
}

template <typename Factory>
class RiskStoreConformance : public ::testing::Test {
 protected:
  std::unique_ptr<RiskStore> OpenStore() {
    auto store = factory_.Open();
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static std::int64_t Count(const Result<std::int64_t>& count) {
    EXPECT_TRUE(count.ok()) << count.status().message();
    return count.ok() ? count.value() : -1;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(RiskStoreConformance);

TYPED_TEST_P(RiskStoreConformance, NewStoreIsEmpty) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(this->Count(store->CountSignIns()), 0);
  EXPECT_EQ(this->Count(store->CountDetections()), 0);
  EXPECT_EQ(this->Count(store->CountRiskyUsers()), 0);
  EXPECT_EQ(this->Count(store->CountHistory("nobody")), 0);
  auto state = store->GetState("checkpoint");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state.value(), "");
}

TYPED_TEST_P(RiskStoreConformance, SignInIdsRoundTripAndSurviveReopen) {
  {
    auto store = this->OpenStore();
    ASSERT_NE(store, nullptr);
    StoreBatch batch;
    batch.signIns = {MakeSignIn("s1", kNow, "alice"), MakeSignIn("s2", kNow + 1, "bob"),
                     MakeSignIn("s3", kNow + 2, "alice")};
    ASSERT_TRUE(store->Write(batch).ok());
  }
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(this->Count(store->CountSignIns()), 3);
  std::set<std::string> ids;
  ASSERT_TRUE(store->ForEachSignInId([&](std::string_view id) { ids.emplace(id); }).ok());
  EXPECT_EQ(ids, (std::set<std::string>{"s1", "s2", "s3"}));
}

TYPED_TEST_P(RiskStoreConformance, StoredSignInComesBackWhole) {
  {
    auto store = this->OpenStore();
    ASSERT_NE(store, nullptr);
    StoreBatch batch;
    batch.signIns = {MakeSignIn("s1", kNow, "alice"), MakeSignIn("s2", kNow + 1, "bob")};
    ASSERT_TRUE(store->Write(batch).ok());
  }
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  auto found = store->GetSignIn("s2");
  ASSERT_TRUE(found.ok()) << found.status().message();
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE(**found == MakeFullSignIn("s2", kNow + 1, "bob"));
  auto missing = store->GetSignIn("s9");
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_FALSE(missing->has_value());
}

TYPED_TEST_P(RiskStoreConformance, ActiveDetectionsComeBackFieldByField) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  batch.detections = {MakeDetection("active", kNow),
                      MakeDetection("compromised", kNow, RiskState::confirmedCompromised),
                      MakeDetection("dismissed", kNow, RiskState::dismissed),
                      MakeDetection("remediated", kNow, RiskState::remediated)};
  batch.detections[0].detection.riskLevel = RiskLevel::high;
  batch.detections[0].detection.riskDetail = RiskDetail::userPassedMFADrivenByRiskBasedPolicy;
  ASSERT_TRUE(store->Write(batch).ok());
  EXPECT_EQ(this->Count(store->CountDetections()), 4);

  std::vector<RiskDetection> active;
  ASSERT_TRUE(
      store->ForEachActiveDetection([&](const RiskDetection& d) { active.push_back(d); }).ok());
  std::sort(active.begin(), active.end(),
            [](const RiskDetection& a, const RiskDetection& b) { return a.id < b.id; });
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0].id, "active");
  EXPECT_EQ(active[1].id, "compromised");
  EXPECT_EQ(active[1].riskState, RiskState::confirmedCompromised);

  const RiskDetection& want = batch.detections[0].detection;
  const RiskDetection& got = active[0];
  EXPECT_EQ(got.riskEventType, want.riskEventType);
  EXPECT_EQ(got.riskLevel, RiskLevel::high);
  EXPECT_EQ(got.riskState, RiskState::atRisk);
  EXPECT_EQ(got.riskDetail, RiskDetail::userPassedMFADrivenByRiskBasedPolicy);
  EXPECT_EQ(got.detectionTimingType, DetectionTimingType::nearRealtime);
  EXPECT_EQ(got.userId, want.userId);
  EXPECT_EQ(got.requestId, want.requestId);
  EXPECT_EQ(got.ipAddress, want.ipAddress);
  EXPECT_EQ(got.activityDateTime, want.activityDateTime);
  EXPECT_EQ(got.detectedDateTime, want.detectedDateTime);
  EXPECT_EQ(got.lastUpdatedDateTime, want.lastUpdatedDateTime);
}

TYPED_TEST_P(RiskStoreConformance, RiskyUserUpsertReplacesLevel) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  StoreBatch first;
  first.riskyUsers = {MakeRiskyUser("alice", RiskLevel::low), MakeRiskyUser("bob", RiskLevel::low)};
  ASSERT_TRUE(store->Write(first).ok());
  StoreBatch second;
  second.riskyUsers = {MakeRiskyUser("alice", RiskLevel::high)};
  second.riskyUsers[0].user.riskState = RiskState::confirmedCompromised;
  second.riskyUsers[0].user.riskLastUpdatedDateTime = kNow + kDay;
  ASSERT_TRUE(store->Write(second).ok());

  EXPECT_EQ(this->Count(store->CountRiskyUsers()), 2);
  std::vector<RiskyUser> users;
  ASSERT_TRUE(store->ForEachRiskyUser([&](const RiskyUser& u) { users.push_back(u); }).ok());
  std::sort(users.begin(), users.end(),
            [](const RiskyUser& a, const RiskyUser& b) { return a.id < b.id; });
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].id, "alice");
  EXPECT_EQ(users[0].riskLevel, RiskLevel::high);
  EXPECT_EQ(users[0].riskState, RiskState::confirmedCompromised);
  EXPECT_EQ(users[0].riskLastUpdatedDateTime, kNow + kDay);
  EXPECT_EQ(users[0].userPrincipalName, "alice@contoso.example");
  EXPECT_EQ(users[0].userDisplayName, "User alice");
  EXPECT_EQ(users[1].id, "bob");
  EXPECT_EQ(users[1].riskLevel, RiskLevel::low);
}

TYPED_TEST_P(RiskStoreConformance, ProfilesAndStateAreUpsertedAndBinarySafe) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  const std::string binary("\x00\x01\xff profile", 11);
  StoreBatch first;
  first.profiles = {{"alice", "v1"}, {"bob", binary}};
  first.state = {{"checkpoint", "offset=10"}};
  ASSERT_TRUE(store->Write(first).ok());
  StoreBatch second;
  second.profiles = {{"alice", "v2"}};
  second.state = {{"checkpoint", "offset=20"}};
  ASSERT_TRUE(store->Write(second).ok());

  std::vector<std::pair<std::string, std::string>> profiles;
  ASSERT_TRUE(store
                  ->ForEachProfile([&](std::string_view user, std::string_view blob) {
                    profiles.emplace_back(user, blob);
                  })
                  .ok());
  std::sort(profiles.begin(), profiles.end());
  ASSERT_EQ(profiles.size(), 2u);
  EXPECT_EQ(profiles[0], (std::pair<std::string, std::string>{"alice", "v2"}));
  EXPECT_EQ(profiles[1], (std::pair<std::string, std::string>{"bob", binary}));
  auto state = store->GetState("checkpoint");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state.value(), "offset=20");
}

TYPED_TEST_P(RiskStoreConformance, WritingTheSameBatchTwiceChangesNoCounts) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  StoreBatch batch = MakeNumberedBatch(0, 50);
  batch.riskyUsers = {MakeRiskyUser("alice", RiskLevel::medium)};
  batch.history = {MakeHistory("alice", 1, kNow), MakeHistory("alice", 2, kNow + 1)};
  ASSERT_TRUE(store->Write(batch).ok());
  ASSERT_TRUE(store->Write(batch).ok());
  // Re-ingesting the same sign-ins with changed content keeps the first copy only.
  StoreBatch changed = MakeNumberedBatch(0, 50);
  changed.signIns[0].signIn.userId = "someone-else";
  ASSERT_TRUE(store->Write(changed).ok());

  EXPECT_EQ(this->Count(store->CountSignIns()), 50);
  EXPECT_EQ(this->Count(store->CountDetections()), 1);
  EXPECT_EQ(this->Count(store->CountRiskyUsers()), 1);
  EXPECT_EQ(this->Count(store->CountHistory("alice")), 2);
  EXPECT_EQ(this->Count(store->CountHistory("bob")), 0);
}

TYPED_TEST_P(RiskStoreConformance, RetentionDeletesOnlyExpiredRowsAndCountsThem) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  // Sign-ins: kept for 30 days. 31 and 45 days old go, 29 days and today stay.
  batch.signIns = {MakeSignIn("old1", kNow - 45 * kDay, "a"),
                   MakeSignIn("old2", kNow - 31 * kDay, "a"),
                   MakeSignIn("kept1", kNow - 29 * kDay, "a"), MakeSignIn("kept2", kNow, "a")};
  // Detections: kept for 90 days by detection time.
  batch.detections = {MakeDetection("dold", kNow - 91 * kDay),
                      MakeDetection("dkept", kNow - 89 * kDay)};
  // History: kept for 90 days.
  batch.history = {MakeHistory("alice", 1, kNow - 100 * kDay),
                   MakeHistory("alice", 2, kNow - 95 * kDay),
                   MakeHistory("alice", 3, kNow - 10 * kDay)};
  ASSERT_TRUE(store->Write(batch).ok());

  auto result = store->ApplyRetention(kNow, RetentionPolicy{});
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->signInsDeleted, 2);
  EXPECT_EQ(result->detectionsDeleted, 1);
  EXPECT_EQ(result->historyDeleted, 2);

  std::set<std::string> ids;
  ASSERT_TRUE(store->ForEachSignInId([&](std::string_view id) { ids.emplace(id); }).ok());
  EXPECT_EQ(ids, (std::set<std::string>{"kept1", "kept2"}));
  EXPECT_EQ(this->Count(store->CountDetections()), 1);
  EXPECT_EQ(this->Count(store->CountHistory("alice")), 1);

  auto again = store->ApplyRetention(kNow, RetentionPolicy{});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->signInsDeleted + again->detectionsDeleted + again->historyDeleted, 0);

  // A shorter policy applies to what is left.
  auto shorter = store->ApplyRetention(kNow, RetentionPolicy{1, 1, 1});
  ASSERT_TRUE(shorter.ok()) << shorter.status().message();
  EXPECT_EQ(shorter->signInsDeleted, 1);
  EXPECT_EQ(shorter->detectionsDeleted, 1);
  EXPECT_EQ(shorter->historyDeleted, 1);
}

TYPED_TEST_P(RiskStoreConformance, RetentionInPiecesDeletesEveryExpiredRowAndSaysWhenMoreRemain) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  for (int day = 31; day < 36; ++day) {
    batch.signIns.push_back(MakeSignIn("old" + std::to_string(day), kNow - day * kDay, "a"));
  }
  batch.signIns.push_back(MakeSignIn("kept", kNow, "a"));
  batch.detections = {MakeDetection("dold", kNow - 91 * kDay)};
  ASSERT_TRUE(store->Write(batch).ok());

  std::vector<std::int64_t> pieces;
  for (int call = 0; call < 10; ++call) {
    auto piece = store->ApplyRetention(kNow, RetentionPolicy{}, 2);
    ASSERT_TRUE(piece.ok()) << piece.status().message();
    pieces.push_back(piece->signInsDeleted);
    if (call == 0) {
      EXPECT_EQ(piece->detectionsDeleted, 1);
    }
    if (!piece->more) break;
  }
  EXPECT_EQ(pieces, (std::vector<std::int64_t>{2, 2, 1}));
  std::set<std::string> ids;
  ASSERT_TRUE(store->ForEachSignInId([&](std::string_view id) { ids.emplace(id); }).ok());
  EXPECT_EQ(ids, (std::set<std::string>{"kept"}));
  EXPECT_EQ(this->Count(store->CountDetections()), 0);
}

TYPED_TEST_P(RiskStoreConformance, AFailingRowRollsBackTheWholeBatch) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  StoreBatch good = MakeNumberedBatch(0, 10);
  ASSERT_TRUE(store->Write(good).ok());

  StoreBatch bad = MakeNumberedBatch(1, 10);
  bad.riskyUsers = {MakeRiskyUser("alice", RiskLevel::high)};
  bad.profiles = {{"alice", "profile"}};
  bad.state = {{"checkpoint", "after-bad"}};
  bad.detections.push_back(MakeDetection("", kNow));  // an empty id is refused
  const Status status = store->Write(bad);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("detection"), std::string::npos) << status.message();

  EXPECT_EQ(this->Count(store->CountSignIns()), 10);
  EXPECT_EQ(this->Count(store->CountDetections()), 1);
  EXPECT_EQ(this->Count(store->CountRiskyUsers()), 0);
  int profiles = 0;
  ASSERT_TRUE(store->ForEachProfile([&](std::string_view, std::string_view) { ++profiles; }).ok());
  EXPECT_EQ(profiles, 0);
  EXPECT_EQ(store->GetState("checkpoint").value(), "");

  // The store is still usable, and the same batch without the bad row goes through.
  bad.detections.pop_back();
  ASSERT_TRUE(store->Write(bad).ok());
  EXPECT_EQ(this->Count(store->CountSignIns()), 20);
  EXPECT_EQ(this->Count(store->CountRiskyUsers()), 1);
}

TYPED_TEST_P(RiskStoreConformance, BulkLoadKeepsIdempotencyAndData) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->BeginBulkLoad().ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->Write(MakeNumberedBatch(i, 100)).ok());
  ASSERT_TRUE(store->Write(MakeNumberedBatch(2, 100)).ok());  // a repeat during bulk load
  ASSERT_TRUE(store->EndBulkLoad().ok());
  EXPECT_EQ(this->Count(store->CountSignIns()), 500);
  auto retention = store->ApplyRetention(kNow + 31 * kDay, RetentionPolicy{});
  ASSERT_TRUE(retention.ok()) << retention.status().message();
  EXPECT_EQ(retention->signInsDeleted, 500);
}

// Writes from a child process that is SIGKILLed at a random moment, several times over. Each
// batch holds kBatch sign-ins and kBatch detections (two tables, so a batch committed in parts
// shows as unequal counts); whole batches show as equal counts that are multiples of kBatch.
TYPED_TEST_P(RiskStoreConformance, KillDuringWritesLeavesWholeBatches) {
  constexpr int kBatch = 200;
  constexpr int kRounds = 5;
  const auto seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> kill_after_ms(0, 150);

  int next_batch = 0;
  for (int round = 0; round < kRounds; ++round) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(ready[0]);
      auto store = this->factory_.Open();
      if (!store.ok()) _exit(2);
      for (int index = next_batch;; ++index) {
        if (!(*store)->Write(MakeNumberedBatch(index, kBatch, kBatch)).ok()) _exit(3);
        if (index == next_batch) {
          const char byte = 1;
          if (write(ready[1], &byte, 1) != 1) _exit(4);
        }
      }
    }
    close(ready[1]);
    char byte = 0;
    const bool child_wrote = read(ready[0], &byte, 1) == 1;
    close(ready[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(rng)));
    kill(child, SIGKILL);
    int wait_status = 0;
    ASSERT_EQ(waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(child_wrote) << "the writer exited before its first commit, status " << wait_status;
    ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL)
        << "the writer stopped on its own, status " << wait_status;

    auto integrity = this->factory_.IntegrityCheck();
    ASSERT_TRUE(integrity.ok()) << integrity.status().message();
    EXPECT_EQ(integrity.value(), "ok");
    auto store = this->OpenStore();
    ASSERT_NE(store, nullptr);
    const std::int64_t signins = this->Count(store->CountSignIns());
    const std::int64_t detections = this->Count(store->CountDetections());
    EXPECT_EQ(signins % kBatch, 0) << signins << " sign-ins after round " << round;
    EXPECT_EQ(signins, detections);
    EXPECT_GT(signins / kBatch, next_batch);
    next_batch = static_cast<int>(signins / kBatch);
  }
}

// The ids of the sign-ins a resumed run would learn again, in the order the store gives them.
inline std::vector<std::string> SignInsSinceProfileCheckpoint(RiskStore& store) {
  std::vector<std::string> ids;
  Status s = store.ForEachSignInSinceProfileCheckpoint([&](SignIn&& sign_in) {
    ids.push_back(sign_in.id);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return ids;
}

TYPED_TEST_P(RiskStoreConformance, SignInsAfterTheProfileCheckpointComeBackInStoredOrder) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(SignInsSinceProfileCheckpoint(*store).empty());
  // Stored order is processing order, not event time: the second sign-in is older.
  StoreBatch first;
  first.signIns = {MakeSignIn("s1", kNow, "alice"), MakeSignIn("s2", kNow - kDay, "bob")};
  ASSERT_TRUE(store->Write(first).ok());
  StoreBatch second;
  second.signIns = {MakeSignIn("s3", kNow + 1, "alice")};
  ASSERT_TRUE(store->Write(second).ok());
  EXPECT_EQ(SignInsSinceProfileCheckpoint(*store), (std::vector<std::string>{"s1", "s2", "s3"}));

  StoreBatch checkpoint;
  checkpoint.signIns = {MakeSignIn("s4", kNow + 2, "bob")};
  checkpoint.profiles = {{"alice", "learned"}};
  checkpoint.profileCheckpoint = true;
  ASSERT_TRUE(store->Write(checkpoint).ok());
  EXPECT_TRUE(SignInsSinceProfileCheckpoint(*store).empty());

  StoreBatch after;
  after.signIns = {MakeSignIn("s5", kNow + 3, "carol"), MakeSignIn("s4", kNow + 2, "bob")};
  ASSERT_TRUE(store->Write(after).ok());
  // The duplicate of s4 is not stored again, so it is not learned twice.
  EXPECT_EQ(SignInsSinceProfileCheckpoint(*store), (std::vector<std::string>{"s5"}));
  store.reset();
  store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(SignInsSinceProfileCheckpoint(*store), (std::vector<std::string>{"s5"}))
      << "the checkpoint survives reopening";
}

TYPED_TEST_P(RiskStoreConformance, SignInsStoredAfterRetentionEmptiedTheStoreAreNotLearned) {
  auto store = this->OpenStore();
  ASSERT_NE(store, nullptr);
  StoreBatch old;
  old.signIns = {MakeSignIn("o1", kNow - 60 * kDay, "alice"),
                 MakeSignIn("o2", kNow - 50 * kDay, "alice")};
  old.profileCheckpoint = true;
  ASSERT_TRUE(store->Write(old).ok());
  auto retention = store->ApplyRetention(kNow, RetentionPolicy{});
  ASSERT_TRUE(retention.ok()) << retention.status().message();
  ASSERT_EQ(retention->signInsDeleted, 2);
  // New sign-ins may take the places the deleted ones had; they still count as not learned.
  StoreBatch fresh;
  fresh.signIns = {MakeSignIn("n1", kNow, "alice")};
  ASSERT_TRUE(store->Write(fresh).ok());
  EXPECT_EQ(SignInsSinceProfileCheckpoint(*store), (std::vector<std::string>{"n1"}));
}

REGISTER_TYPED_TEST_SUITE_P(RiskStoreConformance, NewStoreIsEmpty,
                            SignInIdsRoundTripAndSurviveReopen, StoredSignInComesBackWhole,
                            ActiveDetectionsComeBackFieldByField, RiskyUserUpsertReplacesLevel,
                            ProfilesAndStateAreUpsertedAndBinarySafe,
                            WritingTheSameBatchTwiceChangesNoCounts,
                            RetentionDeletesOnlyExpiredRowsAndCountsThem,
                            RetentionInPiecesDeletesEveryExpiredRowAndSaysWhenMoreRemain,
                            AFailingRowRollsBackTheWholeBatch, BulkLoadKeepsIdempotencyAndData,
                            KillDuringWritesLeavesWholeBatches,
                            SignInsAfterTheProfileCheckpointComeBackInStoredOrder,
                            SignInsStoredAfterRetentionEmptiedTheStoreAreNotLearned);

}  // namespace idguard::store_test
