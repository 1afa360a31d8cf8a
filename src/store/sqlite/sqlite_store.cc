// SqliteRiskStore: the embedded RiskStore, one SQLite file in WAL mode.
//
// Owns one connection and the prepared statements it reuses for every row. Each Write is one
// BEGIN IMMEDIATE ... COMMIT, so a crash (kill -9 included) leaves the file at a batch boundary:
// WAL replays only committed frames. synchronous=NORMAL keeps that atomicity while skipping the
// fsync per commit; a power loss may drop the last batches but never tears one. Used by one thread
// at a time, like every RiskStore, so the connection is opened with SQLITE_OPEN_NOMUTEX.
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "idguard/core/fault_injection.h"
#include "idguard/store/risk_store.h"
#include "idguard/store/sign_in_document.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/sqlite/sqlite_statement.h"
#include "store/sqlite/wal_checkpointer.h"

namespace idguard {
namespace {

using sqlite::OpenConnection;
using sqlite::SqliteDatabase;
using sqlite::SqliteStatement;
using sqlite::StatusFromSqlite;
using sqlite::WalCheckpointer;

// A writer that finds the file locked (a reader checkpointing, another process) waits this long
// before giving up with kUnavailable.
constexpr int kBusyTimeoutMs = 5000;
// Only takes effect when the file is created. 4 KiB matches the OS page; larger pages measured
// slower because every random insert into the id index dirties (and commits) a whole page.
constexpr int kPageSizeBytes = 8192;
// Reads go through the OS page cache without copies. Kept small: mapped pages count towards the
// process's resident memory, and a replay's memory budget matters more than read speed.
constexpr std::int64_t kMmapBytes = std::int64_t{64} << 20;
// Caps the WAL file left behind after a checkpoint. Large enough to hold a 100k-row batch, so the
// file is not truncated and regrown on every batch (measurably slower with 64 MiB), small enough
// that a quiet store does not keep hundreds of megabytes of stale log.
constexpr std::int64_t kJournalSizeLimitBytes = std::int64_t{256} << 20;
// WAL pages after which a commit checkpoints them into the file. SQLite's default of 1,000 suits
// batches of new sign-ins, whose pages are mostly new. Under evaluate load a quarter-second batch
// dirties 2,000 or more pages, most of them the same pages of the day's indices as the batch
// before, so each batch was followed by a checkpoint that wrote them all again, while the request
// threads waited for a core. Batches carrying evaluations let the log reach 4,000 pages (about
// 31 MiB): a checkpoint then comes after every second batch or so, and writes each hot page once.
// 16,000 pages measured no better, and a longer log costs every page read, which looks the page up
// in the WAL index, one hash table per 4,096 frames (docs/PERFORMANCE.md).
constexpr int kCheckpointPages = 1000;
constexpr int kCheckpointPagesAfterEvaluations = 4000;

constexpr const char* kInsertSignInDocument = R"sql(
INSERT INTO signin_documents (signin_rowid, document) VALUES (?1, ?2)
)sql";

constexpr const char* kInsertSignIn = R"sql(
INSERT INTO signins (id, created_us, created_day, user_id, user_principal_name, app_id,
  app_display_name, ip_address, country, risk_level_during, risk_level_aggregated, risk_state,
  risk_detail, is_interactive, error_code, risk_event_types, client_app_used, resource_id,
  device_is_compliant, device_trust_type)
VALUES (?1, ?2, ?2 / 86400000000, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
  ?17, ?18, ?19)
ON CONFLICT (created_day, id) DO NOTHING
)sql";

constexpr const char* kUpdateSignInRisk = R"sql(
UPDATE signins SET risk_level_aggregated = ?3, risk_state = ?4, risk_detail = ?5,
  risk_event_types = ?6, risk_level_during = ?7, error_code = ?8
WHERE created_day = ?1 / 86400000000 AND id = ?2
RETURNING rowid
)sql";

constexpr const char* kUpdateSignInDocument = R"sql(
UPDATE signin_documents SET document = ?2 WHERE signin_rowid = ?1
)sql";

constexpr const char* kInsertAudit = R"sql(
INSERT INTO audit_log (id, time_us, category, activity, actor, result, request_id, targets, json)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
)sql";

constexpr const char* kUpsertAccount = R"sql(
INSERT INTO directory_accounts (user_id, account_enabled, must_change_password,
  temporary_password_hash, password_reset_us, sessions_revoked_us, updated_us)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (user_id) DO UPDATE SET account_enabled = excluded.account_enabled,
  must_change_password = excluded.must_change_password,
  temporary_password_hash = excluded.temporary_password_hash,
  password_reset_us = excluded.password_reset_us,
  sessions_revoked_us = excluded.sessions_revoked_us, updated_us = excluded.updated_us
)sql";

constexpr const char* kSelectAccount = R"sql(
SELECT user_id, account_enabled, must_change_password, temporary_password_hash, password_reset_us,
  sessions_revoked_us, updated_us
FROM directory_accounts WHERE user_id = ?1
)sql";

constexpr const char* kSelectAccounts = R"sql(
SELECT user_id, account_enabled, must_change_password, temporary_password_hash, password_reset_us,
  sessions_revoked_us, updated_us
FROM directory_accounts ORDER BY user_id
)sql";

constexpr const char* kUpsertConfigDocument = R"sql(
INSERT INTO config_documents (kind, id, modified_us, json) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (kind, id) DO UPDATE SET modified_us = excluded.modified_us, json = excluded.json
)sql";

constexpr const char* kUpsertEvaluation = R"sql(
INSERT INTO evaluations (signin_id, created_us, decision, by_signin_risk_policy,
  by_user_risk_policy, outcomes, answer)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (signin_id) DO UPDATE SET decision = excluded.decision,
  by_signin_risk_policy = excluded.by_signin_risk_policy,
  by_user_risk_policy = excluded.by_user_risk_policy, outcomes = excluded.outcomes,
  answer = excluded.answer
)sql";

constexpr const char* kSelectEvaluation = R"sql(
SELECT signin_id, created_us, decision, by_signin_risk_policy, by_user_risk_policy, outcomes,
  answer
FROM evaluations WHERE signin_id = ?1
)sql";

constexpr const char* kInsertApiToken = R"sql(
INSERT INTO api_tokens (id, name, role, token_sha256, created_us, revoked, email, expires_us)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
)sql";

constexpr const char* kUpsertDetection = R"sql(
INSERT INTO detections (id, risk_event_type, risk_level, risk_state, risk_detail, timing, user_id,
  request_id, ip_address, activity_us, detected_us, last_updated_us, json)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (id) DO UPDATE SET risk_event_type = excluded.risk_event_type,
  risk_level = excluded.risk_level, risk_state = excluded.risk_state,
  risk_detail = excluded.risk_detail, timing = excluded.timing, user_id = excluded.user_id,
  request_id = excluded.request_id, ip_address = excluded.ip_address,
  activity_us = excluded.activity_us, detected_us = excluded.detected_us,
  last_updated_us = excluded.last_updated_us, json = excluded.json
)sql";

