#include "idguard/policy/policy_impact.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <thread>
#include <unordered_map>
#include <vector>

#include "idguard/core/json_writer.h"
#include "idguard/core/thread_name.h"
#include "idguard/enrich/directory.h"
#include "idguard/enrich/named_locations.h"
#include "idguard/store/report_reader.h"

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

// What the scan knows of one user: looked up once, then marked by each of their sign-ins.
struct UserMarks {
  const RiskTimeline* timeline = nullptr;              // user risk policies only
  const std::vector<std::string>* groupIds = nullptr;  // from the directory; null: unknown user
  bool isMfaRegistered = true;
  bool applied = false;
  std::array<bool, PolicyImpact::kDecisions> decided{};
};

// The users of a scan by a 64-bit hash of their id, in one open-addressed table. A node per user
// costs a cache miss on every sign-in (measured as a quarter of a preview), and a collision among
// a tenant's users is out of reach.
class UserTable {
 public:
  // The marks of the user with `key`, and whether this was the user's first sign-in. The
  // reference holds until the next call.
  std::pair<UserMarks&, bool> FindOrAdd(std::uint64_t key) {
    if ((marks_.size() + 1) * 4 > slots_.size() * 3) Grow();
    std::size_t slot = Home(key, slots_.size());
    for (; slots_[slot].position != 0; slot = (slot + 1) & (slots_.size() - 1)) {
      if (slots_[slot].key == key) return {marks_[slots_[slot].position - 1], false};
    }
    marks_.emplace_back();
    slots_[slot] = {key, static_cast<std::uint32_t>(marks_.size())};
    return {marks_.back(), true};
  }
  // Adds what another slice of the scan marked.
  void Merge(const UserTable& other) {
    for (const Slot& entry : other.slots_) {
      if (entry.position == 0) continue;
      const UserMarks& theirs = other.marks_[entry.position - 1];
      auto [mine, first_seen] = FindOrAdd(entry.key);
      if (first_seen) {
        mine = theirs;
        continue;
      }
      mine.applied = mine.applied || theirs.applied;
      for (std::size_t i = 0; i < PolicyImpact::kDecisions; ++i) {
        mine.decided[i] = mine.decided[i] || theirs.decided[i];
      }
    }
  }
  const std::vector<UserMarks>& marks() const { return marks_; }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t position = 0;  // index into marks_ plus one; 0 marks an empty slot
  };
  static std::size_t Home(std::uint64_t key, std::size_t capacity) {
    return static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ULL >> 32) & (capacity - 1);
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 4096 : old.size() * 2, Slot{});
    for (const Slot& entry : old) {
      if (entry.position == 0) continue;
      std::size_t slot = Home(entry.key, slots_.size());
      while (slots_[slot].position != 0) slot = (slot + 1) & (slots_.size() - 1);
      slots_[slot] = entry;
    }
  }

  std::vector<Slot> slots_;  // a power of two, at most three quarters full
  std::vector<UserMarks> marks_;
};

using RiskTimelines = std::unordered_map<std::string, RiskTimeline>;

// The columns a policy reads, copied into the sign-in the evaluator takes.
void FillFromColumns(const SignInColumnsView& row, SignIn& sign_in) {
  sign_in.createdDateTime = row.createdDateTime;
  sign_in.userId = row.userId;
  sign_in.appId = row.appId;
  sign_in.resourceId = row.resourceId;
  sign_in.ipAddress = row.ipAddress;
  sign_in.location.countryOrRegion = row.countryOrRegion;
  sign_in.riskLevelDuringSignIn = row.riskLevelDuringSignIn;
  sign_in.isInteractive = row.isInteractive;
  sign_in.clientAppUsed = row.clientAppUsed;
  sign_in.deviceDetail.isCompliant = row.deviceIsCompliant;
  sign_in.deviceDetail.trustType = row.deviceTrustType;
}

// Whether a sign-in at `time` belongs among the newest `limit` samples.
bool IsNewerSample(const std::vector<ImpactSample>& samples, std::size_t limit, EventTime time) {
  return limit > 0 && (samples.size() < limit || time > samples.back().createdDateTime);
}

void KeepNewestSample(std::vector<ImpactSample>& samples, std::size_t limit, ImpactSample sample) {
  if (!IsNewerSample(samples, limit, sample.createdDateTime)) return;
  auto at = std::upper_bound(samples.begin(), samples.end(), sample,
                             [](const ImpactSample& a, const ImpactSample& b) {
                               return a.createdDateTime > b.createdDateTime;
                             });
  samples.insert(at, std::move(sample));
  if (samples.size() > limit) samples.pop_back();
}

// One slice of the scan: its sign-in counts and samples, and its users.
struct SliceTally {
  PolicyImpact impact;
  UserTable users;
};

