#include "idguard/export/notification_settings.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "idguard/core/json_writer.h"

namespace idguard {
namespace {

constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::size_t kMaxSecretLength = 256;
constexpr std::size_t kMaxWebhookIdLength = 64;

Status Invalid(const std::string& where, const std::string& why) {
  return Status::InvalidInput("member '" + where + "' " + why);
}

Status ReadBool(simdjson::dom::element value, const std::string& where, bool& out) {
  if (value.get_bool().get(out) != simdjson::SUCCESS)
    return Invalid(where, "must be true or false");
  return Status::Ok();
}

Status ReadString(simdjson::dom::element value, const std::string& where, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return Invalid(where, "must be a string");
  out.assign(text);
  return Status::Ok();
}

Status ReadLevel(simdjson::dom::element value, const std::string& where, RiskLevel& out) {
  std::string text;
  if (Status s = ReadString(value, where, text); !s.ok()) return s;
  auto level = ParseRiskLevel(text);
  if (!level ||
      (*level != RiskLevel::low && *level != RiskLevel::medium && *level != RiskLevel::high)) {
    return Invalid(where, "must be 'low', 'medium' or 'high', not '" + text + "'");
  }
  out = *level;
  return Status::Ok();
}

Status ReadRecipients(simdjson::dom::element value, const std::string& where,
                      std::vector<std::string>& out) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) {
    return Invalid(where, "must be an array of email addresses");
  }
  out.clear();
  for (auto item : array) {
    std::string address;
    if (Status s = ReadString(item, where + "[]", address); !s.ok()) return s;
    if (!IsValidEmailAddress(address)) {
      return Invalid(where, "holds '" + address + "', which is not an email address");
    }
    if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
  }
  if (out.size() > kMaxNotificationRecipients) {
    return Invalid(where,
                   "may list at most " + std::to_string(kMaxNotificationRecipients) + " addresses");
  }
  return Status::Ok();
}

Status ReadEmailMember(const std::string& where, std::string_view key, simdjson::dom::element value,
                       EmailNotification& out) {
  const std::string name = where + "." + std::string(key);
  if (key == "isEnabled") return ReadBool(value, name, out.isEnabled);
  if (key == "notifyRoleHolders") return ReadBool(value, name, out.notifyRoleHolders);
  if (key == "recipients") return ReadRecipients(value, name, out.recipients);
  return Status::InvalidInput("unknown member '" + name + "'");
}

template <typename Settings, typename Extra>
Status ReadEmailNotification(simdjson::dom::element value, const std::string& where, Settings& out,
                             Extra extra) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS)
    return Invalid(where, "must be an object");
  for (auto member : object) {
    Status status = extra(member.key, member.value);
    if (status.code() == StatusCode::kNotFound) {
      status = ReadEmailMember(where, member.key, member.value, out);
    }
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Status NotExtra(std::string_view, simdjson::dom::element) { return Status::NotFound(""); }

Status ReadEventTypes(simdjson::dom::element value, const std::string& where,
                      std::vector<WebhookEventType>& out) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) {
    return Invalid(where, "must be an array of 'riskyUser' and 'riskDetection'");
  }
  out.clear();
  for (auto item : array) {
    std::string text;
    if (Status s = ReadString(item, where + "[]", text); !s.ok()) return s;
    WebhookEventType type;
    if (text == "riskyUser") {
      type = WebhookEventType::riskyUser;
    } else if (text == "riskDetection") {
      type = WebhookEventType::riskDetection;
    } else {
      return Invalid(where,
                     "holds '" + text + "'; event types are 'riskyUser' and 'riskDetection'");
    }
    if (std::find(out.begin(), out.end(), type) == out.end()) out.push_back(type);
  }
  if (out.empty()) return Invalid(where, "must name at least one event type");
  return Status::Ok();
}

bool IsHttpUrl(std::string_view url) {
  const bool scheme = url.starts_with("https://") || url.starts_with("http://");
  const std::size_t host_start = url.find("//") + 2;
  return scheme && url.size() > host_start && url[host_start] != '/' &&
         std::none_of(url.begin(), url.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

Status ReadWebhook(simdjson::dom::element value, const std::string& where,
                   const NotificationSettings& previous, WebhookSettings& out) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS)
    return Invalid(where, "must be an object");
  bool has_secret = false;
  for (auto member : object) {
    const std::string key(member.key);
    std::string name = where;
    name.append(".").append(key);
    Status status;
    if (key == "id") {
      status = ReadString(member.value, name, out.id);
    } else if (key == "url") {
      status = ReadString(member.value, name, out.url);
    } else if (key == "secret") {
      status = ReadString(member.value, name, out.secret);
      has_secret = true;
    } else if (key == "isEnabled") {
      status = ReadBool(member.value, name, out.isEnabled);
    } else if (key == "eventTypes") {
      status = ReadEventTypes(member.value, name, out.eventTypes);
    } else if (key == "minimumRiskLevel") {
      status = ReadLevel(member.value, name, out.minimumRiskLevel);
    } else if (key == "hasSecret") {
      // What GET shows; ignored so a GET body can be sent back as it is.
    } else {
      status = Status::InvalidInput("unknown member '" + name +
                                    "' (id, url, secret, isEnabled, eventTypes, minimumRiskLevel)");
    }
    if (!status.ok()) return status;
  }
  if (out.id.empty() || out.id.size() > kMaxWebhookIdLength ||
      !std::all_of(out.id.begin(), out.id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
      })) {
    return Invalid(where + ".id", "must be 1-64 letters, digits, '-' or '_'");
  }
  if (out.url.size() > kMaxUrlLength || !IsHttpUrl(out.url)) {
    return Invalid(where + ".url", "must be an http:// or https:// URL");
  }
  if (!has_secret) {
    auto kept = std::find_if(previous.webhooks.begin(), previous.webhooks.end(),
                             [&](const WebhookSettings& hook) { return hook.id == out.id; });
    if (kept == previous.webhooks.end()) {
      return Invalid(where + ".secret", "is required for a new webhook (at least 16 characters)");
    }
    out.secret = kept->secret;
  }
  if (out.secret.size() < kMinWebhookSecretLength || out.secret.size() > kMaxSecretLength) {
    return Invalid(where + ".secret", "must be 16 to 256 characters long");
  }
  return Status::Ok();
}

