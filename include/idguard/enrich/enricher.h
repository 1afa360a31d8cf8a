// Enricher: the enrich stage. Fills a SignIn's network (internal or public, ASN, organisation,
// hosting provider, named location, trust), completes its location from GeoIP (a location the
// source already carries is kept; only missing parts are filled), parses its user agent, and
// completes user names from the directory.
//
// The data sources are shared, immutable and owned by the caller; every source is optional.
// An Enricher keeps small per-instance caches (GeoIP by subnet), so use one per thread.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "idguard/core/sign_in.h"
#include "idguard/enrich/asn_database.h"
#include "idguard/enrich/directory.h"
#include "idguard/enrich/geoip_database.h"
#include "idguard/enrich/named_locations.h"
#include "idguard/enrich/user_agent_parser.h"

namespace idguard {

struct EnrichmentSources {
  const GeoIpDatabase* geoip = nullptr;
  const AsnDatabase* asn = nullptr;
  const UserAgentParser* userAgents = nullptr;
  const NamedLocations* namedLocations = nullptr;
  const Directory* directory = nullptr;
};

struct EnrichmentCounters {
  std::uint64_t signIns = 0;
  std::uint64_t internalAddresses = 0;
  std::uint64_t unparsableAddresses = 0;
  std::uint64_t geolocated = 0;
  std::uint64_t locationKept = 0;  // the source already carried a location
  std::uint64_t geoCacheHits = 0;
  std::uint64_t asnFound = 0;
  std::uint64_t hostingProvider = 0;
  std::uint64_t namedLocationMatches = 0;
};

class Enricher {
 public:
  explicit Enricher(const EnrichmentSources& sources) : sources_(sources) {}
  void Enrich(SignIn& sign_in);
  const EnrichmentCounters& counters() const { return counters_; }
  // Named locations changed (the API's namedLocations); null: none. Not thread-safe: call it
  // where Enrich is called.
  void SetNamedLocations(const NamedLocations* locations) { sources_.namedLocations = locations; }

 private:
  void EnrichNetwork(SignIn& sign_in);
  void EnrichClient(SignIn& sign_in);
  void EnrichUser(SignIn& sign_in);
  std::optional<GeoRecord> LookupGeo(const IpAddress& address);

  EnrichmentSources sources_;
  EnrichmentCounters counters_;
  // GeoIP answers by /24 (IPv4) or /64 (IPv6): sign-in addresses repeat heavily and GeoIP data is
  // rarely finer than that. Bounded: cleared when it reaches kGeoCacheCapacity.
  static constexpr std::size_t kGeoCacheCapacity = 200'000;
  std::unordered_map<std::uint64_t, std::optional<GeoRecord>> geo_cache_;
};

}  // namespace idguard
