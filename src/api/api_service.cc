#include "idguard/api/api_service.h"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <unordered_map>

#include "api/downloads.h"
#include "api/graph_collections.h"
#include "api/graph_error.h"
#include "api/metrics.h"
#include "api/notification_routes.h"
#include "api/openapi.h"
#include "api/portal/portal_routes.h"
#include "api/portal/static_files.h"
#include "api/query_string.h"
#include "api/reader_pool.h"
#include "api/realtime_routes.h"
#include "api/request_body.h"
#include "api/router.h"
#include "idguard/core/digest.h"
#include "idguard/core/json_writer.h"
#include "idguard/store/notification_outbox.h"
#include "idguard/store/report_reader.h"

namespace idguard::api {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Graph takes at most 60 ids per risk action call.
constexpr std::size_t kMaxActionIds = 60;

std::string NotifierMetrics(const NotifierCounters& counters) {
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, std::int64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  out += "# HELP idguard_notification_emails_total Notification emails sent, by kind.\n";
  out += "# TYPE idguard_notification_emails_total counter\n";
  out += "idguard_notification_emails_total{kind=\"riskyUsersAlert\"} " +
         std::to_string(counters.alertEmailsSent) + "\n";
  out += "idguard_notification_emails_total{kind=\"weeklyDigest\"} " +
         std::to_string(counters.digestEmailsSent) + "\n";
  metric("idguard_notification_email_failures_total", "counter",
         "Notification emails that could not be sent.", counters.emailFailures);
  metric("idguard_webhook_deliveries_total", "counter", "Webhook POSTs answered with 2xx.",
         counters.webhookDeliveries);
  metric("idguard_webhook_failed_attempts_total", "counter",
         "Webhook POSTs that failed (retried with backoff).", counters.webhookFailedAttempts);
  metric("idguard_webhook_events_dropped_total", "counter",
         "Webhook events dropped: queue full, or refused after the last attempt.",
         counters.webhookEventsDropped);
  metric("idguard_webhook_events_queued", "gauge", "Webhook events waiting to be delivered.",
         counters.webhookEventsQueued);
  metric("idguard_webhook_outbox_failures_total", "counter",
         "Reads and removals of the stored webhook events that failed.", counters.outboxFailures);
  return out;
}

// The profile checkpoint is made with the engine lock held: its time is time every call waited.
std::string ProfileCheckpointMetrics(const LiveEngine& engine) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.6f",
                static_cast<double>(engine.ProfileCheckpointTime().count()) / 1e6);
  return "# HELP idguard_profile_checkpoints_total Profile checkpoints made (learned profiles, "
         "organisation profile and detector states, written for the next start).\n"
         "# TYPE idguard_profile_checkpoints_total counter\n"
         "idguard_profile_checkpoints_total " +
         std::to_string(engine.ProfileCheckpoints()) +
         "\n"
         "# HELP idguard_profile_checkpoint_seconds_total Time spent making profile checkpoints "
         "with the engine lock held; evaluations wait meanwhile.\n"
         "# TYPE idguard_profile_checkpoint_seconds_total counter\n"
         "idguard_profile_checkpoint_seconds_total " +
         seconds + "\n";
}

bool IsSafeHost(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

// The store's refusal, with what the call stored before it: a batch judged in slices keeps the
// slices written earlier, and the client needs to know that sending it again is safe.
HttpResponse StoreFailureOfIngest(const HttpRequest& request, const IngestResult& result) {
  const Status& failure = result.storeFailure;
  const bool busy = failure.code() == StatusCode::kUnavailable;
  const std::string stored =
      result.accepted == 0
          ? "none of the body's " + std::to_string(result.received) + " records were stored"
          : std::to_string(result.accepted) + " sign-ins of the body's " +
                std::to_string(result.received) + " records were stored before the failure (with " +
                std::to_string(result.detections) + " detections)";
  const std::string message =
      std::string(busy ? "The store was busy" : "The store refused the batch") + "; " + stored +
      ". Send the body again: stored sign-ins count as duplicates";
  return ServerFailure(request, busy ? 503 : 500,
                       busy ? "ServiceUnavailable" : "InternalServerError", message, failure);
}

}  // namespace

class ApiService::Impl {
 public:
  Impl(const ApiOptions& options, std::unique_ptr<LiveEngine> engine, StaticFiles portal_files)
      : options_(options),
        engine_(std::move(engine)),
        readers_(options.dbPath),
        portal_files_(std::move(portal_files)) {
    StartNotifier();
    AddRoutes();
    std::vector<std::string> names;
    for (const Route& route : router_.routes()) names.push_back(route.method + " " + route.pattern);
    metrics_ = std::make_unique<ApiMetrics>(std::move(names));
  }