constexpr const char* kUpsertRiskyUser = R"sql(
INSERT INTO risky_users (id, risk_level, risk_state, risk_detail, last_updated_us,
  user_principal_name, user_display_name, json)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (id) DO UPDATE SET risk_level = excluded.risk_level,
  risk_state = excluded.risk_state, risk_detail = excluded.risk_detail,
  last_updated_us = excluded.last_updated_us, user_principal_name = excluded.user_principal_name,
  user_display_name = excluded.user_display_name, json = excluded.json
)sql";

// ON CONFLICT (id) DO NOTHING rather than INSERT OR IGNORE: OR IGNORE would also silently skip
// rows that break the CHECK constraints, where a failed batch is the right answer.
constexpr const char* kInsertHistory = R"sql(
INSERT INTO risky_user_history (id, user_id, time_us, json) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (id) DO NOTHING
)sql";

constexpr const char* kUpsertProfile = R"sql(
INSERT INTO profiles (user_id, blob) VALUES (?1, ?2)
ON CONFLICT (user_id) DO UPDATE SET blob = excluded.blob
)sql";

constexpr const char* kUpsertState = R"sql(
INSERT INTO engine_state (key, value) VALUES (?1, ?2)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
)sql";

// The mark moves to the last stored sign-in when a batch carries a profile checkpoint. Retention
// lowers it to the last sign-in left: every sign-in it deleted was learned, and SQLite may hand
// the rowids above the remaining maximum to new sign-ins, which must count as not yet learned.
constexpr const char* kMarkProfileCheckpoint = R"sql(
INSERT INTO engine_state (key, value)
VALUES (?1, (SELECT coalesce(max(rowid), 0) FROM signins))
ON CONFLICT (key) DO UPDATE SET value = excluded.value
)sql";

constexpr const char* kLowerProfileCheckpoint = R"sql(
UPDATE engine_state SET value = min(value, (SELECT coalesce(max(rowid), 0) FROM signins))
WHERE key = ?1
)sql";

constexpr const char* kSelectSignInsSinceProfileCheckpoint = R"sql(
SELECT signin_rowid, document FROM signin_documents
WHERE signin_rowid > coalesce((SELECT value FROM engine_state WHERE key = ?1), 0)
ORDER BY signin_rowid
)sql";

// A user's risky sign-ins: one seek per stored day in the (created_day, user_id) index.
const std::string kSelectRiskySignInsOfUser =
    std::string(sqlite::kStoredDays) +
    "SELECT d.document FROM signins s JOIN signin_documents d ON d.signin_rowid = s.rowid "
    "WHERE s.created_day IN (SELECT day FROM stored_days) AND s.user_id = ?1 "
    "AND s.risk_state IN ('atRisk', 'confirmedCompromised') ORDER BY s.created_us";

// By id alone: one seek per stored day in the (created_day, id) index.
const std::string kSelectSignIn =
    std::string(sqlite::kStoredDays) +
    "SELECT d.document FROM signins s JOIN signin_documents d ON d.signin_rowid = s.rowid "
    "WHERE s.created_day IN (SELECT day FROM stored_days) AND s.id = ?1";

constexpr const char* kSelectActiveDetections = R"sql(
SELECT id, risk_event_type, risk_level, risk_state, risk_detail, timing, user_id, request_id,
  ip_address, activity_us, detected_us, last_updated_us, json_extract(json, '$.activity')
FROM detections WHERE risk_state IN ('atRisk', 'confirmedCompromised')
)sql";

constexpr const char* kSelectRiskyUsers = R"sql(
SELECT id, risk_level, risk_state, risk_detail, last_updated_us, user_principal_name,
  user_display_name
FROM risky_users
)sql";

// Service principals use the users' statements on their own tables.
std::string OnTable(const char* sql, const std::string& from, const std::string& to) {
  std::string text = sql;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}
const std::string kUpsertRiskyServicePrincipal =
    OnTable(kUpsertRiskyUser, "risky_users", "risky_service_principals");
const std::string kInsertServicePrincipalHistory =
    OnTable(kInsertHistory, "risky_user_history", "risky_service_principal_history");
const std::string kSelectRiskyServicePrincipals =
    OnTable(kSelectRiskyUsers, "risky_users", "risky_service_principals");

std::string JoinComma(const std::vector<std::string>& values) {
  std::string joined;
  for (const std::string& value : values) {
    if (!joined.empty()) joined += ',';
    joined += value;
  }
  return joined;
}

// Turns a stored enum spelling back into the enum, naming the row when the text is unknown (a
// file edited by hand or written by a newer build).
template <typename Enum, typename Parse>
Status ParseColumn(Parse parse, std::string_view text, std::string_view column, std::string_view id,
                   Enum& out) {
  std::optional<Enum> value = parse(text);
  if (!value) {
    return Status::InvalidInput("stored " + std::string(column) + " '" + std::string(text) +
                                "' of record '" + std::string(id) + "' is not a known value");
  }
  out = *value;
  return Status::Ok();
}

// Pages the connection wrote since the last call (to the log in WAL mode, to the file otherwise).
int TakePagesWritten(sqlite3* db) {
  int written = 0;
  int highwater = 0;
  sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &written, &highwater, /*resetFlg=*/1);
  return written;
}

class SqliteRiskStore final : public RiskStore {
 public:
  SqliteRiskStore(SqliteDatabase db, std::string path, const SqliteOptions& options)
      : db_(std::move(db)),
        path_(std::move(path)),
        logPagesBeforeTheWriterCheckpoints_(options.logPagesBeforeTheWriterCheckpoints) {
    if (!options.readOnly) checkpointer_ = std::make_unique<WalCheckpointer>(path_);
  }

  Status Prepare();

