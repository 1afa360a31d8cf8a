// The tenant simulator's reference data: the organisation's sites, the cities people live in and
// travel to, well-known consumer and mobile ISPs per country, user-agent strings with the
// deviceDetail they imply, Microsoft first-party applications, and name lists.
//
// Everything here is constant data with static storage; read it from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace idguard::simulate {

// Daylight-saving rule of a time zone; enough for the cities in the catalog.
enum class DstRule : std::uint8_t { kNone, kUnitedStates, kEuropeanUnion, kAustralia };

struct City {
  std::string_view name;
  std::string_view country;  // ISO 3166-1 alpha-2, as GeoIP reports it
  double latitude;
  double longitude;
  int standardOffsetMinutes;  // UTC offset outside daylight saving time
  DstRule dst;
};

// Index into Cities() of the headquarters and branch offices.
struct OfficeSite {
  std::string_view displayName;  // the ipNamedLocation name
  std::size_t city;
};

enum class IspKind : std::uint8_t { kResidential, kMobile };

struct IspNetwork {
  std::string_view country;
  std::uint32_t asn;
  IspKind kind;
};

enum class DeviceKind : std::uint8_t {
  kWindowsLaptop,
  kMacLaptop,
  kIphone,
  kAndroidPhone,
  kHomePc
};

// One client: the user agent it sends and the deviceDetail Graph reports for it.
struct ClientProfile {
  std::string_view userAgent;
  std::string_view operatingSystem;  // deviceDetail.operatingSystem
  std::string_view browser;          // deviceDetail.browser
  bool isBrowser;  // clientAppUsed "Browser", else "Mobile Apps and Desktop clients"
};

enum class ClientId : std::uint8_t {
  kEdgeWindows,
  kChromeWindows,
  kFirefoxWindows,
  kTeamsWindows,
  kOfficeWindows,
  kSafariMac,
  kChromeMac,
  kTeamsMac,
  kOfficeMac,
  kSafariIphone,
  kOutlookIos,
  kChromeAndroid,
  kOutlookAndroid,
  kCount,
};

enum class AppId : std::uint8_t {
  kExchangeOnline,
  kTeams,
  kSharePoint,
  kAzurePortal,
  kOffice,
  kOutlookMobile,
  kCount,
};

struct Application {
  std::string_view appId;
  std::string_view appDisplayName;
  std::string_view resourceId;
  std::string_view resourceDisplayName;
};

struct Department {
  std::string_view name;
  double share;
};

struct ServicePrincipalProfile {
  std::string_view name;
  int intervalMinutes;  // how often it requests a token
};

std::span<const City> Cities();
std::size_t CityIndex(std::string_view name);  // asserts the name exists
// Headquarters first, then branch offices.
std::span<const OfficeSite> OfficeSites();
std::span<const IspNetwork> IspNetworks();
// The hosting network the corporate VPN egresses from, and the cloud network the organisation's
// own service principals run in.
inline constexpr std::uint32_t kVpnHostingAsn = 16509;      // Amazon
inline constexpr std::uint32_t kWorkloadHostingAsn = 8075;  // Microsoft (Azure)

const ClientProfile& Client(ClientId id);
const Application& App(AppId id);
std::span<const Department> Departments();
std::span<const ServicePrincipalProfile> ServicePrincipalProfiles();
std::span<const std::string_view> FirstNames();
std::span<const std::string_view> LastNames();
// Countries blocked by policy; written as an untrusted countryNamedLocation.
std::span<const std::string_view> SanctionedCountries();

inline constexpr std::string_view kTenantDomain = "contoso.example";

}  // namespace idguard::simulate
