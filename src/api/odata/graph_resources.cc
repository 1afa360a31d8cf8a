#include "idguard/api/graph_resources.h"

#include <array>

#include "idguard/core/risk_enums.h"

namespace idguard::odata {
namespace {

constexpr std::string_view kRiskLevelType = "microsoft.graph.riskLevel";
constexpr std::string_view kRiskStateType = "microsoft.graph.riskState";
constexpr std::string_view kRiskDetailType = "microsoft.graph.riskDetail";

constexpr std::uint8_t kText = kEquality | kStartsWith;
constexpr std::uint8_t kTime = kEquality | kOrdering;

FieldSpec Text(std::string_view name, std::string_view column, std::uint8_t ops = kText) {
  return {name, FieldType::string, ops, column, {}, {}};
}
FieldSpec Enum(std::string_view name, std::string_view column, std::string_view type,
               std::span<const std::string_view> members) {
  return {name, FieldType::enumeration, kEquality, column, type, members};
}
FieldSpec Time(std::string_view name, std::string_view column) {
  return {name, FieldType::dateTime, kTime, column, {}, {}};
}

}  // namespace

const ResourceSpec& RiskyUserResource() {
  static const std::array fields{
      Text("id", "id", kEquality),
      Text("userPrincipalName", "user_principal_name"),
      Text("userDisplayName", "user_display_name"),
      Enum("riskLevel", "risk_level", kRiskLevelType, RiskLevelMembers()),
      Enum("riskState", "risk_state", kRiskStateType, RiskStateMembers()),
      Enum("riskDetail", "risk_detail", kRiskDetailType, RiskDetailMembers()),
      Time("riskLastUpdatedDateTime", "last_updated_us"),
  };
  static const ResourceSpec resource{"riskyUser", fields};
  return resource;
}

const ResourceSpec& RiskDetectionResource() {
  static const std::array fields{
      Text("id", "id", kEquality),
      Text("riskEventType", "risk_event_type"),
      Enum("riskLevel", "risk_level", kRiskLevelType, RiskLevelMembers()),
      Enum("riskState", "risk_state", kRiskStateType, RiskStateMembers()),
      Enum("riskDetail", "risk_detail", kRiskDetailType, RiskDetailMembers()),
      Enum("detectionTimingType", "timing", "microsoft.graph.riskDetectionTimingType",
           DetectionTimingTypeMembers()),
      Enum("activity", "json_extract(json, '$.activity')", "microsoft.graph.activityType",
           ActivityTypeMembers()),
      Text("userId", "user_id", kEquality),
      Text("userPrincipalName", "json_extract(json, '$.userPrincipalName')"),
      Text("userDisplayName", "json_extract(json, '$.userDisplayName')"),
      Text("requestId", "request_id", kEquality),
      Text("ipAddress", "ip_address"),
      Text("source", "json_extract(json, '$.source')", kEquality),
      Time("detectedDateTime", "detected_us"),
      Time("activityDateTime", "activity_us"),
      Time("lastUpdatedDateTime", "last_updated_us"),
  };
  static const ResourceSpec resource{"riskDetection", fields};
  return resource;
}

const ResourceSpec& SignInResource() {
  static const std::array fields{
      Text("id", "id", kEquality),
      Time("createdDateTime", "created_us"),
      Text("userId", "user_id", kEquality),
      Text("userPrincipalName", "user_principal_name"),
      Text("appId", "app_id", kEquality),
      Text("appDisplayName", "app_display_name"),
      Text("ipAddress", "ip_address"),
      Text("location/countryOrRegion", "country"),
      Enum("riskLevelDuringSignIn", "risk_level_during", kRiskLevelType, RiskLevelMembers()),
      Enum("riskLevelAggregated", "risk_level_aggregated", kRiskLevelType, RiskLevelMembers()),
      Enum("riskState", "risk_state", kRiskStateType, RiskStateMembers()),
      Enum("riskDetail", "risk_detail", kRiskDetailType, RiskDetailMembers()),
      FieldSpec{"isInteractive", FieldType::boolean, kEquality, "is_interactive", {}, {}},
      FieldSpec{"status/errorCode", FieldType::integer, kEquality, "error_code", {}, {}},
      FieldSpec{"riskEventTypes_v2", FieldType::stringList, kAny, "risk_event_types", {}, {}},
  };
  static const ResourceSpec resource{"signIn", fields};
  return resource;
}

const ResourceSpec& RiskyUserHistoryResource() {
  static const std::array fields{
      Text("id", "id", kEquality),
      Text("userId", "user_id", kEquality),
      Time("riskLastUpdatedDateTime", "time_us"),
      Text("initiatedBy", "json_extract(json, '$.initiatedBy')", kEquality),
      Enum("riskLevel", "json_extract(json, '$.riskLevel')", kRiskLevelType, RiskLevelMembers()),
      Enum("riskState", "json_extract(json, '$.riskState')", kRiskStateType, RiskStateMembers()),
      Enum("riskDetail", "json_extract(json, '$.riskDetail')", kRiskDetailType,
           RiskDetailMembers()),
  };
  static const ResourceSpec resource{"riskyUserHistoryItem", fields};
  return resource;
}

const ResourceSpec& DirectoryAuditResource() {
  static const std::array fields{
      Text("id", "id", kEquality),
      Time("activityDateTime", "time_us"),
      Text("category", "category", kEquality),
      Text("activityDisplayName", "activity"),
      Text("result", "result", kEquality),
      Text("correlationId", "request_id", kEquality),
      Text("initiatedBy/app/displayName", "actor"),
      FieldSpec{"targetResources/id", FieldType::stringList, kAny, "targets", {}, {}},
  };
  static const ResourceSpec resource{"directoryAudit", fields};
  return resource;
}

const ResourceSpec& RiskyServicePrincipalResource() {
  static const std::array fields{
      Text("id", "id", kEquality),
      Text("appId", "user_principal_name", kEquality),
      Text("displayName", "user_display_name"),
      Enum("riskLevel", "risk_level", kRiskLevelType, RiskLevelMembers()),
      Enum("riskState", "risk_state", kRiskStateType, RiskStateMembers()),
      Enum("riskDetail", "risk_detail", kRiskDetailType, RiskDetailMembers()),
      Time("riskLastUpdatedDateTime", "last_updated_us"),
  };
  static const ResourceSpec resource{"riskyServicePrincipal", fields};
  return resource;
}

const ResourceSpec& ServicePrincipalHistoryResource() {
  static const std::array fields{
      Text("id", "id", kEquality),
      Text("servicePrincipalId", "user_id", kEquality),
      Time("riskLastUpdatedDateTime", "time_us"),
      Text("initiatedBy", "json_extract(json, '$.initiatedBy')", kEquality),
      Enum("riskLevel", "json_extract(json, '$.riskLevel')", kRiskLevelType, RiskLevelMembers()),
      Enum("riskState", "json_extract(json, '$.riskState')", kRiskStateType, RiskStateMembers()),
  };
  static const ResourceSpec resource{"riskyServicePrincipalHistoryItem", fields};
  return resource;
}

const ResourceSpec& ServicePrincipalRiskDetectionResource() {
  static const std::array fields{
      Text("id", "id", kEquality),
      Text("requestId", "request_id", kEquality),
      Text("servicePrincipalId", "user_id", kEquality),
      Text("appId", "json_extract(json, '$.appId')", kEquality),
      Text("riskEventType", "risk_event_type"),
      Enum("riskLevel", "risk_level", kRiskLevelType, RiskLevelMembers()),
      Enum("riskState", "risk_state", kRiskStateType, RiskStateMembers()),
      Enum("riskDetail", "risk_detail", kRiskDetailType, RiskDetailMembers()),
      Enum("detectionTimingType", "timing", "microsoft.graph.riskDetectionTimingType",
           DetectionTimingTypeMembers()),
      Text("ipAddress", "ip_address"),
      Time("detectedDateTime", "detected_us"),
      Time("activityDateTime", "activity_us"),
      Time("lastUpdatedDateTime", "last_updated_us"),
  };
  static const ResourceSpec resource{"servicePrincipalRiskDetection", fields};
  return resource;
}

}  // namespace idguard::odata
