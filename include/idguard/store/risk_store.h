// RiskStore: the narrow storage interface every persistent thing goes through.
//
// The engine hands over batches; each batch is written in one transaction, so a crash (even
// kill -9) leaves the store at a batch boundary. Writes are idempotent by id: a sign-in already
// stored is ignored, detections, risky users and profiles are upserted, history items are
// inserted once. Detections, risky users and history items travel with their Graph JSON already
// serialized, so the store never depends on the exporters and the API can stream it as is;
// sign-ins, a million per replay, travel as their compact document (sign_in_document.h).
//
// SQLite (one file, WAL) is the embedded default; other backends implement the same interface and
// pass the same conformance tests. A RiskStore is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idguard/core/risk_records.h"
#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"

namespace idguard {

// The columns a sign-in is stored and filtered by; the rest lives in its Graph JSON. Kept lean
// because whole batches of these wait in memory for the writer.
struct SignInRow {
  std::string id;
  EventTime createdDateTime = 0;
  std::string userId;
  std::string userPrincipalName;
  std::string appId;
  std::string appDisplayName;
  std::string ipAddress;
  std::string countryOrRegion;
  RiskLevel riskLevelDuringSignIn = RiskLevel::none;
  RiskLevel riskLevelAggregated = RiskLevel::none;
  RiskState riskState = RiskState::none;
  RiskDetail riskDetail = RiskDetail::none;
  bool isInteractive = true;
  std::int32_t errorCode = 0;
  std::vector<std::string> riskEventTypes_v2;
  // What conditional access reads beyond the filters, kept as columns so that a policy's impact
  // preview never decodes documents.
  std::string clientAppUsed;              // "Browser", "Exchange ActiveSync", ...
  std::string resourceId;                 // the resource signed in to (applications condition)
  std::optional<bool> deviceIsCompliant;  // deviceDetail.isCompliant (compliantDevice)
  std::string deviceTrustType;            // deviceDetail.trustType (domainJoinedDevice)
};

struct StoredSignIn {
  SignInRow signIn;
  std::string document;  // EncodeSignInDocument of the whole sign-in
  // Encodes the document, then moves the columns out of a sign-in the caller is done with.
  static StoredSignIn From(SignIn&& sign_in);
};

struct StoredDetection {
  RiskDetection detection;
  std::string graphJson;
};

struct StoredRiskyUser {
  RiskyUser user;
  std::string graphJson;
};

struct StoredHistoryItem {
  RiskyUserHistoryItem item;
  std::string graphJson;
};

// Opaque engine state keyed by name (per-user profiles, organisation statistics, checkpoints).
struct StateBlob {
  std::string key;
  std::string value;
};

// One record of the audit log: an administrative action, who did it, to what, and its effect.
// `json` is the Graph directoryAudit document the API serves.
struct AuditEntry {
  std::string id;
  EventTime time = 0;
  std::string category;  // e.g. "IdentityProtection", "UserManagement", "ApiTokens"
  std::string activity;  // e.g. "confirmCompromised"
  std::string actor;     // the token's name and id, or "cli:<name>"
  std::string result;    // "success" or "failure"
  std::string requestId;
  std::string targets;  // target ids joined by commas (for filtering)
  std::string json;
};

// An API token as stored: its SHA-256 only, never the token.
struct ApiTokenRecord {
  std::string id;
  std::string name;
  std::string role;
  std::int64_t createdMicros = 0;
  bool revoked = false;
  std::string email;  // the holder's address for notifications; may be empty
  // When the token stops being valid (microseconds since the epoch); 0: never. Portal sessions
  // are tokens that expire.
  std::int64_t expiresMicros = 0;
};

struct StoredApiToken {
  ApiTokenRecord token;
  std::string tokenSha256;
};

// The built-in local directory's state of one account: what admins changed.
struct AccountState {
  std::string userId;
  bool accountEnabled = true;
  bool mustChangePassword = false;
  std::string temporaryPasswordHash;  // scrypt (password_hash.h); empty when none is pending
  EventTime passwordResetDateTime = 0;
  EventTime sessionsRevokedDateTime = 0;
  EventTime updatedDateTime = 0;
};

// A configuration document kept as Graph JSON: conditional access policies, named locations,
// settings. `kind` names the collection ("conditionalAccessPolicy", ...).
struct ConfigDocument {
  std::string kind;
  std::string id;
  std::string json;
  EventTime modifiedDateTime = 0;
};

// What the evaluate API answered for a sign-in, and the outcomes reported since: the answer is
// replayed for a repeated evaluate call, and outcomes look up what was demanded.
struct EvaluationRecord {
  std::string signInId;
  EventTime createdDateTime = 0;
  std::string decision;  // allow, mfa, passwordChange, block
  bool bySignInRiskPolicy = false;
  bool byUserRiskPolicy = false;
  std::string outcomes;  // outcomes reported so far, comma-separated, in order
  std::string answer;    // the evaluate response body
};

// A notification waiting to be sent (docs/NOTIFICATIONS.md): a webhook event, or a user the next
// "users at risk detected" email names. It is written in the same transaction as the change it
// reports, so a stop or a crash after the commit never loses it; the notifier removes it once it
// was sent or given up.
struct OutboxEvent {
  std::int64_t sequence = 0;  // order of sending, unique in the store
  std::string channel;        // the webhook's id, or "email:riskyUsersAlert"
  std::string eventId;        // the webhook event's id (the same on every delivery); the user id
  std::string json;           // the event as delivered; the user's Graph riskyUser
};

struct StoreBatch {
  std::vector<StoredSignIn> signIns;
  // Sign-ins already stored whose risk an admin changed: their risk columns and document are
  // replaced (found by id and createdDateTime). Unknown ids are an error.
  std::vector<StoredSignIn> signInUpdates;
  std::vector<AuditEntry> audit;
  std::vector<StoredApiToken> apiTokens;
  std::vector<std::string> revokedApiTokenIds;  // unknown ids are an error
  std::vector<AccountState> accounts;           // upserted by user id
  std::vector<ConfigDocument> configDocuments;  // upserted by (kind, id)
  // (kind, id) of configuration documents to delete; unknown ones are an error.
  std::vector<std::pair<std::string, std::string>> deletedConfigDocuments;
  std::vector<EvaluationRecord> evaluations;  // upserted by sign-in id
  std::vector<StoredDetection> detections;
  std::vector<StoredRiskyUser> riskyUsers;
  std::vector<StoredHistoryItem> history;
  // Risky service principals and their history: the same records keyed by service principal id,
  // with their JSON in the riskyServicePrincipal shapes.
  std::vector<StoredRiskyUser> riskyServicePrincipals;
  std::vector<StoredHistoryItem> servicePrincipalHistory;
  std::vector<StateBlob> profiles;  // key = user id
  std::vector<StateBlob> state;     // key = state name
  std::vector<OutboxEvent> outbox;  // inserted; an existing sequence is an error
  // True when `profiles` and `state` hold everything learned from every sign-in stored up to and
  // including this batch. Profiles are checkpointed only every few batches (rewriting them is the
  // most expensive part of a batch); a resumed run re-learns the sign-ins stored after the last
  // checkpoint (ForEachSignInSinceProfileCheckpoint).
  bool profileCheckpoint = false;
  // Moves every record of `other` after this batch's own, leaving `other` empty: a batch gathered
  // in parts. A new kind of record goes here as well as in empty().
  void Append(StoreBatch&& other);
  bool empty() const {
    return signIns.empty() && signInUpdates.empty() && audit.empty() && apiTokens.empty() &&
           revokedApiTokenIds.empty() && accounts.empty() && configDocuments.empty() &&
           deletedConfigDocuments.empty() && evaluations.empty() && detections.empty() &&
           riskyUsers.empty() && history.empty() && riskyServicePrincipals.empty() &&
           servicePrincipalHistory.empty() && profiles.empty() && state.empty() && outbox.empty();
  }
};

// How long each kind of record is kept, measured back from a reference time (event time).
struct RetentionPolicy {
  std::int64_t signInDays = 30;     // Default: 30 (as Entra P1/P2 sign-in logs)
  std::int64_t detectionDays = 90;  // Default: 90 (detections and risk history)
  std::int64_t historyDays = 90;    // Default: 90
};

struct RetentionResult {
  std::int64_t signInsDeleted = 0;
  std::int64_t detectionsDeleted = 0;
  std::int64_t historyDeleted = 0;
  // A kind of record reached the call's row limit: more may have expired, so call again.
  bool more = false;
};

class RiskStore {
 public:
  virtual ~RiskStore() = default;

