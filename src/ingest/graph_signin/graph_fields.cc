#include "ingest/graph_signin/graph_fields.h"

#include <charconv>
#include <cstdint>
#include <string_view>

namespace idguard::graph_fields {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

bool IsNull(value& v) {
  json_type type;
  return v.type().get(type) == simdjson::SUCCESS && type == json_type::null;
}

Status ReadBool(value v, std::string_view field, bool& out) {
  if (IsNull(v)) return Status::Ok();
  if (v.get_bool().get(out) == simdjson::SUCCESS) return Status::Ok();
  // Some exports write booleans as strings.
  std::string_view text;
  if (v.get_string().get(text) == simdjson::SUCCESS) {
    if (text == "true" || text == "True") {
      out = true;
      return Status::Ok();
    }
    if (text == "false" || text == "False") {
      out = false;
      return Status::Ok();
    }
  }
  return FieldError(field, "expected true or false");
}

Status ReadOptionalBool(value v, std::string_view field, std::optional<bool>& out) {
  if (IsNull(v)) return Status::Ok();
  bool flag = false;
  if (Status s = ReadBool(v, field, flag); !s.ok()) return s;
  out = flag;
  return Status::Ok();
}

Status ReadDouble(value v, std::string_view field, std::optional<double>& out) {
  if (IsNull(v)) return Status::Ok();
  double number;
  if (v.get_double().get(number) == simdjson::SUCCESS) {
    out = number;
    return Status::Ok();
  }
  return FieldError(field, "expected a number");
}

Status ReadInt32(value v, std::string_view field, std::int32_t& out) {
  if (IsNull(v)) return Status::Ok();
  std::int64_t number;
  if (v.get_int64().get(number) == simdjson::SUCCESS) {
    if (number < INT32_MIN || number > INT32_MAX) return FieldError(field, "is out of range");
    out = static_cast<std::int32_t>(number);
    return Status::Ok();
  }
  std::string_view text;  // diagnostic records carry resultType as a string
  if (v.get_string().get(text) == simdjson::SUCCESS) {
    std::int32_t parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
      out = parsed;
      return Status::Ok();
    }
  }
  return FieldError(field, "expected an integer");
}

Status ReadStrings(value v, std::string_view field, std::vector<std::string>& out) {
  if (IsNull(v)) return Status::Ok();
  simdjson::ondemand::array array;
  if (v.get_array().get(array) != simdjson::SUCCESS) return FieldError(field, "expected an array");
  for (auto element : array) {
    value item;
    if (element.get(item) != simdjson::SUCCESS) return FieldError(field, "malformed array");
    std::string text;
    if (Status s = ReadString(item, field, text); !s.ok()) return s;
    out.push_back(std::move(text));
  }
  return Status::Ok();
}

