// The live engine's state and the helpers its calls share (live_engine*.cc only).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "idguard/core/fingerprint_set.h"
#include "idguard/core/json_writer.h"
#include "idguard/detect/leaked_credentials.h"
#include "idguard/detect/risk_engine.h"
#include "idguard/enrich/threat_feeds.h"
#include "idguard/export/graph_json.h"
#include "idguard/ingest/risk_detection_parser.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/policy/conditional_access_policy.h"
#include "idguard/policy/mfa_registration_policy.h"
#include "pipeline/engine_state.h"
#include "pipeline/evaluation_write_pacing.h"

namespace idguard {

// Kinds of configuration documents (config_documents.kind).
inline constexpr std::string_view kPolicyKind = "conditionalAccessPolicy";
inline constexpr std::string_view kMfaRegistrationPolicyKind = "mfaRegistrationPolicy";
inline constexpr std::string_view kMfaRegistrationPromptKind = "mfaRegistrationPrompt";
inline constexpr std::string_view kMfaRegisteredKind = "mfaRegistered";
inline constexpr std::string_view kNamedLocationKind = "namedLocation";
inline constexpr std::string_view kNamedLocationImportKind = "namedLocationImport";

struct PendingChanges {
  StoreBatch batch;
  std::unordered_set<std::string> changedUsers;
  std::unordered_set<std::string> changedServicePrincipals;
  std::vector<AuditTarget> targets;

  void AddDetection(RiskDetection detection) {
    std::string json;
    AppendRiskDetectionJson(json, detection);
    batch.detections.push_back({std::move(detection), std::move(json)});
  }
  void AddHistory(RiskyUserHistoryItem item) {
    changedUsers.insert(item.user.id);
    std::string json;
    AppendRiskyUserHistoryItemJson(json, item);
    batch.history.push_back({std::move(item), std::move(json)});
  }
  void AddSignIn(SignIn sign_in) {
    batch.signInUpdates.push_back(StoredSignIn::From(std::move(sign_in)));
  }
  void AddServicePrincipalHistory(RiskyUserHistoryItem item) {
    changedServicePrincipals.insert(item.user.id);
    std::string json;
    AppendRiskyServicePrincipalHistoryItemJson(json, item);
    batch.servicePrincipalHistory.push_back({std::move(item), std::move(json)});
  }
  void CloseServicePrincipals(const UserRiskAggregator& service_principals) {
    AddRecords(changedServicePrincipals, service_principals, AppendRiskyServicePrincipalJson,
               batch.riskyServicePrincipals);
  }
  void CloseUsers(const UserRiskAggregator& users) {
    AddRecords(changedUsers, users, AppendRiskyUserJson, batch.riskyUsers);
  }

 private:
  // The changed records as they are now, in id order.
  static void AddRecords(const std::unordered_set<std::string>& changed,
                         const UserRiskAggregator& risk,
                         void (*append)(std::string&, const RiskyUser&),
                         std::vector<StoredRiskyUser>& out) {
    std::vector<std::string> ids(changed.begin(), changed.end());
    std::sort(ids.begin(), ids.end());
    for (const auto& id : ids) {
      if (const RiskyUser* record = risk.Find(id)) {
        std::string json;
        append(json, *record);
        out.push_back({*record, std::move(json)});
      }
    }
  }
};

// What evaluate needs of an account an administrator changed (the store's account states), kept in
// memory so the sign-in path never reads the store: loaded with the engine's state and updated by
// every write that changes one. Other accounts are as the directory snapshot lists them.
struct AccountFlags {
  bool accountEnabled = true;
  bool mustChangePassword = false;
};

struct LiveEngine::State {
  std::unique_ptr<RiskStore> store;
  std::unique_ptr<ThreatFeeds> ipFeeds;  // the detectors' IP feeds; empty when none are given
  EnrichmentData enrichment;
  std::unique_ptr<Enricher> enricher;
  // Leaked credential pairs, for the password an identity provider submits to evaluate.
  std::unique_ptr<SubmittedPasswordCheck> submittedPasswords;
  // The named locations in force: replaced whole (under the engine lock) by every change, so a
  // reader holding the pointer keeps a consistent set.
  std::shared_ptr<const NamedLocations> namedLocations;
  std::unique_ptr<RiskEngine> engine;
  FingerprintSet seen;
  std::unique_ptr<RiskDetectionParser> detectionParser;
  std::unique_ptr<AccountDirectory> accounts;
  SystemClock clock;
  std::size_t ingestsSinceCheckpoint = 0;
  // false: rebuild engine state from the store before the next call (at start, and after a call
  // that had changed the engine ended without storing the change: RebuildUnlessKept).
  bool restored = false;
  // Set (store lock held) when a write failed: the engine holds changes the store lacks, and
  // every batch built since extends them. Cleared by the rebuild.
  std::atomic<bool> storeBroken{false};
  // Whether the engine must be rebuilt from the store before its next use.
  bool NeedsRebuild() const { return !restored || storeBroken.load(); }

