// NamedLocations: the organisation's named locations in the Graph shapes `ipNamedLocation`
// (displayName, ipRanges[].cidrAddress, isTrusted) and `countryNamedLocation`
// (countriesAndRegions, includeUnknownCountriesAndRegions), loaded from a JSON array, a Graph
// page ({"value": [...]}) or NDJSON.
//
// Graph's limits are enforced at load with errors naming the location and range: at most 195
// locations, 2000 ranges each, IPv4 masks longer than /8. Immutable after Load; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/core/time.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {

struct NamedLocation {
  std::string id;
  std::string displayName;
  bool isTrusted = false;
  std::vector<CidrRange> ipRanges;                 // ipNamedLocation
  std::vector<std::string> cidrAddresses;          // the ranges as given, in the same order
  std::vector<std::string> countriesAndRegions;    // countryNamedLocation
  bool includeUnknownCountriesAndRegions = false;  // countryNamedLocation
  EventTime createdDateTime = 0;                   // 0: not known (loaded from a file)
  EventTime modifiedDateTime = 0;
  bool IsCountryLocation() const { return ipRanges.empty() && !countriesAndRegions.empty(); }
};

class NamedLocations {
 public:
  static Result<NamedLocations> LoadFile(const std::string& path);
  static Result<NamedLocations> LoadJson(std::string_view json, const std::string& source_name);
  // The given locations (already validated one by one); at most 195, ids unique.
  static Result<NamedLocations> FromList(std::vector<NamedLocation> locations);

  // The first IP location containing the address; trusted locations win over untrusted ones.
  const NamedLocation* MatchIp(const IpAddress& address) const;
  const std::vector<NamedLocation>& all() const { return locations_; }

 private:
  std::vector<NamedLocation> locations_;
};

}  // namespace idguard
