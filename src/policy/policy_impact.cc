#include "idguard/policy/policy_impact.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "idguard/core/json_writer.h"
#include "idguard/enrich/directory.h"
#include "idguard/enrich/named_locations.h"
#include "idguard/store/report_reader.h"
#include "idguard/store/sign_in_document.h"

namespace idguard {
namespace {

// A user's risk over time: (time of change, level while at risk, else none), in time order.
using RiskTimeline = std::vector<std::pair<EventTime, RiskLevel>>;

RiskLevel RiskAt(const RiskTimeline* timeline, EventTime time) {
  if (timeline == nullptr) return RiskLevel::none;
  auto after = std::upper_bound(timeline->begin(), timeline->end(), time,
                                [](EventTime t, const auto& change) { return t < change.first; });
  if (after == timeline->begin()) return RiskLevel::none;
  return std::prev(after)->second;
}

// Controls that read more than the sign-in columns (the device's state is only in the document).
bool NeedsDocuments(const ConditionalAccessPolicy& policy) {
  return policy.grantControls && (policy.grantControls->Has("compliantDevice") ||
                                  policy.grantControls->Has("domainJoinedDevice"));
}

}  // namespace

Result<PolicyImpact> PreviewPolicyImpact(ReportReader& reader,
                                         const ConditionalAccessPolicy& policy,
                                         const ImpactOptions& options,
                                         const ImpactContext& context) {
  const auto started = std::chrono::steady_clock::now();
  if (options.to <= options.from) {
    return Status::InvalidInput("the period is empty: 'to' must be after 'from'");
  }
  std::unordered_map<std::string, RiskTimeline> timelines;
  Status loaded =
      !policy.IsUserRiskPolicy()
          ? Status::Ok()
          : reader.ForEachUserRiskChange([&](std::string_view user_id, EventTime time,
                                             RiskLevel level, RiskState state) {
              const bool at_risk =
                  state == RiskState::atRisk || state == RiskState::confirmedCompromised;
              timelines[std::string(user_id)].emplace_back(time, at_risk ? level : RiskLevel::none);
              return Status::Ok();
            });
  if (!loaded.ok()) return loaded;

  ConditionalAccessPolicy enabled = policy;  // the preview is of the policy switched on
  enabled.state = PolicyState::enabled;
  PolicyImpact impact;
  impact.documentsRead = NeedsDocuments(policy);
  const bool reads_directory =
      !policy.users.includeGroups.empty() || !policy.users.excludeGroups.empty();
  // Users are counted by a 64-bit hash of their id: a million inserts of copied strings cost more
  // than the policy itself, and a collision among a tenant's users is out of reach.
  const std::hash<std::string_view> hash_of;
  std::unordered_set<std::size_t> users_evaluated;
  std::unordered_set<std::size_t> users_applied;
  std::array<std::unordered_set<std::size_t>, PolicyImpact::kDecisions> users_by_decision;
  SignIn sign_in;
  EvaluationSubject subject;
  Status scanned = reader.ForEachSignInBetween(
      options.from, options.to, impact.documentsRead,
      [&](const SignInRow& row, std::string_view document) -> Status {
        if (row.userId.empty() || !CredentialsWereValid(row.errorCode)) return Status::Ok();
        if (impact.documentsRead) {
          auto decoded = DecodeSignInDocument(document);
          if (!decoded.ok()) return decoded.status().WithContext("sign-in '" + row.id + "'");
          sign_in = std::move(decoded).value();
          if (sign_in.IsServicePrincipal()) return Status::Ok();
        } else {
          sign_in.id = row.id;
          sign_in.createdDateTime = row.createdDateTime;
          sign_in.userId = row.userId;
          sign_in.appId = row.appId;
          sign_in.ipAddress = row.ipAddress;
          sign_in.location.countryOrRegion = row.countryOrRegion;
          sign_in.riskLevelDuringSignIn = row.riskLevelDuringSignIn;
          sign_in.isInteractive = row.isInteractive;
          sign_in.clientAppUsed = row.clientAppUsed;
        }
        sign_in.network.isTrustedLocation = false;
        sign_in.network.namedLocationId.clear();
        if (policy.locations && context.namedLocations != nullptr) {
          if (auto address = IpAddress::Parse(row.ipAddress)) {
            if (const NamedLocation* location = context.namedLocations->MatchIp(*address)) {
              sign_in.network.isTrustedLocation = location->isTrusted;
              sign_in.network.namedLocationId = location->id;
            }
          }
        }
        // What costs a lookup is looked up only when the policy reads it.
        subject.userRiskLevel = RiskLevel::none;
        if (policy.IsUserRiskPolicy()) {
          auto timeline = timelines.find(row.userId);
          if (timeline != timelines.end()) {
            subject.userRiskLevel = RiskAt(&timeline->second, row.createdDateTime);
          }
        }
        const DirectoryUser* entry = nullptr;
        if (context.directory != nullptr && reads_directory) {
          entry = context.directory->FindById(row.userId);
        }
        subject.groupIds = entry != nullptr ? &entry->groupIds : nullptr;
        subject.isMfaRegistered = entry == nullptr || entry->isMfaRegistered;
        const EvaluationInputs inputs{sign_in, subject, context.namedLocations};
        ++impact.signInsEvaluated;
        const std::size_t user_key = hash_of(row.userId);
        users_evaluated.insert(user_key);
        if (!PolicyApplies(enabled, inputs)) return Status::Ok();
        if (context.directory != nullptr && !reads_directory) {
          entry = context.directory->FindById(row.userId);
          subject.isMfaRegistered = entry == nullptr || entry->isMfaRegistered;
        }
        const Decision demanded = DemandOf(enabled, inputs);
        ++impact.signInsApplied;
        users_applied.insert(user_key);
        const auto decision = static_cast<std::size_t>(demanded);
        ++impact.signIns[decision];
        users_by_decision[decision].insert(user_key);
        auto& samples = impact.samples[decision];
        const bool newer =
            samples.size() < options.samplesPerDecision ||
            (!samples.empty() && row.createdDateTime > samples.back().createdDateTime);
        if (newer && options.samplesPerDecision > 0) {
          ImpactSample sample{row.id,
                              row.createdDateTime,
                              row.userId,
                              row.userPrincipalName,
                              row.appDisplayName,
                              row.ipAddress,
                              row.countryOrRegion,
                              row.riskLevelDuringSignIn,
                              subject.userRiskLevel};
          auto at = std::upper_bound(samples.begin(), samples.end(), sample,
                                     [](const ImpactSample& a, const ImpactSample& b) {
                                       return a.createdDateTime > b.createdDateTime;
                                     });
          samples.insert(at, std::move(sample));
          if (samples.size() > options.samplesPerDecision) samples.pop_back();
        }
        return Status::Ok();
      });
  if (!scanned.ok()) return scanned;
  impact.usersEvaluated = users_evaluated.size();
  impact.usersApplied = users_applied.size();
  for (std::size_t i = 0; i < PolicyImpact::kDecisions; ++i) {
    impact.users[i] = users_by_decision[i].size();
  }
  impact.elapsedMilliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return impact;
}

void AppendPolicyImpactJson(std::string& out, const ConditionalAccessPolicy& policy,
                            const ImpactOptions& options, const PolicyImpact& impact) {
  JsonWriter json(out);
  json.BeginObject();
  json.Key("policy");
  json.BeginObject();
  json.MemberOrNull("id", policy.id);
  json.Member("displayName", policy.displayName);
  json.Member("state", ToString(policy.state));
  json.EndObject();
  json.MemberTimestamp("from", options.from);
  json.MemberTimestamp("to", options.to);
  auto counts = [&](const char* name, std::uint64_t evaluated, std::uint64_t applied,
                    const std::array<std::uint64_t, PolicyImpact::kDecisions>& by_decision) {
    json.Key(name);
    json.BeginObject();
    json.Member("evaluated", static_cast<std::int64_t>(evaluated));
    json.Member("applied", static_cast<std::int64_t>(applied));
    json.Member("notApplied", static_cast<std::int64_t>(evaluated - applied));
    for (std::size_t i = 0; i < PolicyImpact::kDecisions; ++i) {
      json.Member(ToString(static_cast<Decision>(i)), static_cast<std::int64_t>(by_decision[i]));
    }
    json.EndObject();
  };
  counts("signIns", impact.signInsEvaluated, impact.signInsApplied, impact.signIns);
  counts("users", impact.usersEvaluated, impact.usersApplied, impact.users);
  json.Key("samples");
  json.BeginObject();
  for (std::size_t i = 0; i < PolicyImpact::kDecisions; ++i) {
    json.Key(ToString(static_cast<Decision>(i)));
    json.BeginArray();
    for (const ImpactSample& sample : impact.samples[i]) {
      json.BeginObject();
      json.Member("id", sample.id);
      json.MemberTimestamp("createdDateTime", sample.createdDateTime);
      json.Member("userId", sample.userId);
      json.MemberOrNull("userPrincipalName", sample.userPrincipalName);
      json.MemberOrNull("appDisplayName", sample.appDisplayName);
      json.MemberOrNull("ipAddress", sample.ipAddress);
      json.MemberOrNull("countryOrRegion", sample.countryOrRegion);
      json.Member("riskLevelDuringSignIn", ToString(sample.riskLevelDuringSignIn));
      json.Member("userRiskLevel", ToString(sample.userRiskLevel));
      json.EndObject();
    }
    json.EndArray();
  }
  json.EndObject();
  json.Member("elapsedMilliseconds", static_cast<std::int64_t>(impact.elapsedMilliseconds));
  json.EndObject();
}

}  // namespace idguard
