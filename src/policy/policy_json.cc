// Reading and writing conditionalAccessPolicy JSON (simdjson DOM: policies are small and rare).
#include <simdjson.h>

#include <algorithm>

#include "idguard/core/json_writer.h"
#include "idguard/policy/conditional_access_policy.h"

namespace idguard {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Status PropertyError(std::string_view property, std::string_view why) {
  return Status::InvalidInput("property '" + std::string(property) + "' " + std::string(why));
}

bool IsNull(element value) { return value.is_null(); }

// A string array; null reads as empty.
Status ReadStrings(element value, std::string_view property, std::vector<std::string>& out) {
  out.clear();
  if (IsNull(value)) return Status::Ok();
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) {
    return PropertyError(property, "must be an array of strings");
  }
  for (element item : array) {
    std::string_view text;
    if (item.get_string().get(text) != simdjson::SUCCESS) {
      return PropertyError(property, "must be an array of strings");
    }
    out.emplace_back(text);
  }
  return Status::Ok();
}

Status ReadString(element value, std::string_view property, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return PropertyError(property, "must be a string");
  }
  out = std::string(text);
  return Status::Ok();
}

Status ReadLevels(element value, std::string_view property, std::vector<RiskLevel>& out) {
  std::vector<std::string> names;
  if (Status s = ReadStrings(value, property, names); !s.ok()) return s;
  out.clear();
  for (const std::string& name : names) {
    auto level = ParseRiskLevel(name);
    if (!level || *level == RiskLevel::hidden) {
      return PropertyError(property, "holds '" + name + "': expected low, medium, high or none");
    }
    if (std::find(out.begin(), out.end(), *level) == out.end()) out.push_back(*level);
  }
  return Status::Ok();
}

// Conditions idguard cannot evaluate are accepted only when empty.
Status RequireEmpty(element value, std::string_view property) {
  if (IsNull(value)) return Status::Ok();
  simdjson::dom::array array;
  if (value.get_array().get(array) == simdjson::SUCCESS && array.size() == 0) return Status::Ok();
  return PropertyError(property,
                       "is not supported by idguard (it cannot be evaluated for an "
                       "identity provider's sign-ins); leave it null or empty");
}