  Status Write(const StoreBatch& batch) override;
  Status BeginBulkLoad() override;
  Status EndBulkLoad() override;
  using RiskStore::ApplyRetention;
  Result<RetentionResult> ApplyRetention(EventTime now, const RetentionPolicy& policy,
                                         std::int64_t max_rows_per_kind) override;
  Result<std::optional<EventTime>> LatestSignInTime() override;
  Result<std::int64_t> DeleteExpiredApiTokens(EventTime now) override;
  Status ForEachSignInId(const std::function<void(std::string_view id)>& visit) override;
  Status ForEachProfile(
      const std::function<void(std::string_view userId, std::string_view blob)>& visit) override;
  Status ForEachRiskyUser(const std::function<void(const RiskyUser&)>& visit) override;
  Status ForEachRiskyServicePrincipal(const std::function<void(const RiskyUser&)>& visit) override;
  Result<std::int64_t> CountServicePrincipalHistory(std::string_view servicePrincipalId) override;
  Status ForEachActiveDetection(const std::function<void(const RiskDetection&)>& visit) override;
  Status ForEachSignInSinceProfileCheckpoint(
      const std::function<Status(SignIn&& signIn)>& visit) override;
  Result<std::string> GetState(std::string_view key) override;
  Result<std::optional<SignIn>> GetSignIn(std::string_view id) override;
  Result<std::int64_t> CountHistory(std::string_view userId) override;
  Status ForEachDetectionJsonOfUser(
      std::string_view userId, const std::function<Status(std::string_view json)>& visit) override;
  Status ForEachDetectionJsonOfSignIn(
      std::string_view requestId,
      const std::function<Status(std::string_view json)>& visit) override;
  Status ForEachRiskySignInOfUser(std::string_view userId,
                                  const std::function<Status(SignIn&& signIn)>& visit) override;
  Result<std::optional<AccountState>> GetAccountState(std::string_view userId) override;
  Status ForEachAccountState(const std::function<Status(AccountState&& state)>& visit) override;
  Status ForEachConfigDocument(
      std::string_view kind,
      const std::function<Status(const ConfigDocument& document)>& visit) override;
  Result<std::optional<EvaluationRecord>> GetEvaluation(std::string_view signInId) override;
  Result<std::int64_t> CountSignIns() override;
  Result<std::int64_t> CountDetections() override;
  Result<std::int64_t> CountRiskyUsers() override;

 private:
  Status WriteRows(const StoreBatch& batch);
  Status WriteSignIn(const StoredSignIn& row);
  Status WriteDetection(const StoredDetection& row);
  Status WriteRiskyUser(SqliteStatement& st, const StoredRiskyUser& row);
  Status WriteHistory(SqliteStatement& st, const StoredHistoryItem& row);
  Status ForEachRiskyRow(SqliteStatement& st, const std::function<void(const RiskyUser&)>& visit);
  Status UpdateSignIn(const StoredSignIn& row);
  Status WriteAudit(const AuditEntry& row);
  Status WriteApiToken(const StoredApiToken& row);
  Status WriteBlob(SqliteStatement& statement, const StateBlob& row);
  Status Commit();
  void RollBack();
  Result<std::int64_t> RunDelete(SqliteStatement& statement, EventTime cutoff);
  Result<std::int64_t> CountWith(SqliteStatement& statement);
  // Steps `statement` to the end, calling `row` for each row; resets it on every path.
  template <typename Row>
  Status Scan(SqliteStatement& statement, Row row);
  Status WithPath(const Status& status) const { return status.WithContext(path_); }
  // The WAL hook (in place of SQLite's automatic checkpoint): once commits have written at least
  // the commit's threshold of pages to the log since the last checkpoint, a passive checkpoint, in
  // the background when the commit's caller waits for it and the log is not too long.
  static int CheckpointWhenLarge(void* store, sqlite3* db, const char* name, int pages);

  // Declared first so it is destroyed last; statements finalize before the connection closes.
  SqliteDatabase db_;
  std::string path_;
  std::string eventTypes_;              // reused buffer for the comma-joined riskEventTypes_v2
  bool committingEvaluations_ = false;  // for the commit under way (CheckpointWhenLarge)
  int pagesSinceCheckpoint_ = 0;        // log pages written since the last checkpoint
  const int logPagesBeforeTheWriterCheckpoints_;
  // Declared after db_, so it closes its connection first: the store's own connection is then
  // the file's last, and its close copies the whole log and removes it.
  std::unique_ptr<WalCheckpointer> checkpointer_;

  SqliteStatement begin_, commit_, rollback_;
  SqliteStatement insertSignIn_, insertSignInDocument_, upsertDetection_, upsertRiskyUser_,
      insertHistory_;
  SqliteStatement updateSignInRisk_, updateSignInDocument_, insertAudit_, insertApiToken_,
      revokeApiToken_;
  SqliteStatement selectDetectionsOfUser_, selectDetectionsOfSignIn_, selectRiskySignInsOfUser_;
  SqliteStatement upsertAccount_, selectAccount_, selectAccounts_;
  SqliteStatement upsertConfigDocument_, deleteConfigDocument_, selectConfigDocuments_,
      upsertEvaluation_, selectEvaluation_, deleteEvaluations_, insertOutboxEvent_;
  SqliteStatement upsertRiskyServicePrincipal_, insertServicePrincipalHistory_,
      selectRiskyServicePrincipals_, countServicePrincipalHistory_;
  SqliteStatement upsertProfile_, upsertState_, markProfileCheckpoint_, lowerProfileCheckpoint_,
      selectSignInsSinceProfileCheckpoint_;
  SqliteStatement deleteSignIns_, deleteDetections_, deleteHistory_;
  SqliteStatement selectSignInIds_, selectProfiles_, selectRiskyUsers_, selectActiveDetections_;
  SqliteStatement selectState_, selectSignIn_, countHistory_, countSignIns_, countDetections_,
      countRiskyUsers_;
};

