#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "idguard/store/notification_outbox.h"
#include "idguard/store/report_reader.h"
#include "idguard/store/risk_store.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/sqlite/sqlite_statement.h"
#include "unit/risk_store_conformance.h"
#include "unit/temp_dir.h"

namespace idguard::store_test {
namespace {

// Opens a second, plain connection to inspect the file the way an operator would.
class Inspector {
 public:
  explicit Inspector(const std::filesystem::path& file) {
    sqlite3* raw = nullptr;
    sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    db_ = sqlite::SqliteDatabase(raw);
  }
  // One column of every row of `sql`, as text.
  Result<std::vector<std::string>> Column(const std::string& sql, int column = 0) {
    auto statement = sqlite::SqliteStatement::Prepare(db_.get(), sql);
    if (!statement.ok()) return statement.status();
    std::vector<std::string> values;
    for (;;) {
      auto row = statement->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      values.emplace_back(statement->ColumnText(column));
    }
    return values;
  }
  // Every column of the first row of `sql`, as text (empty when it has no row).
  std::vector<std::string> Row(const std::string& sql) {
    auto statement = sqlite::SqliteStatement::Prepare(db_.get(), sql);
    if (!statement.ok()) return {};
    auto row = statement->Step();
    std::vector<std::string> values;
    if (!row.ok() || !*row) return values;
    for (int i = 0; i < sqlite3_column_count(statement->get()); ++i) {
      values.emplace_back(statement->ColumnText(i));
    }
    return values;
  }
  std::string One(const std::string& sql, int column = 0) {
    auto values = Column(sql, column);
    EXPECT_TRUE(values.ok()) << values.status().message();
    return values.ok() && !values->empty() ? values->front() : "<none>";
  }

 private:
  sqlite::SqliteDatabase db_;
};

class SqliteStoreFactory {
 public:
  Result<std::unique_ptr<RiskStore>> Open() { return OpenSqliteStore(file().string()); }
  Result<std::string> IntegrityCheck() {
    Inspector inspector(file());
    auto rows = inspector.Column("PRAGMA integrity_check");
    if (!rows.ok()) return rows.status();
    std::string joined;
    for (const std::string& row : *rows) joined += (joined.empty() ? "" : "\n") + row;
    return joined;
  }
  std::filesystem::path file() const { return dir_.path() / "store.db"; }

 private:
  test::TempDir dir_{"idguard-store"};
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, RiskStoreConformance, ::testing::Types<SqliteStoreFactory>);

namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<RiskStore> Open(const SqliteOptions& options = {}) {
    auto store = OpenSqliteStore(factory_.file().string(), options);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::set<std::string> SignInIndices() {
    Inspector inspector(factory_.file());
    auto names = inspector.Column(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'signins' "
        "AND sql IS NOT NULL");
    EXPECT_TRUE(names.ok()) << names.status().message();
    return names.ok() ? std::set<std::string>(names->begin(), names->end())
                      : std::set<std::string>{};
  }
  // The secondary indices plus the unique (day, id) index the schema itself creates.
  static std::set<std::string> AllSignInIndices() {
    const auto names = sqlite::SignInIndexNames();
    std::set<std::string> all(names.begin(), names.end());
    all.insert("signins_day_id");
    return all;
  }

  SqliteStoreFactory factory_;
};

TEST_F(SqliteStoreTest, NewFileIsWalWithSchemaVersionAndAllIndices) {
  ASSERT_NE(Open(), nullptr);
  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(inspector.One("PRAGMA user_version"), std::to_string(sqlite::kSchemaVersion));
  EXPECT_EQ(inspector.One("PRAGMA application_id"), std::to_string(sqlite::kApplicationId));
  EXPECT_EQ(SignInIndices(), AllSignInIndices());
  auto tables = inspector.Column("SELECT name FROM sqlite_master WHERE type = 'table'");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(std::set<std::string>(tables->begin(), tables->end()),
            (std::set<std::string>{"signins", "signin_documents", "detections", "risky_users",
                                   "config_documents", "evaluations", "risky_user_history",
                                   "profiles", "engine_state", "api_tokens", "audit_log",
                                   "directory_accounts", "risky_service_principals",
                                   "risky_service_principal_history", "notification_outbox"}));
}

TEST_F(SqliteStoreTest, AuditLogIsAppendOnlyAndTokensAreStoredAsHashes) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  AuditEntry entry;
  entry.id = "audit-1";
  entry.time = kNow;
  entry.category = "IdentityProtection";
  entry.activity = "riskyUsers/dismiss";
  entry.actor = "soc";
  entry.result = "success";
  entry.requestId = "r1";
  entry.targets = "u1,u2";
  entry.json = "{}";
  batch.audit.push_back(entry);
  StoredApiToken token;
  token.token = {"t1", "soc", "security-operator", kNow, false, "soc@example.com"};
  token.tokenSha256 = std::string(64, 'a');
  batch.apiTokens.push_back(token);
  ASSERT_TRUE(store->Write(batch).ok());
  // The same audit id twice is refused and rolls the whole batch back.
  StoreBatch again;
  again.audit.push_back(entry);
  EXPECT_FALSE(store->Write(again).ok());

  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("SELECT targets FROM audit_log WHERE id = 'audit-1'"), "u1,u2");
  EXPECT_FALSE(inspector.Column("UPDATE audit_log SET actor = 'x' RETURNING id").ok());
  EXPECT_FALSE(inspector.Column("DELETE FROM audit_log RETURNING id").ok());
  EXPECT_EQ(inspector.One("SELECT count(*) FROM audit_log"), "1");
  EXPECT_EQ(inspector.One("SELECT token_sha256 FROM api_tokens"), std::string(64, 'a'));

