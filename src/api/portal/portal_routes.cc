#include "api/portal/portal_routes.h"

#include <simdjson.h>

#include <optional>

#include "api/graph_error.h"
#include "idguard/api/api_service.h"
#include "idguard/api/portal_account.h"
#include "idguard/api/roles.h"
#include "idguard/core/digest.h"
#include "idguard/core/json_writer.h"
#include "idguard/core/password_hash.h"
#include "idguard/core/risk_enums.h"

namespace idguard::api {
namespace {

constexpr EventTime kDefaultOverviewPeriod = 30 * kMicrosPerDay;
constexpr EventTime kLongestOverviewPeriod = 366 * kMicrosPerDay;

// A well-formed scrypt hash with the default parameters: an unknown user name costs the same
// time as a wrong password, so timing does not tell which names exist.
const std::string& DecoyHash() {
  static const std::string hash = [] {
    auto hashed = HashPassword("idguard-decoy-password");
    return hashed.ok() ? *hashed : std::string();
  }();
  return hash;
}

std::string PermissionsJson(Role role) {
  std::string out = "[";
  for (int value = static_cast<int>(Permission::readReports);
       value <= static_cast<int>(Permission::usePortal); ++value) {
    const auto permission = static_cast<Permission>(value);
    if (!RoleAllows(role, permission)) continue;
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(PermissionName(permission)) + "\"";
  }
  return out + "]";
}

std::string SessionJson(std::string_view user_name, Role role, EventTime expires) {
  std::string out;
  JsonWriter writer(out);
  writer.BeginObject();
  writer.Member("userName", user_name);
  writer.Member("role", RoleName(role));
  writer.Key("permissions");
  writer.Raw(PermissionsJson(role));
  if (expires != 0) writer.MemberTimestamp("expiresDateTime", expires);
  writer.EndObject();
  return out;
}

void AppendLevels(JsonWriter& writer, std::string_view name, const LevelCounts& counts) {
  writer.Key(name);
  writer.BeginObject();
  writer.Member("high", counts.high);
  writer.Member("medium", counts.medium);
  writer.Member("low", counts.low);
  writer.EndObject();
}

std::string OverviewJson(const ReportOverview& overview, EventTime from, EventTime to) {
  std::string out;
  JsonWriter writer(out);
  writer.BeginObject();
  writer.MemberTimestamp("from", from);
  writer.MemberTimestamp("to", to);
  AppendLevels(writer, "riskyUsers", overview.riskyUsers);
  AppendLevels(writer, "riskySignIns", overview.riskySignIns);
  AppendLevels(writer, "riskDetections", overview.detections);
  writer.Key("detectionsByDay");
  writer.BeginArray();
  for (const ReportOverview::Day& day : overview.days) {
    writer.BeginObject();
    writer.MemberTimestamp("date", day.day * kMicrosPerDay);
    writer.Member("high", day.detections.high);
    writer.Member("medium", day.detections.medium);
    writer.Member("low", day.detections.low);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("topRiskEventTypes");
  writer.BeginArray();
  for (const auto& [type, count] : overview.topDetectionTypes) {
    writer.BeginObject();
    writer.Member("riskEventType", type);
    writer.Member("count", count);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("riskySignInLocations");
  writer.BeginArray();
  for (const RiskyPlace& place : overview.places) {
    writer.BeginObject();
    writer.Key("latitude");
    writer.Double(place.latitude);
    writer.Key("longitude");
    writer.Double(place.longitude);
    writer.Member("city", place.city);
    writer.Member("countryOrRegion", place.countryOrRegion);
    writer.Member("riskySignIns", place.signIns);
    writer.Member("highestRiskLevel", ToString(place.highestLevel));
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return out;
}

EventTime NowMicros() { return SystemClock().Now(); }

class PortalRoutes {
 public:
  PortalRoutes(LiveEngine& engine, ReaderPool& readers, PortalOptions options,
               PortalAuthHooks hooks)
      : engine_(engine), readers_(readers), options_(options), hooks_(std::move(hooks)) {}

  HttpResponse SignIn(RouteContext& context) {
    const HttpRequest& request = context.request;
    if (!hooks_.allowAttempt(request.remoteAddress)) {
      HttpResponse refused = GraphError(request, 429, "TooManyRequests",
                                        "too many failed sign-ins from this address; retry later");
      refused.headers.emplace_back("Retry-After", "60");
      return refused;
    }
    auto parsed = ReadPortalSignIn(request.body);
    if (!parsed.ok()) return GraphErrorFromStatus(request, parsed.status());
    auto lease = readers_.Borrow();
    if (!lease.ok()) return GraphErrorFromStatus(request, lease.status());
    ReportReader& reader = ***lease;

    std::string user_name;
    std::optional<Role> role;
    std::string method;
    if (!parsed->token.empty()) {
      auto found = reader.FindToken(Sha256Hex(parsed->token));
      if (!found.ok()) return GraphErrorFromStatus(request, found.status());
      const std::optional<ApiTokenRecord>& token = *found;
      const bool usable = token && !token->revoked && token->expiresMicros == 0;
      if (usable) role = ParseRole(token->role);
      if (role) user_name = token->name;
      method = "apiToken";
    } else {
      auto document =
          reader.FindConfigDocument(kPortalAccountKind, PortalAccountId(parsed->userName));
      if (!document.ok()) return GraphErrorFromStatus(request, document.status());
      std::optional<PortalAccount> account;
      if (document->has_value()) {
        if (auto read = ParsePortalAccount(**document); read.ok()) account = std::move(*read);
      }
      const bool matches =
          VerifyPassword(parsed->password, account ? account->passwordHash : DecoyHash());
      if (account && matches) {
        role = ParseRole(account->role);
        user_name = account->userName;
      }
      method = "password";
    }
    if (!role || *role == Role::identityProvider) {
      hooks_.countFailure(request.remoteAddress);
      Audit(request, "signInFailed", parsed->token.empty() ? parsed->userName : "(API token)",
            "failure", method);
      return GraphError(request, 401, "InvalidAuthenticationToken",
                        "the user name and password, or the token, are not valid for the portal");
    }
    return StartSession(request, user_name, *role, method);
  }

  HttpResponse Current(RouteContext& context) {
    auto lease = readers_.Borrow();
    if (!lease.ok()) return GraphErrorFromStatus(context.request, lease.status());
    const std::string_view cookie = SessionCookie(context.request);
    EventTime expires = 0;
    if (!cookie.empty()) {
      auto found = (***lease).FindToken(Sha256Hex(cookie));
      if (found.ok() && found->has_value()) expires = (*found)->expiresMicros;
    }
    HttpResponse response =
        JsonResponse(200, SessionJson(context.principal.name, context.principal.role, expires));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }

  HttpResponse SignOut(RouteContext& context) {
    const std::string_view cookie = SessionCookie(context.request);
    HttpResponse response = NoContent();
    response.headers.emplace_back("Set-Cookie", CookieHeader("", 0));
    if (cookie.empty()) return response;  // a bearer token is not a session: nothing to end
    const std::string hash = Sha256Hex(cookie);
    StoreBatch batch;
    batch.revokedApiTokenIds.push_back(context.principal.tokenId);
    batch.audit.push_back(
        MakeAuditEntry(NowMicros(), "Portal", "signOut", ActorOf(context), "success", "",
                       {{context.principal.tokenId, "PortalSession", context.principal.name, {}}}));
    if (Status written = engine_.WriteTokens(batch); !written.ok()) {
      return GraphErrorFromStatus(context.request, written);
    }
    hooks_.forgetToken(hash);
    return response;
  }

  HttpResponse Overview(RouteContext& context) {
    const HttpRequest& request = context.request;
    const EventTime now = NowMicros();
    auto time_option = [&](std::string_view name, EventTime fallback) -> std::optional<EventTime> {
      const std::string_view text = context.Query(name);
      if (text.empty()) return fallback;
      return ParseTimestamp(text);
    };
    const auto to = time_option("to", now);
    if (!to) return GraphError(request, 400, "BadRequest", "'to' must be an ISO 8601 timestamp");
    const auto from = time_option("from", *to - kDefaultOverviewPeriod);
    if (!from) {
      return GraphError(request, 400, "BadRequest", "'from' must be an ISO 8601 timestamp");
    }
    if (*from >= *to || *to - *from > kLongestOverviewPeriod) {
      return GraphError(request, 400, "BadRequest",
                        "'from' must be before 'to', and the period at most 366 days");
    }
    auto lease = readers_.Borrow();
    if (!lease.ok()) return GraphErrorFromStatus(request, lease.status());
    auto overview = (***lease).Overview(*from, *to);
    if (!overview.ok()) return GraphErrorFromStatus(request, overview.status());
    return JsonResponse(200, OverviewJson(*overview, *from, *to));
  }

 private:
  HttpResponse StartSession(const HttpRequest& request, const std::string& user_name, Role role,
                            const std::string& method) {
    auto token = GenerateApiToken();
    if (!token.ok()) return GraphErrorFromStatus(request, token.status());
    const EventTime now = NowMicros();
    const EventTime expires =
        now +
        std::chrono::duration_cast<std::chrono::microseconds>(options_.sessionLifetime).count();
    StoredApiToken stored;
    stored.token.id = "session-" + Sha256Hex(token->sha256 + "|id").substr(0, 16);
    stored.token.name = user_name;
    stored.token.role = std::string(RoleName(role));
    stored.token.createdMicros = now;
    stored.token.expiresMicros = expires;
    stored.tokenSha256 = token->sha256;
    StoreBatch batch;
    const Actor actor{user_name, stored.token.id, stored.token.role, request.requestId};
    batch.audit.push_back(MakeAuditEntry(now, "Portal", "signIn", actor, "success", method,
                                         {{stored.token.id, "PortalSession", user_name, {}}}));
    batch.apiTokens.push_back(std::move(stored));
    if (Status written = engine_.WriteTokens(batch); !written.ok()) {
      return GraphErrorFromStatus(request, written);
    }
    HttpResponse response = JsonResponse(201, SessionJson(user_name, role, expires));
    response.headers.emplace_back("Set-Cookie",
                                  CookieHeader(token->token, options_.sessionLifetime.count()));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }

  void Audit(const HttpRequest& request, std::string_view activity, const std::string& who,
             std::string_view result, std::string_view reason) {
    const Actor actor{who, "", "", request.requestId};
    // A failed sign-in that cannot be audited is still refused; the answer does not depend on it.
    (void)engine_.Audit(MakeAuditEntry(NowMicros(), "Portal", activity, actor, result, reason,
                                       {{who, "PortalAccount", who, {}}}));
  }

  std::string CookieHeader(std::string_view value, std::int64_t max_age) const {
    std::string header = std::string(kSessionCookie) + "=" + std::string(value) +
                         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
    if (options_.secureCookie) header += "; Secure";
    return header;
  }

  LiveEngine& engine_;
  ReaderPool& readers_;
  PortalOptions options_;
  PortalAuthHooks hooks_;
};

}  // namespace

Result<PortalSignInRequest> ReadPortalSignIn(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(body.data(), body.size()).get(object) != simdjson::SUCCESS) {
    return Status::InvalidInput(
        "the body must be a JSON object: {\"userName\", \"password\"} or {\"token\"}");
  }
  PortalSignInRequest request;
  for (auto member : object) {
    std::string_view value;
    if (member.value.get_string().get(value) != simdjson::SUCCESS) {
      return Status::InvalidInput("'" + std::string(member.key) + "' must be a string");
    }
    if (member.key == "userName") {
      request.userName = value;
    } else if (member.key == "password") {
      request.password = value;
    } else if (member.key == "token") {
      request.token = value;
    } else {
      return Status::InvalidInput("unknown member '" + std::string(member.key) +
                                  "' (userName, password, token)");
    }
  }
  const bool with_password = !request.userName.empty() || !request.password.empty();
  if (with_password == !request.token.empty()) {
    return Status::InvalidInput("give either 'userName' and 'password', or 'token'");
  }
  if (with_password && (request.userName.empty() || request.password.empty())) {
    return Status::InvalidInput("'userName' and 'password' go together");
  }
  return request;
}

std::string_view SessionCookie(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.size() > kSessionCookie.size() &&
          pair.substr(0, kSessionCookie.size()) == kSessionCookie &&
          pair[kSessionCookie.size()] == '=') {
        return pair.substr(kSessionCookie.size() + 1);
      }
    }
  }
  return {};
}

