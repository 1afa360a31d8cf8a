#include "idguard/pipeline/live_engine.h"

#include <algorithm>
#include <unordered_set>

#include "idguard/core/digest.h"
#include "idguard/core/fingerprint_set.h"
#include "idguard/core/json_writer.h"
#include "idguard/core/thread_name.h"
#include "idguard/detect/risk_engine.h"
#include "idguard/export/graph_json.h"
#include "idguard/export/profile_json.h"
#include "idguard/ingest/json_records.h"
#include "idguard/ingest/risk_detection_parser.h"
#include "idguard/store/sign_in_document.h"
#include "pipeline/engine_state.h"
#include "pipeline/feed_check.h"
#include "pipeline/live_engine_state.h"

namespace idguard {
namespace {

// An ingest slice judges at least this many sign-ins (about 4 ms of engine time on the reference
// machine) before it lets a waiting call have the engine, and looks for one every
// kIngestSliceCheck.
constexpr std::size_t kIngestSliceMinimum = 256;
constexpr std::size_t kIngestSliceCheck = 64;
// A call that must write the waiting evaluations before its own changes writes at most this many
// itself, with the engine lock held (about 10 ms of writing); more, and it has the writer write
// them first (LockEngine).
constexpr std::size_t kEvaluationsWrittenByOtherCalls = 256;
// How many writes of the writer such a call waits for, at most, before it writes the rest itself.
constexpr int kWriterRoundsBeforeWritingInline = 3;

}  // namespace

std::string ShortHash(std::string_view text) { return Sha256Hex(text).substr(0, 32); }

std::string GuidFromHash(std::string_view text) {
  const std::string hex = ShortHash(text);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

void AddRiskChanges(AuditTarget& target, const RiskyUser& before, const RiskyUser& after) {
  auto add = [&](std::string_view property, std::string_view old_value,
                 std::string_view new_value) {
    if (old_value != new_value) {
      target.changes.push_back(
          {std::string(property), std::string(old_value), std::string(new_value)});
    }
  };
  add("riskLevel", ToString(before.riskLevel), ToString(after.riskLevel));
  add("riskState", ToString(before.riskState), ToString(after.riskState));
  add("riskDetail", ToString(before.riskDetail), ToString(after.riskDetail));
}

// An admin's finding as a detection: high, offline, confirmed compromised, with the admin named
// in additionalInfo. `key` makes the id unique to what was confirmed.
RiskDetection MakeAdminDetection(std::string_view type, ActivityType activity, RiskDetail detail,
                                 const RiskyUser& subject, const Actor& actor, EventTime now,
                                 const std::string& key) {
  RiskDetection detection;
  detection.id = ShortHash(std::string(type) + "|" + key);
  detection.riskEventType = std::string(type);
  detection.activity = activity;
  detection.activityDateTime = detection.detectedDateTime = detection.lastUpdatedDateTime = now;
  detection.detectionTimingType = DetectionTimingType::offline;
  detection.riskLevel = RiskLevel::high;
  detection.riskState = RiskState::confirmedCompromised;
  detection.riskDetail = detail;
  detection.userId = subject.id;
  detection.userPrincipalName = subject.userPrincipalName;
  detection.userDisplayName = subject.userDisplayName;
  detection.additionalInfo.push_back({"confirmedBy", actor.name});
  return detection;
}

// Closes every open detection of a user or service principal, and a user's risky sign-ins
// (dismiss, confirm safe, password reset), and forgets the subject's active detections; the
// caller sets the subject's record.
Status CloseAllRisk(LiveEngine::State& s, const std::string& subject_id, bool service_principal,
                    RiskState closed, RiskDetail detail, bool lower_sign_in_level, EventTime now,
                    PendingChanges& changes) {
  Status scanned =
      s.store->ForEachDetectionJsonOfUser(subject_id, [&](std::string_view json) -> Status {
        auto parsed = s.detectionParser->Parse(json);
        if (!parsed.ok()) return parsed.status().WithContext("stored detection");
        RiskDetection& detection = parsed->detection;
        const bool of_service_principal = detection.activity == ActivityType::servicePrincipal;
        if (!detection.IsActive() || of_service_principal != service_principal) {
          return Status::Ok();
        }
        detection.riskState = closed;
        detection.riskDetail = detail;
        detection.lastUpdatedDateTime = now;
        changes.AddDetection(std::move(detection));
        return Status::Ok();
      });
  if (!scanned.ok()) return scanned;
  if (service_principal) {
    s.engine->servicePrincipalRisk().ClearActive(subject_id);
    return Status::Ok();
  }
  scanned = s.store->ForEachRiskySignInOfUser(subject_id, [&](SignIn&& sign_in) -> Status {
    sign_in.riskState = closed;
    sign_in.riskDetail = detail;
    if (lower_sign_in_level) sign_in.riskLevelAggregated = RiskLevel::none;
    changes.AddSignIn(std::move(sign_in));
    return Status::Ok();
  });
  if (!scanned.ok()) return scanned;
  s.engine->userRisk().ClearActive(subject_id);
  return Status::Ok();
}

std::string_view ToString(RiskAction action) {
  switch (action) {
    case RiskAction::confirmCompromised:
      return "confirmCompromised";
    case RiskAction::dismiss:
      return "dismiss";
    case RiskAction::confirmSafe:
      return "confirmSafe";
  }
  return "unknown";
}

AuditEntry MakeAuditEntry(EventTime time, std::string_view category, std::string_view activity,
                          const Actor& actor, std::string_view result,
                          std::string_view result_reason, const std::vector<AuditTarget>& targets) {
  AuditEntry entry;
  entry.time = time;
  entry.category = std::string(category);
  entry.activity = std::string(activity);
  entry.actor = actor.name;
  entry.result = std::string(result);
  entry.requestId = actor.requestId;
  for (const AuditTarget& target : targets) {
    if (!entry.targets.empty()) entry.targets += ',';
    entry.targets += target.id;
  }
  entry.id = GuidFromHash(std::to_string(time) + "|" + actor.requestId + "|" +
                          std::string(activity) + "|" + entry.targets);

  JsonWriter json(entry.json);
  json.BeginObject();
  json.Member("id", entry.id);
  json.Member("category", category);
  json.Member("correlationId", actor.requestId);
  json.Member("result", result);
  json.Member("resultReason", result_reason);
  json.Member("activityDisplayName", activity);
  json.MemberTimestamp("activityDateTime", time);
  json.Member("loggedByService", "idguard");
  json.Member("operationType", "Update");
  json.Key("initiatedBy");
  json.BeginObject();
  json.Key("app");
  json.BeginObject();
  json.MemberOrNull("appId", actor.tokenId);
  json.Member("displayName", actor.name);
  json.MemberOrNull("servicePrincipalId", actor.tokenId);
  json.Member("servicePrincipalName", actor.role);
  json.EndObject();
  json.Key("user");
  json.Null();
  json.EndObject();
  json.Key("targetResources");
  json.BeginArray();
  for (const AuditTarget& target : targets) {
    json.BeginObject();
    json.Member("id", target.id);
    json.MemberOrNull("displayName", target.displayName);
    json.Member("type", target.type);
    json.Key("modifiedProperties");
    json.BeginArray();
    for (const AuditChange& change : target.changes) {
      json.BeginObject();
      json.Member("displayName", change.property);
      // Graph writes old and new values as JSON text.
      std::string old_value = "\"";
      std::string new_value = "\"";
      JsonWriter::AppendEscaped(old_value, change.oldValue);
      JsonWriter::AppendEscaped(new_value, change.newValue);
      old_value += '"';
      new_value += '"';
      json.Member("oldValue", old_value);
      json.Member("newValue", new_value);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("additionalDetails");
  json.BeginArray();
  json.BeginObject();
  json.Member("key", "role");
  json.Member("value", actor.role);
  json.EndObject();
  json.EndArray();
  json.EndObject();
  return entry;
}

LiveEngine::LiveEngine(LiveEngineOptions options, std::unique_ptr<State> state)
    : options_(std::move(options)), state_(std::move(state)) {}

LiveEngine::~LiveEngine() {
  StopDeferredWriter();
  auto lock = LockEngine();  // writes the evaluations still waiting
  State& s = *state_;
  if (s.NeedsRebuild() || (s.ingestsSinceCheckpoint == 0 && s.evaluationsSinceCheckpoint == 0))
    return;
  StoreBatch batch;
  CheckpointProfiles(batch);
  // Best effort: a failure here only means the next start learns a little more again.
  (void)WriteCounted(batch);
}

Result<std::unique_ptr<LiveEngine>> LiveEngine::Open(const LiveEngineOptions& options,
                                                     std::ostream& log) {
  auto state = std::make_unique<State>();
  auto store = OpenSqliteStore(options.dbPath);
  if (!store.ok()) return store.status();
  state->store = std::move(store).value();
  EnrichmentPaths paths{options.geoipFiles, options.asnFiles, options.userAgentRegexes,
                        options.namedLocationsPath, options.directoryPath};
  auto enrichment = LoadEnrichment(paths, log);
  if (!enrichment.ok()) return enrichment.status();
  state->enrichment = std::move(enrichment).value();
  state->ipFeeds = std::make_unique<ThreatFeeds>();
  LeakedCredentialFeed leaks;
  if (Status s = LoadFeeds(options.feeds, *state->ipFeeds, leaks, log); !s.ok()) return s;
  if (!leaks.entries().empty()) {
    state->submittedPasswords = std::make_unique<SubmittedPasswordCheck>(leaks);
  }
  state->enricher = std::make_unique<Enricher>(state->enrichment.Sources());
  state->detectionParser = MakeRiskDetectionParser();
  State* raw = state.get();
  state->accounts = MakeLocalAccountDirectory(
      *state->store, state->enrichment.directory ? &*state->enrichment.directory : nullptr,
      [raw](const std::string& user_id) {
        return raw->engine != nullptr && (raw->engine->FindProfile(user_id) != nullptr ||
                                          raw->engine->userRisk().Find(user_id) != nullptr);
      });
  std::unique_ptr<LiveEngine> engine(new LiveEngine(options, std::move(state)));
  if (Status s = engine->LoadNamedLocations(log); !s.ok()) return s;
  if (Status s = engine->EnsureRestored(); !s.ok()) return s;
  if (Status s = engine->MatchDirectoryLeaks(leaks, log); !s.ok()) return s;
  LiveEngine* raw_engine = engine.get();
  engine->state_->writer = std::thread([raw_engine] {
    NameThisThread("idg-eval-writer");
    raw_engine->RunDeferredWriter();
  });
  return engine;
}

LiveEngine::EngineLock LiveEngine::LockEngine() {
  State& s = *state_;
  waiting_.fetch_add(1);
  std::unique_lock engine(mutex_);
  // Under load the writer gathers large batches. Waiting here for the one it is writing, or
  // writing the evaluations waiting with the engine lock held, would stop every evaluation
  // meanwhile. So this call first lets the writer finish, or has it write what waits, without
  // the lock. Each round leaves what arrived during its write, usually fewer; after a few rounds
  // the rest is written below, with the lock, so this call's wait stays bounded at saturation.
  auto writer_needed = [&] {
    return s.writerWriting || s.deferredSignIns > kEvaluationsWrittenByOtherCalls;
  };
  for (int round = 0; round < kWriterRoundsBeforeWritingInline && !s.stopping && writer_needed();
       ++round) {
    const std::uint64_t written = s.writesDone;
    s.flushNow = true;
    s.flushWanted.notify_one();
    // Also ends when the evaluations left the queue another way (an ingest slice took them, a
    // rebuild dropped them) while the writer was not writing: it then has nothing to write, and
    // would not count a write.
    s.writerIdle.wait(engine,
                      [&] { return s.stopping || s.writesDone != written || !writer_needed(); });
  }
  StoreTurns::Turn store = s.storeTurns.TakeTurn();
  waiting_.fetch_sub(1);
  (void)FlushDeferred();  // a failure marks the engine for a rebuild, which the caller does next
  return EngineLock{std::move(engine), std::move(store)};
}

void LiveEngine::CheckpointProfiles(StoreBatch& batch) {
  const auto started = std::chrono::steady_clock::now();
  AppendProfileCheckpoint(*state_->engine, batch);
  const auto took = std::chrono::steady_clock::now() - started;
  profileCheckpoints_.fetch_add(1);
  profileCheckpointMicros_.fetch_add(
      std::chrono::duration_cast<std::chrono::microseconds>(took).count());
}

Status LiveEngine::Commit(StoreBatch& batch) {
  State& s = *state_;
  // On failure WriteInOrder marks the engine for a rebuild: it has already applied what the
  // store did not take.
  Status written = WriteInOrder(batch);
  if (!written.ok()) return written;
  for (const AccountState& account : batch.accounts) {
    AccountFlags& flags = s.accountFlags[account.userId];
    flags.accountEnabled = account.accountEnabled;
    flags.mustChangePassword = account.mustChangePassword;
  }
  return written;
}

Result<bool> DetectionKnown(LiveEngine::State& s, const std::string& user_id,
                            const std::string& id) {
  const auto active = s.engine->userRisk().ActiveIds(user_id);
  if (std::find(active.begin(), active.end(), id) != active.end()) return true;
  for (const StoredDetection& waiting : s.deferred.batch.detections) {
    if (waiting.detection.id == id) return true;
  }
  bool stored = false;
  const std::string member = "\"id\":\"" + id + "\"";
  // After the batches taken before: one of them may hold the detection.
  StoreTurns::Turn store = s.storeTurns.TakeTurn();
  Status read = s.store->ForEachDetectionJsonOfUser(user_id, [&](std::string_view json) {
    stored = stored || json.find(member) != std::string_view::npos;
    return Status::Ok();
  });
  if (!read.ok()) return read;
  return stored;
}

Status LiveEngine::MatchDirectoryLeaks(const LeakedCredentialFeed& leaks, std::ostream& log) {
  State& s = *state_;
  if (leaks.entries().empty() || !s.enrichment.directory) return Status::Ok();
  std::unique_lock engine(mutex_);
  LeakMatch leaked = MatchLeakedCredentials(leaks, *s.enrichment.directory, s.clock.Now());
  PendingChanges changes;
  std::size_t added = 0;
  for (RiskDetection& detection : leaked.detections) {
    auto known = DetectionKnown(s, detection.userId, detection.id);
    if (!known.ok()) return known.status();
    if (*known) continue;
    if (auto item = s.engine->userRisk().AddDetections({detection}, detection.detectedDateTime)) {
      changes.AddHistory(std::move(*item));
    }
    changes.AddDetection(std::move(detection));
    ++added;
  }
  log << "leaked credentials: " << leaked.checked << " pairs checked against the directory, "
      << leaked.detections.size() << " match a current password (" << added << " new)\n";
  if (added == 0) return Status::Ok();
  changes.CloseUsers(s.engine->userRisk());
  StoreTurns::Turn store = s.storeTurns.TakeTurn();
  return Commit(changes.batch);
}

Status LiveEngine::EnsureRestored() {
  State& s = *state_;
  if (!s.NeedsRebuild()) return Status::Ok();
  // What was built on the state being replaced is dropped with it.
  s.deferred = PendingChanges();
  s.deferredSignIns = 0;
  s.deferredAnswers.clear();
  // Evaluations waiting for room in the queue, and calls waiting for it to be written, go on.
  s.writerCaughtUp.notify_all();
  s.writerIdle.notify_all();
  s.accountFlags.clear();
  s.policiesLoaded = false;
  pendingEvaluations_.store(0);
  DetectorConfig config;
  config.feeds = s.ipFeeds.get();
  s.engine = std::make_unique<RiskEngine>(config);
  s.seen = FingerprintSet();
  std::uint64_t relearned = 0;
  if (Status restored = RestoreState(*s.store, *s.engine, s.seen, relearned); !restored.ok()) {
    return restored.WithContext("restoring engine state from " + options_.dbPath);
  }
  if (Status loaded = LoadPolicies(); !loaded.ok()) return loaded;
  Status accounts = s.store->ForEachAccountState([&s](AccountState&& state) {
    s.accountFlags[state.userId] = {state.accountEnabled, state.mustChangePassword};
    return Status::Ok();
  });
  if (!accounts.ok()) return accounts.WithContext("loading account states");
  s.restored = true;
  s.storeBroken.store(false);
  return Status::Ok();
}

Result<IngestResult> LiveEngine::Ingest(std::string_view body, std::optional<InputFormat> format,
                                        const Actor& actor) {
  (void)actor;
  IngestResult result;
  std::vector<RecordSpan> records;
  if (Status s = SplitJsonRecords(body, records); !s.ok()) return s;
  result.received = records.size();
  if (records.size() > options_.maxRecordsPerIngest) {
    return Status::InvalidInput(
        "the body holds " + std::to_string(records.size()) + " records; at most " +
        std::to_string(options_.maxRecordsPerIngest) + " are accepted per request");
  }
  bool is_csv = false;
  const InputFormat detected = format ? *format : DetectInputFormat(body, is_csv);
  if (is_csv) return Status::InvalidInput("CSV bodies are not accepted; send JSON records");
  auto parser = MakeRecordParser(detected, false);

  // Parsing needs no engine state, so it happens before taking the lock.
  std::vector<SignIn> sign_ins;
  sign_ins.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const RecordSpan& span = records[i];
    auto parsed = parser->Parse(body.substr(span.offset, span.length));
    if (parsed.ok()) {
      sign_ins.push_back(std::move(parsed).value());
    } else if (parsed.status().code() == StatusCode::kNotFound) {
      ++result.otherEvents;
    } else {
      result.rejected.push_back({i, span.line, parsed.status().message()});
    }
  }
  // Sorting positions, not sign-ins: a SignIn is large to move.
  std::vector<std::uint32_t> order(sign_ins.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return sign_ins[a].createdDateTime < sign_ins[b].createdDateTime;
  });

  // The batch goes through the engine in slices. A slice ends early when another call waits for
  // the engine's lock (an evaluation, say) and at least kIngestSliceMinimum sign-ins were judged,
  // so a batch of 10,000 holds up the real-time calls for a few milliseconds at a time instead of
  // for the whole batch. Each slice is written as a call of its own would be; with nobody waiting,
  // the whole batch is one slice and one transaction.
  State& s = *state_;
  std::size_t next = 0;
  // What the slices written so far hold: after a failure, the result counts only these.
  std::uint64_t stored_sign_ins = 0;
  std::uint64_t stored_detections = 0;
  auto failed = [&](Status failure) {
    result.accepted = stored_sign_ins;
    result.detections = stored_detections;
    result.storeFailure = std::move(failure);
    return std::move(result);  // the call ends here
  };
  while (next < order.size()) {
    // Only the engine lock while the engine works: the slice before this one may still be
    // writing, and the store lock is taken below, in turn.
    waiting_.fetch_add(1);
    std::unique_lock engine(mutex_);
    waiting_.fetch_sub(1);
    if (s.NeedsRebuild()) {
      StoreTurns::Turn store = s.storeTurns.TakeTurn();
      if (Status restored = EnsureRestored(); !restored.ok()) return failed(restored);
    }
    PendingChanges changes;
    EngineOutcome outcome;
    // The first slice is usually the whole batch; later ones, a few hundred sign-ins each.
    changes.batch.signIns.reserve(next == 0 ? order.size() : 2 * kIngestSliceMinimum);
    for (std::size_t judged = 0; next < order.size(); ++next, ++judged) {
      if (judged >= kIngestSliceMinimum && judged % kIngestSliceCheck == 0 && waiting_.load() > 0) {
        break;
      }
      SignIn& sign_in = sign_ins[order[next]];
      if (!s.seen.Insert(sign_in.id)) {
        ++result.duplicates;
        continue;
      }
      s.enricher->Enrich(sign_in);
      s.engine->Process(sign_in, outcome);
      for (RiskDetection& detection : outcome.detections) {
        changes.AddDetection(std::move(detection));
      }
      for (RiskyUserHistoryItem& item : outcome.history) changes.AddHistory(std::move(item));
      outcome.clear();
      changes.batch.signIns.push_back(StoredSignIn::From(std::move(sign_in)));
    }
    if (changes.batch.signIns.empty()) continue;
    const std::size_t slice_sign_ins = changes.batch.signIns.size();
    const std::size_t slice_detections = changes.batch.detections.size();
    changes.CloseUsers(s.engine->userRisk());
    // Profiles are checkpointed every few calls, however many slices a call took.
    if (next == order.size() && ++s.ingestsSinceCheckpoint >= options_.profileCheckpointIngests) {
      CheckpointProfiles(changes.batch);
      s.ingestsSinceCheckpoint = 0;
    }
    // Evaluations answered before this slice are written before it.
    StoreBatch earlier;
    if (s.deferredSignIns > 0 || !s.deferred.batch.empty()) earlier = TakeDeferred();
    // A place in line is taken before the engine lock is let go, so batches reach the store in
    // the order the engine made them; the next slice, and evaluations, go through the engine
    // while this one waits for its turn and is written.
    StoreTurns::Turn store = s.storeTurns.WaitWithoutEngine(engine);
    if (!earlier.empty()) {
      Status written = WriteInOrder(earlier);
      DoneWriting(earlier);
      if (!written.ok()) return failed(written);
    }
    if (Status written = WriteInOrder(changes.batch); !written.ok()) return failed(written);
    stored_sign_ins += slice_sign_ins;
    stored_detections += slice_detections;
  }
  result.accepted = stored_sign_ins;
  result.detections = stored_detections;
  return result;
}

Status LiveEngine::WriteInOrder(StoreBatch& batch) {
  State& s = *state_;
  // A batch built on the changes of one the store refused would store a history without them.
  if (s.storeBroken.load()) {
    return Status::Unavailable(
        "an earlier write to the store failed; the engine is rebuilt from "
        "the store before the next call");
  }
  if (s.commitObserver.beforeWrite) s.commitObserver.beforeWrite(batch);
  Status written = WriteCounted(batch);
  if (!written.ok()) {
    s.storeBroken.store(true);
    return written;
  }
  if (s.commitObserver.committed) s.commitObserver.committed(batch);
  return written;
}

Result<ActionResult> LiveEngine::ActOnUsers(RiskAction action,
                                            const std::vector<std::string>& user_ids,
                                            const Actor& actor) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  RebuildUnlessKept unstored(s);
  UserRiskAggregator& users = s.engine->userRisk();
  const EventTime now = s.clock.Now();
  PendingChanges changes;
  ActionResult result;

  for (const std::string& user_id : user_ids) {
    const RiskyUser* known = users.Find(user_id);
    RiskyUser before;
    before.id = user_id;
    if (known != nullptr) before = *known;
    RiskyUser identity = before;
    if (identity.userPrincipalName.empty() && s.enrichment.directory) {
      if (const DirectoryUser* entry = s.enrichment.directory->FindById(user_id)) {
        identity.userPrincipalName = entry->userPrincipalName;
        identity.userDisplayName = entry->displayName;
      }
    }
    if (action != RiskAction::confirmCompromised && known == nullptr) {
      result.unknown.push_back(user_id);
      continue;
    }

    if (action == RiskAction::confirmCompromised) {
      RiskDetection detection =
          MakeAdminDetection("adminConfirmedUserCompromised", ActivityType::user,
                             RiskDetail::adminConfirmedUserCompromised, identity, actor, now,
                             user_id + "|" + std::to_string(now));
      users.AddActive(detection);
      changes.AddHistory(users.SetUserRisk(
          identity, RiskLevel::high, RiskState::confirmedCompromised,
          RiskDetail::adminConfirmedUserCompromised, {detection.riskEventType}, actor.name, now));
      changes.AddDetection(std::move(detection));
    } else {
      // Dismiss and confirm safe close every open detection and risky sign-in of the user.
      const bool dismiss = action == RiskAction::dismiss;
      const RiskState closed = dismiss ? RiskState::dismissed : RiskState::confirmedSafe;
      const RiskDetail detail = dismiss ? RiskDetail::adminDismissedAllRiskForUser
                                        : RiskDetail::adminConfirmedAccountSafe;
      if (Status closed_all =
              CloseAllRisk(s, user_id, false, closed, detail, !dismiss, now, changes);
          !closed_all.ok()) {
        return closed_all;
      }
      changes.AddHistory(
          users.SetUserRisk(identity, RiskLevel::none, closed, detail, {}, actor.name, now));
    }
    AuditTarget target{user_id, "User", identity.userPrincipalName, {}};
    AddRiskChanges(target, before, *users.Find(user_id));
    changes.targets.push_back(std::move(target));
    result.changed.push_back(user_id);
  }

  changes.CloseUsers(users);
  changes.batch.audit.push_back(MakeAuditEntry(
      now, "IdentityProtection", std::string("riskyUsers/") + std::string(ToString(action)), actor,
      "success", "", changes.targets));
  if (Status written = Commit(changes.batch); !written.ok()) return written;
  unstored.Keep();
  return result;
}

Result<ActionResult> LiveEngine::ActOnServicePrincipals(
    RiskAction action, const std::vector<std::string>& service_principal_ids, const Actor& actor) {
  if (action == RiskAction::confirmSafe) {
    return Status::InvalidInput("service principals can be confirmed compromised or dismissed");
  }
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  RebuildUnlessKept unstored(s);
  UserRiskAggregator& principals = s.engine->servicePrincipalRisk();
  const EventTime now = s.clock.Now();
  PendingChanges changes;
  ActionResult result;
  for (const std::string& id : service_principal_ids) {
    const RiskyUser* known = principals.Find(id);
    RiskyUser before;
    before.id = id;
    if (known != nullptr) before = *known;
    if (action == RiskAction::dismiss && known == nullptr) {
      result.unknown.push_back(id);
      continue;
    }
    if (action == RiskAction::confirmCompromised) {
      RiskDetection detection = MakeAdminDetection(
          "adminConfirmedServicePrincipalCompromised", ActivityType::servicePrincipal,
          RiskDetail::adminConfirmedServicePrincipalCompromised, before, actor, now,
          id + "|" + std::to_string(now));
      principals.AddActive(detection);
      changes.AddServicePrincipalHistory(
          principals.SetUserRisk(before, RiskLevel::high, RiskState::confirmedCompromised,
                                 RiskDetail::adminConfirmedServicePrincipalCompromised,
                                 {detection.riskEventType}, actor.name, now));
      changes.AddDetection(std::move(detection));
    } else {
      const RiskDetail detail = RiskDetail::adminDismissedAllRiskForServicePrincipal;
      if (Status closed =
              CloseAllRisk(s, id, true, RiskState::dismissed, detail, false, now, changes);
          !closed.ok()) {
        return closed;
      }
      changes.AddServicePrincipalHistory(principals.SetUserRisk(
          before, RiskLevel::none, RiskState::dismissed, detail, {}, actor.name, now));
    }
    AuditTarget target{id, "ServicePrincipal", before.userDisplayName, {}};
    AddRiskChanges(target, before, *principals.Find(id));
    changes.targets.push_back(std::move(target));
    result.changed.push_back(id);
  }
  changes.CloseServicePrincipals(principals);
  changes.batch.audit.push_back(
      MakeAuditEntry(now, "IdentityProtection",
                     std::string("riskyServicePrincipals/") + std::string(ToString(action)), actor,
                     "success", "", changes.targets));
  if (Status written = Commit(changes.batch); !written.ok()) return written;
  unstored.Keep();
  return result;
}

Result<ActionResult> LiveEngine::ActOnSignIns(RiskAction action,
                                              const std::vector<std::string>& sign_in_ids,
                                              const Actor& actor) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  RebuildUnlessKept unstored(s);
  UserRiskAggregator& users = s.engine->userRisk();
  const EventTime now = s.clock.Now();
  PendingChanges changes;
  ActionResult result;
  bool learned = false;