  StoreBatch revoke;
  revoke.revokedApiTokenIds = {"t1"};
  ASSERT_TRUE(store->Write(revoke).ok());
  EXPECT_EQ(inspector.One("SELECT revoked FROM api_tokens WHERE id = 't1'"), "1");
  StoreBatch unknown;
  unknown.revokedApiTokenIds = {"t2"};
  EXPECT_EQ(store->Write(unknown).code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, SignInUpdatesReplaceRiskColumnsAndDocument) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  batch.signIns.push_back(StoredSignIn::From(MakeFullSignIn("s1", kNow, "u1")));
  ASSERT_TRUE(store->Write(batch).ok());
  SignIn changed = MakeFullSignIn("s1", kNow, "u1");
  changed.riskState = RiskState::dismissed;
  changed.riskDetail = RiskDetail::adminDismissedRiskForSignIn;
  StoreBatch update;
  update.signInUpdates.push_back(StoredSignIn::From(std::move(changed)));
  ASSERT_TRUE(store->Write(update).ok());
  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("SELECT risk_state || ' ' || risk_detail FROM signins"),
            "dismissed adminDismissedRiskForSignIn");
  auto stored = store->GetSignIn("s1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->riskDetail, RiskDetail::adminDismissedRiskForSignIn);
  // An update of a sign-in that is not stored fails the batch.
  StoreBatch missing;
  missing.signInUpdates.push_back(StoredSignIn::From(MakeFullSignIn("s9", kNow, "u1")));
  EXPECT_EQ(store->Write(missing).code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, BulkLoadKeepsEveryIndexAndEndsInWal) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->BeginBulkLoad().ok());
  ASSERT_TRUE(store->Write(MakeNumberedBatch(0, 20)).ok());
  EXPECT_EQ(SignInIndices(), AllSignInIndices());
  ASSERT_TRUE(store->EndBulkLoad().ok());
  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(inspector.One(std::string(sqlite::kStoredDays) +
                          "SELECT count(*) FROM signins INDEXED BY signins_user_time "
                          "WHERE created_day IN (SELECT day FROM stored_days) "
                          "AND user_id = 'ub0-3' AND created_us > 0"),
            "1");
}

// Whether some thread of this process carries `name` (/proc/self/task/*/comm).
bool AThreadIsNamed(const std::string& name) {
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::ifstream comm(task.path() / "comm");
    std::string seen;
    if (std::getline(comm, seen) && seen == name) return true;
  }
  return false;
}

