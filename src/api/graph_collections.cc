#include "api/graph_collections.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "api/evolvable_enums.h"
#include "api/graph_error.h"
#include "api/odata/select_projection.h"
#include "api/query_string.h"
#include "idguard/api/graph_resources.h"
#include "idguard/core/digest.h"
#include "idguard/core/json_writer.h"
#include "idguard/export/graph_json.h"
#include "idguard/store/sign_in_document.h"

namespace idguard::api {
namespace {

constexpr std::array<std::string_view, 9> kRiskyUserProperties = {
    "id",        "isDeleted", "isProcessing",    "riskDetail",       "riskLastUpdatedDateTime",
    "riskLevel", "riskState", "userDisplayName", "userPrincipalName"};
constexpr std::array<std::string_view, 20> kDetectionProperties = {"id",
                                                                   "requestId",
                                                                   "correlationId",
                                                                   "riskEventType",
                                                                   "riskState",
                                                                   "riskLevel",
                                                                   "riskDetail",
                                                                   "source",
                                                                   "detectionTimingType",
                                                                   "activity",
                                                                   "tokenIssuerType",
                                                                   "ipAddress",
                                                                   "location",
                                                                   "activityDateTime",
                                                                   "detectedDateTime",
                                                                   "lastUpdatedDateTime",
                                                                   "userId",
                                                                   "userDisplayName",
                                                                   "userPrincipalName",
                                                                   "additionalInfo"};
constexpr std::array<std::string_view, 13> kHistoryProperties = {
    "id",          "isDeleted", "isProcessing",    "riskDetail",        "riskLastUpdatedDateTime",
    "riskLevel",   "riskState", "userDisplayName", "userPrincipalName", "userId",
    "initiatedBy", "activity",  "riskEventTypes"};
constexpr std::array<std::string_view, 35> kSignInProperties = {
    "id",
    "createdDateTime",
    "userDisplayName",
    "userPrincipalName",
    "userId",
    "appId",
    "appDisplayName",
    "ipAddress",
    "clientAppUsed",
    "userAgent",
    "correlationId",
    "conditionalAccessStatus",
    "isInteractive",
    "sessionId",
    "uniqueTokenIdentifier",
    "authenticationRequirement",
    "tokenIssuerType",
    "signInEventTypes",
    "resourceDisplayName",
    "resourceId",
    "resourceTenantId",
    "homeTenantId",
    "servicePrincipalId",
    "servicePrincipalName",
    "riskDetail",
    "riskLevelAggregated",
    "riskLevelDuringSignIn",
    "riskState",
    "riskEventTypes",
    "riskEventTypes_v2",
    "status",
    "deviceDetail",
    "location",
    "mfaDetail",
    "appliedConditionalAccessPolicies",
};
constexpr std::array<std::string_view, 11> kAuditProperties = {"id",
                                                               "category",
                                                               "correlationId",
                                                               "result",
                                                               "resultReason",
                                                               "activityDisplayName",
                                                               "activityDateTime",
                                                               "loggedByService",
                                                               "operationType",
                                                               "initiatedBy",
                                                               "targetResources"};

constexpr std::array<std::string_view, 10> kRiskyServicePrincipalProperties = {
    "id",
    "appId",
    "displayName",
    "isEnabled",
    "isProcessing",
    "riskDetail",
    "riskLastUpdatedDateTime",
    "riskLevel",
    "riskState",
    "servicePrincipalType"};
constexpr std::array<std::string_view, 13> kServicePrincipalHistoryProperties = {
    "id",
    "appId",
    "displayName",
    "isEnabled",
    "isProcessing",
    "riskDetail",
    "riskLastUpdatedDateTime",
    "riskLevel",
    "riskState",
    "servicePrincipalType",
    "servicePrincipalId",
    "initiatedBy",
    "activity"};
constexpr std::array<std::string_view, 21> kServicePrincipalDetectionProperties = {
    "id",
    "requestId",
    "correlationId",
    "riskEventType",
    "riskState",
    "riskLevel",
    "riskDetail",
    "source",
    "detectionTimingType",
    "activity",
    "tokenIssuerType",
    "ipAddress",
    "location",
    "activityDateTime",
    "detectedDateTime",
    "lastUpdatedDateTime",
    "servicePrincipalId",
    "servicePrincipalDisplayName",
    "appId",
    "keyIds",
    "additionalInfo"};

// The query options the list calls understand; anything else starting with '$' is refused.
constexpr std::array<std::string_view, 6> kKnownOptions = {"$filter",  "$select", "$top",
                                                           "$orderby", "$count",  "$skiptoken"};

// A skiptoken: which query it belongs to (a fingerprint of $filter and $orderby) and the keyset
// position after the last row of the page, hex-encoded so it is URL-safe.
std::string EncodeSkipToken(std::string_view fingerprint, const KeysetPosition& position) {
  std::string plain = "v1|" + std::string(fingerprint) + "|";
  if (const auto* integer = std::get_if<std::int64_t>(&position.orderValue)) {
    plain += "i|" + std::to_string(*integer);
  } else if (const auto* number = std::get_if<double>(&position.orderValue)) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *number);
    plain += "d|" + std::string(buffer, end);
  } else {
    plain += "s|" + std::get<std::string>(position.orderValue);
  }
  plain += "|" + std::to_string(position.rowid);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  token.reserve(plain.size() * 2);
  for (const char c : plain) {
    token += kHex[static_cast<unsigned char>(c) >> 4];
    token += kHex[static_cast<unsigned char>(c) & 15];
  }
  return token;
}

