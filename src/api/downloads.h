// Downloads of the reports (risky users, detections, sign-ins, audit log) as CSV or JSON, with the
// same $filter and $orderby as the list calls and a choice of columns. The body is streamed: rows
// are read a page at a time in keyset order while the response is being written, so memory does
// not grow with the report.
#pragma once

#include <memory>
#include <string_view>

#include "api/graph_collections.h"
#include "api/reader_pool.h"

namespace idguard::api {

// Query options: format=csv|json (default csv), columns=a,b/c (default: the report's usual
// columns for CSV, whole documents for JSON), rows=N (at most N rows; default all), $filter,
// $orderby.
HttpResponse DownloadCollection(RouteContext& context, std::shared_ptr<ReaderPool::Lease> lease,
                                const CollectionSpec& spec, const Scope& scope,
                                std::string_view report_name);

}  // namespace idguard::api