  for (const std::string& sign_in_id : sign_in_ids) {
    auto stored = s.store->GetSignIn(sign_in_id);
    if (!stored.ok()) return stored.status();
    if (!*stored || (*stored)->userId.empty()) {
      result.unknown.push_back(sign_in_id);
      continue;
    }
    SignIn sign_in = std::move(**stored);
    const std::string user_id = sign_in.userId;
    RiskyUser before;
    before.id = user_id;
    if (const RiskyUser* known = users.Find(user_id)) before = *known;
    RiskyUser identity = before;
    if (identity.userPrincipalName.empty()) identity.userPrincipalName = sign_in.userPrincipalName;
    if (identity.userDisplayName.empty()) identity.userDisplayName = sign_in.userDisplayName;

    std::vector<RiskDetection> detections;
    Status scanned =
        s.store->ForEachDetectionJsonOfSignIn(sign_in_id, [&](std::string_view json) -> Status {
          auto parsed = s.detectionParser->Parse(json);
          if (!parsed.ok()) return parsed.status().WithContext("stored detection");
          detections.push_back(std::move(parsed->detection));
          return Status::Ok();
        });
    if (!scanned.ok()) return scanned;

    const SignIn sign_in_before = sign_in;
    if (action == RiskAction::confirmCompromised) {
      const RiskDetail detail = RiskDetail::adminConfirmedSigninCompromised;
      if (detections.empty()) {
        // A sign-in idguard judged safe: the admin's finding becomes its detection.
        std::string key = user_id;
        key += '|';
        key += sign_in_id;
        RiskDetection detection = MakeAdminDetection(
            "adminConfirmedUserCompromised", ActivityType::signin,
            RiskDetail::adminConfirmedSigninCompromised, identity, actor, now, key);
        detection.activityDateTime = sign_in.createdDateTime;
        detection.requestId = detection.correlationId = sign_in_id;
        detection.ipAddress = sign_in.ipAddress;
        detection.location = sign_in.location;
        detections.push_back(std::move(detection));
        sign_in.riskEventTypes_v2.emplace_back("adminConfirmedUserCompromised");
      }
      std::vector<std::string> types;
      for (RiskDetection& detection : detections) {
        detection.riskLevel = RiskLevel::high;
        detection.riskState = RiskState::confirmedCompromised;
        detection.riskDetail = detail;
        detection.lastUpdatedDateTime = now;
        users.AddActive(detection);
        types.push_back(detection.riskEventType);
      }
      sign_in.riskLevelAggregated = RiskLevel::high;
      sign_in.riskState = RiskState::confirmedCompromised;
      sign_in.riskDetail = detail;
      changes.AddHistory(users.SetUserRisk(identity, RiskLevel::high,
                                           RiskState::confirmedCompromised, detail,
                                           std::move(types), actor.name, now));
    } else {
      const bool dismiss = action == RiskAction::dismiss;
      const RiskState closed = dismiss ? RiskState::dismissed : RiskState::confirmedSafe;
      const RiskDetail detail =
          dismiss ? RiskDetail::adminDismissedRiskForSignIn : RiskDetail::adminConfirmedSigninSafe;
      std::vector<std::string> ids;
      for (RiskDetection& detection : detections) {
        ids.push_back(detection.id);
        detection.riskState = closed;
        detection.riskDetail = detail;
        detection.lastUpdatedDateTime = now;
      }
      sign_in.riskState = closed;
      sign_in.riskDetail = detail;
      if (!dismiss) sign_in.riskLevelAggregated = RiskLevel::none;
      // Judged high, the sign-in taught the profiles nothing; confirmed safe, it does now
      // (docs/risk-model.md). A dismissal says nothing about whose sign-in it was.
      if (!dismiss && sign_in_before.riskLevelAggregated == RiskLevel::high) {
        s.engine->LearnConfirmedSafe(sign_in);
        learned = true;
      }
      // The user's risk changes only when these detections counted towards it.
      if (users.Find(user_id) != nullptr && users.RemoveActive(user_id, ids) > 0) {
        changes.AddHistory(users.RescoreAfterAdmin(user_id, closed, detail, actor.name, now));
      }
    }
    for (RiskDetection& detection : detections) changes.AddDetection(std::move(detection));

    AuditTarget target{sign_in_id, "SignIn", sign_in.userPrincipalName, {}};
    auto add = [&](std::string_view property, std::string_view old_value,
                   std::string_view new_value) {
      if (old_value != new_value) {
        target.changes.push_back(
            {std::string(property), std::string(old_value), std::string(new_value)});
      }
    };
    add("riskLevelAggregated", ToString(sign_in_before.riskLevelAggregated),
        ToString(sign_in.riskLevelAggregated));
    add("riskState", ToString(sign_in_before.riskState), ToString(sign_in.riskState));
    add("riskDetail", ToString(sign_in_before.riskDetail), ToString(sign_in.riskDetail));
    changes.targets.push_back(std::move(target));
    if (const RiskyUser* after = users.Find(user_id)) {
      AuditTarget user_target{user_id, "User", after->userPrincipalName, {}};
      AddRiskChanges(user_target, before, *after);
      if (!user_target.changes.empty()) changes.targets.push_back(std::move(user_target));
    }
    changes.AddSignIn(std::move(sign_in));
    result.changed.push_back(sign_in_id);
  }