int SqliteRiskStore::CheckpointWhenLarge(void* self, sqlite3* db, const char* name, int pages) {
  auto& store = *static_cast<SqliteRiskStore*>(self);
  // Pages this connection wrote to the log since the last call: the commit's own pages. The log's
  // length (`pages`) cannot tell them apart from older ones, because a log that a background
  // checkpoint is still copying is not started over, and keeps its earlier pages.
  store.pagesSinceCheckpoint_ += TakePagesWritten(db);
  const int threshold =
      store.committingEvaluations_ ? kCheckpointPagesAfterEvaluations : kCheckpointPages;
  if (store.pagesSinceCheckpoint_ < threshold) return SQLITE_OK;
  store.pagesSinceCheckpoint_ = 0;
  if (store.checkpointer_ != nullptr) {
    if (!store.committingEvaluations_ && pages < store.logPagesBeforeTheWriterCheckpoints_ &&
        store.checkpointer_->Request()) {
      return SQLITE_OK;
    }
    store.checkpointer_->WaitUntilIdle();
  }
  // A checkpoint that cannot finish (readers) leaves the rest for a later commit; the commit
  // itself has succeeded either way.
  (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return SQLITE_OK;
}

Status SqliteRiskStore::Prepare() {
  sqlite3_wal_hook(db_.get(), &SqliteRiskStore::CheckpointWhenLarge, this);
  const std::pair<SqliteStatement*, const char*> statements[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&insertSignIn_, kInsertSignIn},
      {&insertSignInDocument_, kInsertSignInDocument},
      {&upsertDetection_, kUpsertDetection},
      {&upsertRiskyUser_, kUpsertRiskyUser},
      {&insertHistory_, kInsertHistory},
      {&updateSignInRisk_, kUpdateSignInRisk},
      {&updateSignInDocument_, kUpdateSignInDocument},
      {&insertAudit_, kInsertAudit},
      {&insertApiToken_, kInsertApiToken},
      {&revokeApiToken_, "UPDATE api_tokens SET revoked = 1 WHERE id = ?1 RETURNING id"},
      {&selectDetectionsOfUser_,
       "SELECT json FROM detections WHERE user_id = ?1 ORDER BY detected_us, id"},
      {&selectDetectionsOfSignIn_,
       "SELECT json FROM detections WHERE request_id = ?1 ORDER BY detected_us, id"},
      {&selectRiskySignInsOfUser_, kSelectRiskySignInsOfUser.c_str()},
      {&upsertAccount_, kUpsertAccount},
      {&upsertRiskyServicePrincipal_, kUpsertRiskyServicePrincipal.c_str()},
      {&insertServicePrincipalHistory_, kInsertServicePrincipalHistory.c_str()},
      {&selectRiskyServicePrincipals_, kSelectRiskyServicePrincipals.c_str()},
      {&countServicePrincipalHistory_,
       "SELECT count(*) FROM risky_service_principal_history WHERE user_id = ?1"},
      {&selectAccount_, kSelectAccount},
      {&selectAccounts_, kSelectAccounts},
      {&upsertConfigDocument_, kUpsertConfigDocument},
      {&deleteConfigDocument_,
       "DELETE FROM config_documents WHERE kind = ?1 AND id = ?2 RETURNING id"},
      {&selectConfigDocuments_,
       "SELECT id, modified_us, json FROM config_documents WHERE kind = ?1 ORDER BY id"},
      {&upsertEvaluation_, kUpsertEvaluation},
      {&insertOutboxEvent_,
       "INSERT INTO notification_outbox (sequence, channel, event_id, json) "
       "VALUES (?1, ?2, ?3, ?4)"},
      {&selectEvaluation_, kSelectEvaluation},
      {&deleteEvaluations_,
       "DELETE FROM evaluations WHERE rowid IN "
       "(SELECT rowid FROM evaluations WHERE created_us < ?1 LIMIT ?2)"},
      {&upsertProfile_, kUpsertProfile},
      {&upsertState_, kUpsertState},
      {&markProfileCheckpoint_, kMarkProfileCheckpoint},
      {&lowerProfileCheckpoint_, kLowerProfileCheckpoint},
      {&selectSignInsSinceProfileCheckpoint_, kSelectSignInsSinceProfileCheckpoint},
      {&deleteSignIns_,
       "DELETE FROM signins WHERE rowid IN "
       "(SELECT rowid FROM signins WHERE created_us < ?1 LIMIT ?2)"},
      {&deleteDetections_,
       "DELETE FROM detections WHERE rowid IN "
       "(SELECT rowid FROM detections WHERE detected_us < ?1 LIMIT ?2)"},
      {&deleteHistory_,
       "DELETE FROM risky_user_history WHERE rowid IN "
       "(SELECT rowid FROM risky_user_history WHERE time_us < ?1 LIMIT ?2)"},
      {&selectSignInIds_, "SELECT id FROM signins"},
      {&selectProfiles_, "SELECT user_id, blob FROM profiles"},
      {&selectRiskyUsers_, kSelectRiskyUsers},
      {&selectActiveDetections_, kSelectActiveDetections},
      {&selectState_, "SELECT value FROM engine_state WHERE key = ?1"},
      {&selectSignIn_, kSelectSignIn.c_str()},
      {&countHistory_, "SELECT count(*) FROM risky_user_history WHERE user_id = ?1"},
      {&countSignIns_, "SELECT count(*) FROM signins"},
      {&countDetections_, "SELECT count(*) FROM detections"},
      {&countRiskyUsers_, "SELECT count(*) FROM risky_users"},
  };
  for (const auto& [statement, sql] : statements) {
    auto prepared = SqliteStatement::Prepare(db_.get(), sql);
    if (!prepared.ok()) return prepared.status();
    *statement = std::move(prepared).value();
  }
  return Status::Ok();
}

Status SqliteRiskStore::Write(const StoreBatch& batch) {
  if (batch.empty()) return Status::Ok();
  if (Status begun = begin_.Run(); !begun.ok()) return WithPath(begun);
  Status status = WriteRows(batch);
  // Evaluations are written by a thread of their own, after their answers went out: nobody waits
  // for that commit, so its checkpoint runs inline. Copying on yet another thread measured slower
  // under evaluate load (the log is not started over while a copy runs, and grows long, which
  // every page lookup pays for; and the copy competes with the request threads for the cores).
  committingEvaluations_ = !batch.evaluations.empty();
  if (status.ok()) status = Commit();
  committingEvaluations_ = false;
  if (!status.ok()) RollBack();
  return WithPath(status);
}

