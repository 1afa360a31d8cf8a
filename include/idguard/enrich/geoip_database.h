// GeoIpDatabase: city, region, country, coordinates and accuracy radius for an address, read
// from MaxMind DB files through libmaxminddb (memory-mapped, one handle shared by all threads).
//
// Two schemas are understood, detected per file: the standard GeoLite2/GeoIP2-City schema
// (city.names.en, subdivisions[0].names.en, country.iso_code, location.{latitude,longitude,
// accuracy_radius}) and the flat ip-location-db schema (city, state1, country_code, latitude,
// longitude). The flat schema has no accuracy radius, so one is estimated from how precise the
// record is (city → 50 km, region → 200 km, country → 1000 km).
//
// Several files may be opened (ip-location-db ships IPv4 and IPv6 separately); each lookup asks
// the files in order until one answers. Thread-safe for lookups after Open. Files must be
// replaced by rename, never rewritten in place, while a process has them mapped.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {

struct GeoRecord {
  std::string city;
  std::string state;
  std::string countryOrRegion;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::uint32_t accuracyRadiusKm = 0;
};

class GeoIpDatabase {
 public:
  static Result<std::unique_ptr<GeoIpDatabase>> Open(const std::vector<std::string>& paths);
  virtual ~GeoIpDatabase() = default;
  virtual std::optional<GeoRecord> Lookup(const IpAddress& address) const = 0;
};

}  // namespace idguard