void AppendEmailMembers(JsonWriter& json, const EmailNotification& email) {
  json.Member("isEnabled", email.isEnabled);
  json.Member("notifyRoleHolders", email.notifyRoleHolders);
  json.MemberStrings("recipients", email.recipients);
}

}  // namespace

std::string_view ToString(WebhookEventType type) {
  return type == WebhookEventType::riskyUser ? "riskyUser" : "riskDetection";
}

bool WebhookSettings::Wants(WebhookEventType type) const {
  return isEnabled && std::find(eventTypes.begin(), eventTypes.end(), type) != eventTypes.end();
}

bool IsValidEmailAddress(std::string_view address) {
  const auto at = address.rfind('@');
  if (address.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 >= address.size()) {
    return false;
  }
  const std::string_view domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  // Printable ASCII without the characters that end or split a header or an SMTP path.
  return std::all_of(address.begin(), address.end(),
                     [](char c) {
                       const auto u = static_cast<unsigned char>(c);
                       return u > ' ' && u < 0x7f && c != '<' && c != '>' && c != ',' && c != ';' &&
                              c != '"' && c != '(' && c != ')' && c != '\\';
                     }) &&
         std::count(address.begin(), address.end(), '@') == 1;
}

Result<NotificationSettings> ReadNotificationSettingsJson(std::string_view json,
                                                          const NotificationSettings& previous) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object) != simdjson::SUCCESS) {
    return Status::InvalidInput("the body must be a JSON object (the notification settings)");
  }
  NotificationSettings settings;
  for (auto member : object) {
    const std::string key(member.key);
    Status status;
    if (key == "riskyUsersAlert") {
      status =
          ReadEmailNotification(member.value, key, settings.riskyUsersAlert,
                                [&](std::string_view name, simdjson::dom::element value) -> Status {
                                  if (name != "minimumRiskLevel") return Status::NotFound("");
                                  return ReadLevel(value, key + ".minimumRiskLevel",
                                                   settings.riskyUsersAlert.minimumRiskLevel);
                                });
    } else if (key == "weeklyDigest") {
      status = ReadEmailNotification(member.value, key, settings.weeklyDigest, NotExtra);
    } else if (key == "webhooks") {
      simdjson::dom::array array;
      if (member.value.get_array().get(array) != simdjson::SUCCESS) {
        return Invalid(key, "must be an array of webhooks");
      }
      for (auto item : array) {
        const std::string where = "webhooks[" + std::to_string(settings.webhooks.size()) + "]";
        WebhookSettings hook;
        if (Status s = ReadWebhook(item, where, previous, hook); !s.ok()) return s;
        for (const WebhookSettings& other : settings.webhooks) {
          if (other.id == hook.id) return Invalid(where + ".id", "repeats '" + hook.id + "'");
        }
        settings.webhooks.push_back(std::move(hook));
        if (settings.webhooks.size() > kMaxWebhooks) {
          return Invalid(key, "may hold at most " + std::to_string(kMaxWebhooks) + " webhooks");
        }
      }
    } else {
      status = Status::InvalidInput("unknown member '" + key +
                                    "' (riskyUsersAlert, weeklyDigest, webhooks)");
    }
    if (!status.ok()) return status;
  }
  return settings;
}

void AppendNotificationSettingsJson(std::string& out, const NotificationSettings& settings,
                                    SecretDisclosure secrets) {
  JsonWriter json(out);
  json.BeginObject();
  json.Key("riskyUsersAlert");
  json.BeginObject();
  AppendEmailMembers(json, settings.riskyUsersAlert);
  json.Member("minimumRiskLevel", ToString(settings.riskyUsersAlert.minimumRiskLevel));
  json.EndObject();
  json.Key("weeklyDigest");
  json.BeginObject();
  AppendEmailMembers(json, settings.weeklyDigest);
  json.EndObject();
  json.Key("webhooks");
  json.BeginArray();
  for (const WebhookSettings& hook : settings.webhooks) {
    json.BeginObject();
    json.Member("id", hook.id);
    json.Member("url", hook.url);
    if (secrets == SecretDisclosure::include) {
      json.Member("secret", hook.secret);
    } else {
      json.Member("hasSecret", !hook.secret.empty());
    }
    json.Member("isEnabled", hook.isEnabled);
    json.Key("eventTypes");
    json.BeginArray();
    for (WebhookEventType type : hook.eventTypes) json.String(ToString(type));
    json.EndArray();
    json.Member("minimumRiskLevel", ToString(hook.minimumRiskLevel));
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

}  // namespace idguard