Status SqliteRiskStore::WriteRows(const StoreBatch& batch) {
  const std::size_t midway = batch.signIns.size() / 2;
  for (std::size_t i = 0; i < batch.signIns.size(); ++i) {
    if (i == midway) CrashIfRequestedAt(kCrashInsideStoreBatch);
    const StoredSignIn& row = batch.signIns[i];
    if (Status s = WriteSignIn(row); !s.ok())
      return s.WithContext("sign-in '" + row.signIn.id + "'");
  }
  for (const StoredDetection& row : batch.detections) {
    if (Status s = WriteDetection(row); !s.ok()) {
      return s.WithContext("detection '" + row.detection.id + "'");
    }
  }
  for (const StoredRiskyUser& row : batch.riskyUsers) {
    if (Status s = WriteRiskyUser(upsertRiskyUser_, row); !s.ok()) {
      return s.WithContext("risky user '" + row.user.id + "'");
    }
  }
  for (const StoredHistoryItem& row : batch.history) {
    if (Status s = WriteHistory(insertHistory_, row); !s.ok()) {
      return s.WithContext("history item '" + row.item.id + "'");
    }
  }
  for (const StoredRiskyUser& row : batch.riskyServicePrincipals) {
    if (Status s = WriteRiskyUser(upsertRiskyServicePrincipal_, row); !s.ok()) {
      return s.WithContext("risky service principal '" + row.user.id + "'");
    }
  }
  for (const StoredHistoryItem& row : batch.servicePrincipalHistory) {
    if (Status s = WriteHistory(insertServicePrincipalHistory_, row); !s.ok()) {
      return s.WithContext("service principal history item '" + row.item.id + "'");
    }
  }
  for (const StoredSignIn& row : batch.signInUpdates) {
    if (Status s = UpdateSignIn(row); !s.ok()) {
      return s.WithContext("updating sign-in '" + row.signIn.id + "'");
    }
  }
  for (const AuditEntry& row : batch.audit) {
    if (Status s = WriteAudit(row); !s.ok()) return s.WithContext("audit record '" + row.id + "'");
  }
  for (const StoredApiToken& row : batch.apiTokens) {
    if (Status s = WriteApiToken(row); !s.ok()) {
      return s.WithContext("API token '" + row.token.name + "'");
    }
  }
  for (const std::string& id : batch.revokedApiTokenIds) {
    revokeApiToken_.BindText(1, id);
    auto found = revokeApiToken_.Step();
    const bool known = found.ok() && *found;
    revokeApiToken_.Reset();
    if (!found.ok()) return found.status();
    if (!known) return Status::NotFound("no API token has the id '" + id + "'");
  }
  for (const AccountState& account : batch.accounts) {
    SqliteStatement& st = upsertAccount_;
    st.BindText(1, account.userId);
    st.BindInt(2, account.accountEnabled ? 1 : 0);
    st.BindInt(3, account.mustChangePassword ? 1 : 0);
    st.BindText(4, account.temporaryPasswordHash);
    st.BindInt(5, account.passwordResetDateTime);
    st.BindInt(6, account.sessionsRevokedDateTime);
    st.BindInt(7, account.updatedDateTime);
    if (Status s = st.Run(); !s.ok()) return s.WithContext("account '" + account.userId + "'");
  }
  for (const ConfigDocument& document : batch.configDocuments) {
    SqliteStatement& st = upsertConfigDocument_;
    st.BindText(1, document.kind);
    st.BindText(2, document.id);
    st.BindInt(3, document.modifiedDateTime);
    st.BindText(4, document.json);
    if (Status s = st.Run(); !s.ok()) {
      return s.WithContext(document.kind + " '" + document.id + "'");
    }
  }
  for (const auto& [kind, id] : batch.deletedConfigDocuments) {
    deleteConfigDocument_.BindText(1, kind);
    deleteConfigDocument_.BindText(2, id);
    auto found = deleteConfigDocument_.Step();
    const bool known = found.ok() && *found;
    deleteConfigDocument_.Reset();
    if (!found.ok()) return found.status();
    if (!known) {
      std::string message = "no ";
      message += kind;
      message += " has the id '";
      message += id;
      message += "'";
      return Status::NotFound(message);
    }
  }
  for (const EvaluationRecord& record : batch.evaluations) {
    SqliteStatement& st = upsertEvaluation_;
    st.BindText(1, record.signInId);
    st.BindInt(2, record.createdDateTime);
    st.BindText(3, record.decision);
    st.BindInt(4, record.bySignInRiskPolicy ? 1 : 0);
    st.BindInt(5, record.byUserRiskPolicy ? 1 : 0);
    st.BindText(6, record.outcomes);
    st.BindText(7, record.answer);
    if (Status s = st.Run(); !s.ok()) {
      return s.WithContext("evaluation of sign-in '" + record.signInId + "'");
    }
  }
  for (const StateBlob& row : batch.profiles) {
    if (Status s = WriteBlob(upsertProfile_, row); !s.ok()) {
      return s.WithContext("profile '" + row.key + "'");
    }
  }
  for (const StateBlob& row : batch.state) {
    if (Status s = WriteBlob(upsertState_, row); !s.ok()) {
      return s.WithContext("state '" + row.key + "'");
    }
  }
  for (const OutboxEvent& event : batch.outbox) {
    SqliteStatement& st = insertOutboxEvent_;
    st.BindInt(1, event.sequence);
    st.BindText(2, event.channel);
    st.BindText(3, event.eventId);
    st.BindText(4, event.json);
    if (Status s = st.Run(); !s.ok()) {
      return s.WithContext("webhook event " + std::to_string(event.sequence));
    }
  }
  if (batch.profileCheckpoint) {
    markProfileCheckpoint_.BindText(1, sqlite::kProfileCheckpointKey);
    if (Status s = markProfileCheckpoint_.Run(); !s.ok()) {
      return s.WithContext("marking the profile checkpoint");
    }
  }
  return Status::Ok();
}

Status SqliteRiskStore::WriteSignIn(const StoredSignIn& row) {
  const SignInRow& s = row.signIn;
  eventTypes_ = JoinComma(s.riskEventTypes_v2);
  SqliteStatement& st = insertSignIn_;
  st.BindText(1, s.id);
  st.BindInt(2, s.createdDateTime);
  st.BindText(3, s.userId);
  st.BindText(4, s.userPrincipalName);
  st.BindText(5, s.appId);
  st.BindText(6, s.appDisplayName);
  st.BindText(7, s.ipAddress);
  st.BindText(8, s.countryOrRegion);
  st.BindText(9, ToString(s.riskLevelDuringSignIn));
  st.BindText(10, ToString(s.riskLevelAggregated));
  st.BindText(11, ToString(s.riskState));
  st.BindText(12, ToString(s.riskDetail));
  st.BindInt(13, s.isInteractive ? 1 : 0);
  st.BindInt(14, s.errorCode);
  st.BindText(15, eventTypes_);
  st.BindText(16, s.clientAppUsed);
  st.BindText(17, s.resourceId);
  if (s.deviceIsCompliant.has_value()) {
    st.BindInt(18, *s.deviceIsCompliant ? 1 : 0);
  } else {
    st.BindNull(18);
  }
  st.BindText(19, s.deviceTrustType);
  if (Status s = st.Run(); !s.ok()) return s;
  if (sqlite3_changes(db_.get()) == 0) return Status::Ok();  // already stored: keep the first
  SqliteStatement& doc = insertSignInDocument_;
  doc.BindInt(1, sqlite3_last_insert_rowid(db_.get()));
  sqlite3_bind_blob64(doc.get(), 2, row.document.data(), row.document.size(), SQLITE_STATIC);
  return doc.Run();
}

Status SqliteRiskStore::WriteDetection(const StoredDetection& row) {
  const RiskDetection& d = row.detection;
  SqliteStatement& st = upsertDetection_;
  st.BindText(1, d.id);
  st.BindText(2, d.riskEventType);
  st.BindText(3, ToString(d.riskLevel));
  st.BindText(4, ToString(d.riskState));
  st.BindText(5, ToString(d.riskDetail));
  st.BindText(6, ToString(d.detectionTimingType));
  st.BindText(7, d.userId);
  st.BindText(8, d.requestId);
  st.BindText(9, d.ipAddress);
  st.BindInt(10, d.activityDateTime);
  st.BindInt(11, d.detectedDateTime);
  st.BindInt(12, d.lastUpdatedDateTime);
  st.BindText(13, row.graphJson);
  return st.Run();
}

