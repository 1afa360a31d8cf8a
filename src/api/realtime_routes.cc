#include "api/realtime_routes.h"

#include <simdjson.h>

#include "api/graph_error.h"
#include "api/request_body.h"
#include "idguard/core/json_writer.h"
#include "idguard/enrich/named_location_json.h"
#include "idguard/policy/policy_impact.h"

namespace idguard::api {
namespace {

constexpr const char* kPolicies = "/v1.0/identity/conditionalAccess/policies";

constexpr std::int64_t kMaxSamples = 50;
constexpr EventTime kDefaultImpactPeriod = 30 * kMicrosPerDay;

// {"policyId": "..."} or {"policy": {...}}, with "from", "to" (default: the last 30 days) and
// "samples" (per decision, default 5, at most 50).
struct ImpactRequest {
  std::string policyId;
  std::string draft;  // the policy object's JSON text
  ImpactOptions options;
};

Result<ImpactRequest> ReadImpactRequest(std::string_view body, EventTime now) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(body.data(), body.size()).get(object) != simdjson::SUCCESS) {
    return Status::InvalidInput("the body must be a JSON object with 'policyId' or 'policy'");
  }
  ImpactRequest request;
  request.options.to = now;
  request.options.from = now - kDefaultImpactPeriod;
  bool from_given = false;
  for (auto member : object) {
    const std::string_view key = member.key;
    auto time_of = [&](EventTime& out) -> Status {
      std::string_view text;
      std::optional<EventTime> time;
      if (member.value.get_string().get(text) == simdjson::SUCCESS) time = ParseTimestamp(text);
      if (!time) return Status::InvalidInput("'" + std::string(key) + "' must be a timestamp");
      out = *time;
      return Status::Ok();
    };
    if (key == "policyId") {
      std::string_view id;
      if (member.value.get_string().get(id) != simdjson::SUCCESS) {
        return Status::InvalidInput("'policyId' must be a string");
      }
      request.policyId = std::string(id);
    } else if (key == "policy") {
      if (!member.value.is_object()) return Status::InvalidInput("'policy' must be an object");
      request.draft = simdjson::minify(member.value);
    } else if (key == "from") {
      if (Status s = time_of(request.options.from); !s.ok()) return s;
      from_given = true;
    } else if (key == "to") {
      if (Status s = time_of(request.options.to); !s.ok()) return s;
      if (!from_given) request.options.from = request.options.to - kDefaultImpactPeriod;
    } else if (key == "samples") {
      std::int64_t samples = 0;
      if (member.value.get_int64().get(samples) != simdjson::SUCCESS || samples < 0 ||
          samples > kMaxSamples) {
        return Status::InvalidInput("'samples' must be a whole number from 0 to 50");
      }
      request.options.samplesPerDecision = static_cast<std::size_t>(samples);
    } else {
      return Status::InvalidInput("unknown member '" + std::string(key) +
                                  "' (policyId, policy, from, to, samples)");
    }
  }
  if (request.policyId.empty() == request.draft.empty()) {
    return Status::InvalidInput(
        "give exactly one of 'policyId' (a stored policy) and 'policy' "
        "(a draft)");
  }
  return request;
}

}  // namespace

constexpr int kImpactScanThreads = 2;

void AddPolicyImpactRoute(Router& router, LiveEngine& engine, ReaderPool& readers) {
  router.Add(MakeRoute(
      "POST", "/v1/policies/impact", Permission::readReports,
      "Preview a stored or draft conditional access policy over the stored sign-ins of a period "
      "(default: the last 30 days): sign-ins and users per decision, with samples.",
      "conditionalAccess", "policyImpactRequest", 200, [&engine, &readers](RouteContext& context) {
        auto request = ReadImpactRequest(context.request.body, SystemClock().Now());
        if (!request.ok()) return GraphErrorFromStatus(context.request, request.status());
        ConditionalAccessPolicy policy;
        // Listing goes through the engine lock, which also writes the evaluations still waiting,
        // so the preview sees every sign-in answered so far.
        auto policies = engine.ListPolicies();
        if (!policies.ok()) return GraphErrorFromStatus(context.request, policies.status());
        if (!request->policyId.empty()) {
          auto at = std::find_if(policies->begin(), policies->end(),
                                 [&](const auto& p) { return p.id == request->policyId; });
          if (at == policies->end()) {
            return GraphError(
                context.request, 404, "ResourceNotFound",
                "no conditional access policy has the id '" + request->policyId + "'");
          }
          policy = *at;
        } else {
          auto draft = ReadPolicyJson(request->draft, ConditionalAccessPolicy{});
          Status valid = draft.ok() ? ValidatePolicy(*draft) : draft.status();
          if (!valid.ok()) {
            return GraphErrorFromStatus(context.request, valid.WithContext("policy"));
          }
          policy = std::move(draft).value();
        }
        // A preview scans up to a month of sign-ins: it takes two connections and both cores.
        std::vector<std::unique_ptr<ReaderPool::Lease>> leases;
        std::vector<ReportReader*> scanners;
        for (int i = 0; i < kImpactScanThreads; ++i) {
          auto lease = readers.Borrow();
          if (!lease.ok()) return GraphErrorFromStatus(context.request, lease.status());
          scanners.push_back(&***lease);
          leases.push_back(std::move(lease).value());
        }
        const auto locations = engine.namedLocations();
        auto impact = PreviewPolicyImpact(scanners, policy, request->options,
                                          {engine.directory(), locations.get()});
        if (!impact.ok()) return GraphErrorFromStatus(context.request, impact.status());
        std::string out;
        AppendPolicyImpactJson(out, policy, request->options, *impact);
        return JsonResponse(200, std::move(out));
      }));
}