  // Writes the whole batch in one transaction. On error nothing of the batch is kept.
  virtual Status Write(const StoreBatch& batch) = 0;

  // Bulk-load mode: secondary indices may be dropped for speed and are rebuilt by
  // EndBulkLoad. A crash in between leaves a consistent store; the next Open rebuilds them.
  virtual Status BeginBulkLoad() = 0;
  virtual Status EndBulkLoad() = 0;

  // Deletes records older than the policy allows, relative to `now`, in one transaction.
  Result<RetentionResult> ApplyRetention(EventTime now, const RetentionPolicy& policy) {
    return ApplyRetention(now, policy, 0);
  }
  // The same, deleting at most `max_rows_per_kind` expired records of each kind (0: no limit),
  // so that a server can trim a large backlog in short transactions between writes; repeated
  // while the result says `more`.
  virtual Result<RetentionResult> ApplyRetention(EventTime now, const RetentionPolicy& policy,
                                                 std::int64_t max_rows_per_kind) = 0;
  // The createdDateTime of the newest stored sign-in; nullopt when none is stored.
  virtual Result<std::optional<EventTime>> LatestSignInTime() = 0;
  // Deletes the API tokens that expire (portal sessions) and expired before `now` (wall time);
  // returns how many.
  virtual Result<std::int64_t> DeleteExpiredApiTokens(EventTime now) = 0;