Status TallySlice(ReportReader& reader, ScanSlice slice, const ConditionalAccessPolicy& enabled,
                  const ImpactOptions& options, const ImpactContext& context,
                  const RiskTimelines& timelines, SliceTally& tally) {
  PolicyImpact& impact = tally.impact;
  const std::hash<std::string_view> hash_of;
  SignIn sign_in;
  EvaluationSubject subject;
  return reader.ForEachSignInBetween(
      options.from, options.to, slice, [&](const SignInColumnsView& row) -> Status {
        if (row.userId.empty() || !CredentialsWereValid(row.errorCode)) return Status::Ok();
        auto [user, first_seen] = tally.users.FindOrAdd(hash_of(row.userId));
        if (first_seen) {
          const std::string user_id(row.userId);
          const DirectoryUser* entry =
              context.directory != nullptr ? context.directory->FindById(user_id) : nullptr;
          if (entry != nullptr) {
            user.groupIds = &entry->groupIds;
            user.isMfaRegistered = entry->isMfaRegistered;
          }
          if (auto timeline = timelines.find(user_id); timeline != timelines.end()) {
            user.timeline = &timeline->second;
          }
        }
        FillFromColumns(row, sign_in);
        sign_in.network.isTrustedLocation = false;
        sign_in.network.namedLocationId.clear();
        if (enabled.locations && context.namedLocations != nullptr) {
          if (auto address = IpAddress::Parse(row.ipAddress)) {
            if (const NamedLocation* location = context.namedLocations->MatchIp(*address)) {
              sign_in.network.isTrustedLocation = location->isTrusted;
              sign_in.network.namedLocationId = location->id;
            }
          }
        }
        subject.userRiskLevel = RiskAt(user.timeline, row.createdDateTime);
        subject.groupIds = user.groupIds;
        subject.isMfaRegistered = user.isMfaRegistered;
        const EvaluationInputs inputs{sign_in, subject, context.namedLocations};
        ++impact.signInsEvaluated;
        if (!PolicyApplies(enabled, inputs)) return Status::Ok();
        const auto decision = static_cast<std::size_t>(DemandOf(enabled, inputs));
        ++impact.signInsApplied;
        ++impact.signIns[decision];
        user.applied = true;
        user.decided[decision] = true;
        auto& samples = impact.samples[decision];
        if (IsNewerSample(samples, options.samplesPerDecision, row.createdDateTime)) {
          KeepNewestSample(samples, options.samplesPerDecision,
                           {std::string(row.id), row.createdDateTime, std::string(row.userId),
                            std::string(row.userPrincipalName), std::string(row.appDisplayName),
                            std::string(row.ipAddress), std::string(row.countryOrRegion),
                            row.riskLevelDuringSignIn, subject.userRiskLevel});
        }
        return Status::Ok();
      });
}

}  // namespace

Result<PolicyImpact> PreviewPolicyImpact(const std::vector<ReportReader*>& readers,
                                         const ConditionalAccessPolicy& policy,
                                         const ImpactOptions& options,
                                         const ImpactContext& context) {
  const auto started = std::chrono::steady_clock::now();
  if (readers.empty()) return Status::Internal("a policy impact preview needs a store reader");
  if (options.to <= options.from) {
    return Status::InvalidInput("the period is empty: 'to' must be after 'from'");
  }
  RiskTimelines timelines;
  Status loaded =
      !policy.IsUserRiskPolicy()
          ? Status::Ok()
          : readers.front()->ForEachUserRiskChange([&](std::string_view user_id, EventTime time,
                                                       RiskLevel level, RiskState state) {
              const bool at_risk =
                  state == RiskState::atRisk || state == RiskState::confirmedCompromised;
              timelines[std::string(user_id)].emplace_back(time, at_risk ? level : RiskLevel::none);
              return Status::Ok();
            });
  if (!loaded.ok()) return loaded;

  ConditionalAccessPolicy enabled = policy;  // the preview is of the policy switched on
  enabled.state = PolicyState::enabled;
  // One slice of the stored sign-ins per reader, each on its own thread (the first on this one).
  const int slices = static_cast<int>(readers.size());
  std::vector<SliceTally> tallies(readers.size());
  std::vector<Status> results(readers.size(), Status::Ok());
  auto tally = [&](int i) {
    results[i] = TallySlice(*readers[i], ScanSlice{i, slices}, enabled, options, context, timelines,
                            tallies[i]);
  };
  std::vector<std::thread> helpers;
  for (int i = 1; i < slices; ++i) {
    helpers.emplace_back([&tally, i] {
      NameThisThread("idg-impact-" + std::to_string(i));
      tally(i);
    });
  }
  tally(0);
  for (std::thread& helper : helpers) helper.join();
  for (const Status& result : results) {
    if (!result.ok()) return result;
  }

  PolicyImpact impact = std::move(tallies.front().impact);
  UserTable& users = tallies.front().users;
  for (std::size_t i = 1; i < tallies.size(); ++i) {
    const PolicyImpact& slice = tallies[i].impact;
    impact.signInsEvaluated += slice.signInsEvaluated;
    impact.signInsApplied += slice.signInsApplied;
    for (std::size_t d = 0; d < PolicyImpact::kDecisions; ++d) {
      impact.signIns[d] += slice.signIns[d];
      for (const ImpactSample& sample : slice.samples[d]) {
        KeepNewestSample(impact.samples[d], options.samplesPerDecision, sample);
      }
    }
    users.Merge(tallies[i].users);
  }
  impact.usersEvaluated = users.marks().size();
  for (const UserMarks& user : users.marks()) {
    impact.usersApplied += user.applied ? 1 : 0;
    for (std::size_t i = 0; i < PolicyImpact::kDecisions; ++i) {
      impact.users[i] += user.decided[i] ? 1 : 0;
    }
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