namespace {

// The five Graph routes over a collection of configuration documents (list, get, create, update,
// delete), as conditional access policies and named locations share them.
template <typename Document>
struct DocumentCollection {
  std::string path;     // e.g. "/v1.0/identity/conditionalAccess/policies"
  std::string noun;     // e.g. "conditional access policy"
  std::string schema;   // the OpenAPI request body schema
  std::string summary;  // what a create does, for the OpenAPI document
  std::function<Result<std::vector<Document>>()> list;
  std::function<Result<Document>(std::string_view, const Actor&)> create;
  std::function<Result<Document>(const std::string&, std::string_view, const Actor&)> update;
  std::function<Status(const std::string&, const Actor&)> remove;
  void (*append)(std::string&, const Document&);
};

template <typename Document>
void AddDocumentRoutes(Router& router, const DocumentCollection<Document>& spec,
                       const BaseUrlOf& base_url) {
  const std::string item = spec.path + "/{id}";
  const std::string metadata = "/v1.0/$metadata#" + spec.path.substr(std::string("/v1.0/").size());
  auto context_of = [base_url, metadata](const HttpRequest& request) {
    return base_url(request) + metadata;
  };
  // The document with "@odata.context" first.
  auto entity = [spec, context_of](const Document& document, const HttpRequest& request) {
    std::string out = "{\"@odata.context\":";
    JsonWriter json(out);
    json.String(context_of(request) + "/$entity");
    out += ',';
    std::string body;
    spec.append(body, document);
    out.append(body, 1, std::string::npos);  // the members after the opening brace
    return out;
  };
  const std::string plural_tag = "conditionalAccess";
  router.Add(MakeRoute("GET", spec.path, Permission::readReports, "List " + spec.noun + "s.",
                       plural_tag, "", 200, [spec, context_of](RouteContext& context) {
                         auto documents = spec.list();
                         if (!documents.ok())
                           return GraphErrorFromStatus(context.request, documents.status());
                         std::string out;
                         JsonWriter json(out);
                         json.BeginObject();
                         json.Member("@odata.context", context_of(context.request));
                         json.Key("value");
                         json.BeginArray();
                         for (const Document& document : *documents) {
                           std::string one;
                           spec.append(one, document);
                           json.Raw(one);
                         }
                         json.EndArray();
                         json.EndObject();
                         return JsonResponse(200, std::move(out));
                       }));
  router.Add(MakeRoute("GET", item, Permission::readReports, "Get a " + spec.noun + ".", plural_tag,
                       "", 200, [spec, entity](RouteContext& context) {
                         auto documents = spec.list();
                         if (!documents.ok()) {
                           return GraphErrorFromStatus(context.request, documents.status());
                         }
                         for (const Document& document : *documents) {
                           if (document.id == context.parameters[0]) {
                             return JsonResponse(200, entity(document, context.request));
                           }
                         }
                         return GraphError(
                             context.request, 404, "ResourceNotFound",
                             "no " + spec.noun + " has the id '" + context.parameters[0] + "'");
                       }));
  router.Add(MakeRoute("POST", spec.path, Permission::managePolicies, spec.summary, plural_tag,
                       spec.schema, 201, [spec, entity, base_url](RouteContext& context) {
                         auto created = spec.create(context.request.body, ActorOf(context));
                         if (!created.ok()) {
                           return GraphErrorFromStatus(context.request, created.status());
                         }
                         HttpResponse response =
                             JsonResponse(201, entity(*created, context.request));
                         response.headers.emplace_back(
                             "Location", base_url(context.request) + spec.path + "/" + created->id);
                         return response;
                       }));
  router.Add(MakeRoute("PATCH", item, Permission::managePolicies,
                       "Update a " + spec.noun +
                           " (the given top-level properties are replaced; "
                           "204).",
                       plural_tag, spec.schema, 204, [spec](RouteContext& context) {
                         auto updated = spec.update(context.parameters[0], context.request.body,
                                                    ActorOf(context));
                         if (!updated.ok()) {
                           return GraphErrorFromStatus(context.request, updated.status());
                         }
                         return NoContent();
                       }));
  router.Add(MakeRoute("DELETE", item, Permission::managePolicies,
                       "Delete a " + spec.noun + " (204).", plural_tag, "", 204,
                       [spec](RouteContext& context) {
                         Status deleted = spec.remove(context.parameters[0], ActorOf(context));
                         if (!deleted.ok()) return GraphErrorFromStatus(context.request, deleted);
                         return NoContent();
                       }));
}

}  // namespace