template <typename Visit>
Status ForEachField(value v, std::string_view field, Visit&& visit) {
  if (IsNull(v)) return Status::Ok();
  object nested;
  if (v.get_object().get(nested) != simdjson::SUCCESS) {
    return FieldError(field, "expected an object");
  }
  for (auto member : nested) {
    std::string_view key;
    if (member.unescaped_key().get(key) != simdjson::SUCCESS) {
      return FieldError(field, "malformed member name");
    }
    value member_value;
    if (member.value().get(member_value) != simdjson::SUCCESS) {
      return FieldError(field, "malformed member value");
    }
    if (Status s = visit(key, member_value); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ReadDevice(value v, DeviceDetail& device) {
  return ForEachField(v, "deviceDetail", [&](std::string_view key, value member) -> Status {
    if (key == "deviceId") return ReadString(member, "deviceDetail.deviceId", device.deviceId);
    if (key == "displayName") {
      return ReadString(member, "deviceDetail.displayName", device.displayName);
    }
    if (key == "operatingSystem") {
      return ReadString(member, "deviceDetail.operatingSystem", device.operatingSystem);
    }
    if (key == "browser") return ReadString(member, "deviceDetail.browser", device.browser);
    if (key == "isCompliant") {
      return ReadOptionalBool(member, "deviceDetail.isCompliant", device.isCompliant);
    }
    if (key == "isManaged") {
      return ReadOptionalBool(member, "deviceDetail.isManaged", device.isManaged);
    }
    if (key == "trustType") return ReadString(member, "deviceDetail.trustType", device.trustType);
    return Status::Ok();
  });
}

Status ReadStatus(value v, SignInStatus& status) {
  return ForEachField(v, "status", [&](std::string_view key, value member) -> Status {
    if (key == "errorCode") return ReadInt32(member, "status.errorCode", status.errorCode);
    if (key == "failureReason") {
      return ReadString(member, "status.failureReason", status.failureReason);
    }
    if (key == "additionalDetails") {
      return ReadString(member, "status.additionalDetails", status.additionalDetails);
    }
    return Status::Ok();
  });
}

Status ReadMfa(value v, MfaDetail& mfa) {
  return ForEachField(v, "mfaDetail", [&](std::string_view key, value member) -> Status {
    if (key == "authMethod") return ReadString(member, "mfaDetail.authMethod", mfa.authMethod);
    if (key == "authDetail") return ReadString(member, "mfaDetail.authDetail", mfa.authDetail);
    return Status::Ok();
  });
}

Status ReadPolicies(value v, std::vector<AppliedConditionalAccessPolicy>& policies) {
  if (IsNull(v)) return Status::Ok();
  simdjson::ondemand::array array;
  if (v.get_array().get(array) != simdjson::SUCCESS) {
    return FieldError("appliedConditionalAccessPolicies", "expected an array");
  }
  for (auto element : array) {
    value item;
    if (element.get(item) != simdjson::SUCCESS) {
      return FieldError("appliedConditionalAccessPolicies", "malformed array");
    }
    AppliedConditionalAccessPolicy policy;
    Status s = ForEachField(
        item, "appliedConditionalAccessPolicies[]",
        [&](std::string_view key, value member) -> Status {
          if (key == "id")
            return ReadString(member, "appliedConditionalAccessPolicies.id", policy.id);
          if (key == "displayName") {
            return ReadString(member, "appliedConditionalAccessPolicies.displayName",
                              policy.displayName);
          }
          if (key == "enforcedGrantControls") {
            return ReadStrings(member, "appliedConditionalAccessPolicies.enforcedGrantControls",
                               policy.enforcedGrantControls);
          }
          if (key == "enforcedSessionControls") {
            return ReadStrings(member, "appliedConditionalAccessPolicies.enforcedSessionControls",
                               policy.enforcedSessionControls);
          }
          if (key == "result") {
            return ReadString(member, "appliedConditionalAccessPolicies.result", policy.result);
          }
          return Status::Ok();
        });
    if (!s.ok()) return s;
    policies.push_back(std::move(policy));
  }
  return Status::Ok();
}

Status ReadEventTypes(value v, SignIn& sign_in) {
  std::vector<std::string> types;
  if (Status s = ReadStrings(v, "signInEventTypes", types); !s.ok()) return s;
  for (const auto& type : types) {
    if (type == "nonInteractiveUser") {
      sign_in.kind = SignInKind::nonInteractiveUser;
      sign_in.isInteractive = false;
    } else if (type == "servicePrincipal") {
      sign_in.kind = SignInKind::servicePrincipal;
      sign_in.isInteractive = false;
    } else if (type == "managedIdentity") {
      sign_in.kind = SignInKind::managedIdentity;
      sign_in.isInteractive = false;
    }
  }
  return Status::Ok();
}

enum class Field {
  kId,
  kCreatedDateTime,
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
  kDeviceDetail,
  kLocation,
  kStatus,
  kResourceDisplayName,
  kResourceId,
  kResourceTenantId,
  kHomeTenantId,
  kServicePrincipalId,
  kServicePrincipalName,
  kAppliedPolicies,
  kUserAgent,
  kSessionId,
  kUniqueTokenIdentifier,
  kAuthenticationRequirement,
  kMfaDetail,
  kTokenIssuerType,
  kSignInEventTypes,
  kAutonomousSystemNumber,
};

// Maps a member name to its field. A switch on the length first keeps this to one or two string
// compares per member; it runs for every member of every sign-in.
std::optional<Field> FindField(std::string_view key) {
  switch (key.size()) {
    case 2:
      if (key == "id") return Field::kId;
      break;
    case 5:
      if (key == "appId") return Field::kAppId;
      break;
    case 6:
      if (key == "userId") return Field::kUserId;
      if (key == "status") return Field::kStatus;
      break;
    case 8:
      if (key == "location") return Field::kLocation;
      break;
    case 9:
      if (key == "ipAddress") return Field::kIpAddress;
      if (key == "userAgent") return Field::kUserAgent;
      if (key == "sessionId") return Field::kSessionId;
      if (key == "mfaDetail") return Field::kMfaDetail;
      break;
    case 10:
      if (key == "resourceId") return Field::kResourceId;
      break;
    case 12:
      if (key == "deviceDetail") return Field::kDeviceDetail;
      if (key == "homeTenantId") return Field::kHomeTenantId;
      break;
    case 13:
      if (key == "correlationId") return Field::kCorrelationId;
      if (key == "isInteractive") return Field::kIsInteractive;
      if (key == "clientAppUsed") return Field::kClientAppUsed;
      break;
    case 14:
      if (key == "appDisplayName") return Field::kAppDisplayName;
      break;
    case 15:
      if (key == "createdDateTime") return Field::kCreatedDateTime;
      if (key == "userDisplayName") return Field::kUserDisplayName;
      if (key == "tokenIssuerType") return Field::kTokenIssuerType;
      break;
    case 16:
      if (key == "resourceTenantId") return Field::kResourceTenantId;
      if (key == "signInEventTypes") return Field::kSignInEventTypes;
      break;
    case 17:
      if (key == "userPrincipalName") return Field::kUserPrincipalName;
      break;
    case 18:
      if (key == "servicePrincipalId") return Field::kServicePrincipalId;
      break;
    case 19:
      if (key == "resourceDisplayName") return Field::kResourceDisplayName;
      break;
    case 20:
      if (key == "servicePrincipalName") return Field::kServicePrincipalName;
      break;
    case 21:
      if (key == "uniqueTokenIdentifier") return Field::kUniqueTokenIdentifier;
      break;
    case 22:
      if (key == "autonomousSystemNumber") return Field::kAutonomousSystemNumber;
      break;
    case 23:
      if (key == "conditionalAccessStatus") return Field::kConditionalAccessStatus;
      break;
    case 25:
      if (key == "authenticationRequirement") return Field::kAuthenticationRequirement;
      break;
    case 32:
      if (key == "appliedConditionalAccessPolicies") return Field::kAppliedPolicies;
      break;
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace

Status FieldError(std::string_view field, std::string_view why) {
  return Status::InvalidInput("field " + std::string(field) + ": " + std::string(why));
}

Status ReadString(value v, std::string_view field, std::string& out) {
  std::string_view text;
  if (v.get_string().get(text) == simdjson::SUCCESS) {
    out.assign(text);
    return Status::Ok();
  }
  if (IsNull(v)) {
    out.clear();
    return Status::Ok();
  }
  return FieldError(field, "expected a string");
}

Status ReadLocation(value v, SignInLocation& location) {
  return ForEachField(v, "location", [&](std::string_view key, value member) -> Status {
    if (key == "city") return ReadString(member, "location.city", location.city);
    if (key == "state") return ReadString(member, "location.state", location.state);
    if (key == "countryOrRegion") {
      return ReadString(member, "location.countryOrRegion", location.countryOrRegion);
    }
    if (key == "geoCoordinates") {
      return ForEachField(
          member, "location.geoCoordinates",
          [&](std::string_view coordinate, value number) -> Status {
            auto& geo = location.geoCoordinates;
            if (coordinate == "latitude") {
              return ReadDouble(number, "location.geoCoordinates.latitude", geo.latitude);
            }
            if (coordinate == "longitude") {
              return ReadDouble(number, "location.geoCoordinates.longitude", geo.longitude);
            }
            if (coordinate == "altitude") {
              return ReadDouble(number, "location.geoCoordinates.altitude", geo.altitude);
            }
            return Status::Ok();
          });
    }
    return Status::Ok();
  });
}

Status ReadSignInObject(object signin_object, SignIn& sign_in) {
  return ReadSignInObject(signin_object, sign_in, {});
}

Status ReadSignInObject(object signin_object, SignIn& sign_in, const OtherMember& other) {
  bool has_created = sign_in.createdDateTime != 0;
  for (auto member : signin_object) {
    std::string_view key;
    if (member.unescaped_key().get(key) != simdjson::SUCCESS) {
      return Status::InvalidInput("malformed member name");
    }
    const std::optional<Field> found = FindField(key);
    if (!found && !other) continue;  // unknown members are skipped by the iterator
    value v;
    if (member.value().get(v) != simdjson::SUCCESS) return FieldError(key, "malformed value");
    if (!found) {
      if (Status s = other(key, v); !s.ok()) return s;
      continue;
    }
    Status s;
    switch (*found) {
      case Field::kId:
        s = ReadString(v, key, sign_in.id);
        break;
      case Field::kCreatedDateTime: {
        std::string text;
        s = ReadString(v, key, text);
        if (s.ok()) {
          auto time = ParseTimestamp(text);
          if (!time) return FieldError(key, "'" + text + "' is not an ISO 8601 timestamp");
          sign_in.createdDateTime = *time;
          has_created = true;
        }
        break;
      }
      case Field::kUserId:
        s = ReadString(v, key, sign_in.userId);
        break;
      case Field::kUserDisplayName:
        s = ReadString(v, key, sign_in.userDisplayName);
        break;
      case Field::kUserPrincipalName:
        s = ReadString(v, key, sign_in.userPrincipalName);
        break;
      case Field::kAppId:
        s = ReadString(v, key, sign_in.appId);
        break;
      case Field::kAppDisplayName:
        s = ReadString(v, key, sign_in.appDisplayName);
        break;
      case Field::kIpAddress:
        s = ReadString(v, key, sign_in.ipAddress);
        break;
      case Field::kClientAppUsed:
        s = ReadString(v, key, sign_in.clientAppUsed);
        break;
      case Field::kCorrelationId:
        s = ReadString(v, key, sign_in.correlationId);
        break;
      case Field::kConditionalAccessStatus:
        s = ReadString(v, key, sign_in.conditionalAccessStatus);
        break;
      case Field::kIsInteractive:
        s = ReadBool(v, key, sign_in.isInteractive);
        if (s.ok() && !sign_in.isInteractive && sign_in.kind == SignInKind::interactiveUser) {
          sign_in.kind = SignInKind::nonInteractiveUser;
        }
        break;
      case Field::kDeviceDetail:
        s = ReadDevice(v, sign_in.deviceDetail);
        break;
      case Field::kLocation:
        s = ReadLocation(v, sign_in.location);
        break;
      case Field::kStatus:
        s = ReadStatus(v, sign_in.status);
        break;
      case Field::kResourceDisplayName:
        s = ReadString(v, key, sign_in.resourceDisplayName);
        break;
      case Field::kResourceId:
        s = ReadString(v, key, sign_in.resourceId);
        break;
      case Field::kResourceTenantId:
        s = ReadString(v, key, sign_in.resourceTenantId);
        break;
      case Field::kHomeTenantId:
        s = ReadString(v, key, sign_in.homeTenantId);
        break;
      case Field::kServicePrincipalId:
        s = ReadString(v, key, sign_in.servicePrincipalId);
        break;
      case Field::kServicePrincipalName:
        s = ReadString(v, key, sign_in.servicePrincipalName);
        break;
      case Field::kAppliedPolicies:
        s = ReadPolicies(v, sign_in.appliedConditionalAccessPolicies);
        break;
      case Field::kUserAgent:
        s = ReadString(v, key, sign_in.userAgent);
        break;
      case Field::kSessionId:
        s = ReadString(v, key, sign_in.sessionId);
        break;
      case Field::kUniqueTokenIdentifier:
        s = ReadString(v, key, sign_in.uniqueTokenIdentifier);
        break;
      case Field::kAuthenticationRequirement:
        s = ReadString(v, key, sign_in.authenticationRequirement);
        break;
      case Field::kMfaDetail:
        s = ReadMfa(v, sign_in.mfaDetail);
        break;
      case Field::kTokenIssuerType:
        s = ReadString(v, key, sign_in.tokenIssuerType);
        break;
      case Field::kSignInEventTypes:
        s = ReadEventTypes(v, sign_in);
        break;
      case Field::kAutonomousSystemNumber: {
        std::int32_t asn = 0;
        s = ReadInt32(v, key, asn);
        if (s.ok() && asn > 0)
          sign_in.network.autonomousSystemNumber = static_cast<std::uint32_t>(asn);
        break;
      }
    }
    if (!s.ok()) return s;
  }
  return CheckRequired(sign_in, has_created);
}

Status CheckRequired(const SignIn& sign_in, bool has_created_date_time) {
  if (sign_in.id.empty()) return FieldError("id", "is required (it makes ingestion idempotent)");
  if (!has_created_date_time) return FieldError("createdDateTime", "is required");
  if (sign_in.userId.empty() && sign_in.servicePrincipalId.empty()) {
    return FieldError("userId", "is required (or servicePrincipalId for a service principal)");
  }
  return Status::Ok();
}

}  // namespace idguard::graph_fields
