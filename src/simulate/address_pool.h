// AddressPools: real public IPv4 addresses for the tenant simulator, so simulated sign-ins
// geolocate and resolve to an ASN exactly as real ones would.
//
// A pool is built by sampling addresses from the ranges a set of ASNs announces (weighted by range
// size) and keeping only those GeoIP places in a city of the expected country. Near()
// then narrows a pool to the addresses around a city. Sampling is driven by a seeded Random, so a
// pool is the same for the same seed and data files. Not thread-safe (Near caches); the simulator
// uses one instance from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/enrich/asn_database.h"
#include "idguard/enrich/geoip_database.h"

namespace idguard::simulate {

struct PooledAddress {
  std::uint32_t ip = 0;
  std::uint32_t asn = 0;
  double latitude = 0;
  double longitude = 0;
};

// Great-circle distance approximated on an equirectangular projection: within a percent for the
// distances that matter here (a commute, a flight), and free of platform-dependent libm calls.
double DistanceKm(double lat1, double lon1, double lat2, double lon2);

class AddressPools {
 public:
  AddressPools(const GeoIpDatabase& geoip, const AsnDatabase& asn, std::uint64_t seed)
      : geoip_(geoip), asn_(asn), seed_(seed) {}

  // Builds a pool and returns its id. Fails with NotFound when no sampled address of these ASNs
  // geolocates to `country` (for example when the data files are not the expected ones).
  Result<std::size_t> Build(std::string_view country, std::span<const std::uint32_t> asns,
                            int samples_per_asn);

  // Indices into pool `pool` of the addresses nearest to (latitude, longitude): everything within a
  // radius that starts at `radius_km` and doubles until at least `min_count` addresses qualify
  // (or the whole pool). The answer is cached by `cache_key`.
  const std::vector<std::uint32_t>& Near(std::size_t pool, std::uint64_t cache_key, double latitude,
                                         double longitude, double radius_km, std::size_t min_count);

  const PooledAddress& At(std::size_t pool, std::uint32_t index) const {
    return pools_[pool][index];
  }
  std::size_t Size(std::size_t pool) const { return pools_[pool].size(); }

 private:
  const GeoIpDatabase& geoip_;
  const AsnDatabase& asn_;
  std::uint64_t seed_;
  std::vector<std::vector<PooledAddress>> pools_;
  std::map<std::pair<std::size_t, std::uint64_t>, std::vector<std::uint32_t>> near_;
};

}  // namespace idguard::simulate
