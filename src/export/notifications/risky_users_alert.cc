#include "export/notifications/risky_users_alert.h"

#include <simdjson.h>

#include <algorithm>

namespace idguard {

bool RiskyUsersAlertBatch::Wants(const RiskyUser& user, RiskLevel minimum) const {
  const bool at_risk =
      user.riskState == RiskState::atRisk || user.riskState == RiskState::confirmedCompromised;
  if (!at_risk || user.riskLevel == RiskLevel::hidden || user.riskLevel == RiskLevel::none ||
      Severity(user.riskLevel) < Severity(minimum)) {
    return false;
  }
  const auto last = lastOffered_.find(user.id);
  return last == lastOffered_.end() || user.riskLastUpdatedDateTime > last->second;
}

bool RiskyUsersAlertBatch::Offer(const RiskyUser& user, RiskLevel minimum) {
  if (!Wants(user, minimum)) return false;
  lastOffered_[user.id] = user.riskLastUpdatedDateTime;
  auto pending = std::find_if(pending_.begin(), pending_.end(),
                              [&](const RiskyUser& other) { return other.id == user.id; });
  if (pending != pending_.end()) {
    *pending = user;
  } else {
    pending_.push_back(user);
  }
  return true;
}

std::optional<RiskyUser> AlertUserFromGraphJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object) != simdjson::SUCCESS) return std::nullopt;
  auto text = [&](const char* key) {
    std::string_view value;
    return object[key].get_string().get(value) == simdjson::SUCCESS ? value : std::string_view();
  };
  RiskyUser user;
  user.id = std::string(text("id"));
  user.userPrincipalName = std::string(text("userPrincipalName"));
  user.userDisplayName = std::string(text("userDisplayName"));
  const auto level = ParseRiskLevel(text("riskLevel"));
  const auto state = ParseRiskState(text("riskState"));
  const auto detail = ParseRiskDetail(text("riskDetail"));
  const auto updated = ParseTimestamp(text("riskLastUpdatedDateTime"));
  if (user.id.empty() || !level || !state || !detail || !updated) return std::nullopt;
  user.riskLevel = *level;
  user.riskState = *state;
  user.riskDetail = *detail;
  user.riskLastUpdatedDateTime = *updated;
  return user;
}

std::vector<RiskyUser> RiskyUsersAlertBatch::Take() {
  std::vector<RiskyUser> taken;
  taken.swap(pending_);
  return taken;
}

}  // namespace idguard
