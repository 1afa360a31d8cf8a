// IpAddress: an IPv4 or IPv6 address as 16 bytes (IPv4 mapped into ::ffff:0:0/96), with the
// classifications enrichment needs: internal (never geolocated, never a travel or country
// signal) and the subnet key used for "familiar subnet" (/24 for IPv4, /64 for IPv6).
// A plain value type.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace idguard {

class IpAddress {
 public:
  static std::optional<IpAddress> Parse(std::string_view text);

  bool IsV4() const;
  std::uint32_t V4() const;  // host order; only meaningful when IsV4()
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }

  // Private (RFC 1918, fc00::/7), loopback, link-local, CGNAT (100.64/10), unspecified,
  // multicast, documentation and other reserved ranges.
  bool IsInternal() const;
  // Hash-friendly key of the /24 (IPv4) or /64 (IPv6) this address belongs to.
  std::uint64_t SubnetKey() const;
  // "203.0.113.0/24" or "2001:db8:1:2::/64".
  std::string SubnetText() const;
  // Fills a sockaddr_in (IPv4) or sockaddr_in6 for C APIs such as libmaxminddb.
  void ToSockaddr(sockaddr_storage& storage) const;
  // True when the address falls in prefix/length (both of the same family).
  bool InPrefix(const IpAddress& prefix, int length) const;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

// A parsed CIDR range such as "10.0.0.0/8" or "2001:db8::/32".
struct CidrRange {
  IpAddress prefix;
  int length = 0;  // bits, counted on the 128-bit form for IPv6 and 32-bit form for IPv4
  static std::optional<CidrRange> Parse(std::string_view text);
  bool Contains(const IpAddress& address) const;
};

}  // namespace idguard