// Polls `done` until it holds or 30 s have passed (a background thread's work has no other signal
// a test can see); returns its last answer.
template <typename Done>
bool Eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Configuration documents of 8,000 bytes each, a page or more per row.
StoreBatch LargeDocuments(int first, int count) {
  StoreBatch batch;
  for (int i = first; i < first + count; ++i) {
    batch.configDocuments.push_back({"test", "d" + std::to_string(i), std::string(8000, 'c'), 1});
  }
  return batch;
}

constexpr std::uintmax_t kPage = 8192;

// Commits that a caller waits for (ingest) leave the copy of the log into the file to a thread of
// the store's own; nothing else ever writes pages into the file while the store is open.
TEST_F(SqliteStoreTest, LargeCommitsAreCopiedIntoTheFileByABackgroundThread) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const std::filesystem::path file = factory_.file();
  EXPECT_FALSE(AThreadIsNamed("idg-checkpoint")) << "started before any commit asked for it";
  const auto empty_size = std::filesystem::file_size(file);

  ASSERT_TRUE(store->Write(LargeDocuments(0, 1500)).ok());
  // The thread names itself as it starts, which may be a moment after the commit returned.
  EXPECT_TRUE(Eventually([] { return AThreadIsNamed("idg-checkpoint"); }));
  EXPECT_TRUE(Eventually([&] {
    return std::filesystem::file_size(file) > empty_size + 1000 * kPage;
  })) << "a commit of more than 1,000 pages was not copied into the file";

  // The next large commit is copied too, by the same thread.
  const auto after_first = std::filesystem::file_size(file);
  ASSERT_TRUE(store->Write(LargeDocuments(1500, 1500)).ok());
  EXPECT_TRUE(
      Eventually([&] { return std::filesystem::file_size(file) > after_first + 1000 * kPage; }));

  // Closing the store closes both connections; the last one copies what is left and removes the
  // log, as with no background thread.
  store.reset();
  EXPECT_FALSE(std::filesystem::exists(file.string() + "-wal"));
  Inspector inspector(file);
  EXPECT_EQ(inspector.One("SELECT count(*) FROM config_documents"), "3000");
  EXPECT_EQ(inspector.One("PRAGMA integrity_check"), "ok");
}

// Past the cap on the log's length the writer does not leave the copy to the background: the file
// holds the commit's pages when the write returns, and no thread was asked for anything.
TEST_F(SqliteStoreTest, PastTheLogCapTheWriterCopiesTheLogBeforeItsWriteReturns) {
  SqliteOptions options;
  options.logPagesBeforeTheWriterCheckpoints = 1000;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  const std::filesystem::path file = factory_.file();
  const auto empty_size = std::filesystem::file_size(file);
  ASSERT_TRUE(store->Write(LargeDocuments(0, 1500)).ok());
  EXPECT_GT(std::filesystem::file_size(file), empty_size + 1000 * kPage)
      << "a commit that took the log past the cap was not copied before the write returned";
  EXPECT_FALSE(AThreadIsNamed("idg-checkpoint"));
}

// A bulk load leaves WAL mode, which SQLite allows only to the file's sole connection: the
// background thread's connection closes first, and opens again for the commits after it.
TEST_F(SqliteStoreTest, BulkLoadAfterBackgroundCheckpointsLeavesAndReentersWal) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const std::filesystem::path file = factory_.file();
  const auto empty_size = std::filesystem::file_size(file);
  ASSERT_TRUE(store->Write(LargeDocuments(0, 1500)).ok());
  ASSERT_TRUE(
      Eventually([&] { return std::filesystem::file_size(file) > empty_size + 1000 * kPage; }));

  Status begun = store->BeginBulkLoad();
  ASSERT_TRUE(begun.ok()) << begun.message();
  // Another connection sees its own default rollback mode, no longer the file's WAL.
  EXPECT_NE(Inspector(file).One("PRAGMA journal_mode"), "wal");
  ASSERT_TRUE(store->Write(MakeNumberedBatch(0, 20)).ok());
  ASSERT_TRUE(store->EndBulkLoad().ok());
  EXPECT_EQ(Inspector(file).One("PRAGMA journal_mode"), "wal");

  const auto after_bulk = std::filesystem::file_size(file);
  ASSERT_TRUE(store->Write(LargeDocuments(1500, 1500)).ok());
  EXPECT_TRUE(Eventually([&] {
    return std::filesystem::file_size(file) > after_bulk + 1000 * kPage;
  })) << "commits after a bulk load were not copied into the file";
}

