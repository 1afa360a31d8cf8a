#include "idguard/enrich/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace idguard {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

struct V4Block {
  std::uint32_t prefix;
  int length;
};

// Ranges never geolocated: IANA special-purpose registry entries that are not globally routable.
constexpr V4Block kInternalV4[] = {
    {0x00000000, 8},   // 0.0.0.0/8 "this network"
    {0x0A000000, 8},   // 10/8 private
    {0x64400000, 10},  // 100.64/10 carrier-grade NAT
    {0x7F000000, 8},   // loopback
    {0xA9FE0000, 16},  // link-local
    {0xAC100000, 12},  // 172.16/12 private
    {0xC0000000, 24},  // 192.0.0/24 IETF protocol assignments
    {0xC0000200, 24},  // TEST-NET-1
    {0xC0A80000, 16},  // 192.168/16 private
    {0xC6120000, 15},  // 198.18/15 benchmarking
    {0xC6336400, 24},  // TEST-NET-2
    {0xCB007100, 24},  // TEST-NET-3
    {0xE0000000, 4},   // multicast
    {0xF0000000, 4},   // reserved and broadcast
};

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buffer[64];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  in_addr v4;
  if (inet_pton(AF_INET, buffer, &v4) == 1) {
    std::memcpy(address.bytes_.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
    std::memcpy(address.bytes_.data() + 12, &v4, 4);
    return address;
  }
  // Strip an IPv6 zone ("fe80::1%eth0"); zones do not change the classification.
  std::string_view without_zone = text.substr(0, text.find('%'));
  std::memcpy(buffer, without_zone.data(), without_zone.size());
  buffer[without_zone.size()] = '\0';
  in6_addr v6;
  if (inet_pton(AF_INET6, buffer, &v6) == 1) {
    std::memcpy(address.bytes_.data(), &v6, 16);
    return address;
  }
  return std::nullopt;
}

bool IpAddress::IsV4() const {
  return std::memcmp(bytes_.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0;
}

std::uint32_t IpAddress::V4() const {
  return (std::uint32_t{bytes_[12]} << 24) | (std::uint32_t{bytes_[13]} << 16) |
         (std::uint32_t{bytes_[14]} << 8) | std::uint32_t{bytes_[15]};
}

bool IpAddress::IsInternal() const {
  if (IsV4()) {
    const std::uint32_t v4 = V4();
    for (const auto& block : kInternalV4) {
      const std::uint32_t mask = block.length == 0 ? 0 : ~std::uint32_t{0} << (32 - block.length);
      if ((v4 & mask) == block.prefix) return true;
    }
    return false;
  }
  const auto& b = bytes_;
  bool all_zero = true;
  for (int i = 0; i < 15; ++i) all_zero = all_zero && b[i] == 0;
  if (all_zero && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  if ((b[0] & 0xfe) == 0xfc) return true;                   // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;   // fe80::/10 link-local
  if (b[0] == 0xff) return true;                            // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;  // 2001:db8::/32
  return false;
}

std::uint64_t IpAddress::SubnetKey() const {
  std::uint64_t key = 0;
  if (IsV4()) {
    key = (std::uint64_t{1} << 63) | (V4() & 0xFFFFFF00u);
  } else {
    for (int i = 0; i < 8; ++i) key = (key << 8) | bytes_[i];
    key &= ~(std::uint64_t{1} << 63);
  }
  return key;
}

std::string IpAddress::SubnetText() const {
  char buffer[INET6_ADDRSTRLEN + 8];
  if (IsV4()) {
    in_addr v4;
    const std::uint32_t network = htonl(V4() & 0xFFFFFF00u);
    std::memcpy(&v4, &network, 4);
    inet_ntop(AF_INET, &v4, buffer, sizeof buffer);
    return std::string(buffer) + "/24";
  }
  in6_addr v6{};
  std::memcpy(&v6, bytes_.data(), 8);
  inet_ntop(AF_INET6, &v6, buffer, sizeof buffer);
  return std::string(buffer) + "/64";
}

void IpAddress::ToSockaddr(sockaddr_storage& storage) const {
  storage = sockaddr_storage{};
  if (IsV4()) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    std::memcpy(&v4->sin_addr, bytes_.data() + 12, 4);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    std::memcpy(&v6->sin6_addr, bytes_.data(), 16);
  }
}

bool IpAddress::InPrefix(const IpAddress& prefix, int length) const {
  if (IsV4() != prefix.IsV4()) return false;
  int bits = IsV4() ? 96 + length : length;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((bytes_[i] & mask) != (prefix.bytes_[i] & mask)) return false;
  }
  return true;
}

std::optional<CidrRange> CidrRange::Parse(std::string_view text) {
  const auto slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  const int max_length = address->IsV4() ? 32 : 128;
  int length = max_length;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec != std::errc() || end != digits.data() + digits.size() || length < 0 ||
        length > max_length) {
      return std::nullopt;
    }
  }
  return CidrRange{*address, length};
}

bool CidrRange::Contains(const IpAddress& address) const {
  return address.InPrefix(prefix, length);
}

}  // namespace idguard
