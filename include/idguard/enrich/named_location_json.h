// Named locations as the Graph API reads and writes them (/v1.0/identity/conditionalAccess/
// namedLocations): `#microsoft.graph.ipNamedLocation` and `#microsoft.graph.countryNamedLocation`.
#pragma once

#include <string>
#include <string_view>

#include "idguard/core/status.h"
#include "idguard/enrich/named_locations.h"

namespace idguard {

// A POST body (base null: "@odata.type" and displayName required) or a PATCH body (base: the
// stored location; the given members replace its members). Errors name the member; unknown
// members are refused. Ids and times are the caller's.
Result<NamedLocation> ReadNamedLocationJson(std::string_view json, const NamedLocation* base);

// The Graph resource, with "@odata.type".
void AppendNamedLocationJson(std::string& out, const NamedLocation& location);

}  // namespace idguard
