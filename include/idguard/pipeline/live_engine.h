// LiveEngine: the engine as `idguard serve` runs it — one store writer and one RiskEngine restored
// from the store, shared by every request that changes risk: sign-ins posted to /v1/signins and
// the admin actions (confirm compromised, dismiss, confirm safe on users and sign-ins).
//
// Every call is one store transaction holding all it changed (sign-ins, detections, risky users,
// history items with the actor, and the audit record), committed before the call returns. Calls
// are serialised by a mutex: the engine is single-threaded by design, and the store has one
// writer. When a write fails, the in-memory state may be ahead of the store, so it is rebuilt
// from the store before the next call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/core/time.h"
#include "idguard/enrich/named_locations.h"
#include "idguard/ingest/record_parser.h"
#include "idguard/pipeline/account_directory.h"
#include "idguard/pipeline/store_turns.h"
#include "idguard/policy/conditional_access_policy.h"
#include "idguard/policy/mfa_registration_policy.h"
#include "idguard/store/risk_store.h"

namespace idguard {

class Directory;
class LeakedCredentialFeed;

struct LiveEngineOptions {
  std::string dbPath = "idguard.db";
  std::vector<std::string> geoipFiles;
  std::vector<std::string> asnFiles;
  std::string userAgentRegexes;
  std::string namedLocationsPath;
  std::string directoryPath;
  // Threat feeds KIND=FILE, as replay's --feed: the IP feeds (anonymizer, malicious-ip,
  // threat-actor), and leaked-credentials, matched against the directory snapshot at start and
  // against the password an identity provider submits to evaluate.
  std::vector<std::pair<std::string, std::string>> feeds;
  std::size_t maxRecordsPerIngest = 100'000;  // Default: 100,000 records per POST
  // Profiles are written with every Nth ingest, and at shutdown, as replay does with its batches:
  // rewriting every touched profile is most of an ingest's store work. A restart learns again
  // from the sign-ins stored after the last profile checkpoint, so nothing is lost.
  std::size_t profileCheckpointIngests = 8;  // Default: 8
  // Evaluations are answered first and written by a writer thread in batches: it gathers them
  // for this long after the first one waiting, or until evaluationWriteBatch wait. While 1,000 or
  // more evaluations a second arrive, it gathers for evaluationWriteDelayUnderLoad instead (never
  // less than evaluationWriteDelay), which makes each transaction large enough to share the index
  // pages it rewrites (docs/EVALUATE.md, "Durability").
  std::chrono::microseconds evaluationWriteDelay{2000};              // Default: 2 ms
  std::chrono::microseconds evaluationWriteDelayUnderLoad{250'000};  // Default: 250 ms
  std::size_t evaluationWriteBatch = 4096;                           // Default: 4,096 sign-ins
  // A profile checkpoint once this many evaluations were written since the last one: rewriting
  // every touched profile costs as much as thousands of sign-ins, and a restart learns again from
  // the sign-ins stored since (about 2 s for 100,000).
  std::size_t evaluationCheckpointSignIns = 100'000;  // Default: 100,000
  // The "allow on-premises password change to reset user risk" setting (spec §3.3).
  bool onPremisesPasswordChangeResetsRisk = false;  // Default: off
  // How long the store keeps sign-ins, detections and history (ApplyRetention), as for replay.
  RetentionPolicy retention;
  // Records of each kind deleted per retention transaction.
  std::int64_t retentionPieceRows = 5000;
  // Told, one JSON line each, of the failures no caller hears of: a batch of answered evaluations
  // the writer thread could not store. Unset: they are only counted (StoreWriteFailures()).
  std::function<void(std::string_view line)> errorLog;
};

// What an identity provider reports after evaluate answered (POST /v1/signins/{id}/outcome).
enum class SignInOutcome : std::uint8_t {
  mfaPassed,
  mfaFailed,
  mfaDenied,
  mfaTimedOut,
  fraudReported,
  passwordChanged,            // a secure password change (after MFA)
  passwordReset,              // self-service password reset
  onPremisesPasswordChanged,  // changed in the on-premises directory and synchronised
  completed,
  abandoned,
  mfaRegistered,  // the user registered an MFA method (answering the registration prompt)
};
std::string_view ToString(SignInOutcome outcome);
std::optional<SignInOutcome> ParseSignInOutcome(std::string_view text);

// Who asked for a change, as history and the audit log record it.
struct Actor {
  std::string name;     // the API token's name
  std::string tokenId;  // the API token's id
  std::string role;
  std::string requestId;
};

struct IngestRejection {
  std::size_t index = 0;  // 0-based position of the record in the body
  std::uint64_t line = 0;
  std::string reason;
};

struct IngestResult {
  std::uint64_t received = 0;
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;   // ids already stored: accepted before, nothing changed
  std::uint64_t otherEvents = 0;  // valid records that hold no sign-in
  std::uint64_t detections = 0;
  std::vector<IngestRejection> rejected;
  // Ok, or why the store refused part of the batch. A batch judged in slices keeps the slices
  // written before the failure: `accepted` and `detections` then count only those, and sending the
  // body again stores the rest (the stored sign-ins count as duplicates).
  Status storeFailure;
};

enum class RiskAction : std::uint8_t { confirmCompromised, dismiss, confirmSafe };
std::string_view ToString(RiskAction action);

struct ActionResult {
  std::vector<std::string> changed;
  std::vector<std::string> unknown;  // ids with nothing to act on (never at risk, not stored)
};

class LiveEngine {
 public:
  static Result<std::unique_ptr<LiveEngine>> Open(const LiveEngineOptions& options,
                                                  std::ostream& log);
  // Writes a last profile checkpoint when sign-ins came in since the previous one.
  ~LiveEngine();

