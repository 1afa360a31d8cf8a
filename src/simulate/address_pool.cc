#include "simulate/address_pool.h"

#include <algorithm>
#include <cmath>

#include "simulate/deterministic_random.h"

namespace idguard::simulate {
namespace {

constexpr double kEarthRadiusKm = 6371.0;
constexpr double kRadiansPerDegree = 3.14159265358979323846 / 180.0;

IpAddress FromV4(std::uint32_t ip) {
  const std::string text = std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) +
                           "." + std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
  return *IpAddress::Parse(text);
}

}  // namespace

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  const double mean_latitude = (lat1 + lat2) / 2 * kRadiansPerDegree;
  double delta_longitude = lon2 - lon1;
  if (delta_longitude > 180) {
    delta_longitude -= 360;
  }
  if (delta_longitude < -180) {
    delta_longitude += 360;
  }
  const double x = delta_longitude * kRadiansPerDegree * PortableCos(mean_latitude);
  const double y = (lat2 - lat1) * kRadiansPerDegree;
  return kEarthRadiusKm * std::sqrt(x * x + y * y);
}

Result<std::size_t> AddressPools::Build(std::string_view country,
                                        std::span<const std::uint32_t> asns, int samples_per_asn) {
  std::vector<PooledAddress> pool;
  for (std::uint32_t asn : asns) {
    const std::vector<Ipv4Range> ranges = asn_.Ipv4RangesOf(asn);
    if (ranges.empty()) {
      continue;
    }
    // Cumulative sizes, so a uniform draw over all of the ASN's addresses picks a range.
    std::vector<std::uint64_t> ends;
    ends.reserve(ranges.size());
    std::uint64_t total = 0;
    for (const auto& range : ranges) {
      total += std::uint64_t{range.last} - range.first + 1;
      ends.push_back(total);
    }
    Random random(StreamKey({seed_, 0x706f6f6c /* "pool" */, asn}));
    for (int i = 0; i < samples_per_asn; ++i) {
      const std::uint64_t offset = random.Below(total);
      const auto it = std::upper_bound(ends.begin(), ends.end(), offset);
      const Ipv4Range& range = ranges[static_cast<std::size_t>(it - ends.begin())];
      const std::uint64_t start = *it - (std::uint64_t{range.last} - range.first + 1);
      const auto ip = static_cast<std::uint32_t>(range.first + (offset - start));
      // Skip addresses that look like network or broadcast addresses of a /24.
      if ((ip & 0xff) == 0 || (ip & 0xff) == 255) {
        continue;
      }
      const IpAddress address = FromV4(ip);
      if (address.IsInternal()) {
        continue;
      }
      const auto geo = geoip_.Lookup(address);
      // Records without a city carry the country's centroid, which would misplace the address.
      if (!geo || geo->countryOrRegion != country || geo->city.empty() || !geo->latitude ||
          !geo->longitude) {
        continue;
      }
      pool.push_back({ip, asn, *geo->latitude, *geo->longitude});
    }
  }
  if (pool.empty()) {
    return Status::NotFound("no address of the ISP networks for " + std::string(country) +
                            " geolocates to that country; are the GeoIP and ASN files complete?");
  }
  pools_.push_back(std::move(pool));
  return pools_.size() - 1;
}

const std::vector<std::uint32_t>& AddressPools::Near(std::size_t pool, std::uint64_t cache_key,
                                                     double latitude, double longitude,
                                                     double radius_km, std::size_t min_count) {
  auto [it, inserted] = near_.try_emplace({pool, cache_key});
  if (!inserted) {
    return it->second;
  }
  const auto& addresses = pools_[pool];
  std::vector<double> distances(addresses.size());
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    distances[i] = DistanceKm(latitude, longitude, addresses[i].latitude, addresses[i].longitude);
  }
  for (double radius = radius_km;; radius *= 2) {
    it->second.clear();
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      if (distances[i] <= radius) {
        it->second.push_back(static_cast<std::uint32_t>(i));
      }
    }
    if (it->second.size() >= min_count || it->second.size() == addresses.size()) {
      break;
    }
  }
  return it->second;
}

}  // namespace idguard::simulate
