// AsnDatabase: autonomous system number and organisation for an address, and whether that
// network belongs to a hosting or cloud provider.
//
// Sources: the ip-location-db ASN CSV files (`start,end,asn,organisation`, IPv4 and IPv6, as
// shipped by the npm package @ip-location-db/asn) loaded into sorted range tables, or a
// GeoLite2-ASN MMDB. Lookups are a binary search (O(log n), no allocation). Immutable after
// Load, so lookups are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {

struct AsnRecord {
  std::uint32_t number = 0;
  std::string_view organization;  // valid as long as the database lives
  bool isHostingProvider = false;
};

struct Ipv4Range {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};

class AsnDatabase {
 public:
  // Each path is an ip-location-db CSV (IPv4 or IPv6 detected per line) or a .mmdb file.
  static Result<std::unique_ptr<AsnDatabase>> Load(const std::vector<std::string>& paths);
  virtual ~AsnDatabase() = default;
  virtual std::optional<AsnRecord> Lookup(const IpAddress& address) const = 0;
  // IPv4 ranges announced by an ASN (used by the tenant simulator to pick real addresses).
  virtual std::vector<Ipv4Range> Ipv4RangesOf(std::uint32_t asn) const = 0;
  virtual std::size_t RangeCount() const = 0;
};

// Hosting and cloud-provider classification of an ASN: a curated list of the large hosting,
// cloud and VPS networks plus keywords in the organisation name ("hosting", "cloud", "data
// center", "vps", "server"). Used to flag sign-ins from infrastructure rather than homes/offices.
bool IsHostingAsn(std::uint32_t asn, std::string_view organization);

}  // namespace idguard