  // Ingests a body of sign-in records (NDJSON, JSON array or Graph page; Graph signIn, Log
  // Analytics, diagnostic-settings or Okta shape, detected from the first record unless given).
  // Valid records are processed in createdDateTime order; malformed ones are listed with the
  // reason and never stop the others. Too many records is an InvalidInput error; a store failure
  // after judging is reported in the result's storeFailure, with what was stored before it.
  Result<IngestResult> Ingest(std::string_view body, std::optional<InputFormat> format,
                              const Actor& actor);

  // The riskyUsers actions; ids are user object ids.
  Result<ActionResult> ActOnUsers(RiskAction action, const std::vector<std::string>& user_ids,
                                  const Actor& actor);
  // The signIns actions; ids are sign-in ids (Graph's requestIds).
  Result<ActionResult> ActOnSignIns(RiskAction action, const std::vector<std::string>& sign_in_ids,
                                    const Actor& actor);

  // The riskyServicePrincipals actions (confirmCompromised and dismiss); ids are service
  // principal object ids.
  Result<ActionResult> ActOnServicePrincipals(RiskAction action,
                                              const std::vector<std::string>& service_principal_ids,
                                              const Actor& actor);

  // Account actions, carried out by the account directory (the built-in local one by default) and
  // recorded in the audit log. NotFound when the directory has no such account.
  Result<std::optional<Account>> FindAccount(const std::string& user_id);
  // Resets the password and revokes sessions; a risky user is remediated (riskState remediated,
  // riskDetail adminGeneratedTemporaryPassword, with its open detections and risky sign-ins).
  // Returns the temporary password, or an empty string in requireChangeAtNextSignIn mode.
  Result<std::string> ResetPassword(const std::string& user_id, PasswordResetMode mode,
                                    const Actor& actor);
  Status SetSignInBlocked(const std::string& user_id, bool blocked, const Actor& actor);
  Status RevokeSessions(const std::string& user_id, const Actor& actor);

  // The learned profile of a user as JSON (profile_json.h), or nullopt when idguard has not
  // learned anything about the user.
  Result<std::optional<std::string>> ProfileJson(const std::string& user_id);

  // Real-time evaluation of one sign-in attempt (a Graph signIn-shaped JSON object) for an
  // identity provider: enrich, run the detectors, apply the conditional access policies, answer.
  // The answer (JSON, docs/EVALUATE.md) is returned before the sign-in is written; the writer
  // thread stores it with the next batch (evaluationWriteDelay). A repeated id returns the first
  // answer.
  struct Evaluation {
    std::string json;
    bool repeated = false;
  };
  Result<Evaluation> Evaluate(std::string_view body, const Actor& actor);

