#include "idguard/policy/mfa_registration_policy.h"

#include <simdjson.h>

#include <algorithm>

#include "idguard/core/json_writer.h"

namespace idguard {
namespace {

constexpr std::int64_t kMaxGracePeriodDays = 90;

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool AnyGroup(const std::vector<std::string>& policy_groups,
              const std::vector<std::string>* groups) {
  if (groups == nullptr) return false;
  return std::any_of(policy_groups.begin(), policy_groups.end(),
                     [&](const std::string& group) { return Contains(*groups, group); });
}

}  // namespace

bool MfaRegistrationPolicy::Covers(const std::string& user_id,
                                   const std::vector<std::string>* group_ids) const {
  if (!isEnabled) return false;
  const bool included = Contains(includeUsers, "All") || Contains(includeUsers, user_id) ||
                        AnyGroup(includeGroups, group_ids);
  return included && !Contains(excludeUsers, user_id) && !AnyGroup(excludeGroups, group_ids);
}

MfaRegistrationPrompt PromptFor(const MfaRegistrationPolicy& policy, EventTime first_prompted,
                                EventTime now) {
  MfaRegistrationPrompt prompt;
  prompt.required = true;
  const EventTime start = first_prompted != 0 ? first_prompted : now;
  prompt.gracePeriodEndDateTime = start + policy.gracePeriodDays * kMicrosPerDay;
  prompt.skippable = now < prompt.gracePeriodEndDateTime;
  return prompt;
}

Result<MfaRegistrationPolicy> ReadMfaRegistrationPolicyJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object) != simdjson::SUCCESS) {
    return Status::InvalidInput("the body must be a JSON object (the MFA registration policy)");
  }
  MfaRegistrationPolicy policy;
  for (auto member : object) {
    const std::string key(member.key);
    auto strings = [&](std::vector<std::string>& out) -> Status {
      simdjson::dom::array array;
      if (member.value.get_array().get(array) != simdjson::SUCCESS) {
        return Status::InvalidInput("member '" + key + "' must be an array of strings");
      }
      for (auto item : array) {
        std::string_view text;
        if (item.get_string().get(text) != simdjson::SUCCESS) {
          return Status::InvalidInput("member '" + key + "' must be an array of strings");
        }
        out.emplace_back(text);
      }
      return Status::Ok();
    };
    Status status;
    if (key == "isEnabled") {
      if (member.value.get_bool().get(policy.isEnabled) != simdjson::SUCCESS) {
        status = Status::InvalidInput("member 'isEnabled' must be true or false");
      }
    } else if (key == "includeUsers") {
      status = strings(policy.includeUsers);
    } else if (key == "excludeUsers") {
      status = strings(policy.excludeUsers);
    } else if (key == "includeGroups") {
      status = strings(policy.includeGroups);
    } else if (key == "excludeGroups") {
      status = strings(policy.excludeGroups);
    } else if (key == "gracePeriodDays") {
      if (member.value.get_int64().get(policy.gracePeriodDays) != simdjson::SUCCESS ||
          policy.gracePeriodDays < 0 || policy.gracePeriodDays > kMaxGracePeriodDays) {
        status = Status::InvalidInput(
            "member 'gracePeriodDays' must be a whole number of days "
            "from 0 to 90");
      }
    } else {
      status = Status::InvalidInput("unknown member '" + key +
                                    "' (isEnabled, includeUsers, excludeUsers, includeGroups, "
                                    "excludeGroups, gracePeriodDays)");
    }
    if (!status.ok()) return status;
  }
  if (policy.isEnabled && policy.includeUsers.empty() && policy.includeGroups.empty()) {
    return Status::InvalidInput(
        "an enabled policy must include users or groups "
        "(includeUsers [\"All\"] for everyone)");
  }
  return policy;
}

void AppendMfaRegistrationPolicyJson(std::string& out, const MfaRegistrationPolicy& policy) {
  JsonWriter json(out);
  json.BeginObject();
  json.Member("isEnabled", policy.isEnabled);
  json.MemberStrings("includeUsers", policy.includeUsers);
  json.MemberStrings("excludeUsers", policy.excludeUsers);
  json.MemberStrings("includeGroups", policy.includeGroups);
  json.MemberStrings("excludeGroups", policy.excludeGroups);
  json.Member("gracePeriodDays", policy.gracePeriodDays);
  json.EndObject();
}

}  // namespace idguard
