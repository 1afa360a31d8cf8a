// Fuzzes OData $filter parsing against every resource: any text must give an error naming a
// position, or a tree whose SQL has exactly one bound parameter per placeholder.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "idguard/api/graph_resources.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto* resource :
       {&idguard::odata::RiskyUserResource(), &idguard::odata::RiskDetectionResource(),
        &idguard::odata::SignInResource()}) {
    auto parsed = idguard::odata::ParseFilter(text, *resource);
    if (!parsed.ok()) {
      if (parsed.status().message().find("$filter") == std::string::npos) __builtin_trap();
      continue;
    }
    const auto condition = idguard::odata::CompileToSql(**parsed);
    const auto placeholders = std::count(condition.sql.begin(), condition.sql.end(), '?');
    if (static_cast<std::size_t>(placeholders) != condition.parameters.size()) __builtin_trap();
  }
  return 0;
}