  // Applies what happened after evaluate: self-remediation, the sign-in's final status, and the
  // second-factor detections. NotFound for a sign-in that was never evaluated. Repeating an
  // outcome changes nothing. Returns the sign-in's and the user's risk afterwards as JSON.
  Result<std::string> ReportOutcome(const std::string& sign_in_id, SignInOutcome outcome,
                                    std::string_view auth_method, const Actor& actor);

  // Conditional access policies (Graph conditionalAccessPolicy JSON bodies). Every change is
  // validated, stored and audited; evaluate uses it from the next call on.
  // What one retention pass removed.
  struct RetentionSummary {
    std::optional<EventTime> latestSignIn;  // the retention counted back from here
    RetentionResult removed;
    std::int64_t expiredSessionsDeleted = 0;
  };
  // Deletes from the store what is older than options.retention, counted back from the newest
  // stored sign-in as replay does (a server ingesting an old export keeps it), and the portal
  // sessions that have expired. It deletes in pieces of options.retentionPieceRows records of a
  // kind per transaction, holding only the store lock for each, so sign-ins keep being evaluated
  // and ingested while a large backlog is trimmed; `idguard serve` runs it at start and every
  // hour.
  Result<RetentionSummary> ApplyRetention();

  Result<std::vector<ConditionalAccessPolicy>> ListPolicies();
  Result<ConditionalAccessPolicy> CreatePolicy(std::string_view json, const Actor& actor);
  Result<ConditionalAccessPolicy> UpdatePolicy(const std::string& id, std::string_view json,
                                               const Actor& actor);
  Status DeletePolicy(const std::string& id, const Actor& actor);

  // The MFA registration policy (off until set).
  Result<MfaRegistrationPolicy> GetMfaRegistrationPolicy();
  Result<MfaRegistrationPolicy> SetMfaRegistrationPolicy(std::string_view json, const Actor& actor);

  // The directory snapshot loaded at start: immutable, readable from any thread; null when not
  // given.
  const Directory* directory() const;
  // The named locations in force now (a snapshot that stays valid while held); never null.
  std::shared_ptr<const NamedLocations> namedLocations();

  // Named locations (Graph ipNamedLocation and countryNamedLocation JSON bodies), kept in the
  // store; every change is validated, audited and used by the next sign-in. At the first start
  // the --named-locations file is imported; from then on the store holds them.
  Result<std::vector<NamedLocation>> ListNamedLocations();
  Result<NamedLocation> CreateNamedLocation(std::string_view json, const Actor& actor);
  Result<NamedLocation> UpdateNamedLocation(const std::string& id, std::string_view json,
                                            const Actor& actor);
  // Refused (InvalidInput) while a conditional access policy names the location.
  Status DeleteNamedLocation(const std::string& id, const Actor& actor);

  // The notifier's view of the engine's writes. `beforeWrite` may add records to a batch about to
  // be written (its webhook events, committed with the change they report); `committed` is called
  // after the commit with what the batch held. Both run with the store lock held: they must be
  // quick and must not call the engine. Empty functions remove them.
  struct CommitObserver {
    std::function<void(StoreBatch&)> beforeWrite;
    std::function<void(const StoreBatch&)> committed;
  };
  void SetCommitObserver(CommitObserver observer);

  // idguard's own settings documents, one JSON document per kind (e.g. "notificationSettings"):
  // nullopt when never set. Put stores and audits it (category "Settings").
  Result<std::optional<std::string>> GetSettingsDocument(std::string_view kind);
  Status PutSettingsDocument(std::string_view kind, std::string json, std::string_view activity,
                             const Actor& actor);

  // Appends an audit record on its own (token management and other non-risk actions).
  Status Audit(AuditEntry entry);
  // Writes API tokens (portal sessions) created or revoked, with their audit records, as one
  // batch; nothing else in `batch` is allowed.
  Status WriteTokens(const StoreBatch& batch);

