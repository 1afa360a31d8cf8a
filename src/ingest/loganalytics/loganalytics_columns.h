// The Log Analytics sign-in columns idguard reads, and how input column names map onto them.
//
// Exports spell the same column several ways: "CreatedDateTime [UTC]" from the portal, and for
// dynamic columns "LocationDetails", "LocationDetails_dynamic" and "LocationDetails_string". A
// column name maps to one LogAnalyticsColumn plus a rank; when several names map to the same
// column, the parser takes the value from the best-ranked one that is not empty. The risk columns
// (RiskLevelDuringSignIn, RiskState, ...) are deliberately absent: idguard computes its own risk.
// Stateless; safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace idguard {

enum class LogAnalyticsColumn : std::uint8_t {
  kId,
  kOriginalRequestId,
  kCreatedDateTime,
  kTimeGenerated,
  kUserId,
  kUserDisplayName,
  kUserPrincipalName,
  kAppId,
  kAppDisplayName,
  kIpAddress,
  kClientAppUsed,
  kCorrelationId,
  kConditionalAccessStatus,
  kIsInteractive,
  kResourceDisplayName,
  kResourceId,
  kResourceIdentity,
  kResourceTenantId,
  kHomeTenantId,
  kServicePrincipalId,
  kServicePrincipalName,
  kUserAgent,
  kSessionId,
  kUniqueTokenIdentifier,
  kAuthenticationRequirement,
  kTokenIssuerType,
  kResultType,
  kResultDescription,
  kLocation,
  kCategory,
  kType,
  // Dynamic columns: their values are JSON, either nested or as JSON text.
  kLocationDetails,
  kDeviceDetail,
  kStatus,
  kMfaDetail,
  kConditionalAccessPolicies,
};
inline constexpr std::size_t kLogAnalyticsColumnCount =
    static_cast<std::size_t>(LogAnalyticsColumn::kConditionalAccessPolicies) + 1;

inline bool IsDynamicColumn(LogAnalyticsColumn column) {
  return column >= LogAnalyticsColumn::kLocationDetails;
}

// A matched column name. Lower rank wins: `_dynamic` (0), the plain name (1), `_string` (2).
struct LogAnalyticsColumnMatch {
  LogAnalyticsColumn column;
  std::uint8_t rank;
};
inline constexpr std::uint8_t kLogAnalyticsRankCount = 3;

// Maps an input column name (case-insensitive, surrounding spaces and a trailing " [UTC]"-style
// unit suffix ignored) to a column; nullopt for columns idguard does not read.
std::optional<LogAnalyticsColumnMatch> MatchLogAnalyticsColumn(std::string_view name);

// The column's Log Analytics name, e.g. "CreatedDateTime"; used in error messages.
std::string_view LogAnalyticsColumnName(LogAnalyticsColumn column);

}  // namespace idguard
