#include "api/realtime_routes.h"

#include "api/graph_error.h"
#include "api/request_body.h"
#include "idguard/core/json_writer.h"

namespace idguard::api {
namespace {

constexpr const char* kPolicies = "/v1.0/identity/conditionalAccess/policies";

std::string PolicyJson(const ConditionalAccessPolicy& policy, const std::string& context) {
  std::string out = "{\"@odata.context\":";
  JsonWriter json(out);
  json.String(context + "/$entity");
  out += ',';
  std::string body;
  AppendPolicyJson(body, policy);
  out.append(body, 1, std::string::npos);  // the policy's members after its opening brace
  return out;
}

Route MakeRoute(std::string method, std::string pattern, Permission permission,
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

}  // namespace

void AddConditionalAccessRoutes(Router& router, LiveEngine& engine, const BaseUrlOf& base_url) {
  const std::string collection = kPolicies;
  const std::string item = collection + "/{id}";
  auto context_of = [base_url](const HttpRequest& request) {
    return base_url(request) + "/v1.0/$metadata#identity/conditionalAccess/policies";
  };
  router.Add(MakeRoute(
      "GET", collection, Permission::readReports, "List conditional access policies.",
      "conditionalAccess", "", 200, [&engine, context_of](RouteContext& context) {
        auto policies = engine.ListPolicies();
        if (!policies.ok()) return GraphErrorFromStatus(context.request, policies.status());
        std::string out;
        JsonWriter json(out);
        json.BeginObject();
        json.Member("@odata.context", context_of(context.request));
        json.Key("value");
        json.BeginArray();
        for (const ConditionalAccessPolicy& policy : *policies) {
          std::string one;
          AppendPolicyJson(one, policy);
          json.Raw(one);
        }
        json.EndArray();
        json.EndObject();
        return JsonResponse(200, std::move(out));
      }));
  router.Add(MakeRoute(
      "GET", item, Permission::readReports, "Get a conditional access policy.",
      "conditionalAccess", "", 200, [&engine, context_of](RouteContext& context) {
        auto policies = engine.ListPolicies();
        if (!policies.ok()) return GraphErrorFromStatus(context.request, policies.status());
        for (const ConditionalAccessPolicy& policy : *policies) {
          if (policy.id == context.parameters[0]) {
            return JsonResponse(200, PolicyJson(policy, context_of(context.request)));
          }
        }
        return GraphError(context.request, 404, "ResourceNotFound",
                          "no conditional access policy has the id '" + context.parameters[0] +
                              "'");
      }));
  router.Add(MakeRoute(
      "POST", collection, Permission::managePolicies,
      "Create a conditional access policy (validated as Graph does; 201 with the policy).",
      "conditionalAccess", "conditionalAccessPolicy", 201,
      [&engine, context_of, base_url](RouteContext& context) {
        auto created = engine.CreatePolicy(context.request.body, ActorOf(context));
        if (!created.ok()) return GraphErrorFromStatus(context.request, created.status());
        HttpResponse response = JsonResponse(201, PolicyJson(*created, context_of(context.request)));
        response.headers.emplace_back("Location",
                                      base_url(context.request) + kPolicies + "/" + created->id);
        return response;
      }));
  router.Add(MakeRoute("PATCH", item, Permission::managePolicies,
                       "Update a conditional access policy (the given top-level properties are "
                       "replaced; 204).",
                       "conditionalAccess", "conditionalAccessPolicy", 204,
                       [&engine](RouteContext& context) {
                         auto updated = engine.UpdatePolicy(context.parameters[0],
                                                            context.request.body, ActorOf(context));
                         if (!updated.ok()) {
                           return GraphErrorFromStatus(context.request, updated.status());
                         }
                         return NoContent();
                       }));
  router.Add(MakeRoute("DELETE", item, Permission::managePolicies,
                       "Delete a conditional access policy (204).", "conditionalAccess", "", 204,
                       [&engine](RouteContext& context) {
                         Status deleted =
                             engine.DeletePolicy(context.parameters[0], ActorOf(context));
                         if (!deleted.ok()) return GraphErrorFromStatus(context.request, deleted);
                         return NoContent();
                       }));
}

void AddEvaluateRoutes(Router& router, LiveEngine& engine) {
  router.Add(MakeRoute(
      "POST", "/v1/evaluate", Permission::evaluate,
      "Evaluate a sign-in attempt after the first factor: risk, detections with reasons, the "
      "decision (allow, mfa, passwordChange, block) and the applied conditional access "
      "policies. Idempotent by id.",
      "evaluate", "evaluateRequest", 200, [&engine](RouteContext& context) {
        auto evaluation = engine.Evaluate(context.request.body, ActorOf(context));
        if (!evaluation.ok()) return GraphErrorFromStatus(context.request, evaluation.status());
        HttpResponse response = JsonResponse(200, std::move(evaluation->json));
        response.headers.emplace_back("Cache-Control", "no-store");
        if (evaluation->repeated) response.headers.emplace_back("X-Idguard-Repeated", "true");
        return response;
      }));
  router.Add(MakeRoute(
      "POST", "/v1/signins/{id}/outcome", Permission::evaluate,
      "Report what happened after evaluate (MFA passed, denied, timed out or reported as "
      "fraud; secure password change or reset; completed or abandoned): drives "
      "self-remediation. Repeating an outcome changes nothing.",
      "evaluate", "signInOutcome", 200, [&engine](RouteContext& context) {
        auto named = ReadOptionalString(context.request.body, "outcome");
        if (!named.ok()) return GraphErrorFromStatus(context.request, named.status());
        if (!*named) {
          return GraphError(context.request, 400, "BadRequest",
                            "the body needs an 'outcome' member (mfaPassed, mfaDenied, ...)");
        }
        const auto outcome = ParseSignInOutcome(**named);
        if (!outcome) {
          return GraphError(context.request, 400, "BadRequest",
                            "unknown outcome '" + **named +
                                "': expected mfaPassed, mfaFailed, mfaDenied, mfaTimedOut, "
                                "fraudReported, passwordChanged, passwordReset, "
                                "onPremisesPasswordChanged, completed or abandoned");
        }
        auto method = ReadOptionalString(context.request.body, "authMethod");
        if (!method.ok()) return GraphErrorFromStatus(context.request, method.status());
        auto result = engine.ReportOutcome(context.parameters[0], *outcome,
                                           method->value_or(""), ActorOf(context));
        if (!result.ok()) return GraphErrorFromStatus(context.request, result.status());
        return JsonResponse(200, std::move(result).value());
      }));
}

}  // namespace idguard::api
