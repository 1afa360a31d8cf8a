#include "export/notifications/risky_users_alert.h"

#include <algorithm>

namespace idguard {

bool RiskyUsersAlertBatch::Offer(const RiskyUser& user, RiskLevel minimum) {
  const bool at_risk =
      user.riskState == RiskState::atRisk || user.riskState == RiskState::confirmedCompromised;
  if (!at_risk || user.riskLevel == RiskLevel::hidden || user.riskLevel == RiskLevel::none ||
      Severity(user.riskLevel) < Severity(minimum)) {
    return false;
  }
  auto [last, inserted] = lastOffered_.try_emplace(user.id, user.riskLastUpdatedDateTime);
  if (!inserted) {
    if (user.riskLastUpdatedDateTime <= last->second) return false;
    last->second = user.riskLastUpdatedDateTime;
  }
  auto pending = std::find_if(pending_.begin(), pending_.end(),
                              [&](const RiskyUser& other) { return other.id == user.id; });
  if (pending != pending_.end()) {
    *pending = user;
  } else {
    pending_.push_back(user);
  }
  return true;
}

std::vector<RiskyUser> RiskyUsersAlertBatch::Take() {
  std::vector<RiskyUser> taken;
  taken.swap(pending_);
  return taken;
}

}  // namespace idguard
