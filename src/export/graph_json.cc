#include "idguard/export/graph_json.h"

#include "idguard/core/json_writer.h"
#include "idguard/core/risk_event_types.h"

namespace idguard {
namespace {

void WriteLocation(JsonWriter& w, const SignInLocation& location) {
  w.BeginObject();
  w.MemberOrNull("city", location.city);
  w.MemberOrNull("state", location.state);
  w.MemberOrNull("countryOrRegion", location.countryOrRegion);
  w.Key("geoCoordinates");
  w.BeginObject();
  w.MemberOrNull("altitude", location.geoCoordinates.altitude);
  w.MemberOrNull("latitude", location.geoCoordinates.latitude);
  w.MemberOrNull("longitude", location.geoCoordinates.longitude);
  w.EndObject();
  w.EndObject();
}

}  // namespace

void AppendSignInJson(std::string& out, const SignIn& s) {
  JsonWriter w(out);
  w.BeginObject();
  w.Member("id", s.id);
  w.MemberTimestamp("createdDateTime", s.createdDateTime);
  w.MemberOrNull("userDisplayName", s.userDisplayName);
  w.MemberOrNull("userPrincipalName", s.userPrincipalName);
  w.MemberOrNull("userId", s.userId);
  w.MemberOrNull("appId", s.appId);
  w.MemberOrNull("appDisplayName", s.appDisplayName);
  w.MemberOrNull("ipAddress", s.ipAddress);
  w.MemberOrNull("clientAppUsed", s.clientAppUsed);
  w.MemberOrNull("userAgent", s.userAgent);
  w.MemberOrNull("correlationId", s.correlationId);
  w.MemberOrNull("conditionalAccessStatus", s.conditionalAccessStatus);
  w.Member("isInteractive", s.isInteractive);
  w.MemberOrNull("sessionId", s.sessionId);
  w.MemberOrNull("uniqueTokenIdentifier", s.uniqueTokenIdentifier);
  w.MemberOrNull("authenticationRequirement", s.authenticationRequirement);
  w.MemberOrNull("tokenIssuerType", s.tokenIssuerType);
  w.Key("signInEventTypes");
  w.BeginArray();
  w.String(ToString(s.kind));
  w.EndArray();
  w.MemberOrNull("resourceDisplayName", s.resourceDisplayName);
  w.MemberOrNull("resourceId", s.resourceId);
  w.MemberOrNull("resourceTenantId", s.resourceTenantId);
  w.MemberOrNull("homeTenantId", s.homeTenantId);
  w.MemberOrNull("servicePrincipalId", s.servicePrincipalId);
  w.MemberOrNull("servicePrincipalName", s.servicePrincipalName);
  w.Member("riskDetail", ToString(s.riskDetail));
  w.Member("riskLevelAggregated", ToString(s.riskLevelAggregated));
  w.Member("riskLevelDuringSignIn", ToString(s.riskLevelDuringSignIn));
  w.Member("riskState", ToString(s.riskState));
  // The legacy riskEventTypes enum collection mirrors riskEventTypes_v2 for the members the
  // legacy enum has; newer types appear only in riskEventTypes_v2.
  w.Key("riskEventTypes");
  w.BeginArray();
  for (const auto& type : s.riskEventTypes_v2) {
    if (IsLegacyRiskEventType(type)) w.String(type);
  }
  w.EndArray();
  w.MemberStrings("riskEventTypes_v2", s.riskEventTypes_v2);
  w.Key("status");
  w.BeginObject();
  w.Member("errorCode", static_cast<std::int64_t>(s.status.errorCode));
  w.MemberOrNull("failureReason", s.status.failureReason);
  w.MemberOrNull("additionalDetails", s.status.additionalDetails);
  w.EndObject();
  w.Key("deviceDetail");
  w.BeginObject();
  w.MemberOrNull("deviceId", s.deviceDetail.deviceId);
  w.MemberOrNull("displayName", s.deviceDetail.displayName);
  w.MemberOrNull("operatingSystem", s.deviceDetail.operatingSystem);
  w.MemberOrNull("browser", s.deviceDetail.browser);
  w.MemberOrNull("isCompliant", s.deviceDetail.isCompliant);
  w.MemberOrNull("isManaged", s.deviceDetail.isManaged);
  w.MemberOrNull("trustType", s.deviceDetail.trustType);
  w.EndObject();
  w.Key("location");
  WriteLocation(w, s.location);
  w.Key("mfaDetail");
  w.BeginObject();
  w.MemberOrNull("authMethod", s.mfaDetail.authMethod);
  w.MemberOrNull("authDetail", s.mfaDetail.authDetail);
  w.EndObject();
  AppendAppliedPoliciesMember(w, s.appliedConditionalAccessPolicies);
  if (s.network.autonomousSystemNumber != 0) {
    w.Member("autonomousSystemNumber", static_cast<std::int64_t>(s.network.autonomousSystemNumber));
  } else {
    w.Key("autonomousSystemNumber");
    w.Null();
  }
  w.Key("idguardNetwork");
  w.BeginObject();
  w.Member("isInternal", s.network.isInternal);
  w.Member("isHostingProvider", s.network.isHostingProvider);
  w.MemberOrNull("autonomousSystemOrganization", s.network.autonomousSystemOrganization);
  w.Member("accuracyRadiusKm", static_cast<std::int64_t>(s.network.accuracyRadiusKm));
  w.MemberOrNull("namedLocationId", s.network.namedLocationId);
  w.MemberOrNull("namedLocationName", s.network.namedLocationName);
  w.Member("isTrustedLocation", s.network.isTrustedLocation);
  w.EndObject();
  w.Key("idguardClient");
  w.BeginObject();
  w.MemberOrNull("browserFamily", s.client.browserFamily);
  w.MemberOrNull("browserVersion", s.client.browserVersion);
  w.MemberOrNull("osFamily", s.client.osFamily);
  w.MemberOrNull("osVersion", s.client.osVersion);
  w.MemberOrNull("deviceFamily", s.client.deviceFamily);
  w.EndObject();
  w.EndObject();
}

void AppendAppliedPoliciesMember(JsonWriter& w,
                                 const std::vector<AppliedConditionalAccessPolicy>& policies) {
  w.Key("appliedConditionalAccessPolicies");
  w.BeginArray();
  for (const auto& policy : policies) {
    w.BeginObject();
    w.Member("id", policy.id);
    w.MemberOrNull("displayName", policy.displayName);
    w.MemberStrings("enforcedGrantControls", policy.enforcedGrantControls);
    w.MemberStrings("enforcedSessionControls", policy.enforcedSessionControls);
    w.MemberOrNull("result", policy.result);
    w.EndObject();
  }
  w.EndArray();
}

std::string AdditionalInfoJson(const std::vector<InfoItem>& items) {
  std::string json;
  JsonWriter w(json);
  w.BeginArray();
  for (const auto& item : items) {
    w.BeginObject();
    w.Member("Key", item.key);
    w.Member("Value", item.value);
    w.EndObject();
  }
  w.EndArray();
  return json;
}

namespace {

// The members riskDetection and servicePrincipalRiskDetection share, in Graph's order.
void WriteDetectionMembers(JsonWriter& w, const RiskDetection& d) {
  w.Member("id", d.id);
  w.MemberOrNull("requestId", d.requestId);
  w.MemberOrNull("correlationId", d.correlationId);
  w.Member("riskEventType", d.riskEventType);
  w.Member("riskState", ToString(d.riskState));
  w.Member("riskLevel", ToString(d.riskLevel));
  w.Member("riskDetail", ToString(d.riskDetail));
  w.Member("source", d.source);
  w.Member("detectionTimingType", ToString(d.detectionTimingType));
  w.Member("activity", ToString(d.activity));
  w.Member("tokenIssuerType", d.tokenIssuerType);
  w.MemberOrNull("ipAddress", d.ipAddress);
  w.Key("location");
  WriteLocation(w, d.location);
  w.MemberTimestamp("activityDateTime", d.activityDateTime);
  w.MemberTimestamp("detectedDateTime", d.detectedDateTime);
  w.MemberTimestamp("lastUpdatedDateTime", d.lastUpdatedDateTime);
}

}  // namespace

void AppendRiskDetectionJson(std::string& out, const RiskDetection& d) {
  if (d.activity == ActivityType::servicePrincipal) {
    AppendServicePrincipalRiskDetectionJson(out, d);
    return;
  }
  JsonWriter w(out);
  w.BeginObject();
  WriteDetectionMembers(w, d);
  w.Member("userId", d.userId);
  w.MemberOrNull("userDisplayName", d.userDisplayName);
  w.MemberOrNull("userPrincipalName", d.userPrincipalName);
  w.Member("additionalInfo", AdditionalInfoJson(d.additionalInfo));
  w.EndObject();
}

void AppendServicePrincipalRiskDetectionJson(std::string& out, const RiskDetection& d) {
  JsonWriter w(out);
  w.BeginObject();
  WriteDetectionMembers(w, d);
  w.Member("servicePrincipalId", d.userId);
  w.MemberOrNull("servicePrincipalDisplayName", d.userDisplayName);
  w.MemberOrNull("appId", d.userPrincipalName);
  w.Key("keyIds");
  w.BeginArray();
  w.EndArray();
  w.Member("additionalInfo", AdditionalInfoJson(d.additionalInfo));
  w.EndObject();
}

namespace {

// The riskyServicePrincipal members after its id, shared by the record and its history items.
void WriteRiskyServicePrincipalMembers(JsonWriter& w, const RiskyUser& sp) {
  w.MemberOrNull("appId", sp.userPrincipalName);
  w.MemberOrNull("displayName", sp.userDisplayName);
  w.Member("isEnabled", !sp.isDeleted);
  w.Member("isProcessing", sp.isProcessing);
  w.Member("riskDetail", ToString(sp.riskDetail));
  w.MemberTimestamp("riskLastUpdatedDateTime", sp.riskLastUpdatedDateTime);
  w.Member("riskLevel", ToString(sp.riskLevel));
  w.Member("riskState", ToString(sp.riskState));
  w.Member("servicePrincipalType", "Application");
}

// What a history item adds after the record: who changed it and why.
void WriteHistoryActivity(JsonWriter& w, const RiskyUserHistoryItem& item) {
  w.MemberOrNull("initiatedBy", item.initiatedBy);
  w.Key("activity");
  w.BeginObject();
  w.Member("detail", ToString(item.activityDetail));
  w.MemberStrings("riskEventTypes", item.activityRiskEventTypes);
  w.EndObject();
}

}  // namespace

void AppendRiskyServicePrincipalJson(std::string& out, const RiskyUser& sp) {
  JsonWriter w(out);
  w.BeginObject();
  w.Member("id", sp.id);
  WriteRiskyServicePrincipalMembers(w, sp);
  w.EndObject();
}

void AppendRiskyServicePrincipalHistoryItemJson(std::string& out,
                                                const RiskyUserHistoryItem& item) {
  JsonWriter w(out);
  w.BeginObject();
  w.Member("id", item.id);
  WriteRiskyServicePrincipalMembers(w, item.user);
  w.Member("servicePrincipalId", item.user.id);
  WriteHistoryActivity(w, item);
  w.EndObject();
}

namespace {

void WriteRiskyUserMembers(JsonWriter& w, const RiskyUser& u) {
  w.Member("isDeleted", u.isDeleted);
  w.Member("isProcessing", u.isProcessing);
  w.MemberTimestamp("riskLastUpdatedDateTime", u.riskLastUpdatedDateTime);
  w.Member("riskLevel", ToString(u.riskLevel));
  w.Member("riskState", ToString(u.riskState));
  w.Member("riskDetail", ToString(u.riskDetail));
  w.MemberOrNull("userDisplayName", u.userDisplayName);
  w.MemberOrNull("userPrincipalName", u.userPrincipalName);
}

}  // namespace

void AppendRiskyUserJson(std::string& out, const RiskyUser& u) {
  JsonWriter w(out);
  w.BeginObject();
  w.Member("id", u.id);
  WriteRiskyUserMembers(w, u);
  w.EndObject();
}

void AppendRiskyUserHistoryItemJson(std::string& out, const RiskyUserHistoryItem& item) {
  JsonWriter w(out);
  w.BeginObject();
  w.Member("id", item.id);
  WriteRiskyUserMembers(w, item.user);
  w.Member("userId", item.user.id);
  WriteHistoryActivity(w, item);
  w.EndObject();
}

}  // namespace idguard