// Evaluation batches rewrite the same index pages batch after batch, so their commits leave up to
// 4,000 pages in the WAL before checkpointing, and checkpoint on the writer's own thread (nobody
// waits for them); other commits checkpoint at SQLite's 1,000, in the background. Pages reach the
// database file only through a checkpoint, so its growth tells which happened.
TEST_F(SqliteStoreTest, EvaluationCommitsLeaveMorePagesInTheLogBeforeACheckpoint) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const std::filesystem::path file = factory_.file();
  const std::filesystem::path log = file.string() + "-wal";
  // Batches of 1,500 rows of 8,000 bytes, a page or more each: over 1,000 pages, and three of
  // them over 4,000.
  int next = 0;
  const auto evaluations = [&next] {
    StoreBatch batch;
    for (int i = 0; i < 1500; ++i, ++next) {
      EvaluationRecord record;
      record.signInId = "e" + std::to_string(next);
      record.createdDateTime = kNow + next;
      record.decision = "allow";
      record.answer = std::string(8000, 'a');
      batch.evaluations.push_back(std::move(record));
    }
    return batch;
  };
  // Not evaluations: a checkpoint follows, in the background.
  const auto empty_size = std::filesystem::file_size(file);
  ASSERT_TRUE(store->Write(LargeDocuments(0, 1500)).ok());
  ASSERT_TRUE(Eventually([&] {
    return std::filesystem::file_size(file) > empty_size + 1000 * kPage;
  })) << "a batch of more than 1,000 pages was not checkpointed";
  // The copy may still be under way; another connection's checkpoint finds nothing busy and
  // nothing left once it is done (and copies the rest itself if the wait ends just before).
  Inspector inspector(file);
  ASSERT_TRUE(Eventually([&] {
    const auto busy_log_copied = inspector.Row("PRAGMA wal_checkpoint(PASSIVE)");
    return busy_log_copied.size() == 3 && busy_log_copied[0] == "0" &&
           busy_log_copied[1] == busy_log_copied[2];
  }));
  const auto with_documents = std::filesystem::file_size(file);

  // Two evaluation batches, about 3,000 pages, stay in the log.
  ASSERT_TRUE(store->Write(evaluations()).ok());
  ASSERT_TRUE(store->Write(evaluations()).ok());
  EXPECT_EQ(std::filesystem::file_size(file), with_documents)
      << "evaluation batches of fewer than 4,000 pages were checkpointed";
  EXPECT_GT(std::filesystem::file_size(log), 2500 * kPage);

  // The third takes the log past 4,000 pages, and its commit checkpoints before it returns.
  ASSERT_TRUE(store->Write(evaluations()).ok());
  EXPECT_GT(std::filesystem::file_size(file), with_documents + 4000 * kPage)
      << "evaluation batches of more than 4,000 pages were not checkpointed";
  auto stored = store->GetEvaluation("e4499");
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->answer.size(), 8000U);
}

TEST_F(SqliteStoreTest, ReopenAfterAnInterruptedBulkLoadIsWalWithItsData) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->BeginBulkLoad().ok());
    ASSERT_TRUE(store->Write(MakeNumberedBatch(0, 20)).ok());
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(SignInIndices(), AllSignInIndices());
  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(inspector.One("SELECT count(*) FROM signins"), "20");
}

