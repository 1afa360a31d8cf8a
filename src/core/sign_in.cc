#include "idguard/core/sign_in.h"

namespace idguard {
namespace {

// Every member of a SignIn must be cleared below. The sizes catch a member added without it on
// the platform idguard is built and tested on (libstdc++, x86-64).
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(DeviceDetail) == 168, "a DeviceDetail member is missing from ClearForReuse");
static_assert(sizeof(SignInLocation) == 144, "a location member is missing from ClearForReuse");
static_assert(sizeof(SignInStatus) == 72, "a SignInStatus member is missing from ClearForReuse");
static_assert(sizeof(MfaDetail) == 64, "an MfaDetail member is missing from ClearForReuse");
static_assert(sizeof(NetworkEnrichment) == 128, "a network member is missing from ClearForReuse");
static_assert(sizeof(ClientEnrichment) == 160, "a client member is missing from ClearForReuse");
static_assert(sizeof(SignIn) == 1480, "a SignIn member is missing from ClearForReuse");
#endif

}  // namespace

void ClearForReuse(SignIn& sign_in) {
  for (std::string* text : {&sign_in.id,
                            &sign_in.userId,
                            &sign_in.userDisplayName,
                            &sign_in.userPrincipalName,
                            &sign_in.appId,
                            &sign_in.appDisplayName,
                            &sign_in.ipAddress,
                            &sign_in.clientAppUsed,
                            &sign_in.correlationId,
                            &sign_in.conditionalAccessStatus,
                            &sign_in.resourceDisplayName,
                            &sign_in.resourceId,
                            &sign_in.resourceTenantId,
                            &sign_in.homeTenantId,
                            &sign_in.servicePrincipalId,
                            &sign_in.servicePrincipalName,
                            &sign_in.userAgent,
                            &sign_in.sessionId,
                            &sign_in.uniqueTokenIdentifier,
                            &sign_in.authenticationRequirement,
                            &sign_in.tokenIssuerType,
                            &sign_in.deviceDetail.deviceId,
                            &sign_in.deviceDetail.displayName,
                            &sign_in.deviceDetail.operatingSystem,
                            &sign_in.deviceDetail.browser,
                            &sign_in.deviceDetail.trustType,
                            &sign_in.location.city,
                            &sign_in.location.state,
                            &sign_in.location.countryOrRegion,
                            &sign_in.status.failureReason,
                            &sign_in.status.additionalDetails,
                            &sign_in.mfaDetail.authMethod,
                            &sign_in.mfaDetail.authDetail,
                            &sign_in.network.autonomousSystemOrganization,
                            &sign_in.network.namedLocationId,
                            &sign_in.network.namedLocationName,
                            &sign_in.client.browserFamily,
                            &sign_in.client.browserVersion,
                            &sign_in.client.osFamily,
                            &sign_in.client.osVersion,
                            &sign_in.client.deviceFamily}) {
    text->clear();
  }
  sign_in.createdDateTime = 0;
  sign_in.isInteractive = true;
  sign_in.deviceDetail.isCompliant.reset();
  sign_in.deviceDetail.isManaged.reset();
  sign_in.location.geoCoordinates = GeoCoordinates{};
  sign_in.status.errorCode = 0;
  sign_in.appliedConditionalAccessPolicies.clear();
  sign_in.kind = SignInKind::interactiveUser;
  sign_in.riskLevelDuringSignIn = RiskLevel::none;
  sign_in.riskLevelAggregated = RiskLevel::none;
  sign_in.riskState = RiskState::none;
  sign_in.riskDetail = RiskDetail::none;
  sign_in.riskEventTypes_v2.clear();
  sign_in.network.isInternal = false;
  sign_in.network.geolocated = false;
  sign_in.network.accuracyRadiusKm = 0;
  sign_in.network.autonomousSystemNumber = 0;
  sign_in.network.isHostingProvider = false;
  sign_in.network.isTrustedLocation = false;
}

std::string_view ToString(SignInKind kind) {
  switch (kind) {
    case SignInKind::interactiveUser:
      return "interactiveUser";
    case SignInKind::nonInteractiveUser:
      return "nonInteractiveUser";
    case SignInKind::servicePrincipal:
      return "servicePrincipal";
    case SignInKind::managedIdentity:
      return "managedIdentity";
  }
  return "interactiveUser";
}

bool CredentialsWereValid(std::int32_t error_code) {
  switch (error_code) {
    case 0:       // success
    case 50072:   // must enrol for MFA
    case 50074:   // strong authentication required
    case 50076:   // MFA required by policy or location
    case 50079:   // must register for MFA
    case 50140:   // "keep me signed in" interrupt
    case 50158:   // external security challenge not satisfied
    case 53003:   // blocked by Conditional Access after primary authentication
    case 53004:   // proof-up blocked due to risk
    case 500121:  // MFA failed after a correct password
    case 50057:   // account disabled; password was checked
    case 50055:   // password expired; password was correct
      return true;
    default:
      return false;
  }
}

bool IsPasswordFailure(std::int32_t error_code) {
  return error_code == 50126 || error_code == 50053 || error_code == 50056;
}

bool IsMfaDenial(std::int32_t error_code) { return error_code == 500121; }

}  // namespace idguard
