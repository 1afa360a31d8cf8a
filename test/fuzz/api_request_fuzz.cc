// Fuzzes what the API reads from a request before any handler logic: the target's path and query
// string, the OData options of every list call ($filter, $select, $top, $orderby, $count,
// $skiptoken) and the id-list bodies of the risk actions. Any input must give a value or an
// InvalidInput error; nothing may crash or report another kind of failure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/graph_collections.h"
#include "api/query_string.h"
#include "api/request_body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace idguard;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)api::SplitPath(text);

  if (auto ids = api::ReadIdList(text, "userIds", 60); !ids.ok()) {
    if (ids.status().code() != StatusCode::kInvalidInput) __builtin_trap();
  } else if (ids->empty() || ids->size() > 60) {
    __builtin_trap();
  }

  std::string bad_part;
  auto query = api::ParseQuery(text, bad_part);
  if (!query) return 0;
  api::HttpRequest request;
  request.path = "/v1.0/identityProtection/riskyUsers";
  request.query = std::string(text);
  api::Principal principal;
  api::RouteContext context{request, principal, {}, std::move(*query)};
  for (const auto* spec : {&api::RiskyUsersCollection(), &api::RiskDetectionsCollection(),
                           &api::RiskyUserHistoryCollection(), &api::SignInsCollection(),
                           &api::DirectoryAuditsCollection()}) {
    auto options = api::ParseListOptions(context, *spec, {});
    if (!options.ok()) {
      if (options.status().code() != StatusCode::kInvalidInput) __builtin_trap();
      continue;
    }
    if (options->request.limit == 0 || options->request.limit > spec->maxTop) __builtin_trap();
  }
  return 0;
}