Status SqliteRiskStore::WriteRiskyUser(SqliteStatement& st, const StoredRiskyUser& row) {
  const RiskyUser& u = row.user;
  st.BindText(1, u.id);
  st.BindText(2, ToString(u.riskLevel));
  st.BindText(3, ToString(u.riskState));
  st.BindText(4, ToString(u.riskDetail));
  st.BindInt(5, u.riskLastUpdatedDateTime);
  st.BindText(6, u.userPrincipalName);
  st.BindText(7, u.userDisplayName);
  st.BindText(8, row.graphJson);
  return st.Run();
}

Status SqliteRiskStore::WriteHistory(SqliteStatement& st, const StoredHistoryItem& row) {
  st.BindText(1, row.item.id);
  st.BindText(2, row.item.user.id);
  st.BindInt(3, row.item.user.riskLastUpdatedDateTime);
  st.BindText(4, row.graphJson);
  return st.Run();
}

Status SqliteRiskStore::UpdateSignIn(const StoredSignIn& row) {
  SqliteStatement& st = updateSignInRisk_;
  const SignInRow& s = row.signIn;
  eventTypes_ = JoinComma(s.riskEventTypes_v2);
  st.BindInt(1, s.createdDateTime);
  st.BindText(2, s.id);
  st.BindText(3, ToString(s.riskLevelAggregated));
  st.BindText(4, ToString(s.riskState));
  st.BindText(5, ToString(s.riskDetail));
  st.BindText(6, eventTypes_);
  st.BindText(7, ToString(s.riskLevelDuringSignIn));
  st.BindInt(8, s.errorCode);
  auto found = st.Step();
  const std::int64_t rowid = found.ok() && *found ? st.ColumnInt(0) : 0;
  st.Reset();
  if (!found.ok()) return found.status();
  if (rowid == 0) return Status::NotFound("no stored sign-in has this id and createdDateTime");
  updateSignInDocument_.BindInt(1, rowid);
  sqlite3_bind_blob64(updateSignInDocument_.get(), 2, row.document.data(), row.document.size(),
                      SQLITE_STATIC);
  return updateSignInDocument_.Run();
}

Status SqliteRiskStore::WriteAudit(const AuditEntry& row) {
  SqliteStatement& st = insertAudit_;
  st.BindText(1, row.id);
  st.BindInt(2, row.time);
  st.BindText(3, row.category);
  st.BindText(4, row.activity);
  st.BindText(5, row.actor);
  st.BindText(6, row.result);
  st.BindText(7, row.requestId);
  st.BindText(8, row.targets);
  st.BindText(9, row.json);
  return st.Run();
}

Status SqliteRiskStore::WriteApiToken(const StoredApiToken& row) {
  SqliteStatement& st = insertApiToken_;
  st.BindText(1, row.token.id);
  st.BindText(2, row.token.name);
  st.BindText(3, row.token.role);
  st.BindText(4, row.tokenSha256);
  st.BindInt(5, row.token.createdMicros);
  st.BindInt(6, row.token.revoked ? 1 : 0);
  st.BindText(7, row.token.email);
  st.BindInt(8, row.token.expiresMicros);
  return st.Run();
}

Status SqliteRiskStore::WriteBlob(SqliteStatement& statement, const StateBlob& row) {
  statement.BindText(1, row.key);
  // Stored as BLOB: profiles are opaque bytes, not necessarily UTF-8.
  sqlite3_bind_blob64(statement.get(), 2, row.value.data(), row.value.size(), SQLITE_STATIC);
  return statement.Run();
}

Status SqliteRiskStore::Commit() { return commit_.Run(); }

void SqliteRiskStore::RollBack() {
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the transaction back; a second
  // ROLLBACK would only add a confusing "no transaction is active" error.
  if (sqlite3_get_autocommit(db_.get()) == 0) rollback_.Run();
}

// A bulk load into an empty store appends mostly new pages. The rollback journal records only the
// old content of pages a transaction changes, so new pages are written once; WAL would write every
// page twice (log, then checkpoint). Commits stay atomic and crash-safe either way, and Open and
// EndBulkLoad switch back to WAL. The indices stay: maintaining them on the writer thread, while
// the engine works, is cheaper for the whole run than a rebuild after it (docs/PERFORMANCE.md).
Status SqliteRiskStore::BeginBulkLoad() {
  // Leaving WAL mode needs the file's only connection.
  if (checkpointer_ != nullptr) checkpointer_->CloseConnection();
  return WithPath(db_.Exec("PRAGMA journal_mode = TRUNCATE"));
}

Status SqliteRiskStore::EndBulkLoad() {
  // The bulk load's pages went to the file, not the log.
  (void)TakePagesWritten(db_.get());
  pagesSinceCheckpoint_ = 0;
  return WithPath(db_.Exec("PRAGMA journal_mode = WAL"));
}

Result<std::int64_t> SqliteRiskStore::RunDelete(SqliteStatement& statement, EventTime cutoff) {
  statement.BindInt(1, cutoff);
  if (Status ran = statement.Run(); !ran.ok()) return ran;
  return static_cast<std::int64_t>(sqlite3_changes64(db_.get()));
}

Result<RetentionResult> SqliteRiskStore::ApplyRetention(EventTime now,
                                                        const RetentionPolicy& policy,
                                                        std::int64_t max_rows_per_kind) {
  if (Status begun = begin_.Run(); !begun.ok()) return WithPath(begun);
  RetentionResult result;
  Status status;
  const std::int64_t limit = max_rows_per_kind > 0 ? max_rows_per_kind : -1;
  const std::pair<std::pair<SqliteStatement*, std::int64_t>, std::int64_t*> deletes[] = {
      {{&deleteSignIns_, policy.signInDays}, &result.signInsDeleted},
      {{&deleteDetections_, policy.detectionDays}, &result.detectionsDeleted},
      {{&deleteHistory_, policy.historyDays}, &result.historyDeleted},
      {{&deleteEvaluations_, policy.signInDays}, nullptr},
  };
  for (const auto& [what, count] : deletes) {
    what.first->BindInt(2, limit);
    auto deleted = RunDelete(*what.first, now - what.second * kMicrosPerDay);
    if (!deleted.ok()) {
      status = deleted.status();
      break;
    }
    if (count != nullptr) *count = *deleted;
    result.more = result.more || (limit > 0 && *deleted >= limit);
  }
  if (status.ok()) {
    lowerProfileCheckpoint_.BindText(1, sqlite::kProfileCheckpointKey);
    status = lowerProfileCheckpoint_.Run();
  }
  if (status.ok()) status = Commit();
  if (!status.ok()) {
    RollBack();
    return WithPath(status.WithContext("applying retention"));
  }
  return result;
}