Result<KeysetPosition> DecodeSkipToken(std::string_view token, std::string_view fingerprint) {
  const Status invalid = Status::InvalidInput(
      "invalid $skiptoken: use the @odata.nextLink of the previous page as it is");
  if (token.size() % 2 != 0 || token.size() > 4096) return invalid;
  std::string plain;
  for (std::size_t i = 0; i < token.size(); i += 2) {
    int value = 0;
    auto [end, ec] = std::from_chars(token.data() + i, token.data() + i + 2, value, 16);
    if (ec != std::errc() || end != token.data() + i + 2) return invalid;
    plain += static_cast<char>(value);
  }
  // v1|<fingerprint>|<kind>|<value>|<rowid>; the value may itself hold '|'.
  const std::string prefix = "v1|" + std::string(fingerprint) + "|";
  if (plain.rfind(prefix, 0) != 0) {
    return Status::InvalidInput(
        "invalid $skiptoken: it belongs to a query with another $filter or $orderby");
  }
  std::string_view rest = std::string_view(plain).substr(prefix.size());
  const auto last_bar = rest.rfind('|');
  if (rest.size() < 3 || rest[1] != '|' || last_bar == std::string_view::npos || last_bar < 2) {
    return invalid;
  }
  KeysetPosition position;
  const std::string_view value = rest.substr(2, last_bar - 2);
  const std::string_view rowid = rest.substr(last_bar + 1);
  if (std::from_chars(rowid.data(), rowid.data() + rowid.size(), position.rowid).ec !=
      std::errc()) {
    return invalid;
  }
  if (rest[0] == 'i') {
    std::int64_t integer = 0;
    if (std::from_chars(value.data(), value.data() + value.size(), integer).ec != std::errc()) {
      return invalid;
    }
    position.orderValue = integer;
  } else if (rest[0] == 'd') {
    double number = 0;
    if (std::from_chars(value.data(), value.data() + value.size(), number).ec != std::errc()) {
      return invalid;
    }
    position.orderValue = number;
  } else if (rest[0] == 's') {
    position.orderValue = std::string(value);
  } else {
    return invalid;
  }
  return position;
}

// True when every row the filter keeps has `field` equal to one value: an `eq` on it at the top
// of the filter or inside a top-level `and`.
// The value, when every row the filter keeps has `field` equal to one text: an `eq` on it at the
// top of the filter or inside a top-level `and`.
const std::string* PinnedValue(const odata::FilterNode& node, std::string_view field) {
  using Kind = odata::FilterNode::Kind;
  if (node.kind == Kind::logicalAnd) {
    for (const auto& child : node.children) {
      if (const std::string* value = PinnedValue(*child, field)) return value;
    }
    return nullptr;
  }
  const bool pinned = node.kind == Kind::compare && node.op == odata::CompareOp::eq &&
                      node.field != nullptr && node.field->name == field &&
                      node.value.kind == odata::Literal::Kind::string;
  return pinned ? &node.value.text : nullptr;
}

bool PinsByEquality(const odata::FilterNode& node, std::string_view field) {
  return PinnedValue(node, field) != nullptr;
}

std::string QueryFingerprint(const RouteContext& context) {
  return Sha256Hex(std::string(context.Query("$filter")) + "\n" +
                   std::string(context.Query("$orderby")))
      .substr(0, 12);
}

bool IsPlainColumn(std::string_view column) {
  for (const char c : column) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return !column.empty();
}