  changes.CloseUsers(users);
  changes.batch.audit.push_back(MakeAuditEntry(
      now, "IdentityProtection", std::string("signIns/") + std::string(ToString(action)), actor,
      "success", "", changes.targets));
  // What was learned is written at once: every stored sign-in is learned in memory by now, so a
  // checkpoint here is as consistent as one after an ingest, and a restart keeps the lesson.
  if (learned) CheckpointProfiles(changes.batch);
  if (Status written = Commit(changes.batch); !written.ok()) return written;
  unstored.Keep();
  if (learned) {
    s.ingestsSinceCheckpoint = 0;
    s.evaluationsSinceCheckpoint = 0;
  }
  return result;
}

Result<std::optional<Account>> LiveEngine::FindAccount(const std::string& user_id) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  return state_->accounts->Find(user_id);
}

// Runs an account action under the engine lock: finds the account (NotFound when unknown), lets
// `act` add its changes to the batch, records the audit entry and writes it all in one
// transaction.
template <typename Act>
Status LiveEngine::AccountAction(const std::string& user_id, std::string_view activity,
                                 const Actor& actor, Act act) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  auto account = s.accounts->Find(user_id);
  if (!account.ok()) return account.status();
  if (!*account) return Status::NotFound("no account has the id '" + user_id + "'");
  const EventTime now = s.clock.Now();
  PendingChanges changes;
  AuditTarget target{user_id, "User", (*account)->userPrincipalName, {}};
  if (Status acted = act(**account, now, changes, target); !acted.ok()) return acted;
  changes.CloseUsers(s.engine->userRisk());
  changes.batch.audit.push_back(
      MakeAuditEntry(now, "UserManagement", activity, actor, "success", "", {target}));
  if (Status written = Commit(changes.batch); !written.ok()) return written;
  return Status::Ok();
}