Result<std::optional<EventTime>> SqliteRiskStore::LatestSignInTime() {
  auto statement = SqliteStatement::Prepare(db_.get(), "SELECT max(created_us) FROM signins");
  if (!statement.ok()) return WithPath(statement.status());
  std::optional<EventTime> latest;
  Status read = sqlite::ForEachRow(*statement, [&] {
    if (!statement->ColumnIsNull(0)) latest = statement->ColumnInt(0);
    return Status::Ok();
  });
  if (!read.ok()) return WithPath(read);
  return latest;
}

Result<std::int64_t> SqliteRiskStore::DeleteExpiredApiTokens(EventTime now) {
  auto statement = SqliteStatement::Prepare(
      db_.get(), "DELETE FROM api_tokens WHERE expires_us <> 0 AND expires_us < ?1");
  if (!statement.ok()) return WithPath(statement.status());
  auto deleted = RunDelete(*statement, now);
  if (!deleted.ok()) return WithPath(deleted.status());
  return deleted;
}

template <typename Row>
Status SqliteRiskStore::Scan(SqliteStatement& statement, Row row) {
  return WithPath(sqlite::ForEachRow(statement, row));
}

Status SqliteRiskStore::ForEachSignInId(const std::function<void(std::string_view id)>& visit) {
  return Scan(selectSignInIds_, [&] {
    visit(selectSignInIds_.ColumnText(0));
    return Status::Ok();
  });
}

Status SqliteRiskStore::ForEachProfile(
    const std::function<void(std::string_view userId, std::string_view blob)>& visit) {
  SqliteStatement& st = selectProfiles_;
  return Scan(st, [&] {
    visit(st.ColumnText(0), st.ColumnBlob(1));
    return Status::Ok();
  });
}

Status SqliteRiskStore::ForEachRiskyUser(const std::function<void(const RiskyUser&)>& visit) {
  return ForEachRiskyRow(selectRiskyUsers_, visit);
}

Status SqliteRiskStore::ForEachRiskyServicePrincipal(
    const std::function<void(const RiskyUser&)>& visit) {
  return ForEachRiskyRow(selectRiskyServicePrincipals_, visit);
}

Status SqliteRiskStore::ForEachRiskyRow(SqliteStatement& st,
                                        const std::function<void(const RiskyUser&)>& visit) {
  RiskyUser user;
  return Scan(st, [&]() -> Status {
    user.id = st.ColumnText(0);
    if (Status s =
            ParseColumn(ParseRiskLevel, st.ColumnText(1), "riskLevel", user.id, user.riskLevel);
        !s.ok()) {
      return s;
    }
    if (Status s =
            ParseColumn(ParseRiskState, st.ColumnText(2), "riskState", user.id, user.riskState);
        !s.ok()) {
      return s;
    }
    if (Status s =
            ParseColumn(ParseRiskDetail, st.ColumnText(3), "riskDetail", user.id, user.riskDetail);
        !s.ok()) {
      return s;
    }
    user.riskLastUpdatedDateTime = st.ColumnInt(4);
    user.userPrincipalName = st.ColumnText(5);
    user.userDisplayName = st.ColumnText(6);
    visit(user);
    return Status::Ok();
  });
}

Status SqliteRiskStore::ForEachActiveDetection(
    const std::function<void(const RiskDetection&)>& visit) {
  SqliteStatement& st = selectActiveDetections_;
  return Scan(st, [&]() -> Status {
    RiskDetection d;
    d.id = st.ColumnText(0);
    d.riskEventType = st.ColumnText(1);
    if (Status s = ParseColumn(ParseRiskLevel, st.ColumnText(2), "riskLevel", d.id, d.riskLevel);
        !s.ok()) {
      return s;
    }
    if (Status s = ParseColumn(ParseRiskState, st.ColumnText(3), "riskState", d.id, d.riskState);
        !s.ok()) {
      return s;
    }
    if (Status s = ParseColumn(ParseRiskDetail, st.ColumnText(4), "riskDetail", d.id, d.riskDetail);
        !s.ok()) {
      return s;
    }
    if (Status s = ParseColumn(ParseDetectionTimingType, st.ColumnText(5), "detectionTimingType",
                               d.id, d.detectionTimingType);
        !s.ok()) {
      return s;
    }
    d.userId = st.ColumnText(6);
    d.requestId = st.ColumnText(7);
    d.ipAddress = st.ColumnText(8);
    d.activityDateTime = st.ColumnInt(9);
    d.detectedDateTime = st.ColumnInt(10);
    d.lastUpdatedDateTime = st.ColumnInt(11);
    // Every stored detection came from a sign-in or a user-level signal; the request id tells
    // which, as in Graph where requestId is null for user-level detections.
    d.activity = d.requestId.empty() ? ActivityType::user : ActivityType::signin;
    if (st.ColumnText(12) == "servicePrincipal") d.activity = ActivityType::servicePrincipal;
    visit(d);
    return Status::Ok();
  });
}

Status SqliteRiskStore::ForEachSignInSinceProfileCheckpoint(
    const std::function<Status(SignIn&& signIn)>& visit) {
  SqliteStatement& st = selectSignInsSinceProfileCheckpoint_;
  st.BindText(1, sqlite::kProfileCheckpointKey);
  return Scan(st, [&]() -> Status {
    auto decoded = DecodeSignInDocument(st.ColumnBlob(1));
    if (!decoded.ok()) {
      return decoded.status().WithContext("stored sign-in " + std::to_string(st.ColumnInt(0)));
    }
    return visit(std::move(decoded).value());
  });
}