// The request's own query string without $skiptoken, for the next link.
std::string NextLink(const RouteContext& context, std::string_view base_url,
                     std::string_view token) {
  std::string link(base_url);
  link += context.request.path;
  link += '?';
  bool first = true;
  for (const auto& [name, value] : context.query) {
    if (name == "$skiptoken") continue;
    if (!first) link += '&';
    first = false;
    AppendPercentEncoded(link, name);
    link += '=';
    AppendPercentEncoded(link, value);
  }
  if (!first) link += '&';
  link += "$skiptoken=";
  link += token;
  return link;
}

void WriteContext(JsonWriter& json, std::string_view base_url, const CollectionSpec& spec,
                  bool entity) {
  std::string context(base_url);
  context += "/v1.0/$metadata#";
  context += spec.contextPath;
  if (entity) context += "/$entity";
  json.Member("@odata.context", context);
}

}  // namespace

Result<ListOptions> ParseListOptions(const RouteContext& context, const CollectionSpec& spec,
                                     const Scope& scope) {
  ListOptions options;
  ListRequest& request = options.request;
  request.table = spec.table;
  request.condition = scope.sql;
  request.parameters = scope.parameters;
  request.orderColumn = std::string(spec.defaultOrderColumn);
  request.descending = spec.defaultDescending;
  request.limit = spec.defaultTop;

  for (const auto& [name, value] : context.query) {
    if (name.empty() || name.front() != '$') continue;
    bool known = false;
    for (std::string_view option : kKnownOptions) known = known || option == name;
    if (!known) return Status::InvalidInput("Query option '" + name + "' is not supported.");
  }

  if (context.HasQuery("$filter")) {
    auto filter = odata::ParseFilter(context.Query("$filter"), *spec.resource);
    if (!filter.ok()) return filter.status();
    request.overStoredDays =
        spec.table == ReportTable::signIns &&
        (PinsByEquality(**filter, "userId") || PinsByEquality(**filter, "ipAddress"));
    odata::SqlCondition condition = odata::CompileToSql(**filter);
    // The sign-in level and state indices hold risky sign-ins only (their WHERE is "<> 'none'");
    // SQLite uses a partial index only when the query states that condition itself, which a
    // bound value cannot, so it is added as text when the filter pins a risky value.
    if (spec.table == ReportTable::signIns) {
      const std::pair<std::string_view, std::string_view> partial[] = {
          {"riskLevelAggregated", "risk_level_aggregated <> 'none'"},
          {"riskState", "risk_state <> 'none'"}};
      for (const auto& [field, risky_only] : partial) {
        const std::string* value = PinnedValue(**filter, field);
        if (value != nullptr && *value != "none") {
          condition.sql = "(" + condition.sql + ") AND " + std::string(risky_only);
        }
      }
    }
    request.condition = request.condition.empty()
                            ? condition.sql
                            : "(" + request.condition + ") AND (" + condition.sql + ")";
    for (auto& parameter : condition.parameters) request.parameters.push_back(std::move(parameter));
  }

  if (context.HasQuery("$top")) {
    const std::string_view text = context.Query("$top");
    std::size_t top = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), top);
    if (ec != std::errc() || end != text.data() + text.size() || top == 0) {
      return Status::InvalidInput("invalid $top '" + std::string(text) +
                                  "': expected a whole number from 1 to " +
                                  std::to_string(spec.maxTop));
    }
    if (top > spec.maxTop) {
      return Status::InvalidInput("The limit of '" + std::to_string(spec.maxTop) +
                                  "' for Top query has been exceeded. The value from the " +
                                  "incoming request is '" + std::to_string(top) + "'.");
    }
    request.limit = top;
  }

  if (context.HasQuery("$orderby")) {
    std::string_view text = context.Query("$orderby");
    if (text.find(',') != std::string_view::npos) {
      return Status::InvalidInput("invalid $orderby: only one property can be ordered by");
    }
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    const auto space = text.find(' ');
    const std::string_view property = text.substr(0, space);
    std::string_view direction =
        space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    while (!direction.empty() && direction.front() == ' ') direction.remove_prefix(1);
    const odata::FieldSpec* field = spec.resource->Find(property);
    if (field == nullptr || !IsPlainColumn(field->column) ||
        field->type == odata::FieldType::stringList) {
      return Status::InvalidInput("invalid $orderby: cannot order " +
                                  std::string(spec.resource->name) + " by '" +
                                  std::string(property) + "'");
    }
    if (!direction.empty() && direction != "asc" && direction != "desc") {
      return Status::InvalidInput("invalid $orderby: direction '" + std::string(direction) +
                                  "' is neither asc nor desc");
    }
    request.orderColumn = std::string(field->column);
    if (field->type == odata::FieldType::enumeration) {
      // Graph orders enums by member value (riskLevel: low < medium < high < hidden < none),
      // which is the order of the member list; the names and column are idguard's own text.
      std::string by_value = "CASE " + request.orderColumn;
      for (std::size_t i = 0; i < field->enumMembers.size(); ++i) {
        by_value += " WHEN '" + std::string(field->enumMembers[i]) + "' THEN " + std::to_string(i);
      }
      request.orderColumn =
          by_value + " ELSE " + std::to_string(field->enumMembers.size()) + " END";
    }
    request.descending = direction == "desc";
  }

  if (context.HasQuery("$skiptoken")) {
    auto position = DecodeSkipToken(context.Query("$skiptoken"), QueryFingerprint(context));
    if (!position.ok()) return position.status();
    request.after = std::move(position).value();
  }

  if (context.HasQuery("$count")) {
    const std::string_view count = context.Query("$count");
    if (count != "true" && count != "false") {
      return Status::InvalidInput("invalid $count '" + std::string(count) +
                                  "': expected true or false");
    }
    options.count = count == "true";
  }

  if (context.HasQuery("$select")) {
    auto select = odata::ParseSelect(context.Query("$select"), spec.properties);
    if (!select.ok()) return select.status();
    options.select = std::move(select).value();
  }
  return options;
}

