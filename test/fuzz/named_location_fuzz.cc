// Fuzzes the body of POST and PATCH /v1.0/identity/conditionalAccess/namedLocations: any input
// gives a valid location or an InvalidInput error; an accepted location is written and read back
// unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "idguard/enrich/named_location_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace idguard;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto location = ReadNamedLocationJson(text, nullptr);
  if (!location.ok()) {
    if (location.status().code() != StatusCode::kInvalidInput) __builtin_trap();
    return 0;
  }
  if (location->ipRanges.empty() == location->countriesAndRegions.empty()) __builtin_trap();
  std::string written;
  AppendNamedLocationJson(written, *location);
  auto again = ReadNamedLocationJson(written, nullptr);
  if (!again.ok() || again->displayName != location->displayName ||
      again->cidrAddresses != location->cidrAddresses) {
    __builtin_trap();
  }
  (void)ReadNamedLocationJson(text, &*location);  // the same body as a PATCH
  return 0;
}
