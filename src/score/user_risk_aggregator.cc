#include "idguard/score/user_risk_aggregator.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace idguard {
namespace {

constexpr int kLowPoints = 1;
constexpr int kMediumPoints = 3;
constexpr int kHighPoints = 9;

std::string HistoryId(const std::string& user_id, std::int64_t sequence) {
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, "_%06lld", static_cast<long long>(sequence));
  return user_id + suffix;
}

}  // namespace

RiskLevel AggregateUserRisk(const std::vector<ActiveDetection>& active, EventTime now,
                            const UserRiskOptions& options) {
  // Points come from independent signals: per riskEventType only its strongest active detection
  // counts, so one cause repeating (every sign-in of a first day abroad) stays one signal.
  std::map<std::string_view, int> strongest;
  bool any_high = false;
  bool any_medium = false;
  for (const auto& detection : active) {
    int points = 0;
    switch (detection.level) {
      case RiskLevel::high:
        any_high = true;
        points = kHighPoints;
        break;
      case RiskLevel::medium:
        any_medium = true;
        points = kMediumPoints;
        break;
      case RiskLevel::low:
        if (now - detection.detectedDateTime <= options.lowRiskLifetime) points = kLowPoints;
        break;
      default:
        break;
    }
    int& best = strongest[detection.riskEventType];
    best = std::max(best, points);
  }
  int points = 0;
  for (const auto& [type, best] : strongest) points += best;
  if (any_high || points >= kHighPoints) return RiskLevel::high;
  if (any_medium || points >= kMediumPoints) return RiskLevel::medium;
  if (points >= kLowPoints) return RiskLevel::low;
  return RiskLevel::none;
}

std::optional<RiskyUserHistoryItem> UserRiskAggregator::AddDetections(
    const std::vector<RiskDetection>& detections, EventTime now) {
  if (detections.empty()) return std::nullopt;
  const RiskDetection& first = detections.front();
  auto [it, inserted] = users_.try_emplace(first.userId);
  UserState& state = it->second;
  if (inserted) state.user.id = first.userId;
  if (!first.userDisplayName.empty()) state.user.userDisplayName = first.userDisplayName;
  if (!first.userPrincipalName.empty()) state.user.userPrincipalName = first.userPrincipalName;
  std::vector<std::string> types;
  for (const auto& detection : detections) {
    if (!detection.IsActive()) continue;
    auto existing = std::find_if(state.active.begin(), state.active.end(),
                                 [&](const ActiveDetection& a) { return a.id == detection.id; });
    if (existing != state.active.end()) continue;  // re-ingested: already counted
    state.active.push_back(
        {detection.id, detection.riskEventType, detection.riskLevel, detection.detectedDateTime});
    types.push_back(detection.riskEventType);
  }
  if (types.empty()) return std::nullopt;
  if (state.active.size() > kMaxActivePerUser) {
    // Keep the strongest, then the newest.
    std::sort(state.active.begin(), state.active.end(),
              [](const ActiveDetection& a, const ActiveDetection& b) {
                if (Severity(a.level) != Severity(b.level)) {
                  return Severity(a.level) > Severity(b.level);
                }
                return a.detectedDateTime > b.detectedDateTime;
              });
    state.active.resize(kMaxActivePerUser);
  }
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  return Rescore(state, now, std::move(types));
}

std::optional<RiskyUserHistoryItem> UserRiskAggregator::Rescore(
    UserState& state, EventTime now, std::vector<std::string> new_types) {
  const RiskLevel level = AggregateUserRisk(state.active, now, options_);
  RiskyUser& user = state.user;
  // An admin's confirmed compromise stands while the user stays high.
  const bool confirmed =
      user.riskState == RiskState::confirmedCompromised && level == RiskLevel::high;
  const RiskState new_state =
      level == RiskLevel::none
          ? (user.riskState == RiskState::atRisk ? RiskState::dismissed : user.riskState)
          : (confirmed ? RiskState::confirmedCompromised : RiskState::atRisk);
  if (level == user.riskLevel && new_state == user.riskState && new_types.empty()) {
    return std::nullopt;
  }
  user.riskLevel = level;
  user.riskState = new_state;
  if (!confirmed) user.riskDetail = RiskDetail::none;
  user.riskLastUpdatedDateTime = now;
  RiskyUserHistoryItem item;
  item.id = HistoryId(user.id, ++state.historyCount);
  item.user = user;
  item.activityDetail = RiskDetail::none;
  item.activityRiskEventTypes = std::move(new_types);
  return item;
}