Result<std::string> PayloadToJson(ReportTable table, std::string payload) {
  if (table != ReportTable::signIns) return payload;
  auto sign_in = DecodeSignInDocument(payload);
  if (!sign_in.ok()) return sign_in.status();
  std::string json;
  AppendSignInJson(json, *sign_in);
  return json;
}

HttpResponse ListCollection(RouteContext& context, ReportReader& reader, const CollectionSpec& spec,
                            const Scope& scope, std::string_view base_url) {
  auto options = ParseListOptions(context, spec, scope);
  if (!options.ok()) return GraphErrorFromStatus(context.request, options.status());
  ListRequest& request = options->request;
  const std::size_t page_size = request.limit;
  request.limit = page_size + 1;  // one more row tells whether a next page exists
  auto rows = reader.List(request);
  if (!rows.ok()) return GraphErrorFromStatus(context.request, rows.status());

  HttpResponse response;
  JsonWriter json(response.body);
  json.BeginObject();
  WriteContext(json, base_url, spec, false);
  if (options->count) {
    auto count =
        reader.Count(spec.table, request.condition, request.parameters, request.overStoredDays);
    if (!count.ok()) return GraphErrorFromStatus(context.request, count.status());
    json.Member("@odata.count", *count);
  }
  const bool more = rows->size() > page_size;
  if (more) {
    rows->resize(page_size);
    json.Member("@odata.nextLink",
                NextLink(context, base_url,
                         EncodeSkipToken(QueryFingerprint(context), rows->back().position)));
  }
  json.Key("value");
  json.BeginArray();
  std::string selected;
  const bool evolvable = WantsEvolvableMembers(context.request);
  for (ListedRow& row : *rows) {
    auto document = PayloadToJson(spec.table, std::move(row.payload));
    if (!document.ok()) return GraphErrorFromStatus(context.request, document.status());
    if (!evolvable) MaskEvolvableMembers(*document);
    if (options->select.empty()) {
      json.Raw(*document);
      continue;
    }
    selected.clear();
    if (Status s = odata::AppendSelected(selected, *document, options->select); !s.ok()) {
      return GraphErrorFromStatus(context.request, s);
    }
    json.Raw(selected);
  }
  json.EndArray();
  json.EndObject();
  if (evolvable)
    response.headers.emplace_back("Preference-Applied", "include-unknown-enum-members");
  return response;
}

