#include "ingest/loganalytics/loganalytics_record_builder.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ingest/loganalytics/ascii_text.h"

namespace idguard {
namespace {

using Column = LogAnalyticsColumn;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::size_t kMaxQuotedValue = 64;

// The offending value for an error message, cut short so a garbage field cannot flood the log.
std::string Quoted(std::string_view value) {
  std::string out = "'";
  out.append(value.substr(0, kMaxQuotedValue));
  if (value.size() > kMaxQuotedValue) {
    out.append("...");
  }
  out.push_back('\'');
  return out;
}

Status ColumnError(std::string_view name, std::string_view why) {
  std::string message(name);
  message.append(": ");
  message.append(why);
  return Status::InvalidInput(std::move(message));
}

std::optional<std::int32_t> ParseInt32(std::string_view text) {
  text = TrimBlanks(text);
  std::int32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// Exports write booleans as true/false, True/False (PowerShell) or TRUE/FALSE (spreadsheets).
std::optional<bool> ParseBool(std::string_view text) {
  text = TrimBlanks(text);
  if (EqualsIgnoreCase(text, "true") || text == "1") {
    return true;
  }
  if (EqualsIgnoreCase(text, "false") || text == "0") {
    return false;
  }
  return std::nullopt;
}

// Category holds the diagnostic category, Type the Log Analytics table; both name the log.
std::optional<SignInKind> ParseKind(std::string_view text) {
  text = TrimBlanks(text);
  if (EqualsIgnoreCase(text, "SignInLogs")) {
    return SignInKind::interactiveUser;
  }
  if (EqualsIgnoreCase(text, "NonInteractiveUserSignInLogs") ||
      EqualsIgnoreCase(text, "AADNonInteractiveUserSignInLogs")) {
    return SignInKind::nonInteractiveUser;
  }
  if (EqualsIgnoreCase(text, "ServicePrincipalSignInLogs") ||
      EqualsIgnoreCase(text, "AADServicePrincipalSignInLogs")) {
    return SignInKind::servicePrincipal;
  }
  if (EqualsIgnoreCase(text, "ManagedIdentitySignInLogs") ||
      EqualsIgnoreCase(text, "AADManagedIdentitySignInLogs")) {
    return SignInKind::managedIdentity;
  }
  return std::nullopt;
}

// Inside the dynamic columns a member of an unexpected type is skipped rather than failing the
// record: these are descriptive fields, and Entra has changed their shapes over time.
void ReadString(object parent, std::string_view key, std::string& out) {
  std::string_view value;
  if (parent.at_key_case_insensitive(key).get_string().get(value) == simdjson::SUCCESS) {
    out.assign(value);
  }
}

std::optional<double> ReadDouble(object parent, std::string_view key) {
  double value = 0;
  if (parent.at_key_case_insensitive(key).get_double().get(value) == simdjson::SUCCESS) {
    return value;
  }
  return std::nullopt;
}

std::optional<bool> ReadBool(object parent, std::string_view key) {
  element value;
  if (parent.at_key_case_insensitive(key).get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  bool flag = false;
  if (value.get_bool().get(flag) == simdjson::SUCCESS) {
    return flag;
  }
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    return ParseBool(text);
  }
  return std::nullopt;
}

std::optional<std::int32_t> ReadInt32(object parent, std::string_view key) {
  element value;
  if (parent.at_key_case_insensitive(key).get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  std::int64_t number = 0;
  if (value.get_int64().get(number) == simdjson::SUCCESS) {
    if (number < std::numeric_limits<std::int32_t>::min() ||
        number > std::numeric_limits<std::int32_t>::max()) {
      return std::nullopt;
    }
    return static_cast<std::int32_t>(number);
  }
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    return ParseInt32(text);
  }
  return std::nullopt;
}

void ReadStringArray(object parent, std::string_view key, std::vector<std::string>& out) {
  array values;
  if (parent.at_key_case_insensitive(key).get_array().get(values) != simdjson::SUCCESS) {
    return;
  }
  for (element value : values) {
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
      out.emplace_back(text);
    }
  }
}

void ReadLocation(object details, SignInLocation& location) {
  ReadString(details, "city", location.city);
  ReadString(details, "state", location.state);
  ReadString(details, "countryOrRegion", location.countryOrRegion);
  object coordinates;
  if (details.at_key_case_insensitive("geoCoordinates").get_object().get(coordinates) ==
      simdjson::SUCCESS) {
    location.geoCoordinates.latitude = ReadDouble(coordinates, "latitude");
    location.geoCoordinates.longitude = ReadDouble(coordinates, "longitude");
    location.geoCoordinates.altitude = ReadDouble(coordinates, "altitude");
  }
}

void ReadDevice(object detail, DeviceDetail& device) {
  ReadString(detail, "deviceId", device.deviceId);
  ReadString(detail, "displayName", device.displayName);
  ReadString(detail, "operatingSystem", device.operatingSystem);
  ReadString(detail, "browser", device.browser);
  device.isCompliant = ReadBool(detail, "isCompliant");
  device.isManaged = ReadBool(detail, "isManaged");
  ReadString(detail, "trustType", device.trustType);
}

void ReadMfa(object detail, MfaDetail& mfa) {
  ReadString(detail, "authMethod", mfa.authMethod);
  ReadString(detail, "authDetail", mfa.authDetail);
}

void ReadPolicies(array policies, std::vector<AppliedConditionalAccessPolicy>& out) {
  for (element value : policies) {
    object policy;
    if (value.get_object().get(policy) != simdjson::SUCCESS) {
      continue;
    }
    AppliedConditionalAccessPolicy& applied = out.emplace_back();
    ReadString(policy, "id", applied.id);
    ReadString(policy, "displayName", applied.displayName);
    ReadStringArray(policy, "enforcedGrantControls", applied.enforcedGrantControls);
    ReadStringArray(policy, "enforcedSessionControls", applied.enforcedSessionControls);
    ReadString(policy, "result", applied.result);
  }
}

// Columns copied verbatim into a SignIn string field of the same meaning.
struct VerbatimColumn {
  Column column;
  std::string SignIn::*field;
};
constexpr VerbatimColumn kVerbatimColumns[] = {
    {Column::kId, &SignIn::id},
    {Column::kUserId, &SignIn::userId},
    {Column::kUserDisplayName, &SignIn::userDisplayName},
    {Column::kUserPrincipalName, &SignIn::userPrincipalName},
    {Column::kAppId, &SignIn::appId},
    {Column::kAppDisplayName, &SignIn::appDisplayName},
    {Column::kClientAppUsed, &SignIn::clientAppUsed},
    {Column::kCorrelationId, &SignIn::correlationId},
    {Column::kConditionalAccessStatus, &SignIn::conditionalAccessStatus},
    {Column::kResourceDisplayName, &SignIn::resourceDisplayName},
    {Column::kResourceTenantId, &SignIn::resourceTenantId},
    {Column::kHomeTenantId, &SignIn::homeTenantId},
    {Column::kServicePrincipalId, &SignIn::servicePrincipalId},
    {Column::kServicePrincipalName, &SignIn::servicePrincipalName},
    {Column::kUserAgent, &SignIn::userAgent},
    {Column::kSessionId, &SignIn::sessionId},
    {Column::kUniqueTokenIdentifier, &SignIn::uniqueTokenIdentifier},
    {Column::kAuthenticationRequirement, &SignIn::authenticationRequirement},
    {Column::kTokenIssuerType, &SignIn::tokenIssuerType},
};

std::string* VerbatimField(Column column, SignIn& sign_in) {
  for (const VerbatimColumn& verbatim : kVerbatimColumns) {
    if (verbatim.column == column) {
      return &(sign_in.*verbatim.field);
    }
  }
  return nullptr;
}

}  // namespace

void LogAnalyticsRecordBuilder::Reset() {
  sign_in_ = SignIn{};
  original_request_id_.clear();
  created_.reset();
  generated_.reset();
  result_type_.reset();
  status_error_code_.reset();
  result_description_.clear();
  status_failure_reason_.clear();
  category_kind_.reset();
  type_kind_.reset();
  is_interactive_.reset();
  resource_id_.clear();
  resource_identity_.clear();
  location_country_.clear();
}

Status LogAnalyticsRecordBuilder::AddText(LogAnalyticsColumn column, std::string_view name,
                                          std::string_view value) {
  if (value.empty()) {
    return Status::Ok();
  }
  if (IsDynamicColumn(column)) {
    element parsed;
    if (const auto error = json_.Parse(value).get(parsed); error != simdjson::SUCCESS) {
      return ColumnError(name,
                         std::string("not valid JSON (") + simdjson::error_message(error) + ")");
    }
    return AddJson(column, name, parsed);
  }
  if (std::string* field = VerbatimField(column, sign_in_); field != nullptr) {
    field->assign(value);
    return Status::Ok();
  }
  switch (column) {
    case Column::kOriginalRequestId:
      original_request_id_.assign(value);
      break;
    case Column::kCreatedDateTime:
    case Column::kTimeGenerated: {
      const std::optional<EventTime> time = ParseTimestamp(TrimBlanks(value));
      if (!time) {
        return ColumnError(name, Quoted(value) +
                                     " is not a timestamp (expected ISO 8601 or the portal's "
                                     "\"4/28/2021, 2:08:45.221 PM\")");
      }
      (column == Column::kCreatedDateTime ? created_ : generated_) = time;
      break;
    }
    case Column::kIpAddress:
      sign_in_.ipAddress.assign(TrimBlanks(value));
      break;
    case Column::kIsInteractive:
      is_interactive_ = ParseBool(value);
      if (!is_interactive_) {
        return ColumnError(name, Quoted(value) + " is not true or false");
      }
      break;
    case Column::kResourceId:
      resource_id_.assign(value);
      break;
    case Column::kResourceIdentity:
      resource_identity_.assign(value);
      break;
    case Column::kResultType:
      // A wrong error code would turn a failure into a success; refuse rather than guess.
      result_type_ = ParseInt32(value);
      if (!result_type_) {
        return ColumnError(name, Quoted(value) + " is not an integer error code");
      }
      break;
    case Column::kResultDescription:
      result_description_.assign(value);
      break;
    case Column::kLocation:
      location_country_.assign(TrimBlanks(value));
      break;
    case Column::kCategory:
    case Column::kType: {
      const std::optional<SignInKind> kind = ParseKind(value);
      if (!kind) {
        return ColumnError(name, Quoted(value) +
                                     " is not a sign-in log (expected SignInLogs, "
                                     "NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs or "
                                     "ManagedIdentitySignInLogs, optionally with the AAD prefix)");
      }
      (column == Column::kCategory ? category_kind_ : type_kind_) = kind;
      break;
    }
    default:
      break;  // verbatim and dynamic columns, handled above
  }
  return Status::Ok();
}

Status LogAnalyticsRecordBuilder::AddJson(LogAnalyticsColumn column, std::string_view name,
                                          element value) {
  if (value.is_null()) {
    return Status::Ok();
  }
  if (column == Column::kConditionalAccessPolicies) {
    array policies;
    if (value.get_array().get(policies) != simdjson::SUCCESS) {
      return ColumnError(name, "expected a JSON array of policies");
    }
    ReadPolicies(policies, sign_in_.appliedConditionalAccessPolicies);
    return Status::Ok();
  }
  object members;
  if (value.get_object().get(members) != simdjson::SUCCESS) {
    // An empty array is how some exports write an empty dynamic value.
    array empty;
    if (value.get_array().get(empty) == simdjson::SUCCESS && empty.size() == 0) {
      return Status::Ok();
    }
    return ColumnError(name, "expected a JSON object");
  }
  switch (column) {
    case Column::kLocationDetails:
      ReadLocation(members, sign_in_.location);
      break;
    case Column::kDeviceDetail:
      ReadDevice(members, sign_in_.deviceDetail);
      break;
    case Column::kMfaDetail:
      ReadMfa(members, sign_in_.mfaDetail);
      break;
    case Column::kStatus:
      status_error_code_ = ReadInt32(members, "errorCode");
      ReadString(members, "failureReason", status_failure_reason_);
      ReadString(members, "additionalDetails", sign_in_.status.additionalDetails);
      break;
    default:
      return ColumnError(name, "is not a dynamic column");
  }
  return Status::Ok();
}

Result<SignIn> LogAnalyticsRecordBuilder::Finish() {
  // The id makes re-ingesting the same export idempotent, so it is never made up.
  if (sign_in_.id.empty()) {
    if (original_request_id_.empty()) {
      return Status::InvalidInput(
          "Id: missing or empty, and no OriginalRequestId to use instead; the sign-in id is "
          "required");
    }
    sign_in_.id = std::move(original_request_id_);
  }

  if (created_) {
    sign_in_.createdDateTime = *created_;
  } else if (generated_) {
    sign_in_.createdDateTime = *generated_;
  } else {
    return Status::InvalidInput(
        "CreatedDateTime: missing or empty, and no TimeGenerated to use instead; the sign-in time "
        "is required");
  }

  sign_in_.kind = category_kind_.value_or(type_kind_.value_or(SignInKind::interactiveUser));
  // The non-interactive, service principal and managed identity logs are non-interactive by
  // definition, whatever an edited export says.
  sign_in_.isInteractive =
      sign_in_.kind == SignInKind::interactiveUser ? is_interactive_.value_or(true) : false;

  if (sign_in_.userId.empty() &&
      !(sign_in_.IsServicePrincipal() && !sign_in_.servicePrincipalId.empty())) {
    return Status::InvalidInput(
        sign_in_.IsServicePrincipal()
            ? "UserId, ServicePrincipalId: both missing or empty; a service principal sign-in "
              "needs one of them"
            : "UserId: missing or empty; a user sign-in needs it (ServicePrincipalId only "
              "identifies service principal and managed identity sign-ins)");
  }

  sign_in_.status.errorCode = result_type_.value_or(status_error_code_.value_or(0));
  sign_in_.status.failureReason =
      result_description_.empty() ? std::move(status_failure_reason_) : result_description_;

  // Graph's resourceId is the resource's app id: Log Analytics calls it ResourceIdentity and uses
  // ResourceId for the Azure path of the tenant ("/tenants/.../providers/Microsoft.aadiam").
  if (!resource_identity_.empty()) {
    sign_in_.resourceId = std::move(resource_identity_);
  } else if (!resource_id_.empty() && resource_id_.front() != '/') {
    sign_in_.resourceId = std::move(resource_id_);
  }

  // The flat Location column carries the country when LocationDetails is absent.
  if (sign_in_.location.countryOrRegion.empty()) {
    sign_in_.location.countryOrRegion = std::move(location_country_);
  }
  return std::move(sign_in_);
}

}  // namespace idguard