Result<std::string> SqliteRiskStore::GetState(std::string_view key) {
  SqliteStatement& st = selectState_;
  st.BindText(1, key);
  std::string value;
  Status status = Scan(st, [&] {
    value.assign(st.ColumnBlob(0));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return value;
}

Result<std::optional<SignIn>> SqliteRiskStore::GetSignIn(std::string_view id) {
  SqliteStatement& st = selectSignIn_;
  st.BindText(1, id);
  std::optional<SignIn> found;
  Status status = Scan(st, [&]() -> Status {
    auto decoded = DecodeSignInDocument(st.ColumnBlob(0));
    if (!decoded.ok()) return decoded.status();
    found = std::move(decoded).value();
    return Status::Ok();
  });
  if (!status.ok()) return WithPath(status);
  return found;
}

Status SqliteRiskStore::ForEachDetectionJsonOfUser(
    std::string_view userId, const std::function<Status(std::string_view json)>& visit) {
  SqliteStatement& st = selectDetectionsOfUser_;
  st.BindText(1, userId);
  return Scan(st, [&] { return visit(st.ColumnText(0)); });
}

Status SqliteRiskStore::ForEachDetectionJsonOfSignIn(
    std::string_view requestId, const std::function<Status(std::string_view json)>& visit) {
  SqliteStatement& st = selectDetectionsOfSignIn_;
  st.BindText(1, requestId);
  return Scan(st, [&] { return visit(st.ColumnText(0)); });
}

Status SqliteRiskStore::ForEachRiskySignInOfUser(
    std::string_view userId, const std::function<Status(SignIn&& signIn)>& visit) {
  SqliteStatement& st = selectRiskySignInsOfUser_;
  st.BindText(1, userId);
  return Scan(st, [&]() -> Status {
    auto decoded = DecodeSignInDocument(st.ColumnBlob(0));
    if (!decoded.ok()) return decoded.status();
    return visit(std::move(decoded).value());
  });
}

// A row of kSelectAccount or kSelectAccounts.
AccountState AccountStateAt(SqliteStatement& st) {
  return AccountState{std::string(st.ColumnText(0)),
                      st.ColumnInt(1) != 0,
                      st.ColumnInt(2) != 0,
                      std::string(st.ColumnText(3)),
                      st.ColumnInt(4),
                      st.ColumnInt(5),
                      st.ColumnInt(6)};
}

Result<std::optional<AccountState>> SqliteRiskStore::GetAccountState(std::string_view userId) {
  SqliteStatement& st = selectAccount_;
  st.BindText(1, userId);
  std::optional<AccountState> found;
  Status status = Scan(st, [&] {
    found = AccountStateAt(st);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Status SqliteRiskStore::ForEachAccountState(
    const std::function<Status(AccountState&& state)>& visit) {
  SqliteStatement& st = selectAccounts_;
  return Scan(st, [&]() -> Status { return visit(AccountStateAt(st)); });
}

Status SqliteRiskStore::ForEachConfigDocument(
    std::string_view kind, const std::function<Status(const ConfigDocument& document)>& visit) {
  SqliteStatement& st = selectConfigDocuments_;
  st.BindText(1, kind);
  return Scan(st, [&]() -> Status {
    return visit(ConfigDocument{std::string(kind), std::string(st.ColumnText(0)),
                                std::string(st.ColumnText(2)), st.ColumnInt(1)});
  });
}

Result<std::optional<EvaluationRecord>> SqliteRiskStore::GetEvaluation(std::string_view signInId) {
  SqliteStatement& st = selectEvaluation_;
  st.BindText(1, signInId);
  std::optional<EvaluationRecord> found;
  Status status = Scan(st, [&] {
    found = EvaluationRecord{std::string(st.ColumnText(0)), st.ColumnInt(1),
                             std::string(st.ColumnText(2)), st.ColumnInt(3) != 0,
                             st.ColumnInt(4) != 0,          std::string(st.ColumnText(5)),
                             std::string(st.ColumnText(6))};
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::int64_t> SqliteRiskStore::CountWith(SqliteStatement& statement) {
  std::int64_t count = 0;
  Status status = Scan(statement, [&] {
    count = statement.ColumnInt(0);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return count;
}

Result<std::int64_t> SqliteRiskStore::CountServicePrincipalHistory(
    std::string_view servicePrincipalId) {
  countServicePrincipalHistory_.BindText(1, servicePrincipalId);
  return CountWith(countServicePrincipalHistory_);
}

Result<std::int64_t> SqliteRiskStore::CountHistory(std::string_view userId) {
  countHistory_.BindText(1, userId);
  return CountWith(countHistory_);
}

Result<std::int64_t> SqliteRiskStore::CountSignIns() { return CountWith(countSignIns_); }
Result<std::int64_t> SqliteRiskStore::CountDetections() { return CountWith(countDetections_); }
Result<std::int64_t> SqliteRiskStore::CountRiskyUsers() { return CountWith(countRiskyUsers_); }

// Connection settings that are not stored in the file and so are applied on every open.
Status Configure(const SqliteDatabase& db, const SqliteOptions& options) {
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  const std::string pragmas =
      "PRAGMA cache_size = -" + std::to_string(options.cacheMegabytes * 1024) +
      "; PRAGMA temp_store = MEMORY; PRAGMA mmap_size = " + std::to_string(kMmapBytes) + ";";
  if (Status s = db.Exec(pragmas.c_str()); !s.ok()) return s;
  if (options.readOnly) return db.Exec("PRAGMA query_only = ON");
  // Debian builds SQLite with SECURE_DELETE and with WAL defaulting to synchronous=FULL; neither
  // buys anything here (retention purges need not zero pages, and NORMAL keeps batches atomic).
  const std::string writer = "PRAGMA page_size = " + std::to_string(kPageSizeBytes) +
                             "; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                             "PRAGMA secure_delete = OFF; PRAGMA journal_size_limit = " +
                             std::to_string(kJournalSizeLimitBytes) + ";";
  return db.Exec(writer.c_str());
}

Result<std::unique_ptr<RiskStore>> Open(const std::string& path, const SqliteOptions& options) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Status::InvalidInput(path + ": is a directory, not an SQLite database file");
  }
  if (options.readOnly && !std::filesystem::exists(path, error)) {
    return Status::NotFound(path + ": no such store to open read-only");
  }

  sqlite3* raw = nullptr;
  const int flags =
      (options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = OpenConnection(path, flags, &raw);
  SqliteDatabase db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) return StatusFromSqlite(raw, rc, path + ": opening");
  sqlite3_extended_result_codes(db.get(), 1);

  auto version = sqlite::CheckSchema(db);
  if (!version.ok()) return version.status().WithContext(path);
  if (options.readOnly && *version == 0) {
    return Status::NotFound(path + ": the file holds no idguard store yet");
  }
  if (Status s = Configure(db, options); !s.ok()) return s.WithContext(path);
  if (!options.readOnly) {
    // Version 5 fills a new column from the stored documents with this function.
    if (Status s = sqlite::RegisterDocumentFunctions(db); !s.ok()) return s.WithContext(path);
    if (Status s = sqlite::MigrateSchema(db, *version); !s.ok()) return s.WithContext(path);
    // Also repairs a bulk load that was interrupted before EndBulkLoad.
    if (Status s = sqlite::CreateSignInIndices(db); !s.ok()) return s.WithContext(path);
    if (Status s = sqlite::RefreshStatistics(db); !s.ok()) return s.WithContext(path);
  }

  auto store = std::make_unique<SqliteRiskStore>(std::move(db), path, options);
  if (Status s = store->Prepare(); !s.ok()) return s.WithContext(path);
  return std::unique_ptr<RiskStore>(std::move(store));
}

}  // namespace

Result<std::unique_ptr<RiskStore>> OpenSqliteStore(const std::string& path,
                                                   const SqliteOptions& options) {
  return Open(path, options);
}

}  // namespace idguard
