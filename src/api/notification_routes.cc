#include "api/notification_routes.h"

#include <simdjson.h>

#include <mutex>

#include "api/graph_error.h"
#include "idguard/core/json_writer.h"

namespace idguard::api {
namespace {

constexpr EventTime kDigestPeriod = 7 * kMicrosPerDay;

HttpResponse SettingsResponse(const NotificationSettings& settings) {
  std::string out;
  AppendNotificationSettingsJson(out, settings, SecretDisclosure::omit);
  HttpResponse response = JsonResponse(200, std::move(out));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// {"from": "...", "to": "..."}, both optional: the 7 days before `to` (default now).
Result<std::pair<EventTime, EventTime>> ReadDigestPeriod(std::string_view body, EventTime now) {
  EventTime to = now;
  std::optional<EventTime> from;
  if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(body.data(), body.size()).get(object) != simdjson::SUCCESS) {
      return Status::InvalidInput("the body must be a JSON object with optional 'from' and 'to'");
    }
    for (auto member : object) {
      std::string_view text;
      std::optional<EventTime> time;
      if (member.value.get_string().get(text) == simdjson::SUCCESS) time = ParseTimestamp(text);
      if (member.key != "from" && member.key != "to") {
        return Status::InvalidInput("unknown member '" + std::string(member.key) + "' (from, to)");
      }
      if (!time) {
        return Status::InvalidInput("'" + std::string(member.key) + "' must be a timestamp");
      }
      if (member.key == "from") {
        from = *time;
      } else {
        to = *time;
      }
    }
  }
  const EventTime start = from.value_or(to - kDigestPeriod);
  if (start >= to) return Status::InvalidInput("'from' must be before 'to'");
  return std::pair{start, to};
}

}  // namespace

Result<NotificationSettings> LoadNotificationSettings(LiveEngine& engine) {
  auto stored = engine.GetSettingsDocument(kNotificationSettingsKind);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return NotificationSettings{};
  auto settings = ReadNotificationSettingsJson(**stored, NotificationSettings{});
  if (!settings.ok()) return settings.status().WithContext("stored notification settings");
  return settings;
}

void AddNotificationRoutes(Router& router, LiveEngine& engine, Notifier& notifier) {
  router.Add(MakeRoute(
      "GET", "/v1/notifications/settings", Permission::readReports,
      "The notification settings: the users-at-risk email, the weekly digest and the webhooks "
      "(webhook secrets are never shown).",
      "notifications", "", 200, [&engine](RouteContext& context) {
        auto settings = LoadNotificationSettings(engine);
        if (!settings.ok()) return GraphErrorFromStatus(context.request, settings.status());
        return SettingsResponse(*settings);
      }));
  // PUTs are serialised so a read-modify-write of the secrets never interleaves.
  auto put_mutex = std::make_shared<std::mutex>();
  router.Add(MakeRoute(
      "PUT", "/v1/notifications/settings", Permission::manageNotifications,
      "Replace the notification settings. A webhook given without 'secret' keeps the stored "
      "one.",
      "notifications", "notificationSettings", 200,
      [&engine, &notifier, put_mutex](RouteContext& context) {
        std::lock_guard lock(*put_mutex);
        auto previous = LoadNotificationSettings(engine);
        if (!previous.ok()) return GraphErrorFromStatus(context.request, previous.status());
        auto settings = ReadNotificationSettingsJson(context.request.body, *previous);
        if (!settings.ok()) return GraphErrorFromStatus(context.request, settings.status());
        std::string stored;
        AppendNotificationSettingsJson(stored, *settings, SecretDisclosure::include);
        Status put = engine.PutSettingsDocument(kNotificationSettingsKind, std::move(stored),
                                                "Update notification settings", ActorOf(context));
        if (!put.ok()) return GraphErrorFromStatus(context.request, put);
        notifier.SetSettings(*settings);
        return SettingsResponse(*settings);
      }));
  router.Add(MakeRoute(
      "POST", "/v1/notifications/weeklyDigest/send", Permission::manageNotifications,
      "Send the weekly digest now to its recipients, for the 7 days before 'to' (default now) "
      "or from 'from'.",
      "notifications", "digestPeriod", 200, [&notifier](RouteContext& context) {
        if (!notifier.emailConfigured()) {
          return GraphError(context.request, 409, "Conflict",
                            "this server sends no email: start it with --smtp-url");
        }
        auto period = ReadDigestPeriod(context.request.body, SystemClock().Now());
        if (!period.ok()) return GraphErrorFromStatus(context.request, period.status());
        auto sent = notifier.SendWeeklyDigest(period->first, period->second);
        if (!sent.ok()) return GraphErrorFromStatus(context.request, sent.status());
        std::string out;
        JsonWriter json(out);
        json.BeginObject();
        json.Member("recipients", static_cast<std::int64_t>(*sent));
        json.MemberTimestamp("from", period->first);
        json.MemberTimestamp("to", period->second);
        json.EndObject();
        return JsonResponse(200, std::move(out));
      }));
}

}  // namespace idguard::api