TEST_F(SqliteStoreTest, EnumColumnsHoldGraphSpellingsAndReportsUseIndices) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Write(MakeNumberedBatch(0, 5)).ok());
  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("SELECT count(*) FROM signins WHERE risk_level_aggregated = 'high' AND "
                          "risk_state = 'atRisk' AND risk_level_during = 'medium'"),
            "5");
  EXPECT_EQ(inspector.One("SELECT risk_event_types FROM signins LIMIT 1"),
            "unfamiliarFeatures,anonymizedIPAddress");
  EXPECT_EQ(inspector.One("SELECT timing FROM detections"), "nearRealtime");
  // EXPLAIN QUERY PLAN's fourth column describes each step; report filters must search an index.
  const std::pair<const char*, const char*> queries[] = {
      // The id, user and address indices lead with the day: queries list the days they cover,
      // so that each day is an equality seek.
      {"SELECT id FROM signins WHERE created_day IN (20000, 20001, 20002) AND user_id = 'x' "
       "AND created_us > 0",
       "signins_user_time (created_day=? AND user_id=? AND created_us>?)"},
      {"SELECT id FROM signins WHERE created_day IN (20000, 20001) AND "
       "ip_address = '203.0.113.7'",
       "signins_ip (created_day=? AND ip_address=?)"},
      // The level and state indices hold only risky sign-ins: queries name that condition.
      {"SELECT id FROM signins WHERE risk_level_aggregated <> 'none' AND "
       "risk_level_aggregated = 'high' AND created_us > 0",
       "signins_level_time"},
      {"SELECT id FROM signins WHERE risk_state <> 'none' AND risk_state = 'atRisk' "
       "ORDER BY created_us DESC",
       "signins_state_time"},
      {"SELECT json FROM detections WHERE user_id = 'x' AND detected_us > 0",
       "detections_user_time"},
      {"SELECT json FROM risky_user_history WHERE user_id = 'x' ORDER BY time_us",
       "history_user_time"},
  };
  for (const auto& [query, index] : queries) {
    const std::string plan = inspector.One(std::string("EXPLAIN QUERY PLAN ") + query, 3);
    EXPECT_NE(plan.find(index), std::string::npos) << query << " -> " << plan;
  }
  // By id or user over every stored day: the days come from the index itself.
  const std::pair<std::string, const char*> over_all_days[] = {
      {"SELECT rowid FROM signins WHERE created_day IN (SELECT day FROM stored_days) AND id = 'x'",
       "signins_day_id (created_day=? AND id=?)"},
      {"SELECT rowid FROM signins WHERE created_day IN (SELECT day FROM stored_days) AND "
       "user_id = 'x' ORDER BY created_us DESC",
       "signins_user_time (created_day=? AND user_id=?)"},
  };
  for (const auto& [query, index] : over_all_days) {
    auto plan =
        inspector.Column("EXPLAIN QUERY PLAN " + std::string(sqlite::kStoredDays) + query, 3);
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_NE(plan->front().find(index), std::string::npos) << query << " -> " << plan->front();
  }
}

