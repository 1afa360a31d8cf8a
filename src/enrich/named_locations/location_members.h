// The members of a named location both readers share: the configuration file loader and the
// Graph API body reader. Errors name the location (`label`) and the range.
#pragma once

#include <simdjson.h>

#include <string>

#include "idguard/enrich/named_locations.h"

namespace idguard {

inline constexpr std::size_t kMaxNamedLocations = 195;
inline constexpr std::size_t kMaxRangesPerLocation = 2000;

// ipRanges[].cidrAddress: CIDR ranges, IPv4 masks longer than /8, at most 2000.
Status ReadIpRanges(simdjson::dom::array ranges, const std::string& label, NamedLocation& location);
// countriesAndRegions: two-letter codes.
Status ReadCountries(simdjson::dom::array countries, const std::string& label,
                     NamedLocation& location);
// The rules every location keeps: a kind (ranges or countries, not both), trust only for IP
// locations.
Status CheckLocation(const NamedLocation& location, const std::string& label);

}  // namespace idguard