std::vector<RiskyUserHistoryItem> UserRiskAggregator::AgeOut(EventTime now) {
  std::vector<std::string> ids;
  for (const auto& [id, state] : users_) {
    if (state.user.riskLevel == RiskLevel::low) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  std::vector<RiskyUserHistoryItem> items;
  for (const auto& id : ids) {
    UserState& state = users_[id];
    if (AggregateUserRisk(state.active, now, options_) != RiskLevel::none) continue;
    // All remaining risk is low and older than its lifetime: it ages out and stops counting.
    state.active.clear();
    if (auto item = Rescore(state, now, {})) items.push_back(std::move(*item));
  }
  return items;
}

void UserRiskAggregator::AddActive(const RiskDetection& detection) {
  if (detection.userId.empty()) return;
  auto [it, inserted] = users_.try_emplace(detection.userId);
  UserState& state = it->second;
  if (inserted) state.user.id = detection.userId;
  auto existing = std::find_if(state.active.begin(), state.active.end(),
                               [&](const ActiveDetection& a) { return a.id == detection.id; });
  const ActiveDetection active{detection.id, detection.riskEventType, detection.riskLevel,
                               detection.detectedDateTime};
  if (existing != state.active.end()) {
    *existing = active;
  } else {
    state.active.push_back(active);
  }
}

std::size_t UserRiskAggregator::RemoveActive(const std::string& user_id,
                                             const std::vector<std::string>& ids) {
  auto it = users_.find(user_id);
  if (it == users_.end()) return 0;
  auto& active = it->second.active;
  const std::size_t before = active.size();
  std::erase_if(active, [&](const ActiveDetection& a) {
    return std::find(ids.begin(), ids.end(), a.id) != ids.end();
  });
  return before - active.size();
}

void UserRiskAggregator::ClearActive(const std::string& user_id) {
  auto it = users_.find(user_id);
  if (it != users_.end()) it->second.active.clear();
}

RiskyUserHistoryItem UserRiskAggregator::SetUserRisk(const RiskyUser& identity, RiskLevel level,
                                                     RiskState state, RiskDetail detail,
                                                     std::vector<std::string> types,
                                                     const std::string& actor, EventTime now) {
  auto [it, inserted] = users_.try_emplace(identity.id);
  UserState& user_state = it->second;
  RiskyUser& user = user_state.user;
  if (inserted) user.id = identity.id;
  if (user.userPrincipalName.empty()) user.userPrincipalName = identity.userPrincipalName;
  if (user.userDisplayName.empty()) user.userDisplayName = identity.userDisplayName;
  user.riskLevel = level;
  user.riskState = state;
  user.riskDetail = detail;
  user.riskLastUpdatedDateTime = now;
  RiskyUserHistoryItem item;
  item.id = HistoryId(user.id, ++user_state.historyCount);
  item.user = user;
  item.activityDetail = detail;
  item.activityRiskEventTypes = std::move(types);
  item.initiatedBy = actor;
  return item;
}

RiskyUserHistoryItem UserRiskAggregator::RescoreAfterAdmin(const std::string& user_id,
                                                           RiskState state_without_risk,
                                                           RiskDetail detail,
                                                           const std::string& actor,
                                                           EventTime now) {
  RiskyUser identity;
  identity.id = user_id;
  auto it = users_.find(user_id);
  const RiskLevel level =
      it == users_.end() ? RiskLevel::none : AggregateUserRisk(it->second.active, now, options_);
  if (level == RiskLevel::none) {
    return SetUserRisk(identity, RiskLevel::none, state_without_risk, detail, {}, actor, now);
  }
  // Risk from other detections remains: the user stays at risk, as the engine would score them.
  return SetUserRisk(identity, level, RiskState::atRisk, RiskDetail::none, {}, actor, now);
}

std::vector<std::string> UserRiskAggregator::ActiveIds(const std::string& user_id) const {
  std::vector<std::string> ids;
  auto it = users_.find(user_id);
  if (it == users_.end()) return ids;
  for (const ActiveDetection& active : it->second.active) ids.push_back(active.id);
  return ids;
}

bool UserRiskAggregator::HasActiveOfType(const std::string& user_id,
                                         std::initializer_list<std::string_view> types) const {
  auto it = users_.find(user_id);
  if (it == users_.end()) return false;
  for (const ActiveDetection& active : it->second.active) {
    for (std::string_view type : types) {
      if (active.riskEventType == type) return true;
    }
  }
  return false;
}

void UserRiskAggregator::RestoreUser(const RiskyUser& user, std::int64_t history_count) {
  UserState& state = users_[user.id];
  state.user = user;
  state.historyCount = history_count;
}

void UserRiskAggregator::RestoreDetection(const RiskDetection& detection) {
  if (!detection.IsActive() || detection.userId.empty()) return;
  UserState& state = users_[detection.userId];
  if (state.user.id.empty()) state.user.id = detection.userId;
  state.active.push_back(
      {detection.id, detection.riskEventType, detection.riskLevel, detection.detectedDateTime});
}

const RiskyUser* UserRiskAggregator::Find(const std::string& user_id) const {
  auto it = users_.find(user_id);
  return it == users_.end() ? nullptr : &it->second.user;
}

std::vector<RiskyUser> UserRiskAggregator::AllUsers() const {
  std::vector<RiskyUser> all;
  all.reserve(users_.size());
  for (const auto& [id, state] : users_) all.push_back(state.user);
  std::sort(all.begin(), all.end(),
            [](const RiskyUser& a, const RiskyUser& b) { return a.id < b.id; });
  return all;
}

}  // namespace idguard