TEST_F(SqliteStoreTest, MigratesAVersion1StoreKeepingItsSignInsLearned) {
  const SignIn sign_in = [] {
    SignIn s = MakeFullSignIn("v1-sign-in", kNow, "alice");
    s.clientAppUsed = "Exchange ActiveSync";
    s.resourceId = "00000002-0000-0ff1-ce00-000000000000";
    s.deviceDetail.trustType = "Hybrid Azure AD joined";
    return s;
  }();
  const StoredSignIn stored = StoredSignIn::From(SignIn(sign_in));
  {
    // A store as version 1 wrote it: profiles were checkpointed with every batch.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(factory_.file().c_str(), &raw), SQLITE_OK);
    sqlite::SqliteDatabase db(raw);
    ASSERT_TRUE(sqlite::MigrateSchema(db, 0, 1).ok());
    auto insert = sqlite::SqliteStatement::Prepare(
        db.get(),
        "INSERT INTO signins (id, created_us, user_id, user_principal_name, app_id, "
        "app_display_name, ip_address, country, risk_level_during, risk_level_aggregated, "
        "risk_state, risk_detail, is_interactive, error_code, risk_event_types) "
        "VALUES (?1, ?2, 'alice', 'alice@example.com', 'app', 'App', '203.0.113.7', 'NZ', "
        "'none', 'none', 'none', 'none', 1, 0, '')");
    ASSERT_TRUE(insert.ok()) << insert.status().message();
    insert->BindText(1, sign_in.id);
    insert->BindInt(2, sign_in.createdDateTime);
    ASSERT_TRUE(insert->Run().ok());
    auto document = sqlite::SqliteStatement::Prepare(
        db.get(), "INSERT INTO signin_documents (signin_rowid, document) VALUES (1, ?1)");
    ASSERT_TRUE(document.ok());
    sqlite3_bind_blob64(document->get(), 1, stored.document.data(), stored.document.size(),
                        SQLITE_STATIC);
    ASSERT_TRUE(document->Run().ok());
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("PRAGMA user_version"), std::to_string(sqlite::kSchemaVersion));
  EXPECT_EQ(inspector.One("SELECT created_day FROM signins"), std::to_string(kNow / kMicrosPerDay));
  EXPECT_EQ(inspector.One("SELECT client_app_used FROM signins"), "Exchange ActiveSync")
      << "version 5 takes the client app of stored sign-ins from their documents";
  EXPECT_EQ(inspector.One("SELECT resource_id || '|' || device_is_compliant || '|' || "
                          "device_trust_type FROM signins"),
            "00000002-0000-0ff1-ce00-000000000000|1|Hybrid Azure AD joined")
      << "version 7 takes the resource and device state from the documents";
  EXPECT_EQ(SignInIndices(), AllSignInIndices());
  auto found = store->GetSignIn("v1-sign-in");
  ASSERT_TRUE(found.ok()) << found.status().message();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, sign_in);
  EXPECT_TRUE(SignInsSinceProfileCheckpoint(*store).empty())
      << "version 1 stores had learned every sign-in they held";
  // The same id on the same day is still refused a second row.
  StoreBatch again;
  again.signIns.push_back(StoredSignIn::From(SignIn(sign_in)));
  ASSERT_TRUE(store->Write(again).ok());
  EXPECT_EQ(store->CountSignIns().value(), 1);
  EXPECT_EQ(factory_.IntegrityCheck().value(), "ok");
}

TEST_F(SqliteStoreTest, ScanSlicesSplitAPeriodIntoDisjointParts) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  for (int i = 0; i < 10; ++i) {
    SignIn sign_in = MakeFullSignIn("s" + std::to_string(i), kNow + i * kMicrosPerHour, "alice");
    sign_in.resourceId = "res-" + std::to_string(i % 2);
    if (i == 3) sign_in.deviceDetail.isCompliant.reset();
    batch.signIns.push_back(StoredSignIn::From(std::move(sign_in)));
  }
  ASSERT_TRUE(store->Write(batch).ok());
  store.reset();
  auto reader = OpenSqliteReportReader(factory_.file().string());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  // Hours 2 to 7 of the ten, in three slices: each sign-in of the period exactly once.
  const EventTime from = kNow + 2 * kMicrosPerHour;
  const EventTime to = kNow + 8 * kMicrosPerHour;
  std::multiset<std::string> seen;
  for (int part = 0; part < 3; ++part) {
    std::vector<std::string> slice;
    Status read = (*reader)->ForEachSignInBetween(
        from, to, ScanSlice{part, 3}, [&](const SignInColumnsView& row) {
          slice.emplace_back(row.id);
          if (row.id == "s3") {
            EXPECT_FALSE(row.deviceIsCompliant.has_value());
          } else {
            EXPECT_EQ(row.deviceIsCompliant, std::optional<bool>(true)) << row.id;
          }
          EXPECT_EQ(row.resourceId,
                    row.id == "s2" || row.id == "s4" || row.id == "s6" ? "res-0" : "res-1");
          return Status::Ok();
        });
    ASSERT_TRUE(read.ok()) << read.message();
    EXPECT_LE(slice.size(), 4U) << "slice " << part << " holds about a third of the rows";
    seen.insert(slice.begin(), slice.end());
  }
  EXPECT_EQ(seen, (std::multiset<std::string>{"s2", "s3", "s4", "s5", "s6", "s7"}));
  EXPECT_FALSE((*reader)
                   ->ForEachSignInBetween(from, to, ScanSlice{3, 3},
                                          [](const auto&) { return Status::Ok(); })
                   .ok());
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabaseAndLeavesItAlone) {
  const std::string text = "user,ip\nalice,203.0.113.7\n" + std::string(4096, 'x');
  std::ofstream(factory_.file()) << text;
  auto store = OpenSqliteStore(factory_.file().string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(store.status().message().find(factory_.file().string()), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("not a database"), std::string::npos)
      << store.status().message();
  std::stringstream content;
  content << std::ifstream(factory_.file()).rdbuf();
  EXPECT_EQ(content.str(), text);
}

// A statement's error names the statement by its first words, on one line: whole statements run
// to dozens of lines, and the message reaches error answers and logs.
TEST(SqliteStatementTest, AFailedStatementIsNamedByItsStartOnOneLine) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  sqlite::SqliteDatabase db(raw);
  ASSERT_TRUE(db.Exec("CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b TEXT)").ok());
  auto insert = sqlite::SqliteStatement::Prepare(
      db.get(), "\n  INSERT INTO t (id, a, b)\n  VALUES (?1, 'a much longer value', 'another')\n");
  ASSERT_TRUE(insert.ok()) << insert.status().message();
  insert->BindText(1, "one");
  ASSERT_TRUE(insert->Run().ok());
  insert->BindText(1, "one");
  const Status again = insert->Run();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(again.message(),
            "executing INSERT INTO t (id, a, b) VALUES (?1, 'a much lon...: UNIQUE constraint "
            "failed: t.id");
}

