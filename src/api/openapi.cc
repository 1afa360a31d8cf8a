#include "api/openapi.h"

#include <cctype>
#include <string_view>

#include "idguard/core/json_writer.h"

namespace idguard::api {
namespace {

std::string_view QueryOptionDescription(std::string_view option) {
  if (option == "$filter") return "OData filter, e.g. riskLevel eq 'high' (docs/odata-filter.md)";
  if (option == "$select") return "Comma-separated properties to return";
  if (option == "$top") return "Page size";
  if (option == "$orderby") return "One property, optionally followed by asc or desc";
  if (option == "$count") return "true: include @odata.count";
  if (option == "$skiptoken") return "Continuation token from @odata.nextLink";
  if (option == "format") return "Input shape: graph, loganalytics, diagnostic or okta";
  if (option == "from") return "Start of the period, ISO 8601 (default: 30 days before 'to')";
  if (option == "to") return "End of the period, ISO 8601 (default: now)";
  return "";
}

std::string OperationId(const Route& route) {
  std::string id;
  for (char c : route.method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool upper = true;
  for (char c : route.pattern) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return id;
}

void WriteErrorResponse(JsonWriter& json, std::string_view status, std::string_view description) {
  json.Key(status);
  json.BeginObject();
  json.Member("description", description);
  json.Key("content");
  json.BeginObject();
  json.Key("application/json");
  json.BeginObject();
  json.Key("schema");
  json.BeginObject();
  json.Member("$ref", "#/components/schemas/GraphError");
  json.EndObject();
  json.EndObject();
  json.EndObject();
  json.EndObject();
}

void WriteOperation(JsonWriter& json, const Route& route) {
  std::string method;
  for (char c : route.method) {
    method += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  json.Key(method);
  json.BeginObject();
  json.Member("operationId", OperationId(route));
  json.Member("summary", route.summary);
  json.Key("tags");
  json.BeginArray();
  json.String(route.tag);
  json.EndArray();
  json.Member("x-idguard-permission", PermissionName(route.permission));
  json.Key("security");
  json.BeginArray();
  if (route.permission != Permission::none) {
    json.BeginObject();
    json.Key("bearer");
    json.BeginArray();
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("parameters");
  json.BeginArray();
  std::string_view rest = route.pattern;
  while (!rest.empty()) {
    const auto open = rest.find('{');
    if (open == std::string_view::npos) break;
    const auto close = rest.find('}', open);
    json.BeginObject();
    json.Member("name", rest.substr(open + 1, close - open - 1));
    json.Member("in", "path");
    json.Member("required", true);
    json.Key("schema");
    json.BeginObject();
    json.Member("type", "string");
    json.EndObject();
    json.EndObject();
    rest.remove_prefix(close + 1);
  }
  for (const std::string& option : route.queryOptions) {
    json.BeginObject();
    json.Member("name", option);
    json.Member("in", "query");
    json.Member("required", false);
    json.Member("description", QueryOptionDescription(option));
    json.Key("schema");
    json.BeginObject();
    json.Member("type", option == "$top" ? "integer" : (option == "$count" ? "boolean" : "string"));
    json.EndObject();
    json.EndObject();
  }
  json.EndArray();
  if (!route.requestBody.empty()) {
    json.Key("requestBody");
    json.BeginObject();
    json.Member("required", true);
    json.Key("content");
    json.BeginObject();
    json.Key(route.requestBody == "signInRecords" ? "application/x-ndjson" : "application/json");
    json.BeginObject();
    json.Key("schema");
    json.BeginObject();
    json.Member("$ref", "#/components/schemas/" + route.requestBody);
    json.EndObject();
    json.EndObject();
    json.EndObject();
    json.EndObject();
  }
  json.Key("responses");
  json.BeginObject();
  json.Key(std::to_string(route.successStatus));
  json.BeginObject();
  json.Member("description", route.successStatus == 204 ? "Done" : "Success");
  if (route.successStatus != 204) {
    json.Key("content");
    json.BeginObject();
    json.Key(route.responseType);
    json.BeginObject();
    json.EndObject();
    json.EndObject();
  }
  json.EndObject();
  WriteErrorResponse(json, "400", "Bad request or query option; the message names the part");
  if (route.permission != Permission::none) {
    WriteErrorResponse(json, "401", "No valid bearer token");
    WriteErrorResponse(json, "403", "The token's role lacks the permission");
    WriteErrorResponse(json, "429", "Too many requests");
  }
  if (route.pattern.find('{') != std::string::npos) WriteErrorResponse(json, "404", "Not found");
  if (route.method == "POST") WriteErrorResponse(json, "413", "Body too large");
  json.EndObject();
  json.EndObject();
}

void WriteIdListSchema(JsonWriter& json, std::string_view name) {
  json.Key(name);
  json.BeginObject();
  json.Member("type", "object");
  json.Key("required");
  json.BeginArray();
  json.String(name);
  json.EndArray();
  json.Key("properties");
  json.BeginObject();
  json.Key(name);
  json.BeginObject();
  json.Member("type", "array");
  json.Member("maxItems", 60);
  json.Key("items");
  json.BeginObject();
  json.Member("type", "string");
  json.EndObject();
  json.EndObject();
  json.EndObject();
  json.EndObject();
}

void WriteComponents(JsonWriter& json) {
  json.Key("components");
  json.BeginObject();
  json.Key("securitySchemes");
  json.BeginObject();
  json.Key("bearer");
  json.BeginObject();
  json.Member("type", "http");
  json.Member("scheme", "bearer");
  json.Member("description", "An API token from `idguard token create`");
  json.EndObject();
  json.EndObject();
  json.Key("schemas");
  json.BeginObject();
  json.Key("GraphError");
  json.BeginObject();
  json.Member("type", "object");
  json.Key("properties");
  json.BeginObject();
  json.Key("error");
  json.BeginObject();
  json.Member("type", "object");
  json.Key("properties");
  json.BeginObject();
  for (const char* name : {"code", "message"}) {
    json.Key(name);
    json.BeginObject();
    json.Member("type", "string");
    json.EndObject();
  }
  json.Key("innerError");
  json.BeginObject();
  json.Member("type", "object");
  json.EndObject();
  json.EndObject();
  json.EndObject();
  json.EndObject();
  json.EndObject();
  WriteIdListSchema(json, "userIds");
  WriteIdListSchema(json, "requestIds");
  WriteIdListSchema(json, "servicePrincipalIds");
  json.Key("signInRecords");
  json.BeginObject();
  json.Member("type", "string");
  json.Member("description", "Sign-in records: NDJSON, a JSON array or a Graph page");
  json.EndObject();
  const std::pair<const char*, const char*> objects[] = {
      {"resetPassword", "{\"mode\": \"temporaryPassword\" | \"requireChangeAtNextSignIn\"}"},
      {"conditionalAccessPolicy", "A Graph conditionalAccessPolicy (docs/POLICIES.md)"},
      {"evaluateRequest", "A Graph signIn-shaped sign-in attempt (docs/EVALUATE.md)"},
      {"mfaRegistrationPolicy",
       "{\"isEnabled\", \"includeUsers\", \"excludeUsers\", \"includeGroups\", "
       "\"excludeGroups\", \"gracePeriodDays\"} (docs/POLICIES.md)"},
      {"policyImpactRequest",
       "{\"policyId\" | \"policy\", \"from\"?, \"to\"?, \"samples\"?} (docs/POLICIES.md)"},
      {"namedLocation", "A Graph ipNamedLocation or countryNamedLocation, with \"@odata.type\""},
      {"notificationSettings",
       "{\"riskyUsersAlert\", \"weeklyDigest\", \"webhooks\"} (docs/NOTIFICATIONS.md)"},
      {"digestPeriod", "{\"from\"?, \"to\"?} (docs/NOTIFICATIONS.md)"},
      {"portalSignIn", "{\"userName\", \"password\"} or {\"token\"} (docs/PORTAL.md)"},
      {"signInOutcome",
       "{\"outcome\": mfaPassed | mfaFailed | mfaDenied | mfaTimedOut | fraudReported | "
       "passwordChanged | passwordReset | onPremisesPasswordChanged | completed | abandoned | "
       "mfaRegistered, "
       "\"authMethod\"?}"},
  };
  for (const auto& [name, description] : objects) {
    json.Key(name);
    json.BeginObject();
    json.Member("type", "object");
    json.Member("description", description);
    json.EndObject();
  }
  json.EndObject();
  json.EndObject();
}

}  // namespace

std::string BuildOpenApi(const std::vector<Route>& routes) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject();
  json.Member("openapi", "3.0.3");
  json.Key("info");
  json.BeginObject();
  json.Member("title", "idguard API");
  json.Member("version", "1.0");
  json.Member("description",
              "Microsoft Graph-compatible identity-protection resources under /v1.0 and "
              "idguard's own endpoints under /v1. See docs/API.md.");
  json.EndObject();
  json.Key("paths");
  json.BeginObject();
  std::vector<std::string> written;
  for (const Route& route : routes) {
    bool seen = false;
    for (const std::string& path : written) seen = seen || path == route.pattern;
    if (seen) continue;
    written.push_back(route.pattern);
    json.Key(route.pattern);
    json.BeginObject();
    for (const Route& same_path : routes) {
      if (same_path.pattern == route.pattern) WriteOperation(json, same_path);
    }
    json.EndObject();
  }
  json.EndObject();
  WriteComponents(json);
  json.EndObject();
  return out;
}

}  // namespace idguard::api
