// LiveEngine: real-time evaluation for identity providers, the outcomes they report afterwards,
// and the writer thread that stores evaluations in batches.
#include <algorithm>

#include "idguard/core/risk_event_types.h"
#include "idguard/ingest/evaluate_request.h"
#include "idguard/policy/policy_evaluator.h"
#include "idguard/store/sign_in_document.h"
#include "pipeline/evaluation_write_pacing.h"
#include "pipeline/live_engine_state.h"

namespace idguard {
namespace {

constexpr std::int32_t kStrongAuthenticationRequired = 50074;
constexpr std::int32_t kMfaFailed = 500121;
constexpr std::int32_t kAccountDisabled = 50057;
// Evaluations wait for the writer while this many full batches' worth wait to be written (16,384
// evaluations by default): room for a quarter second of gathering at 20,000 a second plus the
// write of the batch before, which bounds memory and what a crash can lose.
constexpr std::size_t kMaxUnwrittenBatches = 4;

// Detections that mean the password is known to someone else: risk remediation then asks for a
// secure password change rather than MFA (spec §3.3).
bool HasPasswordRisk(const UserRiskAggregator& users, const std::string& user_id) {
  return users.HasActiveOfType(user_id, {"leakedCredentials", "passwordSpray", "bruteForce",
                                         "adminConfirmedUserCompromised"});
}

bool IsTokenTheftClass(std::string_view type) {
  const RiskEventTypeInfo* info = FindRiskEventType(type);
  return info != nullptr && info->tokenTheftClass;
}

void AppendUserRisk(JsonWriter& json, const RiskyUser* user) {
  json.Member("userRiskLevel", ToString(user != nullptr ? user->riskLevel : RiskLevel::none));
  json.Member("userRiskState", ToString(user != nullptr ? user->riskState : RiskState::none));
  json.Member("userRiskDetail", ToString(user != nullptr ? user->riskDetail : RiskDetail::none));
}

struct Verdict {
  Decision decision = Decision::allow;
  std::int32_t errorCode = 0;
  std::string reason;
  // How the identity provider treats this user and application while idguard cannot answer.
  std::string_view failMode = "open";
  std::vector<std::string> failModePolicyIds;
};

std::string AnswerJson(const SignIn& sign_in, const Verdict& verdict,
                       const MfaRegistrationPrompt& registration, const RiskyUser* user,
                       const std::vector<RiskDetection>& detections) {
  std::string out;
  // An answer with a detection and three policies is about 2 KB; growing by doubling from empty
  // would copy it eight times, with the engine lock held.
  out.reserve(2048);
  JsonWriter json(out);
  json.BeginObject();
  json.Member("id", sign_in.id);
  json.MemberTimestamp("createdDateTime", sign_in.createdDateTime);
  json.Member("userId", sign_in.userId);
  json.MemberOrNull("userPrincipalName", sign_in.userPrincipalName);
  json.Member("decision", ToString(verdict.decision));
  json.Member("errorCode", std::int64_t{verdict.errorCode});
  json.Member("reason", verdict.reason);
  json.Member("failMode", verdict.failMode);
  json.MemberStrings("failModePolicyIds", verdict.failModePolicyIds);
  json.Member("mfaRegistrationRequired", registration.required);
  if (registration.required) {
    json.Member("mfaRegistrationSkippable", registration.skippable);
    json.MemberTimestamp("mfaRegistrationGracePeriodEndDateTime",
                         registration.gracePeriodEndDateTime);
  }
  json.Member("riskLevelDuringSignIn", ToString(sign_in.riskLevelDuringSignIn));
  std::vector<std::string> realtime_types;
  json.Key("riskDetections");
  json.BeginArray();
  for (const RiskDetection& detection : detections) {
    if (detection.requestId != sign_in.id ||
        detection.detectionTimingType != DetectionTimingType::realtime) {
      continue;  // offline findings are for the reports, not for this answer
    }
    realtime_types.push_back(detection.riskEventType);
    json.BeginObject();
    json.Member("id", detection.id);
    json.Member("riskEventType", detection.riskEventType);
    json.Member("riskLevel", ToString(detection.riskLevel));
    json.Key("reasons");
    json.BeginArray();
    for (const InfoItem& item : detection.additionalInfo) {
      json.BeginObject();
      json.Member("key", item.key);
      json.Member("value", item.value);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  std::sort(realtime_types.begin(), realtime_types.end());
  realtime_types.erase(std::unique(realtime_types.begin(), realtime_types.end()),
                       realtime_types.end());
  json.MemberStrings("riskEventTypes_v2", realtime_types);
  AppendUserRisk(json, user);
  json.Member("conditionalAccessStatus", sign_in.conditionalAccessStatus);
  AppendAppliedPoliciesMember(json, sign_in.appliedConditionalAccessPolicies);
  json.EndObject();
  return out;
}

std::string OutcomeJson(const SignIn& sign_in, const std::vector<std::string>& outcomes,
                        const RiskyUser* user) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject();
  json.Member("id", sign_in.id);
  json.MemberStrings("outcomes", outcomes);
  json.Key("status");
  json.BeginObject();
  json.Member("errorCode", std::int64_t{sign_in.status.errorCode});
  json.MemberOrNull("failureReason", sign_in.status.failureReason);
  json.EndObject();
  json.Member("riskLevelDuringSignIn", ToString(sign_in.riskLevelDuringSignIn));
  json.Member("riskLevelAggregated", ToString(sign_in.riskLevelAggregated));
  json.Member("riskState", ToString(sign_in.riskState));
  json.Member("riskDetail", ToString(sign_in.riskDetail));
  json.MemberStrings("riskEventTypes_v2", sign_in.riskEventTypes_v2);
  AppendUserRisk(json, user);
  json.Member("conditionalAccessStatus", sign_in.conditionalAccessStatus);
  AppendAppliedPoliciesMember(json, sign_in.appliedConditionalAccessPolicies);
  json.EndObject();
  return out;
}

std::vector<std::string> SplitOutcomes(const std::string& joined) {
  std::vector<std::string> outcomes;
  std::size_t start = 0;
  while (start < joined.size()) {
    const std::size_t comma = joined.find(',', start);
    const std::size_t end = comma == std::string::npos ? joined.size() : comma;
    outcomes.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return outcomes;
}

// Settles the policies that waited for the user: success or failure.
void SettlePendingPolicies(SignIn& sign_in, bool success) {
  for (AppliedConditionalAccessPolicy& policy : sign_in.appliedConditionalAccessPolicies) {
    if (policy.result == "unknown") policy.result = success ? "success" : "failure";
  }
  const bool any_failed =
      std::any_of(sign_in.appliedConditionalAccessPolicies.begin(),
                  sign_in.appliedConditionalAccessPolicies.end(),
                  [](const AppliedConditionalAccessPolicy& p) { return p.result == "failure"; });
  if (any_failed) sign_in.conditionalAccessStatus = "failure";
}

}  // namespace

std::string_view ToString(SignInOutcome outcome) {
  switch (outcome) {
    case SignInOutcome::mfaPassed:
      return "mfaPassed";
    case SignInOutcome::mfaFailed:
      return "mfaFailed";
    case SignInOutcome::mfaDenied:
      return "mfaDenied";
    case SignInOutcome::mfaTimedOut:
      return "mfaTimedOut";
    case SignInOutcome::fraudReported:
      return "fraudReported";
    case SignInOutcome::passwordChanged:
      return "passwordChanged";
    case SignInOutcome::passwordReset:
      return "passwordReset";
    case SignInOutcome::onPremisesPasswordChanged:
      return "onPremisesPasswordChanged";
    case SignInOutcome::completed:
      return "completed";
    case SignInOutcome::abandoned:
      return "abandoned";
    case SignInOutcome::mfaRegistered:
      return "mfaRegistered";
  }
  return "completed";
}

std::optional<SignInOutcome> ParseSignInOutcome(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(SignInOutcome::mfaRegistered); ++i) {
    const auto outcome = static_cast<SignInOutcome>(i);
    if (ToString(outcome) == text) return outcome;
  }
  return std::nullopt;
}

StoreBatch LiveEngine::TakeDeferred() {
  State& s = *state_;
  s.deferred.CloseUsers(s.engine->userRisk());
  StoreBatch batch = std::move(s.deferred.batch);
  // Counted as being written before they stop counting as waiting, so the gauge never dips.
  evaluationsBeingWritten_.fetch_add(static_cast<std::int64_t>(batch.signIns.size()));
  s.pacer.Taken(s.deferredSignIns, EvaluationWritePacer::Clock::now());
  s.evaluationsSinceCheckpoint += s.deferredSignIns;
  s.deferred = PendingChanges();
  // The next batch is likely the size of this one: growing the vectors of sign-ins (each a few
  // dozen strings) by doubling would move every element about once more.
  s.deferred.batch.signIns.reserve(s.deferredSignIns);
  s.deferred.batch.evaluations.reserve(s.deferredSignIns);
  s.deferredSignIns = 0;
  s.deferredAnswers.clear();
  pendingEvaluations_.store(0);
  if (s.evaluationsSinceCheckpoint >= options_.evaluationCheckpointSignIns) {
    CheckpointProfiles(batch);
    s.evaluationsSinceCheckpoint = 0;
  }
  s.writerCaughtUp.notify_all();
  s.writerIdle.notify_all();  // calls waiting in LockEngine recheck whether the writer is needed
  return batch;
}

Status LiveEngine::FlushDeferred() {
  State& s = *state_;
  if (s.deferredSignIns == 0 && s.deferred.batch.empty()) return Status::Ok();
  StoreBatch batch = TakeDeferred();
  Status written = Commit(batch);
  DoneWriting(batch);
  return written;
}

void LiveEngine::RunDeferredWriter() {
  State& s = *state_;
  EvaluationWritePacing pacing;
  pacing.lightLoadDelay = options_.evaluationWriteDelay;
  // Load never makes the writer commit more often than it does when idle.
  pacing.underLoadDelay = std::max(options_.evaluationWriteDelayUnderLoad, pacing.lightLoadDelay);
  std::unique_lock engine(mutex_);
  s.pacer = EvaluationWritePacer(pacing, EvaluationWritePacer::Clock::now());
  while (!s.stopping) {
    s.flushWanted.wait(engine, [&] { return s.stopping || s.deferredSignIns > 0; });
    // Gather more for one transaction: until the gathering time after the first evaluation
    // waiting, the batch size, or a call that needs them written.
    const auto gathering = s.pacer.GatheringTime(EvaluationWritePacer::Clock::now());
    s.flushWanted.wait_until(engine, s.deferredSince + gathering, [&] {
      return s.stopping || s.flushNow || s.deferredSignIns >= options_.evaluationWriteBatch;
    });
    s.flushNow = false;
    if (s.deferredSignIns == 0) continue;  // another call wrote them meanwhile
    StoreBatch batch = TakeDeferred();
    // A place in line is taken before the engine lock is let go, so whoever takes the engine
    // next writes after this batch; the engine is free while this batch waits for its turn.
    s.writerWriting = true;
    StoreTurns::Turn store = s.storeTurns.WaitWithoutEngine(engine);
    // A failure is counted and marks the engine, which the next call rebuilds from the store.
    // Nobody waits for this write, so the log is where an operator learns what was lost.
    if (Status written = WriteInOrder(batch); !written.ok() && options_.errorLog) {
      std::string line;
      JsonWriter json(line);
      json.BeginObject();
      json.MemberTimestamp("time", SystemClock().Now());
      json.Member("event", "evaluationsNotStored");
      json.Member("evaluations", static_cast<std::int64_t>(batch.evaluations.size()));
      json.Member("detections", static_cast<std::int64_t>(batch.detections.size()));
      json.Member("error", written.message());
      json.EndObject();
      options_.errorLog(line);
    }
    DoneWriting(batch);
    store.End();
    engine.lock();
    s.writerWriting = false;
    ++s.writesDone;
    s.writerIdle.notify_all();
  }
}

void LiveEngine::StopDeferredWriter() {
  State& s = *state_;
  {
    std::lock_guard lock(mutex_);
    s.stopping = true;
  }
  s.flushWanted.notify_all();
  s.writerCaughtUp.notify_all();
  s.writerIdle.notify_all();
  if (s.writer.joinable()) s.writer.join();
}

Result<LiveEngine::Evaluation> LiveEngine::Evaluate(std::string_view body, const Actor& actor) {
  State& s = *state_;
  const EventTime now = s.clock.Now();
  auto parsed = ParseEvaluateRequest(body, now, GuidFromHash("evaluate|" + actor.requestId));
  if (!parsed.ok()) return parsed.status();
  EvaluateRequest& request = *parsed;
  SignIn& sign_in = request.signIn;

  waiting_.fetch_add(1);
  std::unique_lock engine(mutex_);
  // When the writer cannot keep up, callers wait for it (without the engine lock), so memory
  // stays bounded and the store never falls far behind the answers.
  s.writerCaughtUp.wait(engine, [&] {
    return s.stopping || s.deferredSignIns < kMaxUnwrittenBatches * options_.evaluationWriteBatch;
  });
  waiting_.fetch_sub(1);
  if (s.NeedsRebuild()) {
    StoreTurns::Turn store = s.storeTurns.TakeTurn();
    if (Status restored = EnsureRestored(); !restored.ok()) return restored;
  }
  if (!s.seen.Insert(sign_in.id)) {
    if (auto it = s.deferredAnswers.find(sign_in.id); it != s.deferredAnswers.end()) {
      return Evaluation{s.deferred.batch.evaluations[it->second].answer, true};
    }
    // Written, or waiting to be: the store has it once the batches taken before had their turn.
    // Other evaluations need not wait meanwhile.
    StoreTurns::Turn store = s.storeTurns.WaitWithoutEngine(engine);
    auto stored = s.store->GetEvaluation(sign_in.id);
    if (!stored.ok()) return stored.status();
    if (!*stored && s.storeBroken.load()) {
      // Its batch was among those the store just refused: the next call rebuilds the engine
      // without it, and a retry then evaluates it anew.
      return Status::Unavailable("the first evaluation of sign-in '" + sign_in.id +
                                 "' could not be stored; retry");
    }
    if (!*stored) {
      return Status::InvalidInput("sign-in '" + sign_in.id +
                                  "' was ingested as a log record, not evaluated");
    }
    return Evaluation{(*stored)->answer, true};
  }

  // From here on the engine changes: it has seen the id and learns from the sign-in.
  RebuildUnlessKept unstored(s);
  // The account as the directory knows it: blocked, or must change its password.
  const DirectoryUser* entry =
      s.enrichment.directory ? s.enrichment.directory->FindById(sign_in.userId) : nullptr;
  // What an administrator changed overrides the snapshot, as in LocalAccountDirectory.
  AccountFlags account;
  if (entry != nullptr) account.accountEnabled = entry->accountEnabled;
  if (auto changed = s.accountFlags.find(sign_in.userId); changed != s.accountFlags.end()) {
    account = changed->second;
  }
  const bool account_enabled = account.accountEnabled;

  s.enricher->Enrich(sign_in);
  EngineOutcome outcome;
  s.engine->Process(sign_in, outcome);

  UserRiskAggregator& users = s.engine->userRisk();
  // A password the first factor just accepted that is a leaked pair of this user: user risk high
  // before the policies are applied, so a user risk policy demands the change now.
  if (s.submittedPasswords && !request.passwordSha1.empty()) {
    if (auto leak =
            s.submittedPasswords->Match(sign_in, request.passwordSha1, sign_in.createdDateTime)) {
      auto known = DetectionKnown(s, sign_in.userId, leak->id);
      if (!known.ok()) return known.status();
      if (!*known) {
        if (auto item = users.AddDetections({*leak}, sign_in.createdDateTime)) {
          outcome.history.push_back(std::move(*item));
        }
        outcome.detections.push_back(std::move(*leak));
      }
    }
  }
  const RiskyUser* user = users.Find(sign_in.userId);
  EvaluationSubject subject;
  if (user != nullptr && (user->riskState == RiskState::atRisk ||
                          user->riskState == RiskState::confirmedCompromised)) {
    subject.userRiskLevel = user->riskLevel;
  }
  subject.groupIds = entry != nullptr ? &entry->groupIds : nullptr;
  subject.isMfaRegistered =
      (entry != nullptr ? entry->isMfaRegistered : request.isMfaRegistered.value_or(true)) ||
      s.registeredUsers.count(sign_in.userId) > 0;
  subject.sessionHasMfa = request.sessionHasMfa;
  subject.passwordRelatedRisk = HasPasswordRisk(users, sign_in.userId);
  const NamedLocations* locations = s.namedLocations.get();
  const PolicyEvaluation evaluation =
      EvaluatePolicies(s.policies, EvaluationInputs{sign_in, subject, locations});

  Verdict verdict{evaluation.decision, evaluation.errorCode, evaluation.reason,
                  evaluation.FailMode(), evaluation.failClosedPolicyIds};
  if (!account_enabled) {
    verdict.decision = Decision::block;
    verdict.errorCode = kAccountDisabled;
    verdict.reason = "the account is disabled (sign-in blocked)";
  } else if (account.mustChangePassword && verdict.decision < Decision::passwordChange) {
    verdict.decision = Decision::passwordChange;
    verdict.errorCode = 0;
    verdict.reason = "an administrator reset the password; the user must change it at this sign-in";
  }

  for (const PolicyOutcome& policy : evaluation.policies) {
    sign_in.appliedConditionalAccessPolicies.push_back(policy.applied);
  }
  sign_in.conditionalAccessStatus = std::string(evaluation.ConditionalAccessStatus());
  if (verdict.decision == Decision::block) {
    sign_in.status.errorCode = verdict.errorCode;
    sign_in.status.failureReason = verdict.reason;
  } else if (verdict.decision != Decision::allow) {
    sign_in.status.errorCode = kStrongAuthenticationRequired;
    sign_in.status.failureReason = "Strong Authentication is required.";
  }
  if (verdict.decision == Decision::mfa || verdict.decision == Decision::passwordChange) {
    sign_in.authenticationRequirement = "multiFactorAuthentication";
  }

  // The MFA registration policy asks users in scope without a method to register (spec §3.4).
  PendingChanges& deferred = s.deferred;
  MfaRegistrationPrompt registration;
  if (!subject.isMfaRegistered && sign_in.isInteractive && verdict.decision != Decision::block &&
      s.mfaRegistration.Covers(sign_in.userId, subject.groupIds)) {
    // Event time, as every judgement: a replayed log prompts as the live one did.
    const EventTime at = sign_in.createdDateTime;
    auto [prompted, first] = s.registrationPrompts.try_emplace(sign_in.userId, at);
    registration = PromptFor(s.mfaRegistration, prompted->second, at);
    if (first) {
      deferred.batch.configDocuments.push_back(
          {std::string(kMfaRegistrationPromptKind), sign_in.userId, "{}", at});
    }
  }
  std::string answer =
      AnswerJson(sign_in, verdict, registration, users.Find(sign_in.userId), outcome.detections);
  for (RiskDetection& detection : outcome.detections) deferred.AddDetection(std::move(detection));
  for (RiskyUserHistoryItem& item : outcome.history) deferred.AddHistory(std::move(item));
  deferred.batch.evaluations.push_back(
      {sign_in.id, sign_in.createdDateTime, std::string(ToString(verdict.decision)),
       evaluation.bySignInRiskPolicy, evaluation.byUserRiskPolicy, "", answer});
  deferred.batch.signIns.push_back(StoredSignIn::From(std::move(sign_in)));
  s.deferredAnswers.emplace(deferred.batch.evaluations.back().signInId,
                            deferred.batch.evaluations.size() - 1);
  if (++s.deferredSignIns == 1) s.deferredSince = std::chrono::steady_clock::now();
  pendingEvaluations_.store(static_cast<std::int64_t>(s.deferredSignIns));
  if (s.deferredSignIns == 1 || s.deferredSignIns >= options_.evaluationWriteBatch) {
    s.flushWanted.notify_one();
  }
  unstored.Keep();
  return Evaluation{std::move(answer), false};
}

Result<std::string> LiveEngine::ReportOutcome(const std::string& sign_in_id, SignInOutcome outcome,
                                              std::string_view auth_method, const Actor& actor) {
  (void)actor;
  auto lock = LockEngine();
  if (Status restored = EnsureRestored(); !restored.ok()) return restored;
  State& s = *state_;
  auto record = s.store->GetEvaluation(sign_in_id);
  if (!record.ok()) return record.status();
  if (!*record) return Status::NotFound("no evaluated sign-in has the id '" + sign_in_id + "'");
  auto found = s.store->GetSignIn(sign_in_id);
  if (!found.ok()) return found.status();
  if (!*found) return Status::NotFound("sign-in '" + sign_in_id + "' is no longer stored");
  SignIn sign_in = std::move(**found);
  EvaluationRecord evaluation = std::move(**record);
  std::vector<std::string> outcomes = SplitOutcomes(evaluation.outcomes);
  UserRiskAggregator& users = s.engine->userRisk();
  const std::string name(ToString(outcome));
  if (std::find(outcomes.begin(), outcomes.end(), name) != outcomes.end()) {
    return OutcomeJson(sign_in, outcomes, users.Find(sign_in.userId));  // already applied
  }
  outcomes.push_back(name);

  const EventTime now = s.clock.Now();
  const std::string& user_id = sign_in.userId;
  const std::string initiated_by =
      sign_in.userPrincipalName.empty() ? user_id : sign_in.userPrincipalName;
  PendingChanges changes;
  EngineOutcome observed;
  auto observe_second_factor = [&] {
    s.engine->ObserveSecondFactor(sign_in, observed);
    const bool found_any = !observed.detections.empty();
    for (RiskDetection& detection : observed.detections) changes.AddDetection(std::move(detection));
    for (RiskyUserHistoryItem& item : observed.history) changes.AddHistory(std::move(item));
    observed.clear();
    return found_any;
  };
  // A secure password change closes all of the user's risk (spec §3.3).
  auto remediate_user = [&](RiskDetail detail) -> Status {
    const RiskyUser* known = users.Find(user_id);
    if (known == nullptr || (known->riskState != RiskState::atRisk &&
                             known->riskState != RiskState::confirmedCompromised)) {
      return Status::Ok();
    }
    const RiskyUser before = *known;
    if (Status closed =
            CloseAllRisk(s, user_id, false, RiskState::remediated, detail, false, now, changes);
        !closed.ok()) {
      return closed;
    }
    changes.AddHistory(users.SetUserRisk(before, RiskLevel::none, RiskState::remediated, detail, {},
                                         initiated_by, now));
    if (sign_in.riskState == RiskState::atRisk ||
        sign_in.riskState == RiskState::confirmedCompromised) {
      sign_in.riskState = RiskState::remediated;
      sign_in.riskDetail = detail;
    }
    return Status::Ok();
  };
  auto password_changed = [&]() -> Status {
    // The change also ends an administrator's "change at next sign-in" demand.
    auto account = s.accounts->Find(user_id);
    if (!account.ok()) return account.status();
    if (*account) {
      if (Status ended = s.accounts->PasswordChanged(**account, now, changes.batch); !ended.ok()) {
        return ended;
      }
    }
    SettlePendingPolicies(sign_in, true);
    if (sign_in.status.errorCode == kStrongAuthenticationRequired) sign_in.status = {};
    return Status::Ok();
  };

  // From here on the engine changes (the second factor's detectors, user risk).
  RebuildUnlessKept unstored(s);
  switch (outcome) {
    case SignInOutcome::mfaPassed: {
      sign_in.status = {};
      sign_in.authenticationRequirement = "multiFactorAuthentication";
      sign_in.mfaDetail.authMethod = auth_method.empty() ? std::string("Multifactor authentication")
                                                         : std::string(auth_method);
      if (evaluation.decision != "passwordChange") SettlePendingPolicies(sign_in, true);
      // An approval after a run of denials is the fatigue attack succeeding: that MFA proves
      // nothing, so it remediates nothing.
      const bool suspicious = observe_second_factor();
      if (suspicious || !evaluation.bySignInRiskPolicy) break;
      // Sign-in risk policy satisfied by MFA: the sign-in's detections are remediated, except
      // the token-theft class (spec §1.6).
      std::vector<RiskDetection> closed;
      bool still_open = false;
      Status scanned =
          s.store->ForEachDetectionJsonOfSignIn(sign_in_id, [&](std::string_view json) -> Status {
            auto parsed = s.detectionParser->Parse(json);
            if (!parsed.ok()) return parsed.status().WithContext("stored detection");
            RiskDetection& detection = parsed->detection;
            if (!detection.IsActive()) return Status::Ok();
            if (IsTokenTheftClass(detection.riskEventType) ||
                detection.riskState == RiskState::confirmedCompromised) {
              still_open = true;
              return Status::Ok();
            }
            detection.riskState = RiskState::remediated;
            detection.riskDetail = RiskDetail::userPassedMFADrivenByRiskBasedPolicy;
            detection.lastUpdatedDateTime = now;
            closed.push_back(std::move(detection));
            return Status::Ok();
          });
      if (!scanned.ok()) return scanned;
      std::vector<std::string> ids;
      for (RiskDetection& detection : closed) {
        ids.push_back(detection.id);
        changes.AddDetection(std::move(detection));
      }
      if (!still_open && sign_in.riskState == RiskState::atRisk) {
        sign_in.riskState = RiskState::remediated;
        sign_in.riskDetail = RiskDetail::userPassedMFADrivenByRiskBasedPolicy;
      }
      if (!ids.empty() && users.Find(user_id) != nullptr && users.RemoveActive(user_id, ids) > 0) {
        changes.AddHistory(users.RescoreAfterAdmin(user_id, RiskState::remediated,
                                                   RiskDetail::userPassedMFADrivenByRiskBasedPolicy,
                                                   initiated_by, now));
      }
      break;
    }
    case SignInOutcome::mfaFailed:
    case SignInOutcome::mfaDenied:
    case SignInOutcome::mfaTimedOut:
    case SignInOutcome::fraudReported: {
      sign_in.status.errorCode = kMfaFailed;
      sign_in.status.failureReason =
          outcome == SignInOutcome::fraudReported
              ? "The user denied the authentication request and reported it as fraud."
          : outcome == SignInOutcome::mfaTimedOut
              ? "Authentication failed during strong authentication request: the user did not "
                "respond."
              : "Authentication failed during strong authentication request.";
      SettlePendingPolicies(sign_in, false);
      observe_second_factor();
      break;
    }
    case SignInOutcome::passwordChanged:
    case SignInOutcome::passwordReset: {
      if (Status changed = password_changed(); !changed.ok()) return changed;
      // Only a change the user risk policy asked for is a secure change (spec §3.3).
      if (evaluation.byUserRiskPolicy && evaluation.decision == "passwordChange") {
        const RiskDetail detail = outcome == SignInOutcome::passwordChanged
                                      ? RiskDetail::userPerformedSecuredPasswordChange
                                      : RiskDetail::userPerformedSecuredPasswordReset;
        if (Status done = remediate_user(detail); !done.ok()) return done;
      }
      break;
    }
    case SignInOutcome::onPremisesPasswordChanged: {
      if (Status changed = password_changed(); !changed.ok()) return changed;
      if (options_.onPremisesPasswordChangeResetsRisk) {
        if (Status done = remediate_user(RiskDetail::userChangedPasswordOnPremises); !done.ok()) {
          return done;
        }
      }
      break;
    }
    case SignInOutcome::completed:
      if (sign_in.status.errorCode == kStrongAuthenticationRequired) sign_in.status = {};
      SettlePendingPolicies(sign_in, true);
      break;
    case SignInOutcome::abandoned:
      SettlePendingPolicies(sign_in, false);
      break;
    case SignInOutcome::mfaRegistered:
      if (s.registeredUsers.insert(user_id).second) {
        changes.batch.configDocuments.push_back(
            {std::string(kMfaRegisteredKind), user_id, "{}", now});
      }
      break;
  }

  evaluation.outcomes.clear();
  for (const std::string& item : outcomes) {
    if (!evaluation.outcomes.empty()) evaluation.outcomes += ',';
    evaluation.outcomes += item;
  }
  std::string answer = OutcomeJson(sign_in, outcomes, users.Find(user_id));
  changes.batch.evaluations.push_back(std::move(evaluation));
  changes.AddSignIn(std::move(sign_in));
  changes.CloseUsers(users);
  if (Status written = Commit(changes.batch); !written.ok()) return written;
  unstored.Keep();
  return answer;
}

}  // namespace idguard