void AddConditionalAccessRoutes(Router& router, LiveEngine& engine, const BaseUrlOf& base_url) {
  DocumentCollection<ConditionalAccessPolicy> policies;
  policies.path = kPolicies;
  policies.noun = "conditional access policy";
  policies.schema = "conditionalAccessPolicy";
  policies.summary = "Create a conditional access policy (validated as Graph does; 201).";
  policies.list = [&engine] { return engine.ListPolicies(); };
  policies.create = [&engine](std::string_view json, const Actor& actor) {
    return engine.CreatePolicy(json, actor);
  };
  policies.update = [&engine](const std::string& id, std::string_view json, const Actor& actor) {
    return engine.UpdatePolicy(id, json, actor);
  };
  policies.remove = [&engine](const std::string& id, const Actor& actor) {
    return engine.DeletePolicy(id, actor);
  };
  policies.append = AppendPolicyJson;
  AddDocumentRoutes(router, policies, base_url);

  DocumentCollection<NamedLocation> locations;
  locations.path = "/v1.0/identity/conditionalAccess/namedLocations";
  locations.noun = "named location";
  locations.schema = "namedLocation";
  locations.summary =
      "Create a named location (#microsoft.graph.ipNamedLocation or countryNamedLocation; 201).";
  locations.list = [&engine] { return engine.ListNamedLocations(); };
  locations.create = [&engine](std::string_view json, const Actor& actor) {
    return engine.CreateNamedLocation(json, actor);
  };
  locations.update = [&engine](const std::string& id, std::string_view json, const Actor& actor) {
    return engine.UpdateNamedLocation(id, json, actor);
  };
  locations.remove = [&engine](const std::string& id, const Actor& actor) {
    return engine.DeleteNamedLocation(id, actor);
  };
  locations.append = AppendNamedLocationJson;
  AddDocumentRoutes(router, locations, base_url);
}

void AddMfaRegistrationRoutes(Router& router, LiveEngine& engine) {
  auto answer = [](const MfaRegistrationPolicy& policy) {
    std::string out;
    AppendMfaRegistrationPolicyJson(out, policy);
    return JsonResponse(200, std::move(out));
  };
  router.Add(MakeRoute("GET", "/v1/policies/mfaRegistration", Permission::readReports,
                       "The MFA registration policy.", "conditionalAccess", "", 200,
                       [&engine, answer](RouteContext& context) {
                         auto policy = engine.GetMfaRegistrationPolicy();
                         if (!policy.ok()) {
                           return GraphErrorFromStatus(context.request, policy.status());
                         }
                         return answer(*policy);
                       }));
  router.Add(MakeRoute(
      "PUT", "/v1/policies/mfaRegistration", Permission::managePolicies,
      "Replace the MFA registration policy (users in scope without a method are asked to "
      "register; skippable for the grace period).",
      "conditionalAccess", "mfaRegistrationPolicy", 200, [&engine, answer](RouteContext& context) {
        auto policy = engine.SetMfaRegistrationPolicy(context.request.body, ActorOf(context));
        if (!policy.ok()) return GraphErrorFromStatus(context.request, policy.status());
        return answer(*policy);
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
                                "onPremisesPasswordChanged, completed, abandoned or "
                                "mfaRegistered");
        }
        auto method = ReadOptionalString(context.request.body, "authMethod");
        if (!method.ok()) return GraphErrorFromStatus(context.request, method.status());
        auto result = engine.ReportOutcome(context.parameters[0], *outcome, method->value_or(""),
                                           ActorOf(context));
        if (!result.ok()) return GraphErrorFromStatus(context.request, result.status());
        return JsonResponse(200, std::move(result).value());
      }));
}

}  // namespace idguard::api
