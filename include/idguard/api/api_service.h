// ApiService: everything `idguard serve` answers — the Graph-compatible identity-protection and
// sign-in resources under /v1.0, idguard's own endpoints under /v1, health, metrics and the
// OpenAPI document — behind bearer-token authentication and per-route role checks.
//
// Reads go to a pool of read-only store connections (one per request at a time); changes go
// through the LiveEngine. Handle() is thread-safe and is what the HTTP server calls.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "idguard/api/http_message.h"
#include "idguard/api/roles.h"
#include "idguard/core/status.h"
#include "idguard/export/notifier.h"
#include "idguard/pipeline/live_engine.h"

namespace idguard::api {

struct ApiOptions {
  std::string dbPath = "idguard.db";
  // Scheme and host for @odata.nextLink and @odata.context when a request has no usable Host.
  std::string publicBaseUrl = "http://127.0.0.1:8080";
  bool tls = false;                        // links use https
  unsigned rateLimitPerSecond = 0;         // Default: 0 = off; per token, burst of 2 s
  unsigned failedAuthPerMinute = 30;       // Default: 30 bad tokens per address per minute
  std::chrono::seconds tokenCacheTtl{10};  // Default: 10 s before a revoked token stops
  // Emails (SMTP server, links) and webhooks (docs/NOTIFICATIONS.md). The base URL for links
  // defaults to publicBaseUrl.
  NotifierOptions notifier;
  // The admin portal's built files (web/dist), served at `/`; empty: no portal.
  std::string webRoot;
  std::chrono::seconds portalSessionLifetime{8 * 3600};  // Default: 8 hours
};

// One route as the OpenAPI document and the role-matrix test see it.
struct RouteDescription {
  std::string method;
  std::string pattern;
  Permission permission = Permission::readReports;
  int successStatus = 200;
};

class ApiService {
 public:
  static Result<std::unique_ptr<ApiService>> Create(const ApiOptions& options,
                                                    std::unique_ptr<LiveEngine> engine);
  ~ApiService();

  HttpResponse Handle(HttpRequest& request);
  // The calls Handle answers within microseconds without waiting for the store: evaluate (the
  // identity provider's sign-in path) and the liveness probe. A server runs them on the
  // connection's own thread (HttpServerOptions::answersQuickly).
  static bool AnswersQuickly(const HttpRequest& request);

  std::vector<RouteDescription> Routes() const;
  std::string OpenApiDocument() const;

 private:
  class Impl;
  explicit ApiService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A new random API token (43 characters of base64url from 32 random bytes), and the SHA-256 the
// store keeps of it.
struct NewApiToken {
  std::string token;
  std::string sha256;
};
Result<NewApiToken> GenerateApiToken();

}  // namespace idguard::api
