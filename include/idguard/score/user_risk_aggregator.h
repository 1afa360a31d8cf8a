// UserRiskAggregator: the score stage for users. Keeps each user's active detections and turns
// them into the riskyUser record (level, state, detail), recording a riskyUserHistoryItem for
// every change.
//
// The formula (docs/risk-model.md): per riskEventType, the strongest active detection earns
// points by level — low 1, medium 3, high 9 — and a low detection older than the low-risk
// lifetime (default 180 days) earns nothing. User risk is high with any high detection or ≥ 9
// points, medium with any medium detection or ≥ 3 points, low with ≥ 1 point, none otherwise. So
// three low signals of different kinds make a medium user, and three mediums of different kinds a
// high one; one kind repeating (a trip's sign-ins) stays one signal.
//
// Bounded: at most kMaxActivePerUser detections are remembered per user (the strongest and
// newest win). Not synchronised; the engine calls it from one thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idguard/core/risk_records.h"

namespace idguard {

struct ActiveDetection {
  std::string id;
  std::string riskEventType;
  RiskLevel level = RiskLevel::low;
  EventTime detectedDateTime = 0;
};

struct UserRiskOptions {
  EventTime lowRiskLifetime = 180 * kMicrosPerDay;  // Default: 180 days (6 months)
};

// The documented formula, exposed for tests and for the API's "why" views.
RiskLevel AggregateUserRisk(const std::vector<ActiveDetection>& active, EventTime now,
                            const UserRiskOptions& options);

class UserRiskAggregator {
 public:
  static constexpr std::size_t kMaxActivePerUser = 64;

  explicit UserRiskAggregator(UserRiskOptions options = {}) : options_(options) {}

  // Adds a user's new detections (all of one user) and re-scores. Returns the history item
  // when the user's riskyUser record changed.
  std::optional<RiskyUserHistoryItem> AddDetections(const std::vector<RiskDetection>& detections,
                                                    EventTime now);

  // Re-scores every user at `now` so low risk older than its lifetime ages out. Returns the
  // history items of users whose risk changed, ordered by user id.
  std::vector<RiskyUserHistoryItem> AgeOut(EventTime now);

  // Admin actions (confirm compromised, dismiss, confirm safe) change a user's record directly.
  // The primitives below are composed by the caller; each returns the history item recording the
  // change, with `actor` as initiatedBy, even when the level stays the same.

  // Adds active detections without re-scoring (the caller sets the record next).
  void AddActive(const RiskDetection& detection);
  // Forgets the active detections with these ids (closed by an admin); returns how many.
  std::size_t RemoveActive(const std::string& user_id, const std::vector<std::string>& ids);
  // Forgets every active detection of the user.
  void ClearActive(const std::string& user_id);
  // Sets the user's record as an admin decided it. Creates the user when unknown (with the names
  // given, which may be empty).
  RiskyUserHistoryItem SetUserRisk(const RiskyUser& identity, RiskLevel level, RiskState state,
                                   RiskDetail detail, std::vector<std::string> types,
                                   const std::string& actor, EventTime now);
  // Re-scores after RemoveActive. When risk remains the user stays atRisk at the new level; when
  // none remains the user takes `state_without_risk` and `detail`.
  RiskyUserHistoryItem RescoreAfterAdmin(const std::string& user_id, RiskState state_without_risk,
                                         RiskDetail detail, const std::string& actor,
                                         EventTime now);
  // The ids of the user's active detections.
  std::vector<std::string> ActiveIds(const std::string& user_id) const;
  // Whether one of the user's active detections has one of these types.
  bool HasActiveOfType(const std::string& user_id,
                       std::initializer_list<std::string_view> types) const;

  // Restoring state saved by an earlier run.
  void RestoreUser(const RiskyUser& user, std::int64_t history_count);
  void RestoreDetection(const RiskDetection& detection);

  const RiskyUser* Find(const std::string& user_id) const;
  // Every user ever at risk, ordered by id.
  std::vector<RiskyUser> AllUsers() const;

 private:
  struct UserState {
    RiskyUser user;
    std::vector<ActiveDetection> active;
    std::int64_t historyCount = 0;
  };
  std::optional<RiskyUserHistoryItem> Rescore(UserState& state, EventTime now,
                                              std::vector<std::string> new_types);

  UserRiskOptions options_;
  std::unordered_map<std::string, UserState> users_;
};

}  // namespace idguard