  // Requests waiting for the engine, for the metrics endpoint.
  std::int64_t QueueDepth() const { return waiting_.load(); }
  // Evaluations answered and not yet written: waiting, or in a write that has not committed.
  std::int64_t PendingEvaluations() const {
    return pendingEvaluations_.load() + evaluationsBeingWritten_.load();
  }
  // Batches the store refused (busy, full, failing); each makes the engine rebuild from the store.
  std::int64_t StoreWriteFailures() const { return storeWriteFailures_.load(); }
  // Profile checkpoints made, and the time spent making them with the engine lock held (every
  // call waits meanwhile), for the metrics endpoint.
  std::int64_t ProfileCheckpoints() const { return profileCheckpoints_.load(); }
  std::chrono::microseconds ProfileCheckpointTime() const {
    return std::chrono::microseconds(profileCheckpointMicros_.load());
  }

  struct State;  // defined in live_engine.cc

 private:
  LiveEngine(LiveEngineOptions options, std::unique_ptr<State> state);
  Status EnsureRestored();
  // The engine and store locks, with the wait counted for the queue-depth metric; evaluations
  // not yet written are written first, so the call sees and extends a current store.
  struct EngineLock {
    std::unique_lock<std::mutex> engine;
    StoreTurns::Turn store;
  };
  EngineLock LockEngine();
  // With both locks held: writes the evaluations not yet written.
  Status FlushDeferred();
  // After a batch from TakeDeferred was written, or failed to be: its evaluations no longer wait.
  void DoneWriting(const StoreBatch& batch) {
    evaluationsBeingWritten_.fetch_sub(static_cast<std::int64_t>(batch.signIns.size()));
  }
  // Adds a profile checkpoint to `batch` (engine lock held), counted and timed for the metrics.
  void CheckpointProfiles(StoreBatch& batch);
  // Takes the evaluations not yet written as one batch (engine lock held).
  StoreBatch TakeDeferred();
  void RunDeferredWriter();
  void StopDeferredWriter();
  Status LoadPolicies();
  Status LoadNamedLocations(std::ostream& log);
  // At start: the leaked-credentials feeds against the directory snapshot's password hashes, as
  // replay matches them; pairs reported before are not reported again.
  Status MatchDirectoryLeaks(const LeakedCredentialFeed& leaks, std::ostream& log);
  // Stores a named location change with its audit record and puts the new set in force.
  Status CommitNamedLocations(std::vector<NamedLocation> locations, const NamedLocation* written,
                              const std::string& deleted_id, std::string_view activity,
                              const Actor& actor);
  // Stores a policy change with its audit record (both locks held).
  Status CommitPolicy(const ConditionalAccessPolicy* written, const std::string& deleted_id,
                      std::string_view activity, const Actor& actor);
  // Writes one call's changes; on failure the engine is rebuilt from the store before the next.
  Status Commit(StoreBatch& batch);
  // Every write to the store goes through here, which counts the ones the store refuses.
  Status WriteCounted(const StoreBatch& batch);
  // Writes a batch with the store lock held but not the engine lock; refuses when an earlier
  // such write failed, and on failure marks the engine for a rebuild. The commit observer may add
  // records to the batch first (its webhook events).
  Status WriteInOrder(StoreBatch& batch);
  template <typename Act>
  Status AccountAction(const std::string& user_id, std::string_view activity, const Actor& actor,
                       Act act);

  LiveEngineOptions options_;
  std::unique_ptr<State> state_;
  std::mutex mutex_;
  std::atomic<std::int64_t> waiting_{0};
  std::atomic<std::int64_t> pendingEvaluations_{0};
  // Evaluations taken from the pending batch whose write has not finished (TakeDeferred adds,
  // whoever writes the batch subtracts, DoneWriting).
  std::atomic<std::int64_t> evaluationsBeingWritten_{0};
  std::atomic<std::int64_t> storeWriteFailures_{0};
  std::atomic<std::int64_t> profileCheckpoints_{0};
  std::atomic<std::int64_t> profileCheckpointMicros_{0};
};

// A Graph directoryAudit record. `targets` are (id, type, display name) with the property
// changes (name, old value, new value) made to each.
struct AuditChange {
  std::string property;
  std::string oldValue;
  std::string newValue;
};
struct AuditTarget {
  std::string id;
  std::string type;  // "User", "SignIn", "ApiToken"
  std::string displayName;
  std::vector<AuditChange> changes;
};
AuditEntry MakeAuditEntry(EventTime time, std::string_view category, std::string_view activity,
                          const Actor& actor, std::string_view result,
                          std::string_view result_reason, const std::vector<AuditTarget>& targets);

}  // namespace idguard
