// Router: the API's route table. Each route has a method, a path template ("{name}" matches one
// segment), the permission it needs, and what the OpenAPI document says about it; the table is
// the single source of both dispatch and documentation.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idguard/api/http_message.h"
#include "idguard/api/roles.h"
#include "idguard/pipeline/live_engine.h"

namespace idguard::api {

// Who is calling: the token's id, name and role (empty id for routes without a token).
struct Principal {
  std::string tokenId;
  std::string name;
  Role role = Role::globalReader;
  // How the actor appears in history and the audit log.
  std::string ActorId() const { return tokenId.empty() ? std::string("anonymous") : name; }
};

struct RouteContext {
  HttpRequest& request;
  const Principal& principal;
  std::vector<std::string> parameters;                     // the {name} segments, decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded query options
  std::string_view Query(std::string_view name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return value;
    }
    return {};
  }
  bool HasQuery(std::string_view name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return true;
    }
    return false;
  }
};

// How the caller appears in history and the audit log.
inline Actor ActorOf(const RouteContext& context) {
  return Actor{context.principal.ActorId(), context.principal.tokenId,
               std::string(RoleName(context.principal.role)), context.request.requestId};
}

using RouteHandler = std::function<HttpResponse(RouteContext& context)>;

struct Route {
  std::string method;
  std::string pattern;  // e.g. "/v1.0/identityProtection/riskyUsers/{id}"
  Permission permission = Permission::readReports;
  std::string summary;
  std::string tag;                        // OpenAPI grouping
  std::vector<std::string> queryOptions;  // e.g. "$filter", "$top"
  std::string requestBody;                // OpenAPI schema name of the body; empty: none
  int successStatus = 200;
  std::string responseType = "application/json";
  RouteHandler handler;
};

// A JSON route as the route tables write it (the content type is the Route default).
inline Route MakeRoute(std::string method, std::string pattern, Permission permission,
                       std::string summary, std::string tag, std::string body, int status,
                       RouteHandler handler) {
  Route route;
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.permission = permission;
  route.summary = std::move(summary);
  route.tag = std::move(tag);
  route.requestBody = std::move(body);
  route.successStatus = status;
  route.handler = std::move(handler);
  return route;
}

class Router {
 public:
  void Add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> parameters;
    bool pathExists = false;  // some route has this path (with another method): 405, not 404
  };
  Match Find(std::string_view method, const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // split templates, parallel to routes_
};

}  // namespace idguard::api