  // Every use of `store` holds its lock, through a turn (store_turns.h) when the order of writes
  // matters: the deferred writer and ingest slices write without the engine lock.
  StoreTurns storeTurns;
  // Told of every committed batch (notifications); set and called with the store lock held.
  CommitObserver commitObserver;

  // Conditional access policies, in id order, as stored.
  std::vector<ConditionalAccessPolicy> policies;
  MfaRegistrationPolicy mfaRegistration;
  // When each user was first asked to register for MFA, and who reported a registration.
  std::unordered_map<std::string, EventTime> registrationPrompts;
  std::unordered_set<std::string> registeredUsers;
  bool policiesLoaded = false;

  // Evaluations answered but not yet written: the writer thread commits them within a few
  // milliseconds (a quarter second under load, evaluation_write_pacing.h), and every other call
  // writes them first (FlushDeferred), so the store sees changes in the order the engine made
  // them.
  PendingChanges deferred;
  std::size_t deferredSignIns = 0;
  std::size_t evaluationsSinceCheckpoint = 0;
  // Evaluations not yet written, by sign-in id: their place in deferred.batch.evaluations, whose
  // answer a repeated call with the same id returns.
  std::unordered_map<std::string, std::size_t> deferredAnswers;
  std::unordered_map<std::string, AccountFlags> accountFlags;
  // When the first of the evaluations waiting now was answered: the writer gathers from then.
  std::chrono::steady_clock::time_point deferredSince;
  EvaluationWritePacer pacer;
  std::condition_variable flushWanted;
  std::condition_variable writerCaughtUp;
  // The writer is writing a batch (with the store lock, without the engine lock); writerIdle is
  // told when it is done, and writesDone counts the batches done. A call that must write the
  // waiting evaluations first sets flushNow, so the writer takes them without gathering more.
  bool writerWriting = false;
  std::uint64_t writesDone = 0;  // batches the writer has written
  bool flushNow = false;
  std::condition_variable writerIdle;
  bool stopping = false;
  std::thread writer;
};

// For a call that changes the engine's state before it has stored the change. Should the call end
// early (a store read failed, a stored record did not parse), the engine is rebuilt from the store
// before the next call, so memory never runs ahead of what the store holds. Keep() once the change
// is written or queued for the writer (a failed write needs no Keep: it marks the engine too).
// Engine lock held throughout.
class RebuildUnlessKept {
 public:
  explicit RebuildUnlessKept(LiveEngine::State& state) : state_(state) {}
  RebuildUnlessKept(const RebuildUnlessKept&) = delete;
  RebuildUnlessKept& operator=(const RebuildUnlessKept&) = delete;
  ~RebuildUnlessKept() {
    if (!kept_) state_.restored = false;
  }
  void Keep() { kept_ = true; }

 private:
  LiveEngine::State& state_;
  bool kept_ = false;
};

std::string ShortHash(std::string_view text);
// Whether a detection with this id exists already (active, waiting to be written, or stored in any
// state): a leak is reported once, and a dismissed one is not opened again. Engine lock held.
Result<bool> DetectionKnown(LiveEngine::State& s, const std::string& user_id,
                            const std::string& id);
// A GUID-shaped id from a hash, so ids look like Graph's and are stable for the same inputs.
std::string GuidFromHash(std::string_view text);
void AddRiskChanges(AuditTarget& target, const RiskyUser& before, const RiskyUser& after);
RiskDetection MakeAdminDetection(std::string_view type, ActivityType activity, RiskDetail detail,
                                 const RiskyUser& subject, const Actor& actor, EventTime now,
                                 const std::string& key);
// Closes every open detection of a user or service principal, and a user's risky sign-ins
// (dismiss, confirm safe, password reset, self-remediation), and forgets the subject's active
// detections; the caller sets the subject's record.
Status CloseAllRisk(LiveEngine::State& s, const std::string& subject_id, bool service_principal,
                    RiskState closed, RiskDetail detail, bool lower_sign_in_level, EventTime now,
                    PendingChanges& changes);

}  // namespace idguard