  ~Impl() {
    // The engine outlives the notifier (members go in reverse order): stop telling it first.
    engine_->SetCommitObserver({});
  }

  HttpResponse Handle(HttpRequest& request);
  const Router& router() const { return router_; }

 private:
  void StartNotifier();
  void AddRoutes();
  void AddRiskyUserRoutes();
  void AddServicePrincipalRoutes();
  void AddSignInRoutes();
  void AddAuditRoutes();
  void AddOwnRoutes();
  void AddUserRoutes();
  void AddDownloadRoutes();
  std::string BaseUrl(const HttpRequest& request) const;
  // Looks the bearer token up (cached briefly); nullopt with `error` set when it is not valid.
  std::optional<Principal> Authenticate(const HttpRequest& request, HttpResponse& error);
  bool AllowFailedAuth(const std::string& address);
  bool AllowRequest(const std::string& token_id);
  // Runs `body` with a leased reader, or answers 503 when the store cannot be read.
  template <typename Body>
  HttpResponse WithReader(const HttpRequest& request, Body body);
  using ScopeOf = std::function<Scope(const RouteContext&)>;
  using ActionOf =
      std::function<Result<ActionResult>(const std::vector<std::string>& ids, const Actor& actor)>;
  // A Graph list or get route over a stored collection, and a Graph risk action route.
  void AddList(const std::string& pattern, const std::string& summary, const std::string& tag,
               const CollectionSpec& spec, ScopeOf scope_of = {});
  void AddGet(const std::string& pattern, const std::string& summary, const std::string& tag,
              const CollectionSpec& spec);
  void AddAction(const std::string& pattern, const std::string& summary, const std::string& tag,
                 const std::string& ids_member, const ActionOf& act);

  ApiOptions options_;
  std::unique_ptr<LiveEngine> engine_;
  std::unique_ptr<Notifier> notifier_;
  ReaderPool readers_;
  StaticFiles portal_files_;
  Router router_;
  std::unique_ptr<ApiMetrics> metrics_;

  struct CachedToken {
    std::optional<ApiTokenRecord> record;
    SteadyClock::time_point expires;
  };
  std::mutex tokens_mutex_;
  std::unordered_map<std::string, CachedToken> tokens_;

  struct Window {
    SteadyClock::time_point start;
    unsigned count = 0;
  };
  std::mutex limits_mutex_;
  std::unordered_map<std::string, Window> failed_auth_;
  struct Bucket {
    double tokens = 0;
    SteadyClock::time_point updated;
  };
  std::unordered_map<std::string, Bucket> buckets_;
};

std::string ApiService::Impl::BaseUrl(const HttpRequest& request) const {
  const std::string_view host = request.Header("host");
  if (!IsSafeHost(host)) return options_.publicBaseUrl;
  return std::string(options_.tls ? "https://" : "http://") + std::string(host);
}

