#include "idguard/core/risk_enums.h"

#include <array>
#include <utility>

namespace idguard {
namespace {

template <typename Enum, std::size_t N>
std::string_view Lookup(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [member, name] : table) {
    if (member == value) return name;
  }
  return "unknownFutureValue";
}

template <typename Enum, std::size_t N>
std::optional<Enum> Find(const std::array<std::pair<Enum, std::string_view>, N>& table,
                         std::string_view text) {
  for (const auto& [member, name] : table) {
    if (name == text) return member;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<RiskLevel, std::string_view>, 5> kRiskLevels{{
    {RiskLevel::low, "low"},
    {RiskLevel::medium, "medium"},
    {RiskLevel::high, "high"},
    {RiskLevel::hidden, "hidden"},
    {RiskLevel::none, "none"},
}};

constexpr std::array<std::pair<RiskState, std::string_view>, 6> kRiskStates{{
    {RiskState::none, "none"},
    {RiskState::confirmedSafe, "confirmedSafe"},
    {RiskState::remediated, "remediated"},
    {RiskState::dismissed, "dismissed"},
    {RiskState::atRisk, "atRisk"},
    {RiskState::confirmedCompromised, "confirmedCompromised"},
}};

constexpr std::array<std::pair<RiskDetail, std::string_view>, 18> kRiskDetails{{
    {RiskDetail::none, "none"},
    {RiskDetail::adminGeneratedTemporaryPassword, "adminGeneratedTemporaryPassword"},
    {RiskDetail::userPerformedSecuredPasswordChange, "userPerformedSecuredPasswordChange"},
    {RiskDetail::userPerformedSecuredPasswordReset, "userPerformedSecuredPasswordReset"},
    {RiskDetail::adminConfirmedSigninSafe, "adminConfirmedSigninSafe"},
    {RiskDetail::aiConfirmedSigninSafe, "aiConfirmedSigninSafe"},
    {RiskDetail::userPassedMFADrivenByRiskBasedPolicy, "userPassedMFADrivenByRiskBasedPolicy"},
    {RiskDetail::adminDismissedAllRiskForUser, "adminDismissedAllRiskForUser"},
    {RiskDetail::adminConfirmedSigninCompromised, "adminConfirmedSigninCompromised"},
    {RiskDetail::hidden, "hidden"},
    {RiskDetail::adminConfirmedUserCompromised, "adminConfirmedUserCompromised"},
    {RiskDetail::m365DAdminDismissedDetection, "m365DAdminDismissedDetection"},
    {RiskDetail::adminConfirmedServicePrincipalCompromised,
     "adminConfirmedServicePrincipalCompromised"},
    {RiskDetail::adminDismissedAllRiskForServicePrincipal,
     "adminDismissedAllRiskForServicePrincipal"},
    {RiskDetail::userChangedPasswordOnPremises, "userChangedPasswordOnPremises"},
    {RiskDetail::adminDismissedRiskForSignIn, "adminDismissedRiskForSignIn"},
    {RiskDetail::adminConfirmedAccountSafe, "adminConfirmedAccountSafe"},
    {RiskDetail::microsoftRevokedSessions, "microsoftRevokedSessions"},
}};

constexpr std::array<std::pair<DetectionTimingType, std::string_view>, 4> kTimings{{
    {DetectionTimingType::notDefined, "notDefined"},
    {DetectionTimingType::realtime, "realtime"},
    {DetectionTimingType::nearRealtime, "nearRealtime"},
    {DetectionTimingType::offline, "offline"},
}};

constexpr std::array<std::pair<ActivityType, std::string_view>, 3> kActivities{{
    {ActivityType::signin, "signin"},
    {ActivityType::user, "user"},
    {ActivityType::servicePrincipal, "servicePrincipal"},
}};

// Every member name of an enum plus unknownFutureValue, which Graph also accepts in filters.
template <typename Enum, std::size_t N>
constexpr std::array<std::string_view, N + 1> MemberNames(
    const std::array<std::pair<Enum, std::string_view>, N>& table) {
  std::array<std::string_view, N + 1> names{};
  for (std::size_t i = 0; i < N; ++i) names[i] = table[i].second;
  names[N] = "unknownFutureValue";
  return names;
}

constexpr auto kRiskLevelNames = MemberNames(kRiskLevels);
constexpr auto kRiskStateNames = MemberNames(kRiskStates);
constexpr auto kRiskDetailNames = MemberNames(kRiskDetails);
constexpr auto kTimingNames = MemberNames(kTimings);
constexpr auto kActivityNames = MemberNames(kActivities);

}  // namespace

std::span<const std::string_view> RiskLevelMembers() { return kRiskLevelNames; }
std::span<const std::string_view> RiskStateMembers() { return kRiskStateNames; }
std::span<const std::string_view> RiskDetailMembers() { return kRiskDetailNames; }
std::span<const std::string_view> DetectionTimingTypeMembers() { return kTimingNames; }
std::span<const std::string_view> ActivityTypeMembers() { return kActivityNames; }

std::string_view ToString(RiskLevel value) { return Lookup(kRiskLevels, value); }
std::string_view ToString(RiskState value) { return Lookup(kRiskStates, value); }
std::string_view ToString(RiskDetail value) { return Lookup(kRiskDetails, value); }
std::string_view ToString(DetectionTimingType value) { return Lookup(kTimings, value); }
std::string_view ToString(ActivityType value) { return Lookup(kActivities, value); }

std::optional<RiskLevel> ParseRiskLevel(std::string_view text) { return Find(kRiskLevels, text); }
std::optional<RiskState> ParseRiskState(std::string_view text) { return Find(kRiskStates, text); }
std::optional<RiskDetail> ParseRiskDetail(std::string_view text) {
  return Find(kRiskDetails, text);
}
std::optional<DetectionTimingType> ParseDetectionTimingType(std::string_view text) {
  return Find(kTimings, text);
}
std::optional<ActivityType> ParseActivityType(std::string_view text) {
  return Find(kActivities, text);
}

int Severity(RiskLevel level) {
  switch (level) {
    case RiskLevel::low:
      return 1;
    case RiskLevel::medium:
      return 2;
    case RiskLevel::high:
      return 3;
    default:
      return 0;
  }
}

RiskLevel LevelFromSeverity(int severity) {
  if (severity >= 3) return RiskLevel::high;
  if (severity == 2) return RiskLevel::medium;
  if (severity == 1) return RiskLevel::low;
  return RiskLevel::none;
}

RiskLevel MaxLevel(RiskLevel a, RiskLevel b) { return Severity(a) >= Severity(b) ? a : b; }

}  // namespace idguard
