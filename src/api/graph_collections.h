// The Graph list and get calls over stored collections: OData query options ($filter, $select,
// $top, $orderby, $count, $skiptoken), keyset paging with @odata.nextLink, and @odata.context.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.h"
#include "idguard/api/odata_filter.h"
#include "idguard/store/report_reader.h"

namespace idguard::api {

struct CollectionSpec {
  std::string_view contextPath;  // after "$metadata#", e.g. "identityProtection/riskyUsers"
  ReportTable table = ReportTable::riskyUsers;
  const odata::ResourceSpec* resource = nullptr;
  std::string_view defaultOrderColumn;
  bool defaultDescending = true;
  std::size_t defaultTop = 20;
  std::size_t maxTop = 500;
  std::span<const std::string_view> properties;  // top-level properties, for $select
};

// A condition the route itself adds (e.g. the user of a history list), ANDed with $filter.
struct Scope {
  std::string sql;
  std::vector<SqlValue> parameters;
};

// The parsed query options of one list call.
struct ListOptions {
  ListRequest request;
  std::vector<std::string> select;
  bool count = false;
};

// Reads and checks the OData options of `context` against `spec` (400-worthy errors name the
// option and what is wrong).
Result<ListOptions> ParseListOptions(const RouteContext& context, const CollectionSpec& spec,
                                     const Scope& scope);

// The Graph JSON of a stored payload (sign-ins are stored as compact documents).
Result<std::string> PayloadToJson(ReportTable table, std::string payload);

// GET collection: one page as a Graph collection response.
HttpResponse ListCollection(RouteContext& context, ReportReader& reader, const CollectionSpec& spec,
                            const Scope& scope, std::string_view base_url);

// GET collection/{id}: one member, or 404.
HttpResponse GetMember(RouteContext& context, ReportReader& reader, const CollectionSpec& spec,
                       std::string_view id, std::string_view base_url);

// The collections idguard serves.
const CollectionSpec& RiskyUsersCollection();
const CollectionSpec& RiskDetectionsCollection();
const CollectionSpec& RiskyUserHistoryCollection();
const CollectionSpec& SignInsCollection();
const CollectionSpec& DirectoryAuditsCollection();
const CollectionSpec& RiskyServicePrincipalsCollection();
const CollectionSpec& ServicePrincipalHistoryCollection();
const CollectionSpec& ServicePrincipalRiskDetectionsCollection();
// riskDetections and servicePrincipalRiskDetections share the detections table.
const Scope& UserDetectionsScope();
const Scope& ServicePrincipalDetectionsScope();

}  // namespace idguard::api
