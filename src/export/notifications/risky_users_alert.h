// Which users the next "users at risk detected" email names (spec §5): a user whose risk reached
// the minimum level, each time a newer change still at or above it arrives. A change older than
// the one last mailed about (an older sign-in scored late) does not send again.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "idguard/core/risk_records.h"

namespace idguard {

class RiskyUsersAlertBatch {
 public:
  // True when the user joins the pending email (or updates their line in it).
  bool Offer(const RiskyUser& user, RiskLevel minimum);
  bool empty() const { return pending_.empty(); }
  // The pending users, in the order they crossed; the batch is empty afterwards.
  std::vector<RiskyUser> Take();

 private:
  std::unordered_map<std::string, EventTime> lastOffered_;  // riskLastUpdatedDateTime
  std::vector<RiskyUser> pending_;
};

}  // namespace idguard