Result<std::string> LiveEngine::ResetPassword(const std::string& user_id, PasswordResetMode mode,
                                              const Actor& actor) {
  std::string password;
  Status done = AccountAction(
      user_id, "resetPassword", actor,
      [&](const Account& account, EventTime now, PendingChanges& changes,
          AuditTarget& target) -> Status {
        State& s = *state_;
        auto reset = s.accounts->ResetPassword(account, mode, now, changes.batch);
        if (!reset.ok()) return reset.status();
        password = std::move(reset).value();
        target.changes.push_back({"passwordReset", "",
                                  mode == PasswordResetMode::temporaryPassword
                                      ? "temporaryPassword"
                                      : "requireChangeAtNextSignIn"});
        target.changes.push_back({"sessionsRevoked", "", FormatTimestamp(now)});
        // A risky user's credentials are no longer the ones at risk: remediated.
        UserRiskAggregator& users = s.engine->userRisk();
        const RiskyUser* known = users.Find(account.id);
        if (known == nullptr || known->riskLevel == RiskLevel::none) return Status::Ok();
        const RiskyUser before = *known;
        const RiskDetail detail = RiskDetail::adminGeneratedTemporaryPassword;
        if (Status closed = CloseAllRisk(s, account.id, false, RiskState::remediated, detail, true,
                                         now, changes);
            !closed.ok()) {
          return closed;
        }
        changes.AddHistory(users.SetUserRisk(before, RiskLevel::none, RiskState::remediated, detail,
                                             {}, actor.name, now));
        AddRiskChanges(target, before, *users.Find(account.id));
        return Status::Ok();
      });
  if (!done.ok()) return done;
  return password;
}

