#include "idguard/store/sign_in_document.h"

#include <array>
#include <cstdint>
#include <optional>

#include "idguard/core/binary_codec.h"

namespace idguard {
namespace {

// Format 1. A new layout gets a new number; the decoder keeps reading the old ones.
constexpr char kFormatVersion = 1;

constexpr std::array<SignInKind, 4> kKinds = {
    SignInKind::interactiveUser, SignInKind::nonInteractiveUser, SignInKind::servicePrincipal,
    SignInKind::managedIdentity};

// Optional booleans travel as 0 (null), 1 (false) or 2 (true).
void PutOptionalBool(ByteWriter& w, std::optional<bool> value) {
  w.U64(value.has_value() ? (*value ? 2 : 1) : 0);
}

std::optional<bool> GetOptionalBool(ByteReader& r, bool& valid) {
  const std::uint64_t code = r.U64();
  if (code > 2) valid = false;
  if (code == 0) return std::nullopt;
  return code == 2;
}

void PutStrings(ByteWriter& w, const std::vector<std::string>& values) {
  w.U64(values.size());
  for (const auto& value : values) w.Str(value);
}

// Bounded by the bytes left, so a corrupt count cannot make the decoder allocate without limit.
std::vector<std::string> GetStrings(ByteReader& r, std::size_t bytes_left, bool& valid) {
  const std::uint64_t count = r.U64();
  std::vector<std::string> values;
  if (count > bytes_left) {
    valid = false;
    return values;
  }
  values.reserve(count);
  for (std::uint64_t i = 0; i < count && r.ok(); ++i) values.push_back(r.Str());
  return values;
}

// Coordinates: a presence mask (latitude 1, longitude 2, altitude 4), then the present values.
void PutCoordinates(ByteWriter& w, const GeoCoordinates& c) {
  const unsigned mask = (c.latitude ? 1u : 0u) | (c.longitude ? 2u : 0u) | (c.altitude ? 4u : 0u);
  w.U64(mask);
  if (c.latitude) w.F64(*c.latitude);
  if (c.longitude) w.F64(*c.longitude);
  if (c.altitude) w.F64(*c.altitude);
}

GeoCoordinates GetCoordinates(ByteReader& r, bool& valid) {
  const std::uint64_t mask = r.U64();
  GeoCoordinates c;
  if (mask > 7) valid = false;
  if ((mask & 1u) != 0) c.latitude = r.F64();
  if ((mask & 2u) != 0) c.longitude = r.F64();
  if ((mask & 4u) != 0) c.altitude = r.F64();
  return c;
}

template <typename Enum>
void PutEnum(ByteWriter& w, Enum value) {
  w.Str(ToString(value));
}

// Reads an enum stored by its Graph spelling, so the layout survives enumerator renumbering.
template <typename Enum, typename Parse>
Enum GetEnum(ByteReader& r, Parse parse, bool& valid) {
  const auto parsed = parse(r.Str());
  if (!parsed) {
    valid = false;
    return Enum{};
  }
  return *parsed;
}

}  // namespace

void EncodeSignInDocument(const SignIn& s, std::string& out) {
  out.push_back(kFormatVersion);
  ByteWriter w(out);
  w.Str(s.id);
  w.I64(s.createdDateTime);
  w.Str(s.userId);
  w.Str(s.userDisplayName);
  w.Str(s.userPrincipalName);
  w.Str(s.appId);
  w.Str(s.appDisplayName);
  w.Str(s.ipAddress);
  w.Str(s.clientAppUsed);
  w.Str(s.correlationId);
  w.Str(s.conditionalAccessStatus);
  w.U64(s.isInteractive ? 1 : 0);
  w.Str(s.deviceDetail.deviceId);
  w.Str(s.deviceDetail.displayName);
  w.Str(s.deviceDetail.operatingSystem);
  w.Str(s.deviceDetail.browser);
  PutOptionalBool(w, s.deviceDetail.isCompliant);
  PutOptionalBool(w, s.deviceDetail.isManaged);
  w.Str(s.deviceDetail.trustType);
  w.Str(s.location.city);
  w.Str(s.location.state);
  w.Str(s.location.countryOrRegion);
  PutCoordinates(w, s.location.geoCoordinates);
  w.I64(s.status.errorCode);
  w.Str(s.status.failureReason);
  w.Str(s.status.additionalDetails);
  w.Str(s.resourceDisplayName);
  w.Str(s.resourceId);
  w.Str(s.resourceTenantId);
  w.Str(s.homeTenantId);
  w.Str(s.servicePrincipalId);
  w.Str(s.servicePrincipalName);
  w.U64(s.appliedConditionalAccessPolicies.size());
  for (const auto& policy : s.appliedConditionalAccessPolicies) {
    w.Str(policy.id);
    w.Str(policy.displayName);
    PutStrings(w, policy.enforcedGrantControls);
    PutStrings(w, policy.enforcedSessionControls);
    w.Str(policy.result);
  }
  w.Str(s.userAgent);
  w.Str(s.sessionId);
  w.Str(s.uniqueTokenIdentifier);
  w.Str(s.authenticationRequirement);
  w.Str(s.mfaDetail.authMethod);
  w.Str(s.mfaDetail.authDetail);
  w.Str(s.tokenIssuerType);
  w.U64(static_cast<std::uint64_t>(s.kind));
  PutEnum(w, s.riskLevelDuringSignIn);
  PutEnum(w, s.riskLevelAggregated);
  PutEnum(w, s.riskState);
  PutEnum(w, s.riskDetail);
  PutStrings(w, s.riskEventTypes_v2);
  const NetworkEnrichment& n = s.network;
  w.U64((n.isInternal ? 1u : 0u) | (n.geolocated ? 2u : 0u) | (n.isHostingProvider ? 4u : 0u) |
        (n.isTrustedLocation ? 8u : 0u));
  w.U64(n.accuracyRadiusKm);
  w.U64(n.autonomousSystemNumber);
  w.Str(n.autonomousSystemOrganization);
  w.Str(n.namedLocationId);
  w.Str(n.namedLocationName);
  w.Str(s.client.browserFamily);
  w.Str(s.client.browserVersion);
  w.Str(s.client.osFamily);
  w.Str(s.client.osVersion);
  w.Str(s.client.deviceFamily);
}

Result<SignIn> DecodeSignInDocument(std::string_view document) {
  if (document.empty()) return Status::InvalidInput("sign-in document: empty");
  if (document.front() != kFormatVersion) {
    return Status::InvalidInput("sign-in document: unknown format " +
                                std::to_string(static_cast<unsigned char>(document.front())));
  }
  ByteReader r(document.substr(1));
  bool valid = true;
  SignIn s;
  s.id = r.Str();
  s.createdDateTime = r.I64();
  s.userId = r.Str();
  s.userDisplayName = r.Str();
  s.userPrincipalName = r.Str();
  s.appId = r.Str();
  s.appDisplayName = r.Str();
  s.ipAddress = r.Str();
  s.clientAppUsed = r.Str();
  s.correlationId = r.Str();
  s.conditionalAccessStatus = r.Str();
  s.isInteractive = r.U64() != 0;
  s.deviceDetail.deviceId = r.Str();
  s.deviceDetail.displayName = r.Str();
  s.deviceDetail.operatingSystem = r.Str();
  s.deviceDetail.browser = r.Str();
  s.deviceDetail.isCompliant = GetOptionalBool(r, valid);
  s.deviceDetail.isManaged = GetOptionalBool(r, valid);
  s.deviceDetail.trustType = r.Str();
  s.location.city = r.Str();
  s.location.state = r.Str();
  s.location.countryOrRegion = r.Str();
  s.location.geoCoordinates = GetCoordinates(r, valid);
  s.status.errorCode = static_cast<std::int32_t>(r.I64());
  s.status.failureReason = r.Str();
  s.status.additionalDetails = r.Str();
  s.resourceDisplayName = r.Str();
  s.resourceId = r.Str();
  s.resourceTenantId = r.Str();
  s.homeTenantId = r.Str();
  s.servicePrincipalId = r.Str();
  s.servicePrincipalName = r.Str();
  const std::uint64_t policies = r.U64();
  if (!r.ok() || policies > document.size()) {
    return Status::InvalidInput("sign-in document '" + s.id + "': corrupt policy list");
  }
  s.appliedConditionalAccessPolicies.resize(policies);
  for (auto& policy : s.appliedConditionalAccessPolicies) {
    policy.id = r.Str();
    policy.displayName = r.Str();
    policy.enforcedGrantControls = GetStrings(r, document.size(), valid);
    policy.enforcedSessionControls = GetStrings(r, document.size(), valid);
    policy.result = r.Str();
  }
  s.userAgent = r.Str();
  s.sessionId = r.Str();
  s.uniqueTokenIdentifier = r.Str();
  s.authenticationRequirement = r.Str();
  s.mfaDetail.authMethod = r.Str();
  s.mfaDetail.authDetail = r.Str();
  s.tokenIssuerType = r.Str();
  const std::uint64_t kind = r.U64();
  if (kind < kKinds.size()) {
    s.kind = kKinds[kind];
  } else {
    valid = false;
  }
  s.riskLevelDuringSignIn = GetEnum<RiskLevel>(r, ParseRiskLevel, valid);
  s.riskLevelAggregated = GetEnum<RiskLevel>(r, ParseRiskLevel, valid);
  s.riskState = GetEnum<RiskState>(r, ParseRiskState, valid);
  s.riskDetail = GetEnum<RiskDetail>(r, ParseRiskDetail, valid);
  s.riskEventTypes_v2 = GetStrings(r, document.size(), valid);
  NetworkEnrichment& n = s.network;
  const std::uint64_t flags = r.U64();
  if (flags > 15) valid = false;
  n.isInternal = (flags & 1u) != 0;
  n.geolocated = (flags & 2u) != 0;
  n.isHostingProvider = (flags & 4u) != 0;
  n.isTrustedLocation = (flags & 8u) != 0;
  n.accuracyRadiusKm = static_cast<std::uint32_t>(r.U64());
  n.autonomousSystemNumber = static_cast<std::uint32_t>(r.U64());
  n.autonomousSystemOrganization = r.Str();
  n.namedLocationId = r.Str();
  n.namedLocationName = r.Str();
  s.client.browserFamily = r.Str();
  s.client.browserVersion = r.Str();
  s.client.osFamily = r.Str();
  s.client.osVersion = r.Str();
  s.client.deviceFamily = r.Str();
  if (!r.ok()) return Status::InvalidInput("sign-in document '" + s.id + "': truncated");
  if (!valid) return Status::InvalidInput("sign-in document '" + s.id + "': corrupt value");
  if (!r.AtEnd()) return Status::InvalidInput("sign-in document '" + s.id + "': trailing bytes");
  return s;
}

}  // namespace idguard