  // Loading engine state when a run resumes.
  virtual Status ForEachSignInId(const std::function<void(std::string_view id)>& visit) = 0;
  virtual Status ForEachProfile(
      const std::function<void(std::string_view userId, std::string_view blob)>& visit) = 0;
  virtual Status ForEachRiskyUser(const std::function<void(const RiskyUser&)>& visit) = 0;
  virtual Status ForEachRiskyServicePrincipal(
      const std::function<void(const RiskyUser&)>& visit) = 0;
  // Detections whose riskState is atRisk or confirmedCompromised; `activity` tells user,
  // sign-in and service-principal detections apart.
  virtual Status ForEachActiveDetection(const std::function<void(const RiskDetection&)>& visit) = 0;
  // The sign-ins stored after the last profile checkpoint, decoded, in the order they were
  // stored (which is the order the engine processed them).
  virtual Status ForEachSignInSinceProfileCheckpoint(
      const std::function<Status(SignIn&& signIn)>& visit) = 0;
  // Returns an empty string when the key is absent.
  virtual Result<std::string> GetState(std::string_view key) = 0;
  // Number of history items stored for the user (history ids continue from there).
  virtual Result<std::int64_t> CountHistory(std::string_view userId) = 0;
  virtual Result<std::int64_t> CountServicePrincipalHistory(
      std::string_view servicePrincipalId) = 0;

  // The stored sign-in with this id, or nullopt when there is none.
  virtual Result<std::optional<SignIn>> GetSignIn(std::string_view id) = 0;

  // What admin actions change: a user's detections, one sign-in's detections, and a user's risky
  // sign-ins (riskState atRisk or confirmedCompromised), as stored.
  virtual Status ForEachDetectionJsonOfUser(
      std::string_view userId, const std::function<Status(std::string_view json)>& visit) = 0;
  virtual Status ForEachDetectionJsonOfSignIn(
      std::string_view requestId, const std::function<Status(std::string_view json)>& visit) = 0;
  virtual Status ForEachRiskySignInOfUser(std::string_view userId,
                                          const std::function<Status(SignIn&& signIn)>& visit) = 0;

  // The local directory's state of an account, or nullopt when no admin changed it.
  virtual Result<std::optional<AccountState>> GetAccountState(std::string_view userId) = 0;
  // Every account an admin changed, in user id order.
  virtual Status ForEachAccountState(const std::function<Status(AccountState&& state)>& visit) = 0;

  // The configuration documents of one kind, in id order.
  virtual Status ForEachConfigDocument(
      std::string_view kind,
      const std::function<Status(const ConfigDocument& document)>& visit) = 0;
  // What evaluate answered for a sign-in, or nullopt when it was not evaluated.
  virtual Result<std::optional<EvaluationRecord>> GetEvaluation(std::string_view signInId) = 0;
  // Counts for summaries and tests.
  virtual Result<std::int64_t> CountSignIns() = 0;
  virtual Result<std::int64_t> CountDetections() = 0;
  virtual Result<std::int64_t> CountRiskyUsers() = 0;
};

struct SqliteOptions {
  // The writer's page cache. Writes touch again only the recent days of each sign-in index and
  // the pages above them; reports read through their own connections, which map the file. A larger
  // cache filled up with pages of rows just appended, each a fresh page of memory to zero.
  std::int64_t cacheMegabytes = 64;  // Default: 64 MiB page cache
  bool readOnly = false;             // Default: false
  // Checkpoints of commits a caller waits for run on a thread of the store's own. Past this many
  // pages in the write-ahead log the writer waits for that thread and copies the rest itself, so
  // the next write starts the log over: under steady load the log is never fully copied when a
  // write begins, and would grow without end. 125 MiB in 8 KiB pages, about six 10,000-sign-in
  // batches; below the journal size limit, so a log that starts over keeps its file.
  int logPagesBeforeTheWriterCheckpoints = 16000;  // Default: 16,000 pages
};

Result<std::unique_ptr<RiskStore>> OpenSqliteStore(const std::string& path,
                                                   const SqliteOptions& options = {});

}  // namespace idguard
