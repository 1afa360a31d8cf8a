#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "idguard/enrich/asn_database.h"

namespace idguard {
namespace {

// Large cloud, hosting and VPS networks (public ASN assignments). Sorted for binary search.
constexpr std::array<std::uint32_t, 41> kHostingAsns = {
    714,     // Apple iCloud Private Relay egress (Apple Inc.)
    8075,    // Microsoft
    8100,    // QuadraNet
    8560,    // IONOS
    9009,    // M247
    12876,   // Scaleway
    13335,   // Cloudflare
    14061,   // DigitalOcean
    14618,   // Amazon AWS
    15169,   // Google
    16265,   // LeaseWeb
    16276,   // OVH
    16509,   // Amazon AWS
    19318,   // Interserver
    20473,   // Vultr / Choopa
    20940,   // Akamai
    21859,   // Zenlayer
    24940,   // Hetzner
    26496,   // GoDaddy
    27357,   // Rackspace
    29802,   // HVC / Hivelocity
    31898,   // Oracle Cloud
    32934,   // Meta
    35540,   // OVH Telecom
    36351,   // IBM Cloud (SoftLayer)
    37963,   // Alibaba
    40021,   // Contabo US
    43350,   // NForce
    45102,   // Alibaba Cloud
    46606,   // Unified Layer
    47583,   // Hostinger
    51167,   // Contabo
    53667,   // FranTech / BuyVM
    54113,   // Fastly
    60068,   // CDN77 / Datacamp
    60781,   // LeaseWeb NL
    62567,   // DigitalOcean
    63949,   // Akamai Connected Cloud (Linode)
    132203,  // Tencent Cloud
    135377,  // UCloud
    396982,  // Google Cloud
};

constexpr std::array<std::string_view, 9> kHostingKeywords = {
    "hosting", "cloud",  "data center", "datacenter", "data centre",
    "vps",     "server", "colocation",  "dedicated",
};

}  // namespace

bool IsHostingAsn(std::uint32_t asn, std::string_view organization) {
  static_assert(std::is_sorted(kHostingAsns.begin(), kHostingAsns.end()));
  if (std::binary_search(kHostingAsns.begin(), kHostingAsns.end(), asn)) return true;
  std::string lower(organization);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(kHostingKeywords.begin(), kHostingKeywords.end(),
                     [&](std::string_view k) { return lower.find(k) != std::string::npos; });
}

}  // namespace idguard
