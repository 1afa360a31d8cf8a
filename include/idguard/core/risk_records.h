// Risk records in the Graph shapes: riskDetection, riskyUser, riskyUserHistoryItem.
//
// These are the values the scoring stage produces, the store persists and the exporters write.
// Plain values; not synchronised.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "idguard/core/risk_enums.h"
#include "idguard/core/sign_in.h"
#include "idguard/core/time.h"

namespace idguard {

// One human-readable reason; serialized into riskDetection.additionalInfo as {"Key","Value"}.
struct InfoItem {
  std::string key;
  std::string value;
};

// Graph riskDetection.
struct RiskDetection {
  std::string id;  // deterministic: derived from riskEventType, requestId and userId
  ActivityType activity = ActivityType::signin;
  EventTime activityDateTime = 0;
  std::vector<InfoItem> additionalInfo;
  std::string correlationId;  // empty (null) when not linked to a sign-in
  EventTime detectedDateTime = 0;
  DetectionTimingType detectionTimingType = DetectionTimingType::realtime;
  std::string ipAddress;
  EventTime lastUpdatedDateTime = 0;
  SignInLocation location;
  std::string requestId;  // the sign-in id; empty (null) when not linked to a sign-in
  RiskDetail riskDetail = RiskDetail::none;
  std::string riskEventType;
  RiskLevel riskLevel = RiskLevel::none;
  RiskState riskState = RiskState::atRisk;
  std::string source = "identityProtection";
  std::string tokenIssuerType = "AzureAD";
  std::string userDisplayName;
  std::string userId;
  std::string userPrincipalName;

  bool IsActive() const {
    return riskState == RiskState::atRisk || riskState == RiskState::confirmedCompromised;
  }
};

// Graph riskyUser.
struct RiskyUser {
  std::string id;  // the user's object id
  bool isDeleted = false;
  bool isProcessing = false;
  RiskDetail riskDetail = RiskDetail::none;
  EventTime riskLastUpdatedDateTime = 0;
  RiskLevel riskLevel = RiskLevel::none;
  RiskState riskState = RiskState::none;
  std::string userDisplayName;
  std::string userPrincipalName;
};

// Graph riskyUserHistoryItem: the riskyUser as it became, plus what changed it and who.
struct RiskyUserHistoryItem {
  std::string id;  // "<userId>:<sequence>" — unique per user, stable across runs
  RiskyUser user;
  RiskDetail activityDetail = RiskDetail::none;
  std::vector<std::string> activityRiskEventTypes;
  std::string initiatedBy;  // actor id; empty for idguard's own risk engine
};

}  // namespace idguard