TEST_F(SqliteStoreTest, RefusesADirectory) {
  const auto dir = factory_.file().parent_path();
  auto store = OpenSqliteStore(dir.string());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(dir.string()), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("directory"), std::string::npos)
      << store.status().message();
}

TEST_F(SqliteStoreTest, RefusesAnotherApplicationsDatabase) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(factory_.file().c_str(), &raw), SQLITE_OK);
  sqlite::SqliteDatabase other(raw);
  ASSERT_TRUE(other.Exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)").ok());
  auto store = OpenSqliteStore(factory_.file().string());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("not created by idguard"), std::string::npos)
      << store.status().message();
  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("SELECT count(*) FROM sqlite_master"), "1");
}

TEST_F(SqliteStoreTest, RefusesASchemaFromANewerBuild) {
  ASSERT_NE(Open(), nullptr);
  {
    Inspector inspector(factory_.file());
    inspector.One("PRAGMA user_version = " + std::to_string(sqlite::kSchemaVersion + 1));
  }
  auto store = OpenSqliteStore(factory_.file().string());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("newer"), std::string::npos) << store.status().message();
}

TEST_F(SqliteStoreTest, ReadOnlyOpenReadsButDoesNotWrite) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Write(MakeNumberedBatch(0, 3)).ok());
  }
  SqliteOptions options;
  options.readOnly = true;
  auto reader = Open(options);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->CountSignIns().value(), 3);
  const Status write = reader->Write(MakeNumberedBatch(1, 3));
  EXPECT_FALSE(write.ok());
  EXPECT_EQ(reader->CountSignIns().value(), 3);
}

