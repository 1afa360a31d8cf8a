// NotificationSettings: who hears about identity risk, and how (docs/NOTIFICATIONS.md).
//
// - The "users at risk detected" email goes out when a user's risk reaches minimumRiskLevel
//   (default high); users who cross within the same aggregation window (5 s) share one email.
// - The weekly digest summarises the week's new risky users and real-time risky sign-ins.
// - Webhooks receive risk changes as signed JSON (HMAC-SHA256 with the webhook's secret).
// Both emails go to the listed recipients and, when notifyRoleHolders is on, to the holders of
// the security-administrator and security-reader roles whose API token carries an email address
// (the first 20 per role), as Entra adds its admin roles.
//
// JSON (GET/PUT /v1/notifications/settings):
//   {"riskyUsersAlert": {"isEnabled": true, "minimumRiskLevel": "high",
//                        "notifyRoleHolders": true, "recipients": ["soc@example.com"]},
//    "weeklyDigest": {"isEnabled": true, "notifyRoleHolders": true, "recipients": []},
//    "webhooks": [{"id": "siem", "url": "https://siem.example.com/idguard", "secret": "...",
//                  "isEnabled": true, "eventTypes": ["riskyUser", "riskDetection"],
//                  "minimumRiskLevel": "low"}]}
// A webhook's secret is write-only: it is never shown again, and a PUT that omits it keeps the
// stored one of the webhook with that id.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/risk_enums.h"
#include "idguard/core/status.h"

namespace idguard {

struct EmailNotification {
  bool isEnabled = true;          // Default: on, as Entra
  bool notifyRoleHolders = true;  // Default: on
  std::vector<std::string> recipients;
};

struct RiskyUsersAlertSettings : EmailNotification {
  RiskLevel minimumRiskLevel = RiskLevel::high;  // Default: high
};

enum class WebhookEventType : std::uint8_t {
  riskyUser,      // a user's risk changed (the riskyUserHistoryItem), including remediation
  riskDetection,  // a new risk detection
};
std::string_view ToString(WebhookEventType type);

struct WebhookSettings {
  std::string id;
  std::string url;  // http:// or https://
  std::string secret;
  bool isEnabled = true;
  std::vector<WebhookEventType> eventTypes{WebhookEventType::riskyUser,
                                           WebhookEventType::riskDetection};
  // Events below this level are not sent; remediations (level none) of a user are always sent.
  RiskLevel minimumRiskLevel = RiskLevel::low;  // Default: low

  bool Wants(WebhookEventType type) const;
};

struct NotificationSettings {
  RiskyUsersAlertSettings riskyUsersAlert;
  EmailNotification weeklyDigest;
  std::vector<WebhookSettings> webhooks;
};

inline constexpr std::size_t kMaxNotificationRecipients = 50;
inline constexpr std::size_t kMaxWebhooks = 10;
inline constexpr std::size_t kMinWebhookSecretLength = 16;

// Reads a PUT body. Secrets left out are taken from `previous` (same webhook id); errors name the
// member. Unknown members are refused.
Result<NotificationSettings> ReadNotificationSettingsJson(std::string_view json,
                                                          const NotificationSettings& previous);

// With secrets: the stored form. Without: what GET shows ("hasSecret": true instead).
enum class SecretDisclosure : std::uint8_t { include, omit };
void AppendNotificationSettingsJson(std::string& out, const NotificationSettings& settings,
                                    SecretDisclosure secrets);

// An email address as notifications accept it: local@domain, printable ASCII, no spaces, no
// characters that could end a mail header.
bool IsValidEmailAddress(std::string_view address);

}  // namespace idguard
