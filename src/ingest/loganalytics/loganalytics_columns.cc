#include "ingest/loganalytics/loganalytics_columns.h"

#include <array>

#include "ingest/loganalytics/ascii_text.h"

namespace idguard {
namespace {

using Column = LogAnalyticsColumn;

// Indexed by LogAnalyticsColumn; the static_assert below keeps the two in step.
constexpr std::array<std::string_view, kLogAnalyticsColumnCount> kNames = {
    "Id",
    "OriginalRequestId",
    "CreatedDateTime",
    "TimeGenerated",
    "UserId",
    "UserDisplayName",
    "UserPrincipalName",
    "AppId",
    "AppDisplayName",
    "IPAddress",
    "ClientAppUsed",
    "CorrelationId",
    "ConditionalAccessStatus",
    "IsInteractive",
    "ResourceDisplayName",
    "ResourceId",
    "ResourceIdentity",
    "ResourceTenantId",
    "HomeTenantId",
    "ServicePrincipalId",
    "ServicePrincipalName",
    "UserAgent",
    "SessionId",
    "UniqueTokenIdentifier",
    "AuthenticationRequirement",
    "TokenIssuerType",
    "ResultType",
    "ResultDescription",
    "Location",
    "Category",
    "Type",
    "LocationDetails",
    "DeviceDetail",
    "Status",
    "MfaDetail",
    "ConditionalAccessPolicies",
};
static_assert(kNames[static_cast<std::size_t>(Column::kConditionalAccessPolicies)] ==
              "ConditionalAccessPolicies");
static_assert(kNames[static_cast<std::size_t>(Column::kLocationDetails)] == "LocationDetails");

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsIgnoreCase(text.substr(text.size() - suffix.size()), suffix);
}

// Portal exports append the unit to timestamp columns: "CreatedDateTime [UTC]".
std::string_view WithoutUnitSuffix(std::string_view name) {
  if (name.empty() || name.back() != ']') {
    return name;
  }
  const std::size_t open = name.rfind('[');
  if (open == std::string_view::npos || open == 0) {
    return name;
  }
  return TrimBlanks(name.substr(0, open));
}

}  // namespace

std::optional<LogAnalyticsColumnMatch> MatchLogAnalyticsColumn(std::string_view name) {
  name = WithoutUnitSuffix(TrimBlanks(name));
  std::uint8_t rank = 1;
  if (EndsWithIgnoreCase(name, "_dynamic")) {
    name.remove_suffix(std::string_view("_dynamic").size());
    rank = 0;
  } else if (EndsWithIgnoreCase(name, "_string")) {
    name.remove_suffix(std::string_view("_string").size());
    rank = 2;
  }
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (EqualsIgnoreCase(name, kNames[i])) {
      return LogAnalyticsColumnMatch{static_cast<Column>(i), rank};
    }
  }
  return std::nullopt;
}

std::string_view LogAnalyticsColumnName(LogAnalyticsColumn column) {
  return kNames[static_cast<std::size_t>(column)];
}

}  // namespace idguard
