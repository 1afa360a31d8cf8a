// LiveEngine: the conditional access policies, kept in the store as Graph JSON documents and in
// memory for evaluate.
#include <algorithm>

#include "idguard/core/digest.h"
#include "pipeline/live_engine_state.h"

namespace idguard {
namespace {

// Graph allows 195 policies per tenant; the same bound keeps evaluate's work per sign-in bounded.
constexpr std::size_t kMaxPolicies = 195;

std::string NewPolicyId(EventTime now, const std::string& request_id, const std::string& name) {
  return GuidFromHash("policy|" + std::to_string(now) + "|" + request_id + "|" + name);
}

}  // namespace

Status LiveEngine::LoadPolicies() {
  State& s = *state_;
  s.policies.clear();
  Status status =
      s.store->ForEachConfigDocument(kPolicyKind, [&](const ConfigDocument& document) -> Status {
        auto policy = ReadPolicyJson(document.json, ConditionalAccessPolicy{});
        if (!policy.ok()) {
          return policy.status().WithContext("stored conditional access policy '" + document.id +
                                             "'");
        }
        policy->id = document.id;
        s.policies.push_back(std::move(policy).value());
        return Status::Ok();
      });
  if (!status.ok()) return status;
  s.mfaRegistration = MfaRegistrationPolicy();
  s.registrationPrompts.clear();
  s.registeredUsers.clear();
  status = s.store->ForEachConfigDocument(
      kMfaRegistrationPolicyKind, [&](const ConfigDocument& document) -> Status {
        auto policy = ReadMfaRegistrationPolicyJson(document.json);
        if (!policy.ok()) return policy.status().WithContext("stored MFA registration policy");
        s.mfaRegistration = std::move(policy).value();
        return Status::Ok();
      });
  if (!status.ok()) return status;
  status = s.store->ForEachConfigDocument(
      kMfaRegistrationPromptKind, [&](const ConfigDocument& document) {
        s.registrationPrompts[document.id] = document.modifiedDateTime;
        return Status::Ok();
      });
  if (!status.ok()) return status;
  status = s.store->ForEachConfigDocument(kMfaRegisteredKind, [&](const ConfigDocument& document) {
    s.registeredUsers.insert(document.id);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  s.policiesLoaded = true;
  return Status::Ok();
}

Result<MfaRegistrationPolicy> LiveEngine::GetMfaRegistrationPolicy() {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  return state_->mfaRegistration;
}

Result<MfaRegistrationPolicy> LiveEngine::SetMfaRegistrationPolicy(std::string_view json,
                                                                   const Actor& actor) {
  auto read = ReadMfaRegistrationPolicyJson(json);
  if (!read.ok()) return read.status();
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  const EventTime now = s.clock.Now();
  StoreBatch batch;
  std::string document;
  AppendMfaRegistrationPolicyJson(document, *read);
  batch.configDocuments.push_back(
      {std::string(kMfaRegistrationPolicyKind), "default", document, now});
  AuditTarget target{"mfaRegistrationPolicy", "Policy", "MFA registration policy", {}};
  target.changes.push_back({"isEnabled", s.mfaRegistration.isEnabled ? "true" : "false",
                            read->isEnabled ? "true" : "false"});
  batch.audit.push_back(MakeAuditEntry(now, "Policy", "Update MFA registration policy", actor,
                                       "success", "", {target}));
  if (Status committed = Commit(batch); !committed.ok()) return committed;
  s.mfaRegistration = *read;
  return read;
}

void LiveEngine::SetCommitObserver(CommitObserver observer) {
  std::lock_guard lock(state_->storeTurns.mutex());
  state_->commitObserver = std::move(observer);
}

Result<std::optional<std::string>> LiveEngine::GetSettingsDocument(std::string_view kind) {
  auto lock = LockEngine();
  std::optional<std::string> found;
  Status read = state_->store->ForEachConfigDocument(kind, [&](const ConfigDocument& document) {
    found = document.json;
    return Status::Ok();
  });
  if (!read.ok()) return read;
  return found;
}

Status LiveEngine::PutSettingsDocument(std::string_view kind, std::string json,
                                       std::string_view activity, const Actor& actor) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  const EventTime now = state_->clock.Now();
  StoreBatch batch;
  batch.configDocuments.push_back({std::string(kind), "default", std::move(json), now});
  batch.audit.push_back(MakeAuditEntry(now, "Settings", activity, actor, "success", "",
                                       {{std::string(kind), "Settings", std::string(kind), {}}}));
  return Commit(batch);
}

const Directory* LiveEngine::directory() const {
  return state_->enrichment.directory ? &*state_->enrichment.directory : nullptr;
}

Result<std::vector<ConditionalAccessPolicy>> LiveEngine::ListPolicies() {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  return state_->policies;
}

Status LiveEngine::CommitPolicy(const ConditionalAccessPolicy* written,
                                const std::string& deleted_id, std::string_view activity,
                                const Actor& actor) {
  State& s = *state_;
  StoreBatch batch;
  AuditTarget target{written != nullptr ? written->id : deleted_id,
                     "Policy",
                     written != nullptr ? written->displayName : "",
                     {}};
  if (written != nullptr) {
    std::string json;
    AppendPolicyJson(json, *written);
    target.changes.push_back({"state", "", std::string(ToString(written->state))});
    batch.configDocuments.push_back(
        {std::string(kPolicyKind), written->id, std::move(json), written->modifiedDateTime});
  } else {
    batch.deletedConfigDocuments.emplace_back(std::string(kPolicyKind), deleted_id);
  }
  batch.audit.push_back(
      MakeAuditEntry(s.clock.Now(), "Policy", activity, actor, "success", "", {target}));
  if (Status committed = Commit(batch); !committed.ok()) return committed;
  auto at = std::find_if(s.policies.begin(), s.policies.end(), [&](const auto& p) {
    return p.id == (written != nullptr ? written->id : deleted_id);
  });
  if (written == nullptr) {
    if (at != s.policies.end()) s.policies.erase(at);
  } else if (at != s.policies.end()) {
    *at = *written;
  } else {
    s.policies.push_back(*written);
    std::sort(s.policies.begin(), s.policies.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  }
  return Status::Ok();
}

Result<ConditionalAccessPolicy> LiveEngine::CreatePolicy(std::string_view json,
                                                         const Actor& actor) {
  auto read = ReadPolicyJson(json, ConditionalAccessPolicy{});
  if (!read.ok()) return read.status();
  ConditionalAccessPolicy policy = std::move(read).value();
  if (Status valid = ValidatePolicy(policy); !valid.ok()) return valid;
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  if (s.policies.size() >= kMaxPolicies) {
    return Status::InvalidInput("at most " + std::to_string(kMaxPolicies) +
                                " conditional access policies can exist");
  }
  const EventTime now = s.clock.Now();
  policy.id = NewPolicyId(now, actor.requestId, policy.displayName);
  policy.createdDateTime = policy.modifiedDateTime = now;
  if (Status stored = CommitPolicy(&policy, "", "Add conditional access policy", actor);
      !stored.ok()) {
    return stored;
  }
  return policy;
}

Result<ConditionalAccessPolicy> LiveEngine::UpdatePolicy(const std::string& id,
                                                         std::string_view json,
                                                         const Actor& actor) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  auto at =
      std::find_if(s.policies.begin(), s.policies.end(), [&](const auto& p) { return p.id == id; });
  if (at == s.policies.end()) {
    return Status::NotFound("no conditional access policy has the id '" + id + "'");
  }
  auto read = ReadPolicyJson(json, *at);
  if (!read.ok()) return read.status();
  ConditionalAccessPolicy policy = std::move(read).value();
  if (Status valid = ValidatePolicy(policy); !valid.ok()) return valid;
  policy.createdDateTime = at->createdDateTime;
  policy.modifiedDateTime = s.clock.Now();
  if (Status stored = CommitPolicy(&policy, "", "Update conditional access policy", actor);
      !stored.ok()) {
    return stored;
  }
  return policy;
}

Status LiveEngine::DeletePolicy(const std::string& id, const Actor& actor) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  const bool known =
      std::any_of(s.policies.begin(), s.policies.end(), [&](const auto& p) { return p.id == id; });
  if (!known) return Status::NotFound("no conditional access policy has the id '" + id + "'");
  return CommitPolicy(nullptr, id, "Delete conditional access policy", actor);
}

}  // namespace idguard