template <typename Reader>
Status ForEachMember(element value, std::string_view property, Reader read) {
  object members;
  if (value.get_object().get(members) != simdjson::SUCCESS) {
    return PropertyError(property, "must be an object");
  }
  for (auto field : members) {
    if (Status s = read(field.key, field.value); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ReadUsers(element value, PolicyUsers& users) {
  users = {};
  return ForEachMember(value, "conditions.users", [&](std::string_view key, element member) {
    const std::string property = "conditions.users." + std::string(key);
    if (key == "includeUsers") return ReadStrings(member, property, users.includeUsers);
    if (key == "excludeUsers") return ReadStrings(member, property, users.excludeUsers);
    if (key == "includeGroups") return ReadStrings(member, property, users.includeGroups);
    if (key == "excludeGroups") return ReadStrings(member, property, users.excludeGroups);
    if (key == "includeRoles" || key == "excludeRoles" || key == "includeGuestsOrExternalUsers" ||
        key == "excludeGuestsOrExternalUsers") {
      return RequireEmpty(member, property);
    }
    return PropertyError(property, "is not a conditionalAccessUsers property");
  });
}

Status ReadApplications(element value, PolicyApplications& applications) {
  applications = {};
  return ForEachMember(value, "conditions.applications", [&](std::string_view key, element member) {
    const std::string property = "conditions.applications." + std::string(key);
    if (key == "includeApplications") {
      return ReadStrings(member, property, applications.includeApplications);
    }
    if (key == "excludeApplications") {
      return ReadStrings(member, property, applications.excludeApplications);
    }
    if (key == "includeUserActions" || key == "includeAuthenticationContextClassReferences" ||
        key == "applicationFilter") {
      return RequireEmpty(member, property);
    }
    return PropertyError(property, "is not a conditionalAccessApplications property");
  });
}

Status ReadLocations(element value, std::optional<PolicyLocations>& locations) {
  locations.reset();
  if (IsNull(value)) return Status::Ok();
  PolicyLocations read;
  Status status =
      ForEachMember(value, "conditions.locations", [&](std::string_view key, element member) {
        const std::string property = "conditions.locations." + std::string(key);
        if (key == "includeLocations") return ReadStrings(member, property, read.includeLocations);
        if (key == "excludeLocations") return ReadStrings(member, property, read.excludeLocations);
        return PropertyError(property, "is not a conditionalAccessLocations property");
      });
  if (!status.ok()) return status;
  locations = std::move(read);
  return Status::Ok();
}

Status ReadConditions(element value, ConditionalAccessPolicy& policy) {
  policy.users = {};
  policy.applications = {};
  policy.clientAppTypes.clear();
  policy.userRiskLevels.clear();
  policy.signInRiskLevels.clear();
  policy.locations.reset();
  return ForEachMember(value, "conditions", [&](std::string_view key, element member) {
    const std::string property = "conditions." + std::string(key);
    if (key == "users") return ReadUsers(member, policy.users);
    if (key == "applications") return ReadApplications(member, policy.applications);
    if (key == "clientAppTypes") return ReadStrings(member, property, policy.clientAppTypes);
    if (key == "userRiskLevels") return ReadLevels(member, property, policy.userRiskLevels);
    if (key == "signInRiskLevels") return ReadLevels(member, property, policy.signInRiskLevels);
    if (key == "locations") return ReadLocations(member, policy.locations);
    if (key == "servicePrincipalRiskLevels" || key == "insiderRiskLevels" || key == "platforms" ||
        key == "devices" || key == "clientApplications" || key == "authenticationFlows") {
      return RequireEmpty(member, property);
    }
    return PropertyError(property, "is not a conditionalAccessConditionSet property");
  });
}

Status ReadGrantControls(element value, std::optional<GrantControls>& controls) {
  controls.reset();
  if (IsNull(value)) return Status::Ok();
  GrantControls read;
  read.op.clear();
  Status status = ForEachMember(value, "grantControls", [&](std::string_view key, element member) {
    const std::string property = "grantControls." + std::string(key);
    if (key == "operator") return ReadString(member, property, read.op);
    if (key == "builtInControls") return ReadStrings(member, property, read.builtInControls);
    if (key == "authenticationStrength") {
      if (IsNull(member)) return Status::Ok();
      element id;
      if (member["id"].get(id) != simdjson::SUCCESS) {
        return PropertyError(property, "must be an object with the strength's id");
      }
      return ReadString(id, property + ".id", read.authenticationStrengthId);
    }
    if (key == "customAuthenticationFactors" || key == "termsOfUse") {
      return RequireEmpty(member, property);
    }
    if (key == "authenticationStrength@odata.context") return Status::Ok();
    return PropertyError(property, "is not a conditionalAccessGrantControls property");
  });
  if (!status.ok()) return status;
  controls = std::move(read);
  return Status::Ok();
}

Status ReadSessionControls(element value, ConditionalAccessPolicy& policy) {
  std::optional<SignInFrequency>& frequency = policy.signInFrequency;
  frequency.reset();
  policy.disableResilienceDefaults.reset();
  if (IsNull(value)) return Status::Ok();
  return ForEachMember(value, "sessionControls", [&](std::string_view key, element member) {
    const std::string property = "sessionControls." + std::string(key);
    if (key == "signInFrequency") {
      if (IsNull(member)) return Status::Ok();
      SignInFrequency read;
      Status s = ForEachMember(member, property, [&](std::string_view name, element field) {
        const std::string inner = property + "." + std::string(name);
        if (name == "isEnabled") {
          if (field.get_bool().get(read.isEnabled) != simdjson::SUCCESS) {
            return PropertyError(inner, "must be true or false");
          }
          return Status::Ok();
        }
        if (name == "frequencyInterval") return ReadString(field, inner, read.frequencyInterval);
        if (name == "authenticationType") return ReadString(field, inner, read.authenticationType);
        if (name == "type")
          return IsNull(field) ? Status::Ok() : ReadString(field, inner, read.type);
        if (name == "value") {
          if (IsNull(field)) return Status::Ok();
          if (field.get_int64().get(read.value) != simdjson::SUCCESS) {
            return PropertyError(inner, "must be an integer");
          }
          return Status::Ok();
        }
        return PropertyError(inner, "is not a signInFrequencySessionControl property");
      });
      if (!s.ok()) return s;
      frequency = std::move(read);
      return Status::Ok();
    }
    if (key == "disableResilienceDefaults") {
      if (IsNull(member)) return Status::Ok();
      bool disable = false;
      if (member.get_bool().get(disable) != simdjson::SUCCESS) {
        return PropertyError(property, "must be true, false or null");
      }
      policy.disableResilienceDefaults = disable;
      return Status::Ok();
    }
    if (key == "applicationEnforcedRestrictions" || key == "cloudAppSecurity" ||
        key == "persistentBrowser" || key == "continuousAccessEvaluation" ||
        key == "secureSignInSession") {
      if (IsNull(member)) return Status::Ok();
      return PropertyError(property, "is not supported by idguard; leave it null");
    }
    return PropertyError(property, "is not a conditionalAccessSessionControls property");
  });
}

bool Contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

std::string_view ToString(PolicyState state) {
  switch (state) {
    case PolicyState::enabled:
      return "enabled";
    case PolicyState::disabled:
      return "disabled";
    case PolicyState::enabledForReportingButNotEnforced:
      return "enabledForReportingButNotEnforced";
  }
  return "disabled";
}

std::optional<PolicyState> ParsePolicyState(std::string_view text) {
  for (PolicyState state : {PolicyState::enabled, PolicyState::disabled,
                            PolicyState::enabledForReportingButNotEnforced}) {
    if (ToString(state) == text) return state;
  }
  return std::nullopt;
}

bool GrantControls::Has(std::string_view control) const {
  return Contains(builtInControls, control);
}

Result<ConditionalAccessPolicy> ReadPolicyJson(std::string_view json,
                                               const ConditionalAccessPolicy& base) {
  simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(json.data(), json.size()).get(root)) {
    return Status::InvalidInput(std::string("the body is not JSON: ") +
                                simdjson::error_message(error));
  }
  ConditionalAccessPolicy policy = base;
  Status status = ForEachMember(root, "(body)", [&](std::string_view key, element member) {
    const std::string property(key);
    if (key == "displayName") return ReadString(member, property, policy.displayName);
    if (key == "state") {
      std::string text;
      if (Status s = ReadString(member, property, text); !s.ok()) return s;
      auto state = ParsePolicyState(text);
      if (!state) {
        return PropertyError(property, "is '" + text +
                                           "': expected enabled, disabled or "
                                           "enabledForReportingButNotEnforced");
      }
      policy.state = *state;
      return Status::Ok();
    }
    if (key == "conditions") return ReadConditions(member, policy);
    if (key == "grantControls") return ReadGrantControls(member, policy.grantControls);
    if (key == "sessionControls") return ReadSessionControls(member, policy);
    if (key == "createdDateTime" || key == "modifiedDateTime") {
      // Read-only: kept when the text is a timestamp (a stored policy read back); the engine sets
      // them on every create and update.
      std::string_view text;
      if (member.get_string().get(text) == simdjson::SUCCESS) {
        if (auto time = ParseTimestamp(text)) {
          (key == "createdDateTime" ? policy.createdDateTime : policy.modifiedDateTime) = *time;
        }
      }
      return Status::Ok();
    }
    if (key == "id" || key == "templateId" || key == "@odata.type" || key == "@odata.context") {
      return Status::Ok();  // read-only or informational
    }
    return PropertyError(property, "is not a conditionalAccessPolicy property");
  });
  if (!status.ok()) return status;
  return policy;
}

Status ValidatePolicy(const ConditionalAccessPolicy& policy) {
  if (policy.displayName.empty()) return PropertyError("displayName", "is required");
  if (policy.displayName.size() > 256)
    return PropertyError("displayName", "is over 256 characters");
  if (policy.users.includeUsers.empty() && policy.users.includeGroups.empty()) {
    return PropertyError("conditions.users",
                         "must include users or groups (includeUsers [\"All\"] for everyone)");
  }
  if (policy.applications.includeApplications.empty()) {
    return PropertyError("conditions.applications.includeApplications",
                         "is required ([\"All\"] for every application)");
  }
  for (const std::string& type : policy.clientAppTypes) {
    static const std::vector<std::string> kTypes = {
        "all",          "browser", "mobileAppsAndDesktopClients", "exchangeActiveSync",
        "easSupported", "other"};
    if (!Contains(kTypes, type)) {
      return PropertyError("conditions.clientAppTypes",
                           "holds '" + type +
                               "': expected all, browser, mobileAppsAndDesktopClients, "
                               "exchangeActiveSync, easSupported or other");
    }
  }
  if (policy.IsUserRiskPolicy() && policy.IsSignInRiskPolicy()) {
    return PropertyError("conditions",
                         "mixes userRiskLevels and signInRiskLevels; use one policy for each");
  }
  if (policy.locations && policy.locations->includeLocations.empty()) {
    return PropertyError("conditions.locations.includeLocations",
                         "is required when locations are given ([\"All\"] for anywhere)");
  }
  if (!policy.grantControls) {
    return PropertyError("grantControls", "is required (block, mfa, passwordChange, ...)");
  }
  const GrantControls& grant = *policy.grantControls;
  if (grant.op != "AND" && grant.op != "OR") {
    return PropertyError("grantControls.operator", "must be AND or OR");
  }
  if (grant.builtInControls.empty() && grant.authenticationStrengthId.empty()) {
    return PropertyError("grantControls.builtInControls", "needs at least one control");
  }
  for (const std::string& control : grant.builtInControls) {
    static const std::vector<std::string> kControls = {"block",
                                                       "mfa",
                                                       "compliantDevice",
                                                       "domainJoinedDevice",
                                                       "approvedApplication",
                                                       "compliantApplication",
                                                       "passwordChange",
                                                       "riskRemediation"};
    if (!Contains(kControls, control)) {
      return PropertyError("grantControls.builtInControls",
                           "holds '" + control +
                               "': expected block, mfa, compliantDevice, domainJoinedDevice, "
                               "approvedApplication, compliantApplication, passwordChange or "
                               "riskRemediation");
    }
  }
  if (grant.Has("block") &&
      (grant.builtInControls.size() > 1 || !grant.authenticationStrengthId.empty())) {
    return PropertyError("grantControls.builtInControls",
                         "cannot combine block with other controls");
  }
  if (grant.Has("mfa") && !grant.authenticationStrengthId.empty()) {
    return PropertyError("grantControls",
                         "cannot require both mfa and an authenticationStrength; use one");
  }
  const bool password_change = grant.Has("passwordChange");
  const bool risk_remediation = grant.Has("riskRemediation");
  if (password_change && risk_remediation) {
    return PropertyError("grantControls.builtInControls",
                         "cannot combine passwordChange and riskRemediation");
  }
  if (password_change || risk_remediation) {
    const std::string control = password_change ? "passwordChange" : "riskRemediation";
    if (grant.op != "AND") {
      return PropertyError("grantControls.operator", "must be AND with " + control);
    }
    if (password_change && !grant.Has("mfa") && grant.authenticationStrengthId.empty()) {
      return PropertyError("grantControls.builtInControls",
                           "passwordChange must be required together with mfa (AND)");
    }
    if (risk_remediation && grant.authenticationStrengthId.empty()) {
      return PropertyError("grantControls.authenticationStrength",
                           "is required with riskRemediation");
    }
    if (grant.builtInControls.size() > (password_change ? 2U : 1U)) {
      return PropertyError("grantControls.builtInControls",
                           control +
                               " allows no other controls besides multifactor "
                               "authentication");
    }
    if (!policy.IsUserRiskPolicy()) {
      return PropertyError("conditions.userRiskLevels", "is required with " + control);
    }
    if (policy.applications.includeApplications != std::vector<std::string>{"All"} ||
        !policy.applications.excludeApplications.empty()) {
      return PropertyError("conditions.applications",
                           control +
                               " needs all applications (includeApplications [\"All\"]) "
                               "and no excluded ones");
    }
    const bool all_clients =
        policy.clientAppTypes.empty() || policy.clientAppTypes == std::vector<std::string>{"all"};
    if (!all_clients || policy.locations) {
      return PropertyError("conditions", control +
                                             " allows no conditions besides users, "
                                             "applications and userRiskLevels");
    }
    if (risk_remediation && !(policy.signInFrequency && policy.signInFrequency->EveryTime())) {
      return PropertyError("sessionControls.signInFrequency",
                           "must be enabled with frequencyInterval everyTime for "
                           "riskRemediation");
    }
  }
  if (policy.signInFrequency && policy.signInFrequency->isEnabled) {
    const SignInFrequency& frequency = *policy.signInFrequency;
    if (frequency.frequencyInterval != "everyTime" && frequency.frequencyInterval != "timeBased") {
      return PropertyError("sessionControls.signInFrequency.frequencyInterval",
                           "must be timeBased or everyTime");
    }
    if (frequency.frequencyInterval == "timeBased" &&
        ((frequency.type != "days" && frequency.type != "hours") || frequency.value <= 0)) {
      return PropertyError("sessionControls.signInFrequency",
                           "timeBased needs type days or hours and a positive value");
    }
    if (frequency.authenticationType != "primaryAndSecondaryAuthentication" &&
        frequency.authenticationType != "secondaryAuthentication") {
      return PropertyError("sessionControls.signInFrequency.authenticationType",
                           "must be primaryAndSecondaryAuthentication or secondaryAuthentication");
    }
  }
  return Status::Ok();
}

void AppendPolicyJson(std::string& out, const ConditionalAccessPolicy& policy) {
  JsonWriter w(out);
  auto levels = [&](std::string_view name, const std::vector<RiskLevel>& values) {
    w.Key(name);
    w.BeginArray();
    for (RiskLevel level : values) w.String(ToString(level));
    w.EndArray();
  };
  const std::vector<std::string> none;
  w.BeginObject();
  w.Member("id", policy.id);
  w.Key("templateId");
  w.Null();
  w.Member("displayName", policy.displayName);
  w.MemberTimestamp("createdDateTime", policy.createdDateTime);
  w.MemberTimestamp("modifiedDateTime", policy.modifiedDateTime);
  w.Member("state", ToString(policy.state));
  w.Key("conditions");
  w.BeginObject();
  levels("userRiskLevels", policy.userRiskLevels);
  levels("signInRiskLevels", policy.signInRiskLevels);
  w.MemberStrings("clientAppTypes", policy.clientAppTypes.empty() ? std::vector<std::string>{"all"}
                                                                  : policy.clientAppTypes);
  w.MemberStrings("servicePrincipalRiskLevels", none);
  w.Key("platforms");
  w.Null();
  w.Key("locations");
  if (policy.locations) {
    w.BeginObject();
    w.MemberStrings("includeLocations", policy.locations->includeLocations);
    w.MemberStrings("excludeLocations", policy.locations->excludeLocations);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("devices");
  w.Null();
  w.Key("clientApplications");
  w.Null();
  w.Key("applications");
  w.BeginObject();
  w.MemberStrings("includeApplications", policy.applications.includeApplications);
  w.MemberStrings("excludeApplications", policy.applications.excludeApplications);
  w.MemberStrings("includeUserActions", none);
  w.MemberStrings("includeAuthenticationContextClassReferences", none);
  w.EndObject();
  w.Key("users");
  w.BeginObject();
  w.MemberStrings("includeUsers", policy.users.includeUsers);
  w.MemberStrings("excludeUsers", policy.users.excludeUsers);
  w.MemberStrings("includeGroups", policy.users.includeGroups);
  w.MemberStrings("excludeGroups", policy.users.excludeGroups);
  w.MemberStrings("includeRoles", none);
  w.MemberStrings("excludeRoles", none);
  w.Key("includeGuestsOrExternalUsers");
  w.Null();
  w.Key("excludeGuestsOrExternalUsers");
  w.Null();
  w.EndObject();
  w.EndObject();
  w.Key("grantControls");
  if (policy.grantControls) {
    const GrantControls& grant = *policy.grantControls;
    w.BeginObject();
    w.Member("operator", grant.op);
    w.MemberStrings("builtInControls", grant.builtInControls);
    w.MemberStrings("customAuthenticationFactors", none);
    w.MemberStrings("termsOfUse", none);
    w.Key("authenticationStrength");
    if (grant.authenticationStrengthId.empty()) {
      w.Null();
    } else {
      w.BeginObject();
      w.Member("id", grant.authenticationStrengthId);
      w.EndObject();
    }
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("sessionControls");
  if (policy.signInFrequency || policy.disableResilienceDefaults) {
    w.BeginObject();
    w.Key("signInFrequency");
    if (policy.signInFrequency) {
      const SignInFrequency& frequency = *policy.signInFrequency;
      w.BeginObject();
      w.Member("isEnabled", frequency.isEnabled);
      w.MemberOrNull("type", frequency.type);
      w.Key("value");
      if (frequency.value > 0) {
        w.Int(frequency.value);
      } else {
        w.Null();
      }
      w.Member("frequencyInterval", frequency.frequencyInterval);
      w.Member("authenticationType", frequency.authenticationType);
      w.EndObject();
    } else {
      w.Null();
    }
    w.MemberOrNull("disableResilienceDefaults", policy.disableResilienceDefaults);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
}

}  // namespace idguard
