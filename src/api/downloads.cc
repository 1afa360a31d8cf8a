#include "api/downloads.h"

#include <charconv>

#include "api/evolvable_enums.h"
#include "api/graph_error.h"
#include "api/odata/select_projection.h"

namespace idguard::api {
namespace {

// Rows read per store query while streaming.
constexpr std::size_t kRowsPerPage = 1000;

// The columns a CSV download has when the caller names none: what the portal shows.
std::string_view DefaultColumns(const CollectionSpec& spec) {
  const std::string_view resource = spec.resource->name;
  if (resource == "riskyUser") {
    return "id,userPrincipalName,userDisplayName,riskLevel,riskState,riskDetail,"
           "riskLastUpdatedDateTime";
  }
  if (resource == "riskDetection") {
    return "id,detectedDateTime,riskEventType,riskLevel,riskState,riskDetail,"
           "detectionTimingType,activity,userId,userPrincipalName,ipAddress,location/city,"
           "location/countryOrRegion,requestId";
  }
  if (resource == "signIn") {
    return "id,createdDateTime,userId,userPrincipalName,appDisplayName,ipAddress,location/city,"
           "location/countryOrRegion,status/errorCode,isInteractive,riskLevelDuringSignIn,"
           "riskLevelAggregated,riskState,riskDetail,riskEventTypes_v2";
  }
  if (resource == "riskyServicePrincipal") {
    return "id,appId,displayName,riskLevel,riskState,riskDetail,riskLastUpdatedDateTime";
  }
  if (resource == "servicePrincipalRiskDetection") {
    return "id,detectedDateTime,riskEventType,riskLevel,riskState,riskDetail,"
           "detectionTimingType,servicePrincipalId,servicePrincipalDisplayName,appId,ipAddress";
  }
  if (resource == "directoryAudit") {
    return "id,activityDateTime,category,activityDisplayName,result,"
           "initiatedBy/app/displayName,correlationId";
  }
  return "id";
}

struct DownloadStream {
  std::shared_ptr<ReaderPool::Lease> lease;
  ListRequest request;
  ReportTable table = ReportTable::riskyUsers;
  bool csv = true;
  std::vector<std::string> columns;
  std::size_t remaining = 0;
  bool started = false;
  bool first = true;
  bool evolvable = false;

  Result<bool> Next(std::string& out) {
    if (!started) {
      started = true;
      if (csv) {
        odata::AppendCsvHeader(out, columns);
      } else {
        out += '[';
      }
      return true;
    }
    request.limit = std::min(kRowsPerPage, remaining);
    auto rows = request.limit == 0 ? Result<std::vector<ListedRow>>(std::vector<ListedRow>{})
                                   : (**lease).List(request);
    if (!rows.ok()) return rows.status();
    for (ListedRow& row : *rows) {
      auto document = PayloadToJson(table, std::move(row.payload));
      if (!document.ok()) return document.status();
      if (!evolvable) MaskEvolvableMembers(*document);
      if (csv) {
        if (Status s = odata::AppendCsvRow(out, *document, columns); !s.ok()) return s;
        continue;
      }
      out += first ? "\n" : ",\n";
      first = false;
      if (columns.empty()) {
        out += *document;
      } else if (Status s = odata::AppendSelected(out, *document, columns); !s.ok()) {
        return s;
      }
    }
    remaining -= rows->size();
    const bool more = rows->size() == request.limit && remaining > 0;
    if (more) {
      request.after = rows->back().position;
      return true;
    }
    if (!csv) out += first ? "]\n" : "\n]\n";
    return false;
  }
};

}  // namespace

HttpResponse DownloadCollection(RouteContext& context, std::shared_ptr<ReaderPool::Lease> lease,
                                const CollectionSpec& spec, const Scope& scope,
                                std::string_view report_name) {
  const HttpRequest& request = context.request;
  auto stream = std::make_shared<DownloadStream>();
  stream->lease = std::move(lease);
  stream->table = spec.table;
  stream->remaining = std::numeric_limits<std::size_t>::max();
  stream->evolvable = WantsEvolvableMembers(request);

  // The list options that apply to a download: $filter and $orderby; the rest is refused.
  RouteContext list_context{context.request, context.principal, {}, {}};
  for (const auto& [name, value] : context.query) {
    if (name == "$filter" || name == "$orderby") {
      list_context.query.emplace_back(name, value);
    } else if (name == "format") {
      if (value != "csv" && value != "json") {
        return GraphError(request, 400, "BadRequest",
                          "invalid format '" + value + "': expected csv or json");
      }
      stream->csv = value == "csv";
    } else if (name == "rows") {
      std::size_t rows = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), rows);
      if (ec != std::errc() || end != value.data() + value.size() || rows == 0) {
        return GraphError(request, 400, "BadRequest",
                          "invalid rows '" + value + "': expected a whole number above 0");
      }
      stream->remaining = rows;
    } else if (name != "columns") {
      return GraphError(request, 400, "BadRequest",
                        "Query option '" + name + "' is not supported by downloads (use " +
                            "$filter, $orderby, format, columns, rows).");
    }
  }
  auto options = ParseListOptions(list_context, spec, scope);
  if (!options.ok()) return GraphErrorFromStatus(request, options.status());
  stream->request = std::move(options->request);

  const std::string_view columns = context.HasQuery("columns") ? context.Query("columns")
                                   : stream->csv               ? DefaultColumns(spec)
                                                               : std::string_view{};
  if (!columns.empty()) {
    auto parsed = stream->csv ? odata::ParseColumns(columns, spec.properties)
                              : odata::ParseSelect(columns, spec.properties);
    if (!parsed.ok()) return GraphErrorFromStatus(request, parsed.status());
    stream->columns = std::move(parsed).value();
  }

  HttpResponse response;
  response.contentType = stream->csv ? "text/csv; charset=utf-8" : "application/json";
  response.headers.emplace_back(
      "Content-Disposition",
      "attachment; filename=\"" + std::string(report_name) + (stream->csv ? ".csv\"" : ".json\""));
  response.stream = [stream](std::string& out) { return stream->Next(out); };
  return response;
}

}  // namespace idguard::api
