// Which users the next "users at risk detected" email names (spec §5): a user whose risk reached
// the minimum level, each time a newer change still at or above it arrives. A change older than
// the one last mailed about (an older sign-in scored late) does not send again.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idguard/core/risk_records.h"

namespace idguard {

class RiskyUsersAlertBatch {
 public:
  // Whether Offer would take the user now.
  bool Wants(const RiskyUser& user, RiskLevel minimum) const;
  // True when the user joins the pending email (or updates their line in it).
  bool Offer(const RiskyUser& user, RiskLevel minimum);
  bool empty() const { return pending_.empty(); }
  // The pending users, in the order they crossed; the batch is empty afterwards.
  std::vector<RiskyUser> Take();

 private:
  std::unordered_map<std::string, EventTime> lastOffered_;  // riskLastUpdatedDateTime
  std::vector<RiskyUser> pending_;
};

// The fields of a Graph riskyUser document the email names (id, principal and display name, level,
// state, detail, last update): how a pending alert is kept in the store's outbox. Nullopt when the
// document lacks the id or holds an unknown level, state or time.
std::optional<RiskyUser> AlertUserFromGraphJson(std::string_view json);

}  // namespace idguard
