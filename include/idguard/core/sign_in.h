// SignIn: the one event type that flows through every stage of the pipeline.
//
// Field names follow the Microsoft Graph `signIn` resource (v1.0 plus the beta fields idguard
// uses). Ingest fills the Graph fields; enrichment fills `network` and `client` and completes
// `location` where the source left it empty; detection and scoring fill the risk fields. A SignIn
// is a plain value: copyable, movable, not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "idguard/core/risk_enums.h"
#include "idguard/core/time.h"

namespace idguard {

struct GeoCoordinates {
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<double> altitude;
  bool operator==(const GeoCoordinates&) const = default;
};

// Graph signInLocation.
struct SignInLocation {
  std::string city;
  std::string state;
  std::string countryOrRegion;  // ISO 3166-1 alpha-2
  GeoCoordinates geoCoordinates;
  bool HasCoordinates() const {
    return geoCoordinates.latitude.has_value() && geoCoordinates.longitude.has_value();
  }
  bool operator==(const SignInLocation&) const = default;
};

// Graph deviceDetail.
struct DeviceDetail {
  std::string deviceId;
  std::string displayName;
  std::string operatingSystem;
  std::string browser;
  std::optional<bool> isCompliant;
  std::optional<bool> isManaged;
  std::string trustType;
  bool operator==(const DeviceDetail&) const = default;
};

// Graph signInStatus. errorCode 0 is success.
struct SignInStatus {
  std::int32_t errorCode = 0;
  std::string failureReason;
  std::string additionalDetails;
  bool operator==(const SignInStatus&) const = default;
};

// Graph (beta) mfaDetail.
struct MfaDetail {
  std::string authMethod;
  std::string authDetail;
  bool operator==(const MfaDetail&) const = default;
};

// Graph appliedConditionalAccessPolicy.
struct AppliedConditionalAccessPolicy {
  std::string id;
  std::string displayName;
  std::vector<std::string> enforcedGrantControls;
  std::vector<std::string> enforcedSessionControls;
  std::string result;
  bool operator==(const AppliedConditionalAccessPolicy&) const = default;
};

// Which log a sign-in came from; Graph's signInEventTypes / the diagnostic category.
enum class SignInKind : std::uint8_t {
  interactiveUser,
  nonInteractiveUser,
  servicePrincipal,
  managedIdentity,
};
std::string_view ToString(SignInKind kind);

// What enrichment learned about the source address. Not part of Graph's signIn; written as the
// additive `idguardNetwork` object.
struct NetworkEnrichment {
  bool isInternal = false;  // private, loopback, link-local, CGNAT or otherwise reserved
  bool geolocated = false;  // GeoIP answered for this address
  std::uint32_t accuracyRadiusKm = 0;
  std::uint32_t autonomousSystemNumber = 0;
  std::string autonomousSystemOrganization;
  bool isHostingProvider = false;
  std::string namedLocationId;
  std::string namedLocationName;
  bool isTrustedLocation = false;
  bool operator==(const NetworkEnrichment&) const = default;
};

// Parsed user agent (uap-core families). Written as the additive `idguardClient` object.
struct ClientEnrichment {
  std::string browserFamily;
  std::string browserVersion;  // "major.minor"
  std::string osFamily;
  std::string osVersion;
  std::string deviceFamily;
  bool operator==(const ClientEnrichment&) const = default;
};

struct SignIn {
  // Graph v1.0 identity and context.
  std::string id;
  EventTime createdDateTime = 0;
  std::string userId;
  std::string userDisplayName;
  std::string userPrincipalName;
  std::string appId;
  std::string appDisplayName;
  std::string ipAddress;
  std::string clientAppUsed;
  std::string correlationId;
  std::string conditionalAccessStatus;
  bool isInteractive = true;
  DeviceDetail deviceDetail;
  SignInLocation location;
  SignInStatus status;
  std::string resourceDisplayName;
  std::string resourceId;
  std::string resourceTenantId;
  std::string homeTenantId;
  std::string servicePrincipalId;
  std::string servicePrincipalName;
  std::vector<AppliedConditionalAccessPolicy> appliedConditionalAccessPolicies;
  // Graph beta fields idguard uses.
  std::string userAgent;
  std::string sessionId;
  std::string uniqueTokenIdentifier;
  std::string authenticationRequirement;
  MfaDetail mfaDetail;
  std::string tokenIssuerType;
  SignInKind kind = SignInKind::interactiveUser;

  // Filled by idguard's risk stages.
  RiskLevel riskLevelDuringSignIn = RiskLevel::none;
  RiskLevel riskLevelAggregated = RiskLevel::none;
  RiskState riskState = RiskState::none;
  RiskDetail riskDetail = RiskDetail::none;
  std::vector<std::string> riskEventTypes_v2;

  // Filled by enrichment.
  NetworkEnrichment network;
  ClientEnrichment client;

  bool Succeeded() const { return status.errorCode == 0; }
  bool IsServicePrincipal() const {
    return kind == SignInKind::servicePrincipal || kind == SignInKind::managedIdentity;
  }
  // The key that identifies the subject: user id, or the service principal id.
  const std::string& SubjectId() const {
    return IsServicePrincipal() && userId.empty() ? servicePrincipalId : userId;
  }
  bool operator==(const SignIn&) const = default;
};

// Returns `sign_in` to the state of a default-constructed SignIn while its strings and vectors
// keep their storage, so that parsing the next record into it allocates little. Pipelines that
// process millions of sign-ins reuse a few thousand objects this way.
void ClearForReuse(SignIn& sign_in);

// True when the error code shows the first factor (password) was correct even though the
// sign-in did not complete: MFA required or interrupted, blocked by policy after the password,
// disabled account with the correct password. Detections need correct credentials.
bool CredentialsWereValid(std::int32_t error_code);

// True for a wrong password (50126, 50056) or an account locked after wrong passwords (50053):
// the failures guessing attacks leave.
bool IsPasswordFailure(std::int32_t error_code);

// True when the second factor was refused or never answered (500121): a denied or ignored push,
// a wrong code.
bool IsMfaDenial(std::int32_t error_code);

}  // namespace idguard