bool ApiService::Impl::AllowFailedAuth(const std::string& address) {
  std::lock_guard lock(limits_mutex_);
  const auto now = SteadyClock::now();
  if (failed_auth_.size() > 100'000) failed_auth_.clear();  // bounded under address spraying
  Window& window = failed_auth_[address];
  if (now - window.start > std::chrono::minutes(1)) window = {now, 0};
  return window.count < options_.failedAuthPerMinute;
}

bool ApiService::Impl::AllowRequest(const std::string& token_id) {
  if (options_.rateLimitPerSecond == 0) return true;
  std::lock_guard lock(limits_mutex_);
  const auto now = SteadyClock::now();
  const double capacity = 2.0 * options_.rateLimitPerSecond;
  auto [it, inserted] = buckets_.try_emplace(token_id, Bucket{capacity, now});
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(capacity, bucket.tokens + elapsed * options_.rateLimitPerSecond);
  bucket.updated = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

std::optional<Principal> ApiService::Impl::Authenticate(const HttpRequest& request,
                                                        HttpResponse& error) {
  const std::string_view header = request.Header("authorization");
  // Only presented tokens that fail count toward the address's limit: guessing, not forgetting.
  auto refuse = [&](std::string_view message) -> std::optional<Principal> {
    if (!header.empty() || !SessionCookie(request).empty()) {
      std::lock_guard lock(limits_mutex_);
      ++failed_auth_[request.remoteAddress].count;
    }
    error = GraphError(request, 401, "InvalidAuthenticationToken", message);
    return std::nullopt;
  };
  if (!AllowFailedAuth(request.remoteAddress)) {
    error = GraphError(request, 429, "TooManyRequests",
                       "too many requests with invalid tokens from this address; retry later");
    error.headers.emplace_back("Retry-After", "60");
    return std::nullopt;
  }
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view presented;
  if (header.empty()) {
    // The portal's session cookie stands in for the header; a change made with it must come
    // from the portal's own script (a cross-site form cannot set this header).
    presented = SessionCookie(request);
    if (presented.empty()) return refuse("Access token is empty.");
    if (request.method != "GET" && request.method != "HEAD" &&
        request.Header("x-requested-with") != kPortalRequestHeader) {
      error = GraphError(request, 403, "Authorization_RequestDenied",
                         "a change with the session cookie needs the header X-Requested-With: " +
                             std::string(kPortalRequestHeader));
      return std::nullopt;
    }
  } else if (header.size() <= kBearer.size() ||
             !std::equal(kBearer.begin(), kBearer.end(), header.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
             })) {
    return refuse("Authorization must be 'Bearer <token>'.");
  } else {
    presented = header.substr(kBearer.size());
  }
  const std::string hash = Sha256Hex(presented);
  std::optional<ApiTokenRecord> record;
  bool cached = false;
  {
    std::lock_guard lock(tokens_mutex_);
    auto it = tokens_.find(hash);
    if (it != tokens_.end() && it->second.expires > SteadyClock::now()) {
      record = it->second.record;
      cached = true;
    }
  }
  if (!cached) {
    auto lease = readers_.Borrow();
    if (!lease.ok()) {
      error = GraphErrorFromStatus(request, lease.status());
      return std::nullopt;
    }
    auto found = (***lease).FindToken(hash);
    if (!found.ok()) {
      error = GraphErrorFromStatus(request, found.status());
      return std::nullopt;
    }
    record = *found;
    std::lock_guard lock(tokens_mutex_);
    if (tokens_.size() > 10'000) tokens_.clear();
    tokens_[hash] = {record, SteadyClock::now() + options_.tokenCacheTtl};
  }
  if (!record || record->revoked) return refuse("The access token is not valid.");
  if (record->expiresMicros != 0 && SystemClock().Now() >= record->expiresMicros) {
    return refuse("The session has expired; sign in again.");
  }
  auto role = ParseRole(record->role);
  if (!role) return refuse("The access token has an unknown role.");
  return Principal{record->id, record->name, *role};
}

template <typename Body>
HttpResponse ApiService::Impl::WithReader(const HttpRequest& request, Body body) {
  auto lease = readers_.Borrow();
  if (!lease.ok()) return GraphErrorFromStatus(request, lease.status());
  return body(***lease);
}

HttpResponse ApiService::Impl::Handle(HttpRequest& request) {
  const auto started = SteadyClock::now();
  std::size_t route_index = router_.routes().size();
  HttpResponse response = [&]() -> HttpResponse {
    auto segments = SplitPath(request.path);
    if (!segments) return GraphError(request, 400, "BadRequest", "malformed path encoding");
    std::string bad_part;
    auto query = ParseQuery(request.query, bad_part);
    if (!query) {
      return GraphError(request, 400, "BadRequest",
                        "malformed query option encoding in '" + bad_part + "'");
    }
    Router::Match match = router_.Find(request.method, *segments);
    if (match.route == nullptr && (request.method == "GET" || request.method == "HEAD")) {
      if (auto page = portal_files_.Serve(request.path)) return std::move(*page);
    }
    if (match.route == nullptr) {
      if (match.pathExists) {
        return GraphError(request, 405, "MethodNotAllowed",
                          "the method " + request.method + " is not allowed on this path");
      }
      return GraphError(request, 404, "ResourceNotFound", "no resource at '" + request.path + "'");
    }
    route_index = static_cast<std::size_t>(match.route - router_.routes().data());
    Principal principal;
    if (match.route->permission != Permission::none) {
      HttpResponse error;
      auto authenticated = Authenticate(request, error);
      if (!authenticated) return error;
      principal = std::move(*authenticated);
      if (!RoleAllows(principal.role, match.route->permission)) {
        return GraphError(request, 403, "Authorization_RequestDenied",
                          "the role " + std::string(RoleName(principal.role)) + " does not allow " +
                              std::string(PermissionName(match.route->permission)));
      }
      if (!AllowRequest(principal.tokenId)) {
        HttpResponse limited = GraphError(request, 429, "TooManyRequests",
                                          "the token's request rate limit is reached");
        limited.headers.emplace_back("Retry-After", "1");
        return limited;
      }
    }
    RouteContext context{request, principal, std::move(match.parameters), std::move(*query)};
    return match.route->handler(context);
  }();
  if (route_index < router_.routes().size()) {
    const Route& route = router_.routes()[route_index];
    response.route = route.method + " " + route.pattern;
  } else if (response.route.empty()) {
    response.route = "unmatched";
  }
  metrics_->Observe(
      route_index, response.status,
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started).count());
  return response;
}

void ApiService::Impl::StartNotifier() {
  NotifierOptions notifier_options = options_.notifier;
  if (notifier_options.baseUrl.empty()) notifier_options.baseUrl = options_.publicBaseUrl;
  const std::string db_path = options_.dbPath;
  notifier_ = std::make_unique<Notifier>(
      notifier_options,
      [db_path]() -> Result<std::unique_ptr<ReportReader>> {
        return OpenSqliteReportReader(db_path);
      },
      OpenSqliteNotificationOutbox(db_path));
  // Unreadable settings leave the defaults in force; GET and PUT report the reason.
  if (auto settings = LoadNotificationSettings(*engine_); settings.ok()) {
    notifier_->SetSettings(*settings);
  }
  Notifier* notifier = notifier_.get();
  engine_->SetCommitObserver({[notifier](StoreBatch& batch) { notifier->AddOutboxEvents(batch); },
                              [notifier](const StoreBatch& batch) { notifier->Committed(batch); }});
}

void ApiService::Impl::AddRoutes() {
  router_.Add({"GET",
               "/healthz",
               Permission::none,
               "Liveness: the process answers.",
               "Operations",
               {},
               "",
               200,
               "application/json",
               [](RouteContext&) { return JsonResponse(200, R"({"status":"ok"})"); }});
  router_.Add({"GET",
               "/readyz",
               Permission::none,
               "Readiness: the store can be read and the engine is loaded.",
               "Operations",
               {},
               "",
               200,
               "application/json",
               [this](RouteContext& context) {
                 auto lease = readers_.Borrow();
                 Status readable = lease.ok()
                                       ? (***lease).Count(ReportTable::riskyUsers, "", {}).status()
                                       : lease.status();
                 // Anyone may ask: the cause (a file, a statement) goes only to the log.
                 if (!readable.ok()) {
                   return ServerFailure(context.request, 503, "ServiceUnavailable",
                                        "The store cannot be read", readable);
                 }
                 return JsonResponse(200, R"({"status":"ready"})");
               }});
  router_.Add(
      {"GET",
       "/openapi.json",
       Permission::none,
       "This API's OpenAPI 3 document.",
       "Operations",
       {},
       "",
       200,
       "application/json",
       [this](RouteContext&) { return JsonResponse(200, BuildOpenApi(router_.routes())); }});
  router_.Add({"GET",
               "/metrics",
               Permission::readMetrics,
               "Prometheus metrics: requests, latencies, ingest counts, detections by type, "
               "writer queue depth.",
               "Operations",
               {},
               "",
               200,
               "text/plain; version=0.0.4",
               [this](RouteContext& context) {
                 return WithReader(context.request, [&](ReportReader& reader) {
                   std::string extra =
                       "# HELP idguard_detections Stored risk detections by riskEventType.\n"
                       "# TYPE idguard_detections gauge\n";
                   auto counts = reader.CountDetectionsByType();
                   if (!counts.ok()) return GraphErrorFromStatus(context.request, counts.status());
                   for (const auto& [type, count] : *counts) {
                     extra += "idguard_detections{riskEventType=\"" + type + "\"} " +
                              std::to_string(count) + "\n";
                   }
                   metrics_->writerQueueDepth().store(engine_->QueueDepth());
                   extra +=
                       "# HELP idguard_evaluations_unwritten Evaluations answered and not yet "
                       "written to the store.\n"
                       "# TYPE idguard_evaluations_unwritten gauge\n"
                       "idguard_evaluations_unwritten " +
                       std::to_string(engine_->PendingEvaluations()) + "\n";
                   extra +=
                       "# HELP idguard_store_write_failures_total Batches the store refused; "
                       "each makes the engine rebuild its state from the store.\n"
                       "# TYPE idguard_store_write_failures_total counter\n"
                       "idguard_store_write_failures_total " +
                       std::to_string(engine_->StoreWriteFailures()) + "\n";
                   extra += ProfileCheckpointMetrics(*engine_);
                   extra += NotifierMetrics(notifier_->counters());
                   HttpResponse response;
                   response.contentType = "text/plain; version=0.0.4";
                   response.body = metrics_->Render(extra);
                   return response;
                 });
               }});
  AddRiskyUserRoutes();
  AddServicePrincipalRoutes();
  AddSignInRoutes();
  AddAuditRoutes();
  AddOwnRoutes();
  AddConditionalAccessRoutes(router_, *engine_,
                             [this](const HttpRequest& request) { return BaseUrl(request); });
  AddEvaluateRoutes(router_, *engine_);
  AddMfaRegistrationRoutes(router_, *engine_);
  AddPolicyImpactRoute(router_, *engine_, readers_);
  AddNotificationRoutes(router_, *engine_, *notifier_);
  PortalAuthHooks hooks;
  hooks.allowAttempt = [this](const std::string& address) { return AllowFailedAuth(address); };
  hooks.countFailure = [this](const std::string& address) {
    std::lock_guard lock(limits_mutex_);
    ++failed_auth_[address].count;
  };
  hooks.forgetToken = [this](const std::string& token_sha256) {
    std::lock_guard lock(tokens_mutex_);
    tokens_.erase(token_sha256);
  };
  AddPortalRoutes(router_, *engine_, readers_, {options_.portalSessionLifetime, options_.tls},
                  hooks);
}

void ApiService::Impl::AddList(const std::string& pattern, const std::string& summary,
                               const std::string& tag, const CollectionSpec& spec,
                               ScopeOf scope_of) {
  router_.Add({"GET",
               pattern,
               Permission::readReports,
               summary,
               tag,
               {"$filter", "$select", "$top", "$orderby", "$count", "$skiptoken"},
               "",
               200,
               "application/json",
               [this, &spec, scope_of](RouteContext& context) {
                 return WithReader(context.request, [&](ReportReader& reader) {
                   const Scope scope = scope_of ? scope_of(context) : Scope();
                   return ListCollection(context, reader, spec, scope, BaseUrl(context.request));
                 });
               }});
}

void ApiService::Impl::AddGet(const std::string& pattern, const std::string& summary,
                              const std::string& tag, const CollectionSpec& spec) {
  router_.Add({"GET",
               pattern,
               Permission::readReports,
               summary,
               tag,
               {"$select"},
               "",
               200,
               "application/json",
               [this, &spec](RouteContext& context) {
                 // The member id is the last path parameter.
                 return WithReader(context.request, [&](ReportReader& reader) {
                   return GetMember(context, reader, spec, context.parameters.back(),
                                    BaseUrl(context.request));
                 });
               }});
}

void ApiService::Impl::AddAction(const std::string& pattern, const std::string& summary,
                                 const std::string& tag, const std::string& ids_member,
                                 const ActionOf& act) {
  router_.Add({"POST",
               pattern,
               Permission::riskActions,
               summary,
               tag,
               {},
               ids_member,
               204,
               "application/json",
               [ids_member, act](RouteContext& context) {
                 auto ids = ReadIdList(context.request.body, ids_member, kMaxActionIds);
                 if (!ids.ok()) return GraphErrorFromStatus(context.request, ids.status());
                 auto result = act(*ids, ActorOf(context));
                 if (!result.ok()) return GraphErrorFromStatus(context.request, result.status());
                 return NoContent();
               }});
}

namespace {

// The history of one subject: the rows whose user_id is the first path parameter.
Scope OfFirstParameter(const RouteContext& context) {
  return Scope{"user_id = ?", {SqlValue(context.parameters[0])}};
}

constexpr std::pair<const char*, RiskAction> kUserActions[] = {
    {"confirmCompromised", RiskAction::confirmCompromised},
    {"dismiss", RiskAction::dismiss},
    {"confirmSafe", RiskAction::confirmSafe},
};

}  // namespace

void ApiService::Impl::AddRiskyUserRoutes() {
  const std::string base = "/v1.0/identityProtection";
  AddList(base + "/riskyUsers", "List risky users.", "riskyUsers", RiskyUsersCollection());
  AddGet(base + "/riskyUsers/{id}", "Get a risky user.", "riskyUsers", RiskyUsersCollection());
  AddList(base + "/riskyUsers/{id}/history",
          "List a risky user's history: every change of its risk and who made it.", "riskyUsers",
          RiskyUserHistoryCollection(), OfFirstParameter);
  router_.Add({"GET",
               base + "/riskyUsers/{id}/history/{itemId}",
               Permission::readReports,
               "Get one item of a risky user's history.",
               "riskyUsers",
               {"$select"},
               "",
               200,
               "application/json",
               [this](RouteContext& context) {
                 // Item ids start with the user id, so an item of another user is not found.
                 const std::string& user = context.parameters[0];
                 const std::string& item = context.parameters[1];
                 if (item.rfind(user + "_", 0) != 0) {
                   return GraphError(context.request, 404, "ResourceNotFound",
                                     "riskyUserHistoryItem '" + item + "' was not found");
                 }
                 return WithReader(context.request, [&](ReportReader& reader) {
                   return GetMember(context, reader, RiskyUserHistoryCollection(), item,
                                    BaseUrl(context.request));
                 });
               }});
  for (const auto& [name, action] : kUserActions) {
    const RiskAction chosen = action;
    AddAction(base + "/riskyUsers/" + name,
              std::string("Risky users: ") + name + " (at most 60 userIds).", "riskyUsers",
              "userIds", [this, chosen](const std::vector<std::string>& ids, const Actor& actor) {
                return engine_->ActOnUsers(chosen, ids, actor);
              });
  }
  AddList(base + "/riskDetections", "List risk detections.", "riskDetections",
          RiskDetectionsCollection(), [](const RouteContext&) { return UserDetectionsScope(); });
  AddGet(base + "/riskDetections/{id}", "Get a risk detection.", "riskDetections",
         RiskDetectionsCollection());
}

void ApiService::Impl::AddServicePrincipalRoutes() {
  const std::string base = "/v1.0/identityProtection";
  AddList(base + "/riskyServicePrincipals", "List risky service principals (workload identities).",
          "riskyServicePrincipals", RiskyServicePrincipalsCollection());
  AddGet(base + "/riskyServicePrincipals/{id}", "Get a risky service principal.",
         "riskyServicePrincipals", RiskyServicePrincipalsCollection());
  AddList(base + "/riskyServicePrincipals/{id}/history",
          "List a risky service principal's history.", "riskyServicePrincipals",
          ServicePrincipalHistoryCollection(), OfFirstParameter);
  for (const auto& [name, action] : kUserActions) {
    if (action == RiskAction::confirmSafe) continue;  // Graph has no confirmSafe for them
    const RiskAction chosen = action;
    AddAction(
        base + "/riskyServicePrincipals/" + name,
        std::string("Risky service principals: ") + name + " (at most 60 servicePrincipalIds).",
        "riskyServicePrincipals", "servicePrincipalIds",
        [this, chosen](const std::vector<std::string>& ids, const Actor& actor) {
          return engine_->ActOnServicePrincipals(chosen, ids, actor);
        });
  }
  AddList(base + "/servicePrincipalRiskDetections", "List service principal risk detections.",
          "servicePrincipalRiskDetections", ServicePrincipalRiskDetectionsCollection(),
          [](const RouteContext&) { return ServicePrincipalDetectionsScope(); });
  AddGet(base + "/servicePrincipalRiskDetections/{id}", "Get a service principal risk detection.",
         "servicePrincipalRiskDetections", ServicePrincipalRiskDetectionsCollection());
}

void ApiService::Impl::AddSignInRoutes() {
  const std::string base = "/v1.0/auditLogs/signIns";
  AddList(base, "List sign-ins, newest first.", "signIns", SignInsCollection());
  AddGet(base + "/{id}", "Get a sign-in.", "signIns", SignInsCollection());
  for (const auto& [name, action] : kUserActions) {
    const RiskAction chosen = action;
    AddAction(base + "/" + name, std::string("Sign-ins: ") + name + " (at most 60 requestIds).",
              "signIns", "requestIds",
              [this, chosen](const std::vector<std::string>& ids, const Actor& actor) {
                return engine_->ActOnSignIns(chosen, ids, actor);
              });
  }
}

void ApiService::Impl::AddAuditRoutes() {
  AddList("/v1.0/auditLogs/directoryAudits",
          "List the audit log of administrative actions, newest first.", "directoryAudits",
          DirectoryAuditsCollection());
  AddGet("/v1.0/auditLogs/directoryAudits/{id}", "Get one audit record.", "directoryAudits",
         DirectoryAuditsCollection());
}

void ApiService::Impl::AddUserRoutes() {
  router_.Add(
      {"GET",
       "/v1/users/{id}",
       Permission::readAccounts,
       "An account as the directory has it: enabled, password reset, sessions revoked.",
       "users",
       {},
       "",
       200,
       "application/json",
       [this](RouteContext& context) {
         auto account = engine_->FindAccount(context.parameters[0]);
         if (!account.ok()) return GraphErrorFromStatus(context.request, account.status());
         if (!*account) {
           return GraphError(context.request, 404, "ResourceNotFound",
                             "no account has the id '" + context.parameters[0] + "'");
         }
         const Account& a = **account;
         HttpResponse response;
         JsonWriter json(response.body);
         json.BeginObject();
         json.Member("id", a.id);
         json.MemberOrNull("userPrincipalName", a.userPrincipalName);
         json.MemberOrNull("displayName", a.displayName);
         json.Member("accountEnabled", a.accountEnabled);
         json.Member("mustChangePassword", a.mustChangePassword);
         json.Member("temporaryPasswordPending", a.temporaryPasswordPending);
         json.Key("lastPasswordResetDateTime");
         a.passwordResetDateTime > 0 ? json.Timestamp(a.passwordResetDateTime) : json.Null();
         json.Key("sessionsRevokedDateTime");
         a.sessionsRevokedDateTime > 0 ? json.Timestamp(a.sessionsRevokedDateTime) : json.Null();
         json.EndObject();
         return response;
       }});
  router_.Add({"GET",
               "/v1/users/{id}/profile",
               Permission::readReports,
               "The familiar properties idguard has learned for a user, for investigation.",
               "users",
               {},
               "",
               200,
               "application/json",
               [this](RouteContext& context) {
                 auto profile = engine_->ProfileJson(context.parameters[0]);
                 if (!profile.ok()) return GraphErrorFromStatus(context.request, profile.status());
                 if (!*profile) {
                   return GraphError(
                       context.request, 404, "ResourceNotFound",
                       "idguard has learned nothing about user '" + context.parameters[0] + "'");
                 }
                 return JsonResponse(200, std::move(**profile));
               }});
  router_.Add({"POST",
               "/v1/users/{id}/resetPassword",
               Permission::resetPassword,
               "Reset the password (mode temporaryPassword returns it once; "
               "requireChangeAtNextSignIn does not) and revoke sessions; a risky user is "
               "remediated.",
               "users",
               {},
               "resetPassword",
               200,
               "application/json",
               [this](RouteContext& context) {
                 PasswordResetMode mode = PasswordResetMode::temporaryPassword;
                 auto requested = ReadOptionalString(context.request.body, "mode");
                 if (!requested.ok()) {
                   return GraphErrorFromStatus(context.request, requested.status());
                 }
                 if (*requested == "requireChangeAtNextSignIn") {
                   mode = PasswordResetMode::requireChangeAtNextSignIn;
                 } else if (*requested && **requested != "temporaryPassword") {
                   return GraphError(context.request, 400, "BadRequest",
                                     "invalid mode '" + **requested +
                                         "': expected temporaryPassword or "
                                         "requireChangeAtNextSignIn");
                 }
                 auto password =
                     engine_->ResetPassword(context.parameters[0], mode, ActorOf(context));
                 if (!password.ok()) {
                   return GraphErrorFromStatus(context.request, password.status());
                 }
                 HttpResponse response;
                 JsonWriter json(response.body);
                 json.BeginObject();
                 json.Member("mode", mode == PasswordResetMode::temporaryPassword
                                         ? "temporaryPassword"
                                         : "requireChangeAtNextSignIn");
                 json.MemberOrNull("temporaryPassword", *password);
                 json.EndObject();
                 response.headers.emplace_back("Cache-Control", "no-store");
                 return response;
               }});
  const std::pair<const char*, int> account_actions[] = {
      {"block", 0}, {"unblock", 1}, {"revokeSessions", 2}};
  for (const auto& [name, kind] : account_actions) {
    const int chosen = kind;
    router_.Add({"POST",
                 std::string("/v1/users/{id}/") + name,
                 Permission::manageUsers,
                 chosen == 2 ? "Revoke the account's sessions and refresh tokens."
                             : (chosen == 0 ? "Block sign-in." : "Unblock sign-in."),
                 "users",
                 {},
                 "",
                 204,
                 "application/json",
                 [this, chosen](RouteContext& context) {
                   const std::string& user = context.parameters[0];
                   Status done =
                       chosen == 2 ? engine_->RevokeSessions(user, ActorOf(context))
                                   : engine_->SetSignInBlocked(user, chosen == 0, ActorOf(context));
                   if (!done.ok()) return GraphErrorFromStatus(context.request, done);
                   return NoContent();
                 }});
  }
}

void ApiService::Impl::AddDownloadRoutes() {
  router_.Add({"GET",
               "/v1/downloads/{report}",
               Permission::readReports,
               "Download a report (riskyUsers, riskDetections, signIns, directoryAudits, "
               "riskyServicePrincipals, servicePrincipalRiskDetections) as CSV or JSON, "
               "streamed, with the list calls' $filter and $orderby.",
               "downloads",
               {"$filter", "$orderby", "format", "columns", "rows"},
               "",
               200,
               "text/csv",
               [this](RouteContext& context) {
                 const std::string& report = context.parameters[0];
                 const CollectionSpec* spec = nullptr;
                 if (report == "riskyUsers") spec = &RiskyUsersCollection();
                 if (report == "riskDetections") spec = &RiskDetectionsCollection();
                 if (report == "signIns") spec = &SignInsCollection();
                 if (report == "directoryAudits") spec = &DirectoryAuditsCollection();
                 if (report == "riskyServicePrincipals") spec = &RiskyServicePrincipalsCollection();
                 if (report == "servicePrincipalRiskDetections") {
                   spec = &ServicePrincipalRiskDetectionsCollection();
                 }
                 if (spec == nullptr) {
                   return GraphError(context.request, 404, "ResourceNotFound",
                                     "no report named '" + report +
                                         "' (riskyUsers, riskDetections, signIns, "
                                         "directoryAudits, riskyServicePrincipals, "
                                         "servicePrincipalRiskDetections)");
                 }
                 auto lease = readers_.Borrow();
                 if (!lease.ok()) return GraphErrorFromStatus(context.request, lease.status());
                 const Scope& scope =
                     spec == &RiskDetectionsCollection() ? UserDetectionsScope() : Scope();
                 return DownloadCollection(
                     context, std::shared_ptr<ReaderPool::Lease>(std::move(lease).value()), *spec,
                     scope, report);
               }});
}

void ApiService::Impl::AddOwnRoutes() {
  AddUserRoutes();
  AddDownloadRoutes();
  router_.Add({"POST",
               "/v1/signins",
               Permission::ingest,
               "Ingest a batch of sign-ins (NDJSON, JSON array or Graph page; Graph signIn, Log "
               "Analytics, diagnostic-settings or Okta shape). Stored before the response; "
               "idempotent by id.",
               "ingest",
               {"format"},
               "signInRecords",
               202,
               "application/json",
               [this](RouteContext& context) {
                 std::optional<InputFormat> format;
                 if (context.HasQuery("format")) {
                   const std::string_view name = context.Query("format");
                   for (InputFormat candidate : {InputFormat::graph, InputFormat::loganalytics,
                                                 InputFormat::diagnostic, InputFormat::okta}) {
                     if (ToString(candidate) == name) format = candidate;
                   }
                   if (!format) {
                     return GraphError(context.request, 400, "BadRequest",
                                       "unknown format '" + std::string(name) +
                                           "': expected graph, loganalytics, diagnostic or okta");
                   }
                 }
                 const Actor actor{context.principal.ActorId(), context.principal.tokenId,
                                   std::string(RoleName(context.principal.role)),
                                   context.request.requestId};
                 auto result = engine_->Ingest(context.request.body, format, actor);
                 if (!result.ok()) return GraphErrorFromStatus(context.request, result.status());
                 metrics_->AddIngested(result->accepted, result->rejected.size());
                 if (!result->storeFailure.ok()) {
                   return StoreFailureOfIngest(context.request, *result);
                 }
                 HttpResponse response;
                 response.status = 202;
                 JsonWriter json(response.body);
                 json.BeginObject();
                 json.Member("received", static_cast<std::int64_t>(result->received));
                 json.Member("accepted", static_cast<std::int64_t>(result->accepted));
                 json.Member("duplicates", static_cast<std::int64_t>(result->duplicates));
                 json.Member("otherEvents", static_cast<std::int64_t>(result->otherEvents));
                 json.Member("detections", static_cast<std::int64_t>(result->detections));
                 json.Member("rejectedCount", static_cast<std::int64_t>(result->rejected.size()));
                 json.Key("rejected");
                 json.BeginArray();
                 for (const IngestRejection& rejection : result->rejected) {
                   json.BeginObject();
                   json.Member("index", static_cast<std::int64_t>(rejection.index));
                   json.Member("line", static_cast<std::int64_t>(rejection.line));
                   json.Member("reason", rejection.reason);
                   json.EndObject();
                 }
                 json.EndArray();
                 json.EndObject();
                 return response;
               }});
}

ApiService::ApiService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiService::~ApiService() = default;

Result<std::unique_ptr<ApiService>> ApiService::Create(const ApiOptions& options,
                                                       std::unique_ptr<LiveEngine> engine) {
  // Fails early, with the reason, when the store cannot be read.
  auto reader = OpenSqliteReportReader(options.dbPath);
  if (!reader.ok()) return reader.status();
  auto portal_files = StaticFiles::Load(options.webRoot);
  if (!portal_files.ok()) return portal_files.status();
  return std::unique_ptr<ApiService>(
      new ApiService(std::make_unique<Impl>(options, std::move(engine), std::move(*portal_files))));
}

HttpResponse ApiService::Handle(HttpRequest& request) { return impl_->Handle(request); }

bool ApiService::AnswersQuickly(const HttpRequest& request) {
  return (request.method == "POST" && request.path == "/v1/evaluate") ||
         (request.method == "GET" && request.path == "/healthz");
}

std::vector<RouteDescription> ApiService::Routes() const {
  std::vector<RouteDescription> routes;
  for (const Route& route : impl_->router().routes()) {
    routes.push_back({route.method, route.pattern, route.permission, route.successStatus});
  }
  return routes;
}

std::string ApiService::OpenApiDocument() const { return BuildOpenApi(impl_->router().routes()); }

Result<NewApiToken> GenerateApiToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::Internal("the system random number generator failed");
  }
  NewApiToken token;
  token.token = "idg_" + Base64UrlEncode(bytes, sizeof bytes);
  token.sha256 = Sha256Hex(token.token);
  return token;
}

}  // namespace idguard::api
