// The notification routes (/v1/notifications): the settings of the "users at risk detected"
// email, the weekly digest and the webhooks, and sending the digest on demand.
#pragma once

#include "api/router.h"
#include "idguard/export/notifier.h"
#include "idguard/pipeline/live_engine.h"

namespace idguard::api {

inline constexpr std::string_view kNotificationSettingsKind = "notificationSettings";

// The stored settings, or the defaults when none were ever saved.
Result<NotificationSettings> LoadNotificationSettings(LiveEngine& engine);

void AddNotificationRoutes(Router& router, LiveEngine& engine, Notifier& notifier);

}  // namespace idguard::api