HttpResponse GetMember(RouteContext& context, ReportReader& reader, const CollectionSpec& spec,
                       std::string_view id, std::string_view base_url) {
  std::vector<std::string> select;
  if (context.HasQuery("$select")) {
    auto parsed = odata::ParseSelect(context.Query("$select"), spec.properties);
    if (!parsed.ok()) return GraphErrorFromStatus(context.request, parsed.status());
    select = std::move(parsed).value();
  }
  auto payload = reader.Get(spec.table, id);
  if (!payload.ok()) return GraphErrorFromStatus(context.request, payload.status());
  if (*payload && spec.table == ReportTable::detections) {
    // User and service-principal detections share the table; each collection has only its own.
    const bool service_principal =
        (*payload)->find("\"activity\":\"servicePrincipal\"") != std::string::npos;
    if (service_principal != (spec.resource->name == "servicePrincipalRiskDetection")) {
      payload->reset();
    }
  }
  if (!*payload) {
    return GraphError(
        context.request, 404, "ResourceNotFound",
        std::string(spec.resource->name) + " '" + std::string(id) + "' was not found");
  }
  auto document = PayloadToJson(spec.table, std::move(**payload));
  if (!document.ok()) return GraphErrorFromStatus(context.request, document.status());
  if (!WantsEvolvableMembers(context.request)) MaskEvolvableMembers(*document);
  std::string member;
  if (select.empty()) {
    member = std::move(document).value();
  } else if (Status s = odata::AppendSelected(member, *document, select); !s.ok()) {
    return GraphErrorFromStatus(context.request, s);
  }
  // The member's own members follow @odata.context, as Graph writes single entities.
  HttpResponse response;
  JsonWriter json(response.body);
  json.BeginObject();
  WriteContext(json, base_url, spec, true);
  json.EndObject();
  response.body.pop_back();
  if (member.size() > 2) {
    response.body += ',';
    response.body.append(member, 1, std::string::npos);
  } else {
    response.body += '}';
  }
  return response;
}

const CollectionSpec& RiskyUsersCollection() {
  static const CollectionSpec spec{"identityProtection/riskyUsers",
                                   ReportTable::riskyUsers,
                                   &odata::RiskyUserResource(),
                                   "last_updated_us",
                                   true,
                                   20,
                                   500,
                                   kRiskyUserProperties};
  return spec;
}

const CollectionSpec& RiskDetectionsCollection() {
  static const CollectionSpec spec{"identityProtection/riskDetections",
                                   ReportTable::detections,
                                   &odata::RiskDetectionResource(),
                                   "detected_us",
                                   true,
                                   20,
                                   500,
                                   kDetectionProperties};
  return spec;
}

const CollectionSpec& RiskyUserHistoryCollection() {
  static const CollectionSpec spec{"identityProtection/riskyUsers/history",
                                   ReportTable::history,
                                   &odata::RiskyUserHistoryResource(),
                                   "time_us",
                                   true,
                                   20,
                                   500,
                                   kHistoryProperties};
  return spec;
}

const CollectionSpec& SignInsCollection() {
  static const CollectionSpec spec{"auditLogs/signIns",
                                   ReportTable::signIns,
                                   &odata::SignInResource(),
                                   "created_us",
                                   true,
                                   1000,
                                   1000,
                                   kSignInProperties};
  return spec;
}

const CollectionSpec& RiskyServicePrincipalsCollection() {
  static const CollectionSpec spec{"identityProtection/riskyServicePrincipals",
                                   ReportTable::riskyServicePrincipals,
                                   &odata::RiskyServicePrincipalResource(),
                                   "last_updated_us",
                                   true,
                                   20,
                                   500,
                                   kRiskyServicePrincipalProperties};
  return spec;
}

const CollectionSpec& ServicePrincipalHistoryCollection() {
  static const CollectionSpec spec{"identityProtection/riskyServicePrincipals/history",
                                   ReportTable::servicePrincipalHistory,
                                   &odata::ServicePrincipalHistoryResource(),
                                   "time_us",
                                   true,
                                   20,
                                   500,
                                   kServicePrincipalHistoryProperties};
  return spec;
}

const CollectionSpec& ServicePrincipalRiskDetectionsCollection() {
  static const CollectionSpec spec{"identityProtection/servicePrincipalRiskDetections",
                                   ReportTable::detections,
                                   &odata::ServicePrincipalRiskDetectionResource(),
                                   "detected_us",
                                   true,
                                   20,
                                   500,
                                   kServicePrincipalDetectionProperties};
  return spec;
}

const Scope& UserDetectionsScope() {
  static const Scope scope{"json_extract(json, '$.activity') IS NOT 'servicePrincipal'", {}};
  return scope;
}

const Scope& ServicePrincipalDetectionsScope() {
  static const Scope scope{"json_extract(json, '$.activity') = 'servicePrincipal'", {}};
  return scope;
}

const CollectionSpec& DirectoryAuditsCollection() {
  static const CollectionSpec spec{"auditLogs/directoryAudits",
                                   ReportTable::auditLog,
                                   &odata::DirectoryAuditResource(),
                                   "time_us",
                                   true,
                                   100,
                                   1000,
                                   kAuditProperties};
  return spec;
}

}  // namespace idguard::api