void AddPortalRoutes(Router& router, LiveEngine& engine, ReaderPool& readers,
                     const PortalOptions& options, const PortalAuthHooks& hooks) {
  auto routes = std::make_shared<PortalRoutes>(engine, readers, options, hooks);
  router.Add(MakeRoute("POST", "/v1/portal/session", Permission::none,
                       "Sign in to the admin portal with a local account or an API token; sets "
                       "the HttpOnly session cookie.",
                       "Portal", "portalSignIn", 201,
                       [routes](RouteContext& context) { return routes->SignIn(context); }));
  router.Add(MakeRoute("GET", "/v1/portal/session", Permission::usePortal,
                       "Who is signed in: user name, role and the permissions of the role.",
                       "Portal", "", 200,
                       [routes](RouteContext& context) { return routes->Current(context); }));
  router.Add(MakeRoute("DELETE", "/v1/portal/session", Permission::usePortal,
                       "Sign out: ends the session and clears its cookie.", "Portal", "", 204,
                       [routes](RouteContext& context) { return routes->SignOut(context); }));
  Route overview = MakeRoute(
      "GET", "/v1/reports/overview", Permission::readReports,
      "The overview of a period (default: the last 30 days): risky users, risky "
      "sign-ins and detections by level, detections per day, the top detection "
      "types and where risky sign-ins came from.",
      "Reports", "", 200, [routes](RouteContext& context) { return routes->Overview(context); });
  overview.queryOptions = {"from", "to"};
  router.Add(std::move(overview));
}

}  // namespace idguard::api
