// Graph enums used on the risk path, spelled exactly as Microsoft Graph spells them.
//
// The numeric values follow the Graph CSDL member order so that they can be stored compactly and
// still round-trip. Parse* returns nullopt for unknown text so callers can report the field.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace idguard {

enum class RiskLevel : std::uint8_t { low = 0, medium = 1, high = 2, hidden = 3, none = 4 };

enum class RiskState : std::uint8_t {
  none = 0,
  confirmedSafe = 1,
  remediated = 2,
  dismissed = 3,
  atRisk = 4,
  confirmedCompromised = 5,
};

enum class RiskDetail : std::uint8_t {
  none = 0,
  adminGeneratedTemporaryPassword = 1,
  userPerformedSecuredPasswordChange = 2,
  userPerformedSecuredPasswordReset = 3,
  adminConfirmedSigninSafe = 4,
  aiConfirmedSigninSafe = 5,
  userPassedMFADrivenByRiskBasedPolicy = 6,
  adminDismissedAllRiskForUser = 7,
  adminConfirmedSigninCompromised = 8,
  hidden = 9,
  adminConfirmedUserCompromised = 10,
  m365DAdminDismissedDetection = 12,
  adminConfirmedServicePrincipalCompromised = 13,
  adminDismissedAllRiskForServicePrincipal = 14,
  userChangedPasswordOnPremises = 15,
  adminDismissedRiskForSignIn = 16,
  adminConfirmedAccountSafe = 17,
  microsoftRevokedSessions = 18,
};

enum class DetectionTimingType : std::uint8_t {
  notDefined = 0,
  realtime = 1,
  nearRealtime = 2,
  offline = 3
};

enum class ActivityType : std::uint8_t { signin = 0, user = 1, servicePrincipal = 3 };

std::string_view ToString(RiskLevel value);
std::string_view ToString(RiskState value);
std::string_view ToString(RiskDetail value);
std::string_view ToString(DetectionTimingType value);
std::string_view ToString(ActivityType value);

std::optional<RiskLevel> ParseRiskLevel(std::string_view text);
std::optional<RiskState> ParseRiskState(std::string_view text);
std::optional<RiskDetail> ParseRiskDetail(std::string_view text);
std::optional<DetectionTimingType> ParseDetectionTimingType(std::string_view text);
std::optional<ActivityType> ParseActivityType(std::string_view text);

// The member names of each enum as Graph accepts them in queries, unknownFutureValue included.
std::span<const std::string_view> RiskLevelMembers();
std::span<const std::string_view> RiskStateMembers();
std::span<const std::string_view> RiskDetailMembers();
std::span<const std::string_view> DetectionTimingTypeMembers();
std::span<const std::string_view> ActivityTypeMembers();

// Severity order for comparisons: none/hidden < low < medium < high.
int Severity(RiskLevel level);
RiskLevel MaxLevel(RiskLevel a, RiskLevel b);
RiskLevel LevelFromSeverity(int severity);

}  // namespace idguard