Status LiveEngine::SetSignInBlocked(const std::string& user_id, bool blocked, const Actor& actor) {
  return AccountAction(
      user_id, blocked ? "blockSignIn" : "unblockSignIn", actor,
      [&](const Account& account, EventTime now, PendingChanges& changes,
          AuditTarget& target) -> Status {
        target.changes.push_back({"accountEnabled", account.accountEnabled ? "true" : "false",
                                  blocked ? "false" : "true"});
        return state_->accounts->SetSignInBlocked(account, blocked, now, changes.batch);
      });
}

Status LiveEngine::RevokeSessions(const std::string& user_id, const Actor& actor) {
  return AccountAction(user_id, "revokeSessions", actor,
                       [&](const Account& account, EventTime now, PendingChanges& changes,
                           AuditTarget& target) -> Status {
                         target.changes.push_back({"sessionsRevoked", "", FormatTimestamp(now)});
                         return state_->accounts->RevokeSessions(account, now, changes.batch);
                       });
}

Result<std::optional<std::string>> LiveEngine::ProfileJson(const std::string& user_id) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  const UserProfile* profile = state_->engine->FindProfile(user_id);
  if (profile == nullptr || profile->empty()) return std::optional<std::string>();
  std::string json;
  AppendUserProfileJson(json, user_id, *profile, ProfileLimits{}, profile->lastSeen());
  return std::optional<std::string>(std::move(json));
}

Status LiveEngine::Audit(AuditEntry entry) {
  auto lock = LockEngine();
  StoreBatch batch;
  batch.audit.push_back(std::move(entry));
  return WriteCounted(batch);
}

Status LiveEngine::WriteCounted(const StoreBatch& batch) {
  Status written = state_->store->Write(batch);
  if (!written.ok()) storeWriteFailures_.fetch_add(1);
  return written;
}

Status LiveEngine::WriteTokens(const StoreBatch& batch) {
  StoreBatch rest = batch;
  rest.apiTokens.clear();
  rest.revokedApiTokenIds.clear();
  rest.audit.clear();
  if (!rest.empty()) return Status::Internal("WriteTokens takes only tokens and audit records");
  auto lock = LockEngine();
  return WriteCounted(batch);
}

}  // namespace idguard