TEST_F(SqliteStoreTest, WebhookEventsAreCommittedWithTheirBatchAndRemovedByChannel) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  StoreBatch batch = MakeNumberedBatch(0, 2);
  batch.outbox = {{1, "siem", "event-1", R"({"id":"event-1"})"},
                  {2, "chat", "event-2", R"({"id":"event-2"})"},
                  {3, "siem", "event-3", R"({"id":"event-3"})"},
                  {4, "siem", "event-4", R"({"id":"event-4"})"}};
  ASSERT_TRUE(store->Write(batch).ok());

  auto outbox = OpenSqliteNotificationOutbox(factory_.file().string());
  ASSERT_TRUE(outbox.ok()) << outbox.status().message();
  auto waiting = [&] {
    std::vector<std::string> events;
    EXPECT_TRUE((*outbox)
                    ->ForEach([&](OutboxEvent&& event) {
                      events.push_back(std::to_string(event.sequence) + " " + event.channel + " " +
                                       event.eventId + " " + event.json);
                    })
                    .ok());
    return events;
  };
  EXPECT_EQ(waiting(),
            (std::vector<std::string>{
                R"(1 siem event-1 {"id":"event-1"})", R"(2 chat event-2 {"id":"event-2"})",
                R"(3 siem event-3 {"id":"event-3"})", R"(4 siem event-4 {"id":"event-4"})"}));
  // Delivered up to 3 on one channel: the other channel's event 2 stays.
  ASSERT_TRUE((*outbox)->Remove("siem", 3).ok());
  EXPECT_EQ(waiting(), (std::vector<std::string>{R"(2 chat event-2 {"id":"event-2"})",
                                                 R"(4 siem event-4 {"id":"event-4"})"}));
  ASSERT_TRUE((*outbox)->RemoveChannel("chat").ok());
  EXPECT_EQ(waiting(), (std::vector<std::string>{R"(4 siem event-4 {"id":"event-4"})"}));

  // A batch whose event repeats a stored sequence is refused whole, its sign-ins too.
  StoreBatch clash = MakeNumberedBatch(1, 2);
  clash.outbox = {{5, "siem", "event-5", "{}"}, {4, "siem", "event-4b", "{}"}};
  EXPECT_FALSE(store->Write(clash).ok());
  EXPECT_EQ(store->CountSignIns().value(), 2);
  EXPECT_EQ(waiting(), (std::vector<std::string>{R"(4 siem event-4 {"id":"event-4"})"}));
}

TEST_F(SqliteStoreTest, ReadersAndTheOutboxRefuseAStoreNotYetUpgraded) {
  {
    // A store as version 7 wrote it, before the outbox.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(factory_.file().c_str(), &raw), SQLITE_OK);
    sqlite::SqliteDatabase db(raw);
    ASSERT_TRUE(sqlite::RegisterDocumentFunctions(db).ok());
    ASSERT_TRUE(sqlite::MigrateSchema(db, 0, 7).ok());
  }
  auto reader = OpenSqliteReportReader(factory_.file().string());
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("the store has schema version 7"), std::string::npos)
      << reader.status().message();
  auto outbox = OpenSqliteNotificationOutbox(factory_.file().string());
  ASSERT_FALSE(outbox.ok());
  EXPECT_NE(outbox.status().message().find("the store has schema version 7"), std::string::npos)
      << outbox.status().message();
  // Opening it as the writer does upgrades it; then both open.
  ASSERT_NE(Open(), nullptr);
  EXPECT_TRUE(OpenSqliteReportReader(factory_.file().string()).ok());
  EXPECT_TRUE(OpenSqliteNotificationOutbox(factory_.file().string()).ok());
}

TEST_F(SqliteStoreTest, ReadOnlyOpenOfAMissingFileIsNotFound) {
  SqliteOptions options;
  options.readOnly = true;
  auto store = OpenSqliteStore(factory_.file().string(), options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(factory_.file()));
}

TEST_F(SqliteStoreTest, SignInDocumentsAreStoredOnceAndLeaveWithTheirSignIn) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  batch.signIns.push_back(MakeSignIn("old", kNow - 40 * kDay, "u1"));
  batch.signIns.push_back(MakeSignIn("new", kNow, "u1"));
  ASSERT_TRUE(store->Write(batch).ok());
  StoreBatch again;
  SignIn changed = MakeFullSignIn("new", kNow, "u1");
  changed.appDisplayName = "changed";
  again.signIns.push_back(StoredSignIn::From(std::move(changed)));
  ASSERT_TRUE(store->Write(again).ok());
  Inspector inspector(factory_.file());
  EXPECT_EQ(inspector.One("SELECT COUNT(*) FROM signin_documents"), "2");
  auto kept = store->GetSignIn("new");
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->appDisplayName, "Office 365") << "the first stored sign-in is kept";
  auto removed = store->ApplyRetention(kNow, RetentionPolicy{});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->signInsDeleted, 1);
  EXPECT_EQ(inspector.One("SELECT COUNT(*) FROM signin_documents"), "1");
}

}  // namespace
}  // namespace idguard::store_test
