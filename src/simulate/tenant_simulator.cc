#include "idguard/simulate/tenant_simulator.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <unordered_set>
#include <vector>

#include "idguard/core/json_writer.h"
#include "idguard/export/graph_json.h"
#include "simulate/address_pool.h"
#include "simulate/deterministic_random.h"
#include "simulate/simulation_catalog.h"

namespace idguard {
namespace {

using simulate::AddressPools;
using simulate::AppId;
using simulate::City;
using simulate::ClientId;
using simulate::DeviceKind;
using simulate::Random;
using simulate::StreamKey;

// Kinds of identifier. Each kind and seed gives one GuidFor domain, so ids of a kind never
// collide, and two seeds share no ids.
enum class IdKind : std::uint64_t {
  kTenant = 1,
  kUser,
  kGroup,
  kDevice,
  kSession,
  kCorrelation,
  kServicePrincipalCorrelation,
  kSignIn,
  kNamedLocation,
  kServicePrincipal,
  kServicePrincipalApp,
};

std::uint64_t IdDomain(IdKind kind, std::uint64_t seed) {
  return StreamKey({seed, 0x6964 /* "id" */, static_cast<std::uint64_t>(kind)});
}

constexpr std::uint64_t kMaxUsers = 10'000'000;
constexpr std::uint64_t kMaxDays = 3660;
// Sign-in flows per user and day are numbered in 12 bits inside correlation-id counters.
constexpr std::uint32_t kMaxFlowsPerDay = 4000;
// Scales a working day's volume so that the mean over weekdays, weekends and leave comes out at
// the requested sign-ins per user-day (measured on the catalog's behaviour).
constexpr double kWorkdayVolume = 1.36;
constexpr double kLightDayVolume = 0.35;

// ---------------------------------------------------------------------------------------------
// Calendar and time zones.

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

// 0 = Sunday.
int Weekday(std::int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7); }

std::int64_t NthSunday(std::int64_t year, unsigned month, int n) {
  const std::int64_t first = DaysFromCivil(year, month, 1);
  return first + (7 - Weekday(first)) % 7 + std::int64_t{7} * (n - 1);
}

std::int64_t LastSunday(std::int64_t year, unsigned month, unsigned last_day) {
  const std::int64_t last = DaysFromCivil(year, month, last_day);
  return last - Weekday(last);
}

// UTC offset in minutes of `city` at instant `utc`.
int OffsetMinutes(const City& city, EventTime utc) {
  const int standard = city.standardOffsetMinutes;
  const EventTime std_shift = EventTime{standard} * kMicrosPerMinute;
  const std::int64_t year = CivilFromDays(FloorDiv(utc, kMicrosPerDay)).year;
  bool daylight = false;
  switch (city.dst) {
    case simulate::DstRule::kNone:
      break;
    case simulate::DstRule::kUnitedStates: {
      // 02:00 local standard time on the second Sunday of March to 01:00 standard time (02:00
      // daylight time) on the first Sunday of November.
      const EventTime begin =
          NthSunday(year, 3, 2) * kMicrosPerDay + 2 * kMicrosPerHour - std_shift;
      const EventTime end = NthSunday(year, 11, 1) * kMicrosPerDay + kMicrosPerHour - std_shift;
      daylight = utc >= begin && utc < end;
      break;
    }
    case simulate::DstRule::kEuropeanUnion: {
      // 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
      const EventTime begin = LastSunday(year, 3, 31) * kMicrosPerDay + kMicrosPerHour;
      const EventTime end = LastSunday(year, 10, 31) * kMicrosPerDay + kMicrosPerHour;
      daylight = utc >= begin && utc < end;
      break;
    }
    case simulate::DstRule::kAustralia: {
      // Southern hemisphere: from 02:00 standard time on the first Sunday of October to 02:00
      // standard time (03:00 daylight time) on the first Sunday of April.
      const EventTime begin =
          NthSunday(year, 10, 1) * kMicrosPerDay + 2 * kMicrosPerHour - std_shift;
      const EventTime end = NthSunday(year, 4, 1) * kMicrosPerDay + 2 * kMicrosPerHour - std_shift;
      daylight = utc >= begin || utc < end;
      break;
    }
  }
  return standard + (daylight ? 60 : 0);
}

// The UTC instant of `minute` (may exceed a day) on local calendar day `local_day` in `city`.
EventTime LocalToUtc(const City& city, std::int64_t local_day, double minute) {
  const EventTime local =
      local_day * kMicrosPerDay + static_cast<EventTime>(minute * 60.0) * kMicrosPerSecond;
  const EventTime guess = local - EventTime{city.standardOffsetMinutes} * kMicrosPerMinute;
  return local - EventTime{OffsetMinutes(city, guess)} * kMicrosPerMinute;
}

// ---------------------------------------------------------------------------------------------
// Addresses.

void AppendIpv4(std::string& out, std::uint32_t ip) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    const unsigned octet = (ip >> shift) & 0xff;
    if (octet >= 100) {
      out.push_back(static_cast<char>('0' + octet / 100));
    }
    if (octet >= 10) {
      out.push_back(static_cast<char>('0' + octet / 10 % 10));
    }
    out.push_back(static_cast<char>('0' + octet % 10));
    if (shift != 0) {
      out.push_back('.');
    }
  }
}

std::string Ipv4Text(std::uint32_t ip) {
  std::string text;
  AppendIpv4(text, ip);
  return text;
}

// A /28 egress block (NAT pool) of an office or the VPN.
struct EgressBlock {
  std::uint32_t base = 0;  // network address of the /28
  double latitude = 0;
  double longitude = 0;
  std::string Cidr() const { return Ipv4Text(base) + "/28"; }
  std::uint32_t Address(Random& random) const {
    return base + 1 + static_cast<std::uint32_t>(random.Below(14));
  }
};

// Picks a /28 around one of `candidates` whose every host address belongs to the same ASN and
// geolocates to a city near the candidate, so the whole block behaves like one site's egress.
Result<EgressBlock> PickEgressBlock(AddressPools& pools, std::size_t pool,
                                    const std::vector<std::uint32_t>& candidates,
                                    const GeoIpDatabase& geoip, const AsnDatabase& asn,
                                    std::string_view country, Random& random) {
  for (int attempt = 0; attempt < 400 && !candidates.empty(); ++attempt) {
    const auto& address = pools.At(pool, candidates[random.Below(candidates.size())]);
    const std::uint32_t base = address.ip & ~std::uint32_t{15};
    bool consistent = true;
    for (std::uint32_t host = base + 1; host <= base + 14 && consistent; ++host) {
      const auto ip = IpAddress::Parse(Ipv4Text(host));
      const auto as = ip ? asn.Lookup(*ip) : std::nullopt;
      const auto geo = ip ? geoip.Lookup(*ip) : std::nullopt;
      consistent = as && as->number == address.asn && geo && geo->countryOrRegion == country &&
                   !geo->city.empty() && geo->latitude && geo->longitude &&
                   simulate::DistanceKm(*geo->latitude, *geo->longitude, address.latitude,
                                        address.longitude) < 50;
    }
    if (consistent) {
      return EgressBlock{base, address.latitude, address.longitude};
    }
  }
  return Status::NotFound("no /28 egress block with consistent ASN and GeoIP records found in " +
                          std::string(country));
}

// ---------------------------------------------------------------------------------------------
// The simulated population.

struct SimDevice {
  DeviceKind kind = DeviceKind::kWindowsLaptop;
  ClientId browser = ClientId::kEdgeWindows;
  bool managed = false;
  bool compliant = false;
  std::string trustType;
  std::string deviceId;
  std::string displayName;
};

// Device slots: every user has a laptop and a phone; some also use a personal computer at home.
enum DeviceSlot : std::uint8_t { kLaptop = 0, kPhone = 1, kHomePc = 2 };

struct Trip {
  std::int64_t firstDay = 0;  // simulation day the user leaves (home calendar)
  std::int64_t lastDay = 0;   // simulation day the user flies back
  std::size_t city = 0;
  int office = -1;  // office site at the destination, or -1 (customer visit, hotel)
  std::uint32_t hotelIp = 0;
  // Door-to-door journeys (UTC): the user is in neither place between leave and arrive.
  EventTime leave = 0;
  EventTime arrive = 0;
  EventTime leaveBack = 0;
  EventTime arriveBack = 0;
};

enum class MfaMethod : std::uint8_t {
  kNone,
  kPreviouslySatisfied,
  kAppNotification,
  kOathCode,
  kTextMessage
};

struct SimUser {
  std::string id;
  std::string userPrincipalName;
  std::string displayName;
  std::size_t department = 0;
  bool enabled = true;
  bool mfaRegistered = true;
  bool breakGlass = false;
  bool administrator = false;
  std::size_t homeCity = 0;
  std::uint32_t homeIp = 0;
  std::uint32_t movedHomeIp = 0;  // the ISP reassigned the home address on movedDay
  std::int64_t movedDay = -1;
  int office = -1;
  double officeDayShare = 0;
  double vpnShare = 0;
  double startMinute = 510;
  double activity = 1;
  MfaMethod mfaMethod = MfaMethod::kAppNotification;
  std::string phoneMask;
  const std::vector<std::uint32_t>* mobileAddresses = nullptr;
  std::size_t mobilePool = 0;
  std::vector<SimDevice> devices;
  std::vector<Trip> trips;
};

struct ServicePrincipal {
  std::string id;
  std::string appId;
  std::string name;
  int intervalMinutes = 60;
  std::array<std::uint32_t, 2> addresses{};
};

struct Tenant {
  std::string tenantId;
  std::vector<std::string> groupIds;  // 0 all staff, 1 break-glass, then one per department
  std::vector<EgressBlock> offices;   // parallel to OfficeSites()
  std::vector<EgressBlock> vpn;
  std::vector<SimUser> users;
  std::vector<ServicePrincipal> servicePrincipals;
};

std::string Lower(std::string_view text) {
  std::string lower;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') {
      lower.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      lower.push_back(c);
    }
  }
  return lower;
}

std::string Sha1Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    hex.push_back(kDigits[digest[i] >> 4]);
    hex.push_back(kDigits[digest[i] & 0xf]);
  }
  return hex;
}

std::string RandomPassword(Random& random) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#$%&*?@";
  std::string password;
  const auto length = random.Between(12, 18);
  for (std::int64_t i = 0; i < length; ++i) {
    password.push_back(kAlphabet[random.Below(kAlphabet.size())]);
  }
  return password;
}

std::string_view DialCode(std::string_view country) {
  static constexpr std::pair<std::string_view, std::string_view> kCodes[] = {
      {"US", "+1"},  {"CA", "+1"},   {"GB", "+44"}, {"DE", "+49"}, {"FR", "+33"},
      {"NL", "+31"}, {"IE", "+353"}, {"ES", "+34"}, {"IN", "+91"}, {"AU", "+61"}};
  for (const auto& [code, dial] : kCodes) {
    if (code == country) {
      return dial;
    }
  }
  return "+1";
}

// Pools of real addresses per country and the egress blocks, built once per run.
class Networks {
 public:
  Networks(const GeoIpDatabase& geoip, const AsnDatabase& asn, std::uint64_t seed)
      : geoip_(geoip), asn_(asn), pools_(geoip, asn, seed) {}

  Status Build() {
    std::vector<std::string_view> countries;
    for (const auto& city : simulate::Cities()) {
      if (std::find(countries.begin(), countries.end(), city.country) == countries.end()) {
        countries.push_back(city.country);
      }
    }
    for (std::string_view country : countries) {
      for (auto kind : {simulate::IspKind::kResidential, simulate::IspKind::kMobile}) {
        std::vector<std::uint32_t> asns;
        for (const auto& isp : simulate::IspNetworks()) {
          if (isp.country == country && isp.kind == kind) {
            asns.push_back(isp.asn);
          }
        }
        // Office countries need dense pools: homes must be found within commuting distance.
        const bool office_country = std::any_of(
            simulate::OfficeSites().begin(), simulate::OfficeSites().end(),
            [&](const auto& site) { return simulate::Cities()[site.city].country == country; });
        const int samples = office_country && kind == simulate::IspKind::kResidential ? 6000 : 1500;
        auto pool = pools_.Build(country, asns, samples);
        if (!pool.ok()) {
          return pool.status();
        }
        pool_ids_.push_back({country, kind, pool.value()});
      }
    }
    return Status::Ok();
  }

  std::size_t Pool(std::string_view country, simulate::IspKind kind) const {
    for (const auto& entry : pool_ids_) {
      if (entry.country == country && entry.kind == kind) {
        return entry.id;
      }
    }
    return 0;
  }

  // Addresses of `kind` around catalog city `city`.
  const std::vector<std::uint32_t>& NearCity(std::size_t city, simulate::IspKind kind,
                                             double radius_km, std::size_t min_count,
                                             std::size_t* pool_id) {
    const City& c = simulate::Cities()[city];
    *pool_id = Pool(c.country, kind);
    const std::uint64_t key = city * 4 + static_cast<std::uint64_t>(kind);
    return pools_.Near(*pool_id, key, c.latitude, c.longitude, radius_km, min_count);
  }

  Result<std::vector<EgressBlock>> OfficeEgress(Random& random) {
    std::vector<EgressBlock> blocks;
    for (const auto& site : simulate::OfficeSites()) {
      std::size_t pool = 0;
      const auto& near = NearCity(site.city, simulate::IspKind::kResidential, 25, 5, &pool);
      auto block = PickEgressBlock(pools_, pool, near, geoip_, asn_,
                                   simulate::Cities()[site.city].country, random);
      if (!block.ok()) {
        return block.status();
      }
      blocks.push_back(block.value());
    }
    return blocks;
  }

  // The corporate VPN egresses in the headquarters' and first branch's countries.
  Result<std::vector<EgressBlock>> VpnEgress(Random& random) {
    std::vector<EgressBlock> blocks;
    for (std::size_t site = 0; site < 2 && site < simulate::OfficeSites().size(); ++site) {
      const City& city = simulate::Cities()[simulate::OfficeSites()[site].city];
      const std::uint32_t asns[] = {simulate::kVpnHostingAsn};
      auto pool = pools_.Build(city.country, asns, 3000);
      if (!pool.ok()) {
        return pool.status();
      }
      const auto& near = pools_.Near(pool.value(), 1, city.latitude, city.longitude, 500, 5);
      auto block = PickEgressBlock(pools_, pool.value(), near, geoip_, asn_, city.country, random);
      if (!block.ok()) {
        return block.status();
      }
      blocks.push_back(block.value());
    }
    return blocks;
  }

  Result<std::vector<std::uint32_t>> WorkloadAddresses(Random& random, std::size_t count) {
    const City& hq = simulate::Cities()[simulate::OfficeSites()[0].city];
    const std::uint32_t asns[] = {simulate::kWorkloadHostingAsn};
    auto pool = pools_.Build(hq.country, asns, 2000);
    if (!pool.ok()) {
      return pool.status();
    }
    std::vector<std::uint32_t> addresses;
    for (std::size_t i = 0; i < count; ++i) {
      addresses.push_back(
          pools_
              .At(pool.value(), static_cast<std::uint32_t>(random.Below(pools_.Size(pool.value()))))
              .ip);
    }
    return addresses;
  }

  AddressPools& pools() { return pools_; }

 private:
  struct PoolId {
    std::string_view country;
    simulate::IspKind kind;
    std::size_t id;
  };
  const GeoIpDatabase& geoip_;
  const AsnDatabase& asn_;
  AddressPools pools_;
  std::vector<PoolId> pool_ids_;
};

// ---------------------------------------------------------------------------------------------
// Building the tenant.

bool InEgressBlock(std::uint32_t ip, const Tenant& tenant) {
  const auto contains = [ip](const EgressBlock& block) { return (ip & ~15U) == block.base; };
  return std::any_of(tenant.offices.begin(), tenant.offices.end(), contains) ||
         std::any_of(tenant.vpn.begin(), tenant.vpn.end(), contains);
}

// A home, hotel or phone address; never one inside the organisation's trusted egress blocks,
// which were carved from the same pools.
std::uint32_t PickAddress(const AddressPools& pools, std::size_t pool,
                          const std::vector<std::uint32_t>& near, const Tenant& tenant,
                          Random& random) {
  std::uint32_t ip = 0;
  // Bounded: a pathological pool whose every nearby address is reserved still terminates.
  for (int attempt = 0; attempt < 100; ++attempt) {
    ip = pools.At(pool, near[random.Below(near.size())]).ip;
    if (!InEgressBlock(ip, tenant)) {
      break;
    }
  }
  return ip;
}

double TravelTimeHours(const City& from, const City& to) {
  const double km = simulate::DistanceKm(from.latitude, from.longitude, to.latitude, to.longitude);
  // Short hops are driven; anything longer is flown, with airport time on both ends.
  return km < 350 ? km / 80 + 0.5 : km / 800 + 3.0;
}

std::vector<Trip> PlanTrips(const SimUser& user, const Tenant& tenant,
                            const SimulateOptions& options, std::int64_t base_day,
                            Networks& networks, Random& random) {
  std::vector<Trip> trips;
  const bool frequent = random.Chance(0.25);
  const double daily_chance = frequent ? 1.0 / 18 : 1.0 / 80;
  const auto cities = simulate::Cities();
  const City& home = cities[user.homeCity];
  for (std::int64_t day = -1; day <= static_cast<std::int64_t>(options.days); ++day) {
    const int weekday = Weekday(base_day + day);
    if (weekday < 1 || weekday > 4 || !random.Chance(daily_chance)) {
      continue;
    }
    Trip trip;
    trip.firstDay = day;
    trip.lastDay = day + random.Between(1, 4);
    // Remote staff visit headquarters; office staff visit another office or customers.
    const bool to_office = user.office < 0 ? random.Chance(0.5) : random.Chance(0.3);
    if (to_office) {
      std::vector<int> others;
      for (std::size_t s = 0; s < simulate::OfficeSites().size(); ++s) {
        if (static_cast<int>(s) != user.office) {
          others.push_back(static_cast<int>(s));
        }
      }
      trip.office = user.office < 0 ? 0 : others[random.Below(others.size())];
      trip.city = simulate::OfficeSites()[static_cast<std::size_t>(trip.office)].city;
    } else {
      const bool domestic = random.Chance(0.7);
      std::vector<std::size_t> choices;
      for (std::size_t c = 0; c < cities.size(); ++c) {
        if (c == user.homeCity) {
          continue;
        }
        if ((cities[c].country == home.country) == domestic) {
          choices.push_back(c);
        }
      }
      if (choices.empty()) {
        continue;
      }
      trip.city = choices[random.Below(choices.size())];
    }
    if (trip.city == user.homeCity) {
      continue;
    }
    std::size_t pool = 0;
    const auto& hotels =
        networks.NearCity(trip.city, simulate::IspKind::kResidential, 30, 8, &pool);
    trip.hotelIp = PickAddress(networks.pools(), pool, hotels, tenant, random);
    const EventTime travel =
        static_cast<EventTime>(TravelTimeHours(home, cities[trip.city]) * 3600.0) *
        kMicrosPerSecond;
    trip.leave = LocalToUtc(home, base_day + trip.firstDay, random.Uniform(9 * 60, 16 * 60));
    trip.arrive = trip.leave + travel;
    trip.leaveBack = std::max(
        LocalToUtc(cities[trip.city], base_day + trip.lastDay, random.Uniform(11 * 60, 17 * 60)),
        trip.arrive + 12 * kMicrosPerHour);
    trip.arriveBack = trip.leaveBack + travel;
    trips.push_back(trip);
    day = trip.lastDay + 4;  // at least a few days at home between trips
  }
  return trips;
}

// Where a user lives: near an office (most), elsewhere in an office country, or abroad.
void PlaceUser(SimUser& user, Random& random) {
  static constexpr std::string_view kRemoteHome[] = {"New York", "San Francisco", "Seattle",
                                                     "Dallas",   "Atlanta",       "Boston",
                                                     "Denver",   "Austin",        "Minneapolis"};
  static constexpr std::string_view kRemoteAbroad[] = {
      "Manchester", "Vancouver", "Frankfurt", "Berlin",    "Munich", "Paris",
      "Amsterdam",  "Dublin",    "Madrid",    "Bengaluru", "Sydney"};
  const double r = random.Uniform();
  if (r < 0.62) {
    user.office = 0;
  } else if (r < 0.77) {
    user.office = 1;
  } else if (r < 0.85) {
    user.office = 2;
  }
  if (user.office >= 0) {
    user.homeCity = simulate::OfficeSites()[static_cast<std::size_t>(user.office)].city;
    // Work pattern: on site most days, hybrid, or mostly at home.
    const double style = random.Uniform();
    user.officeDayShare = style < 0.3    ? random.Uniform(0.75, 0.95)
                          : style < 0.85 ? random.Uniform(0.35, 0.6)
                                         : random.Uniform(0.0, 0.15);
  } else if (r < 0.92) {
    user.homeCity = simulate::CityIndex(kRemoteHome[random.Below(std::size(kRemoteHome))]);
  } else {
    user.homeCity = simulate::CityIndex(kRemoteAbroad[random.Below(std::size(kRemoteAbroad))]);
  }
}

SimDevice MakeLaptop(Random& random, std::uint64_t id_domain, std::uint64_t counter) {
  SimDevice device;
  if (random.Chance(0.78)) {
    device.kind = DeviceKind::kWindowsLaptop;
    const double b = random.Uniform();
    device.browser = b < 0.7    ? ClientId::kEdgeWindows
                     : b < 0.95 ? ClientId::kChromeWindows
                                : ClientId::kFirefoxWindows;
    device.managed = true;
    device.compliant = random.Chance(0.96);
    device.trustType = random.Chance(0.6) ? "Hybrid Azure AD joined" : "Azure AD joined";
    device.displayName = "CONTOSO-LT" + std::to_string(10000 + random.Below(90000));
  } else {
    device.kind = DeviceKind::kMacLaptop;
    device.browser = random.Chance(0.55) ? ClientId::kSafariMac : ClientId::kChromeMac;
    device.managed = random.Chance(0.85);
    device.compliant = device.managed && random.Chance(0.9);
    if (device.managed) {
      device.trustType = "Azure AD registered";
      device.displayName = "CONTOSO-MB" + std::to_string(10000 + random.Below(90000));
    }
  }
  if (device.managed) {
    device.deviceId = simulate::GuidFor(id_domain, counter);
  }
  return device;
}

SimDevice MakePhone(Random& random, std::uint64_t id_domain, std::uint64_t counter) {
  static constexpr std::string_view kAndroidModels[] = {"Pixel 8", "Galaxy S23", "Galaxy S24",
                                                        "Galaxy A54", "Pixel 7a"};
  static constexpr std::string_view kIphoneModels[] = {"iPhone", "iPhone 14", "iPhone 15",
                                                       "iPhone 15 Pro", "iPhone 16"};
  SimDevice device;
  const bool iphone = random.Chance(0.62);
  device.kind = iphone ? DeviceKind::kIphone : DeviceKind::kAndroidPhone;
  device.browser = iphone ? ClientId::kSafariIphone : ClientId::kChromeAndroid;
  device.managed = random.Chance(0.7);
  device.compliant = device.managed && random.Chance(0.93);
  if (device.managed) {
    device.trustType = "Azure AD registered";
    device.deviceId = simulate::GuidFor(id_domain, counter);
    device.displayName =
        std::string(iphone ? kIphoneModels[random.Below(std::size(kIphoneModels))]
                           : kAndroidModels[random.Below(std::size(kAndroidModels))]);
  }
  return device;
}

SimDevice MakeHomePc(Random& random) {
  SimDevice device;
  device.kind = DeviceKind::kHomePc;
  device.browser = random.Chance(0.7) ? ClientId::kChromeWindows : ClientId::kFirefoxWindows;
  return device;
}

Status BuildTenant(const SimulateOptions& options, Networks& networks, Tenant& tenant) {
  Random random(StreamKey({options.seed, 0x74656e616e74 /* "tenant" */}));
  tenant.tenantId = simulate::GuidFor(IdDomain(IdKind::kTenant, options.seed), 0);
  for (std::size_t g = 0; g < 2 + simulate::Departments().size(); ++g) {
    tenant.groupIds.push_back(simulate::GuidFor(IdDomain(IdKind::kGroup, options.seed), g));
  }
  auto offices = networks.OfficeEgress(random);
  if (!offices.ok()) {
    return offices.status();
  }
  tenant.offices = std::move(offices.value());
  auto vpn = networks.VpnEgress(random);
  if (!vpn.ok()) {
    return vpn.status();
  }
  tenant.vpn = std::move(vpn.value());

  const auto profiles = simulate::ServicePrincipalProfiles();
  const std::size_t sp_count = std::min<std::size_t>(profiles.size(), 2 + options.users / 2000);
  auto workload = networks.WorkloadAddresses(random, 2 * sp_count);
  if (!workload.ok()) {
    return workload.status();
  }
  for (std::size_t i = 0; i < sp_count; ++i) {
    ServicePrincipal sp;
    sp.id = simulate::GuidFor(IdDomain(IdKind::kServicePrincipal, options.seed), i);
    sp.appId = simulate::GuidFor(IdDomain(IdKind::kServicePrincipalApp, options.seed), i);
    sp.name = std::string(profiles[i].name);
    sp.intervalMinutes = profiles[i].intervalMinutes;
    sp.addresses = {workload.value()[2 * i], workload.value()[2 * i + 1]};
    tenant.servicePrincipals.push_back(std::move(sp));
  }

  std::vector<double> department_weights;
  for (const auto& department : simulate::Departments()) {
    department_weights.push_back(department.share);
  }
  const std::int64_t base_day = FloorDiv(options.start, kMicrosPerDay);
  std::unordered_set<std::string> taken_upns;
  const auto first_names = simulate::FirstNames();
  const auto last_names = simulate::LastNames();
  const std::uint64_t total = std::uint64_t{options.users} + 2;
  const std::uint64_t device_ids = IdDomain(IdKind::kDevice, options.seed);
  tenant.users.reserve(total);
  for (std::uint64_t index = 0; index < total; ++index) {
    Random r(StreamKey({options.seed, 0x75736572 /* "user" */, index}));
    SimUser user;
    user.id = simulate::GuidFor(IdDomain(IdKind::kUser, options.seed), index);
    if (index >= options.users) {
      // Break-glass administrators: excluded from policies, kept for emergencies, never used.
      const std::string number = "0" + std::to_string(index - options.users + 1);
      user.userPrincipalName = "breakglass" + number + "@" + std::string(simulate::kTenantDomain);
      user.displayName = "Break Glass Admin " + number;
      user.breakGlass = true;
      user.mfaRegistered = true;
    } else {
      const std::string_view first = first_names[r.Below(first_names.size())];
      const std::string_view last = last_names[r.Below(last_names.size())];
      user.displayName = std::string(first) + " " + std::string(last);
      const std::string local = Lower(first) + "." + Lower(last);
      std::string upn = local + "@" + std::string(simulate::kTenantDomain);
      for (int n = 2; !taken_upns.insert(upn).second; ++n) {
        upn = local + std::to_string(n) + "@" + std::string(simulate::kTenantDomain);
      }
      user.userPrincipalName = std::move(upn);
      user.department = r.Weighted(department_weights);
      user.administrator = simulate::Departments()[user.department].name == "IT";
      user.enabled = r.Chance(0.98);  // leavers whose accounts are disabled but not yet deleted
      user.mfaRegistered = r.Chance(0.92);
    }
    PlaceUser(user, r);
    const City& home = simulate::Cities()[user.homeCity];
    std::size_t pool = 0;
    const auto& homes =
        networks.NearCity(user.homeCity, simulate::IspKind::kResidential, 40, 10, &pool);
    user.homeIp = PickAddress(networks.pools(), pool, homes, tenant, r);
    if (r.Chance(0.2)) {
      user.movedHomeIp = PickAddress(networks.pools(), pool, homes, tenant, r);
      user.movedDay = r.Between(0, options.days);
    }
    user.mobileAddresses =
        &networks.NearCity(user.homeCity, simulate::IspKind::kMobile, 150, 6, &user.mobilePool);
    user.vpnShare = r.Chance(0.45) ? 0.0 : r.Uniform(0.2, 0.9);
    user.startMinute = std::clamp(r.Normal(8.5 * 60, 40), 6.5 * 60, 10.5 * 60);
    user.activity = r.Uniform(0.5, 1.5);
    const double method = r.Uniform();
    user.mfaMethod = method < 0.7    ? MfaMethod::kAppNotification
                     : method < 0.85 ? MfaMethod::kOathCode
                                     : MfaMethod::kTextMessage;
    if (user.mfaMethod == MfaMethod::kTextMessage) {
      user.phoneMask =
          std::string(DialCode(home.country)) + " XXXXXXXX" + std::to_string(10 + r.Below(90));
    }
    user.devices.push_back(MakeLaptop(r, device_ids, index * 4 + kLaptop));
    user.devices.push_back(MakePhone(r, device_ids, index * 4 + kPhone));
    if (r.Chance(0.2)) {
      user.devices.push_back(MakeHomePc(r));
    }
    if (!user.breakGlass && user.enabled) {
      user.trips = PlanTrips(user, tenant, options, base_day, networks, r);
    }
    tenant.users.push_back(std::move(user));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Files.

class OutputFile {
 public:
  ~OutputFile() {
    if (file_ != nullptr) {
      std::fclose(file_);
    }
  }
  Status Open(const std::string& path) {
    path_ = path;
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      return Status::IoError("cannot create " + path);
    }
    buffer_.reserve(kFlushAt + std::size_t{64} * 1024);
    return Status::Ok();
  }
  std::string& buffer() { return buffer_; }
  Status MaybeFlush() { return buffer_.size() >= kFlushAt ? Flush() : Status::Ok(); }
  Status Flush() {
    if (!buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      return Status::IoError("cannot write " + path_);
    }
    written_ += buffer_.size();
    buffer_.clear();
    return Status::Ok();
  }
  Status Close() {
    if (Status s = Flush(); !s.ok()) {
      return s;
    }
    const int result = std::fclose(file_);
    file_ = nullptr;
    return result == 0 ? Status::Ok() : Status::IoError("cannot write " + path_);
  }
  std::uint64_t written() const { return written_; }

 private:
  static constexpr std::size_t kFlushAt = 4 << 20;
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  std::uint64_t written_ = 0;
};

Status WriteUsers(const Tenant& tenant, const SimulateOptions& options, const std::string& path) {
  OutputFile file;
  if (Status s = file.Open(path); !s.ok()) {
    return s;
  }
  for (std::size_t index = 0; index < tenant.users.size(); ++index) {
    const SimUser& user = tenant.users[index];
    Random r(StreamKey({options.seed, 0x70617373 /* "pass" */, index}));
    std::string& out = file.buffer();
    JsonWriter w(out);
    w.BeginObject();
    w.Member("id", user.id);
    w.Member("userPrincipalName", user.userPrincipalName);
    w.Member("displayName", user.displayName);
    w.Member("accountEnabled", user.enabled);
    w.Key("groupIds");
    w.BeginArray();
    if (user.breakGlass) {
      w.String(tenant.groupIds[1]);
    } else {
      w.String(tenant.groupIds[0]);
      w.String(tenant.groupIds[2 + user.department]);
    }
    w.EndArray();
    w.Member("isMfaRegistered", user.mfaRegistered);
    w.Member("passwordHashSha1", Sha1Hex(RandomPassword(r)));
    w.EndObject();
    out.push_back('\n');
    if (Status s = file.MaybeFlush(); !s.ok()) {
      return s;
    }
  }
  return file.Close();
}

Status WriteNamedLocations(const Tenant& tenant, const SimulateOptions& options,
                           const std::string& path) {
  OutputFile file;
  if (Status s = file.Open(path); !s.ok()) {
    return s;
  }
  std::string& out = file.buffer();
  JsonWriter w(out);
  const EventTime created = options.start - 400 * kMicrosPerDay;
  std::uint64_t counter = 0;
  auto begin_location = [&](std::string_view type, std::string_view name) {
    w.BeginObject();
    w.Member("@odata.type", type);
    w.Member("id", simulate::GuidFor(IdDomain(IdKind::kNamedLocation, options.seed), counter++));
    w.Member("displayName", name);
    w.MemberTimestamp("createdDateTime", created);
    w.MemberTimestamp("modifiedDateTime", created);
  };
  auto ip_location = [&](std::string_view name, const std::vector<EgressBlock>& blocks) {
    begin_location("#microsoft.graph.ipNamedLocation", name);
    w.Member("isTrusted", true);
    w.Key("ipRanges");
    w.BeginArray();
    for (const auto& block : blocks) {
      w.BeginObject();
      w.Member("@odata.type", "#microsoft.graph.iPv4CidrRange");
      w.Member("cidrAddress", block.Cidr());
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  };
  w.BeginObject();
  w.Member("@odata.context",
           "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/namedLocations");
  w.Key("value");
  w.BeginArray();
  for (std::size_t s = 0; s < tenant.offices.size(); ++s) {
    ip_location(simulate::OfficeSites()[s].displayName, {tenant.offices[s]});
  }
  ip_location("Corporate VPN", tenant.vpn);
  begin_location("#microsoft.graph.countryNamedLocation", "Sanctioned countries");
  w.Member("countryLookupMethod", "clientIpAddress");
  w.Key("countriesAndRegions");
  w.BeginArray();
  for (std::string_view country : simulate::SanctionedCountries()) {
    w.String(country);
  }
  w.EndArray();
  w.Member("includeUnknownCountriesAndRegions", false);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  out.push_back('\n');
  return file.Close();
}

// ---------------------------------------------------------------------------------------------
// Activity.

enum class Outcome : std::uint8_t { kSuccess, kInvalidPassword, kMfaRequired, kKmsiInterrupt };

// One sign-in before it is written: everything needed to build the Graph record, packed small
// because a few days of them are held at once.
struct PendingSignIn {
  EventTime time = 0;
  std::uint32_t subject = 0;  // user index, or service principal index
  std::uint32_t ip = 0;
  std::int32_t day = 0;    // simulation day of the generating user-day (tie-break, ids)
  std::uint16_t flow = 0;  // sign-in flow within the user-day: one correlation id each
  std::uint16_t sequence = 0;
  std::uint8_t device = 0;
  ClientId client = ClientId::kEdgeWindows;
  AppId app = AppId::kExchangeOnline;
  Outcome outcome = Outcome::kSuccess;
  MfaMethod mfa = MfaMethod::kNone;
  bool mfaRequired = false;
  bool interactive = false;
  bool servicePrincipal = false;

  friend bool operator<(const PendingSignIn& a, const PendingSignIn& b) {
    if (a.time != b.time) {
      return a.time < b.time;
    }
    if (a.servicePrincipal != b.servicePrincipal) {
      return a.servicePrincipal < b.servicePrincipal;
    }
    if (a.subject != b.subject) {
      return a.subject < b.subject;
    }
    if (a.day != b.day) {
      return a.day < b.day;
    }
    return a.sequence < b.sequence;
  }
};

enum class Place : std::uint8_t { kHome, kOffice, kHotel };

// A stretch of the day spent in one place.
struct Segment {
  EventTime from = 0;
  EventTime to = 0;
  Place place = Place::kHome;
  int office = -1;
  std::uint32_t baseIp = 0;  // home or hotel address
  bool leisure = false;      // evening or day off: mostly the phone
  bool away = false;         // on a trip: the phone uses hotel or office Wi-Fi, never roaming data
  double weight = 1;
  std::size_t city = 0;  // where the user is, for the nearest VPN gateway
};

class ActivityGenerator {
 public:
  ActivityGenerator(const Tenant& tenant, const AddressPools& pools, const SimulateOptions& options)
      : tenant_(tenant),
        pools_(pools),
        options_(options),
        base_day_(FloorDiv(options.start, kMicrosPerDay)) {}

  // Appends the sign-ins of user `u` on simulation day `day` (home calendar).
  void UserDay(std::uint32_t u, std::int64_t day, std::vector<PendingSignIn>& out) {
    const SimUser& user = tenant_.users[u];
    if (!user.enabled || user.breakGlass) {
      return;
    }
    Random random(
        StreamKey({options_.seed, 0x646179 /* "day" */, u, static_cast<std::uint64_t>(day + 8)}));
    segments_.clear();
    const double volume = PlanDay(user, day, random);
    if (segments_.empty()) {
      return;
    }
    double total_weight = 0;
    for (const auto& segment : segments_) {
      total_weight += static_cast<double>(segment.to - segment.from) * segment.weight;
    }
    if (total_weight <= 0) {
      return;
    }
    const std::uint32_t flows = std::min(
        random.Poisson(options_.signInsPerUserDay * user.activity * volume), kMaxFlowsPerDay);
    // The day's network context: the VPN is on or off for the day, the phone keeps one mobile
    // address, the office NAT hands out addresses per connection.
    const bool vpn_today = user.devices[kLaptop].managed && random.Chance(user.vpnShare);
    const std::uint32_t mobile_ip = MobileAddress(user, random);
    std::uint16_t sequence = 0;
    for (std::uint32_t flow = 0; flow < flows; ++flow) {
      const Segment& segment = PickSegment(random, total_weight);
      PendingSignIn s;
      s.subject = u;
      s.day = static_cast<std::int32_t>(day);
      s.flow = static_cast<std::uint16_t>(flow);
      s.time =
          segment.from +
          static_cast<EventTime>(random.Uniform() * static_cast<double>(segment.to - segment.from));
      s.time -= s.time % 1000;  // Graph reports milliseconds
      ChooseClient(user, segment, random, s);
      bool trusted = false;
      s.ip = ChooseAddress(segment, s.device, vpn_today, mobile_ip, random, &trusted);
      s.mfaRequired = user.mfaRegistered && !trusted;
      EmitFlow(user, s, random, sequence, out);
    }
  }

  void ServicePrincipalDay(std::uint32_t index, std::int64_t day, std::vector<PendingSignIn>& out) {
    const ServicePrincipal& sp = tenant_.servicePrincipals[index];
    Random random(
        StreamKey({options_.seed, 0x7370 /* "sp" */, index, static_cast<std::uint64_t>(day + 8)}));
    const EventTime day_start = options_.start + day * kMicrosPerDay;
    const EventTime interval = EventTime{sp.intervalMinutes} * kMicrosPerMinute;
    const EventTime phase =
        static_cast<EventTime>(StreamKey({options_.seed, 0x7068617365 /* "phase" */, index}) %
                               static_cast<std::uint64_t>(interval / kMicrosPerSecond)) *
        kMicrosPerSecond;
    std::uint16_t sequence = 0;
    for (EventTime t = day_start + phase; t < day_start + kMicrosPerDay; t += interval) {
      PendingSignIn s;
      s.servicePrincipal = true;
      s.subject = index;
      s.day = static_cast<std::int32_t>(day);
      s.flow = sequence;
      s.sequence = sequence++;
      s.time = t + random.Between(0, 90'000) * 1000;  // scheduler jitter
      s.ip = sp.addresses[random.Below(sp.addresses.size())];
      out.push_back(s);
    }
  }

 private:
  const City& HomeCity(const SimUser& user) const { return simulate::Cities()[user.homeCity]; }

  std::uint32_t HomeIp(const SimUser& user, std::int64_t day) const {
    return user.movedDay >= 0 && day >= user.movedDay ? user.movedHomeIp : user.homeIp;
  }

  // VPN clients connect to the gateway nearest to where the user is.
  const EgressBlock& NearestVpn(std::size_t city) const {
    const City& home = simulate::Cities()[city];
    std::size_t best = 0;
    double best_km = 1e18;
    for (std::size_t i = 0; i < tenant_.vpn.size(); ++i) {
      const double km = simulate::DistanceKm(home.latitude, home.longitude, tenant_.vpn[i].latitude,
                                             tenant_.vpn[i].longitude);
      if (km < best_km) {
        best_km = km;
        best = i;
      }
    }
    return tenant_.vpn[best];
  }

  std::uint32_t MobileAddress(const SimUser& user, Random& random) const {
    return PickAddress(pools_, user.mobilePool, *user.mobileAddresses, tenant_, random);
  }

  void Add(EventTime from, EventTime to, Place place, int office, std::uint32_t base_ip,
           bool leisure, std::size_t city) {
    if (to <= from) {
      return;
    }
    segments_.push_back({from, to, place, office, base_ip, leisure, city != home_city_,
                         leisure ? 0.15 : 1.0, city});
  }

  // Lays out where the user is during the day; returns the day's volume factor.
  double PlanDay(const SimUser& user, std::int64_t day, Random& random) {
    const auto cities = simulate::Cities();
    const City& home = HomeCity(user);
    home_city_ = user.homeCity;
    const std::int64_t local_day = base_day_ + day;
    const std::uint32_t home_ip = HomeIp(user, day);
    const double start = user.startMinute + random.Normal(0, 15);
    const double end = start + random.Normal(8.75 * 60, 40);
    const double evening_end = random.Uniform(21 * 60, 23 * 60);

    const Trip* trip = nullptr;
    for (const auto& t : user.trips) {
      if (day >= t.firstDay && day <= t.lastDay) {
        trip = &t;
      }
    }
    if (trip != nullptr) {
      const City& away = cities[trip->city];
      const Place away_place = trip->office >= 0 ? Place::kOffice : Place::kHotel;
      if (day == trip->firstDay) {
        Add(LocalToUtc(home, local_day, start), trip->leave, Place::kHome, -1, home_ip, false,
            user.homeCity);
        Add(trip->arrive, LocalToUtc(away, local_day, evening_end), Place::kHotel, -1,
            trip->hotelIp, true, trip->city);
      } else if (day == trip->lastDay) {
        Add(LocalToUtc(away, local_day, start), trip->leaveBack, away_place, trip->office,
            trip->hotelIp, false, trip->city);
        Add(trip->arriveBack, LocalToUtc(home, local_day, evening_end), Place::kHome, -1, home_ip,
            true, user.homeCity);
      } else {
        Add(LocalToUtc(away, local_day, start), LocalToUtc(away, local_day, end), away_place,
            trip->office, trip->hotelIp, false, trip->city);
        Add(LocalToUtc(away, local_day, end + 60), LocalToUtc(away, local_day, evening_end),
            Place::kHotel, -1, trip->hotelIp, true, trip->city);
      }
      ClipToJourneys(user, day);
      return kWorkdayVolume;
    }
    const int weekday = Weekday(local_day);
    const bool workday = weekday >= 1 && weekday <= 5 && !random.Chance(0.04);
    if (!workday) {
      // Weekends and leave: now and then a look at mail, mostly from the phone.
      if (!random.Chance(0.25)) {
        return 0;
      }
      const double from = random.Uniform(9 * 60, 18 * 60);
      Add(LocalToUtc(home, local_day, from),
          LocalToUtc(home, local_day, from + random.Uniform(30, 180)), Place::kHome, -1, home_ip,
          true, user.homeCity);
      ClipToJourneys(user, day);
      return kLightDayVolume;
    }
    const bool in_office = user.office >= 0 && random.Chance(user.officeDayShare);
    if (in_office) {
      // Mail on the phone before the commute, the office during the day, home in the evening.
      Add(LocalToUtc(home, local_day, start - 60), LocalToUtc(home, local_day, start - 30),
          Place::kHome, -1, home_ip, true, user.homeCity);
      Add(LocalToUtc(home, local_day, start), LocalToUtc(home, local_day, end), Place::kOffice,
          user.office, 0, false, user.homeCity);
      Add(LocalToUtc(home, local_day, end + 60), LocalToUtc(home, local_day, evening_end),
          Place::kHome, -1, home_ip, true, user.homeCity);
    } else {
      Add(LocalToUtc(home, local_day, start), LocalToUtc(home, local_day, end), Place::kHome, -1,
          home_ip, false, user.homeCity);
      Add(LocalToUtc(home, local_day, end + 30), LocalToUtc(home, local_day, evening_end),
          Place::kHome, -1, home_ip, true, user.homeCity);
    }
    ClipToJourneys(user, day);
    return kWorkdayVolume;
  }

  // Long journeys cross local days: a flight that lands tomorrow morning, or a return that lands
  // after the next day's usual start. Nobody signs in at home while away, nor at the destination
  // before arriving or after leaving.
  void ClipToJourneys(const SimUser& user, std::int64_t day) {
    for (const auto& trip : user.trips) {
      if (day < trip.firstDay - 1 || day > trip.lastDay + 2) {
        continue;
      }
      for (auto& segment : segments_) {
        if (segment.away) {
          segment.from = std::max(segment.from, trip.arrive);
          segment.to = std::min(segment.to, trip.leaveBack);
        } else if (segment.from < trip.leave) {
          segment.to = std::min(segment.to, trip.leave);
        } else {
          segment.from = std::max(segment.from, trip.arriveBack);
        }
      }
    }
    std::erase_if(segments_, [](const Segment& segment) { return segment.to <= segment.from; });
  }

  const Segment& PickSegment(Random& random, double total_weight) const {
    double pick = random.Uniform() * total_weight;
    for (const auto& segment : segments_) {
      const double w = static_cast<double>(segment.to - segment.from) * segment.weight;
      if (pick < w) {
        return segment;
      }
      pick -= w;
    }
    return segments_.back();
  }

  void ChooseClient(const SimUser& user, const Segment& segment, Random& random,
                    PendingSignIn& s) const {
    const bool has_home_pc = user.devices.size() > kHomePc && segment.place == Place::kHome;
    const double laptop = segment.leisure ? 0.2 : 0.64;
    const double phone = segment.leisure ? 0.65 : 0.28;
    const double pc = has_home_pc ? (segment.leisure ? 0.15 : 0.08) : 0.0;
    const double weights[] = {laptop, phone, pc};
    s.device = static_cast<std::uint8_t>(random.Weighted(weights));
    const SimDevice& device = user.devices[s.device];
    const bool mac = device.kind == DeviceKind::kMacLaptop;
    const bool iphone = device.kind == DeviceKind::kIphone;
    switch (s.device) {
      case kLaptop:
        if (random.Chance(0.55)) {
          const bool teams = random.Chance(0.55);
          s.app = teams ? AppId::kTeams : AppId::kOffice;
          s.client = teams ? (mac ? ClientId::kTeamsMac : ClientId::kTeamsWindows)
                           : (mac ? ClientId::kOfficeMac : ClientId::kOfficeWindows);
          s.interactive = random.Chance(0.15);
        } else {
          s.client = device.browser;
          s.app = BrowserApp(user, random);
          s.interactive = random.Chance(0.7);
        }
        break;
      case kPhone:
        if (random.Chance(0.8)) {
          s.app = AppId::kOutlookMobile;
          s.client = iphone ? ClientId::kOutlookIos : ClientId::kOutlookAndroid;
          s.interactive = random.Chance(0.1);
        } else {
          s.client = device.browser;
          s.app = random.Chance(0.6) ? AppId::kSharePoint : AppId::kExchangeOnline;
          s.interactive = random.Chance(0.7);
        }
        break;
      default:
        s.client = device.browser;
        s.app = random.Chance(0.6) ? AppId::kExchangeOnline : AppId::kSharePoint;
        s.interactive = random.Chance(0.7);
        break;
    }
  }

  static AppId BrowserApp(const SimUser& user, Random& random) {
    const double r = random.Uniform();
    if (user.administrator && r < 0.25) {
      return AppId::kAzurePortal;
    }
    if (r < 0.55) {
      return AppId::kSharePoint;
    }
    if (r < 0.85) {
      return AppId::kExchangeOnline;
    }
    return AppId::kTeams;
  }

  std::uint32_t ChooseAddress(const Segment& segment, std::uint8_t device, bool vpn_today,
                              std::uint32_t mobile_ip, Random& random, bool* trusted) const {
    *trusted = false;
    const bool phone = device == kPhone;
    switch (segment.place) {
      case Place::kOffice:
        if (phone && !segment.away && random.Chance(0.2)) {
          return mobile_ip;
        }
        *trusted = true;
        return tenant_.offices[static_cast<std::size_t>(segment.office)].Address(random);
      case Place::kHome:
        if (device == kLaptop && vpn_today) {
          *trusted = true;
          return NearestVpn(segment.city).Address(random);
        }
        if (phone && random.Chance(0.35)) {
          return mobile_ip;
        }
        return segment.baseIp;
      case Place::kHotel:
        if (device == kLaptop && vpn_today) {
          *trusted = true;
          return NearestVpn(segment.city).Address(random);
        }
        return segment.baseIp;
    }
    return segment.baseIp;
  }

  // A sign-in flow: an interactive attempt may fail first (typo, MFA interrupt, "stay signed in"
  // prompt) and then succeed seconds later under the same correlation id.
  void EmitFlow(const SimUser& user, PendingSignIn s, Random& random, std::uint16_t& sequence,
                std::vector<PendingSignIn>& out) const {
    if (!s.interactive) {
      s.mfa = s.mfaRequired ? MfaMethod::kPreviouslySatisfied : MfaMethod::kNone;
      s.sequence = sequence++;
      out.push_back(s);
      return;
    }
    auto emit_failure = [&](Outcome outcome, std::int64_t min_s, std::int64_t max_s) {
      PendingSignIn failed = s;
      failed.outcome = outcome;
      failed.sequence = sequence++;
      out.push_back(failed);
      s.time += random.Between(min_s, max_s) * kMicrosPerSecond + random.Below(1000) * 1000;
    };
    if (random.Chance(0.012)) {
      emit_failure(Outcome::kInvalidPassword, 8, 60);
    }
    const bool prompt = s.mfaRequired && random.Chance(0.12);
    if (prompt) {
      emit_failure(Outcome::kMfaRequired, 15, 75);
    }
    if (simulate::Client(s.client).isBrowser && random.Chance(0.025)) {
      emit_failure(Outcome::kKmsiInterrupt, 3, 20);
    }
    s.mfa = prompt          ? user.mfaMethod
            : s.mfaRequired ? MfaMethod::kPreviouslySatisfied
                            : MfaMethod::kNone;
    s.outcome = Outcome::kSuccess;
    s.sequence = sequence++;
    out.push_back(s);
  }

  const Tenant& tenant_;
  const AddressPools& pools_;
  const SimulateOptions& options_;
  const std::int64_t base_day_;
  std::vector<Segment> segments_;
  std::size_t home_city_ = 0;
};

// Turns pending sign-ins into Graph signIn JSON lines. One SignIn is reused so that its strings
// keep their capacity across records.
class SignInWriter {
 public:
  SignInWriter(const Tenant& tenant, const SimulateOptions& options)
      : tenant_(tenant), options_(options), id_domain_(IdDomain(IdKind::kSignIn, options.seed)) {}

  void Append(const PendingSignIn& p, std::uint64_t ordinal, std::string& out) {
    SignIn& s = scratch_;
    s.id.clear();
    simulate::AppendGuid(s.id, id_domain_, ordinal);
    s.createdDateTime = p.time;
    s.ipAddress.clear();
    AppendIpv4(s.ipAddress, p.ip);
    s.resourceTenantId = tenant_.tenantId;
    s.homeTenantId = tenant_.tenantId;
    s.tokenIssuerType = "AzureAD";
    s.uniqueTokenIdentifier.clear();
    AppendTokenIdentifier(s.uniqueTokenIdentifier, ordinal);
    s.correlationId.clear();
    if (p.servicePrincipal) {
      FillServicePrincipal(p);
    } else {
      FillUser(p);
    }
    AppendSignInJson(out, s);
    out.push_back('\n');
  }

 private:
  void FillServicePrincipal(const PendingSignIn& p) {
    SignIn& s = scratch_;
    const ServicePrincipal& sp = tenant_.servicePrincipals[p.subject];
    simulate::AppendGuid(
        s.correlationId, IdDomain(IdKind::kServicePrincipalCorrelation, options_.seed),
        (std::uint64_t{p.subject} * (kMaxDays + 10) + static_cast<std::uint64_t>(p.day + 8)) *
                4096 +
            p.flow);
    s.kind = SignInKind::servicePrincipal;
    s.isInteractive = false;
    s.userId.clear();
    s.userDisplayName.clear();
    s.userPrincipalName.clear();
    s.appId = sp.appId;
    s.appDisplayName = sp.name;
    s.servicePrincipalId = sp.id;
    s.servicePrincipalName = sp.name;
    s.resourceId = "00000003-0000-0000-c000-000000000000";
    s.resourceDisplayName = "Microsoft Graph";
    s.clientAppUsed.clear();
    s.userAgent.clear();
    s.sessionId.clear();
    s.conditionalAccessStatus = "notApplied";
    s.authenticationRequirement = "singleFactorAuthentication";
    s.deviceDetail = DeviceDetail{};
    s.status = SignInStatus{};
    s.mfaDetail = MfaDetail{};
  }

  void FillUser(const PendingSignIn& p) {
    SignIn& s = scratch_;
    const SimUser& user = tenant_.users[p.subject];
    const SimDevice& device = user.devices[p.device];
    const auto& client = simulate::Client(p.client);
    const auto& app = simulate::App(p.app);
    simulate::AppendGuid(
        s.correlationId, IdDomain(IdKind::kCorrelation, options_.seed),
        (std::uint64_t{p.subject} * (kMaxDays + 10) + static_cast<std::uint64_t>(p.day + 8)) *
                4096 +
            p.flow);
    s.kind = p.interactive ? SignInKind::interactiveUser : SignInKind::nonInteractiveUser;
    s.isInteractive = p.interactive;
    s.userId = user.id;
    s.userDisplayName = user.displayName;
    s.userPrincipalName = user.userPrincipalName;
    s.appId = app.appId;
    s.appDisplayName = app.appDisplayName;
    s.resourceId = app.resourceId;
    s.resourceDisplayName = app.resourceDisplayName;
    s.servicePrincipalId.clear();
    s.servicePrincipalName.clear();
    s.clientAppUsed = client.isBrowser ? "Browser" : "Mobile Apps and Desktop clients";
    s.userAgent = client.userAgent;
    // Browsers keep a session for the day; desktop and mobile apps hold refresh tokens for weeks.
    const std::uint64_t epoch = static_cast<std::uint64_t>(p.day + 8) / (client.isBrowser ? 1 : 7);
    s.sessionId.clear();
    simulate::AppendGuid(
        s.sessionId, IdDomain(IdKind::kSession, options_.seed),
        ((std::uint64_t{p.subject} * 4 + p.device) * 2 + (client.isBrowser ? 1 : 0)) * 8192 +
            epoch);
    s.deviceDetail.deviceId = device.deviceId;
    s.deviceDetail.displayName = device.displayName;
    s.deviceDetail.operatingSystem = client.operatingSystem;
    s.deviceDetail.browser = client.browser;
    s.deviceDetail.isCompliant = device.compliant;
    s.deviceDetail.isManaged = device.managed;
    s.deviceDetail.trustType = device.trustType;
    s.authenticationRequirement =
        p.mfaRequired ? "multiFactorAuthentication" : "singleFactorAuthentication";
    s.conditionalAccessStatus =
        p.outcome == Outcome::kSuccess && p.mfaRequired ? "success" : "notApplied";
    FillStatus(p.outcome);
    FillMfa(user, p.mfa);
  }

  void FillStatus(Outcome outcome) {
    SignInStatus& status = scratch_.status;
    switch (outcome) {
      case Outcome::kSuccess:
        status.errorCode = 0;
        status.failureReason.clear();
        status.additionalDetails.clear();
        break;
      case Outcome::kInvalidPassword:
        status.errorCode = 50126;
        status.failureReason = "Error validating credentials due to invalid username or password.";
        status.additionalDetails =
            "The user didn't enter the right credentials. It's expected to see some number of "
            "these errors in your logs due to users making mistakes.";
        break;
      case Outcome::kMfaRequired:
        status.errorCode = 50074;
        status.failureReason = "Strong Authentication is required.";
        status.additionalDetails = "MFA required in Azure AD";
        break;
      case Outcome::kKmsiInterrupt:
        status.errorCode = 50140;
        status.failureReason =
            "This error occurred due to 'Keep me signed in' interrupt when the user was signing "
            "in.";
        status.additionalDetails.clear();
        break;
    }
  }

  void FillMfa(const SimUser& user, MfaMethod method) {
    MfaDetail& mfa = scratch_.mfaDetail;
    mfa.authDetail.clear();
    switch (method) {
      case MfaMethod::kNone:
        mfa.authMethod.clear();
        break;
      case MfaMethod::kPreviouslySatisfied:
        mfa.authMethod = "Previously satisfied";
        mfa.authDetail = "MFA requirement satisfied by claim in the token";
        break;
      case MfaMethod::kAppNotification:
        mfa.authMethod = "Mobile app notification";
        break;
      case MfaMethod::kOathCode:
        mfa.authMethod = "OATH verification code";
        break;
      case MfaMethod::kTextMessage:
        mfa.authMethod = "Text message";
        mfa.authDetail = user.phoneMask;
        break;
    }
  }

  // Graph's uniqueTokenIdentifier: 22 characters of unpadded base64url (128 bits).
  void AppendTokenIdentifier(std::string& out, std::uint64_t ordinal) const {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::uint64_t word = ordinal ^ id_domain_ ^ 0x746f6b656eULL;
    for (int i = 0; i < 22; ++i) {
      // Eight characters (48 bits) per scrambled word.
      if (i % 8 == 0) {
        word = simulate::Mix64(word + 0x9e3779b97f4a7c15ULL);
      }
      out.push_back(kAlphabet[(word >> (6 * (i % 8))) & 63]);
    }
  }

  const Tenant& tenant_;
  const SimulateOptions& options_;
  const std::uint64_t id_domain_;
  SignIn scratch_;
};

Status WriteSignIns(const Tenant& tenant, const AddressPools& pools, const SimulateOptions& options,
                    const std::string& path, SimulateSummary& summary) {
  OutputFile file;
  if (Status s = file.Open(path); !s.ok()) {
    return s;
  }
  ActivityGenerator generator(tenant, pools, options);
  SignInWriter writer(tenant, options);
  const auto days = static_cast<std::int64_t>(options.days);
  const EventTime end = options.start + days * kMicrosPerDay;
  std::vector<std::vector<PendingSignIn>> buckets(static_cast<std::size_t>(days));
  std::vector<PendingSignIn> scratch;
  std::int64_t next_flush = 0;
  std::uint64_t ordinal = 0;

  auto flush = [&](std::int64_t bucket) -> Status {
    auto& events = buckets[static_cast<std::size_t>(bucket)];
    std::sort(events.begin(), events.end());
    for (const auto& event : events) {
      writer.Append(event, ordinal++, file.buffer());
      if (!event.servicePrincipal) {
        ++summary.userSignIns;
        if (event.interactive) {
          ++summary.interactiveSignIns;
        }
      }
      if (event.outcome != Outcome::kSuccess) {
        ++summary.failedSignIns;
      }
      if (Status s = file.MaybeFlush(); !s.ok()) {
        return s;
      }
    }
    std::vector<PendingSignIn>().swap(events);
    return Status::Ok();
  };

  // Local days start up to 14 hours before or 12 hours after the UTC day, so generating one day
  // past either end covers the period, and a UTC bucket is complete two local days later.
  for (std::int64_t day = -1; day <= days; ++day) {
    scratch.clear();
    for (std::uint32_t u = 0; u < tenant.users.size(); ++u) {
      generator.UserDay(u, day, scratch);
    }
    if (day >= 0 && day < days) {
      for (std::uint32_t i = 0; i < tenant.servicePrincipals.size(); ++i) {
        generator.ServicePrincipalDay(i, day, scratch);
      }
    }
    for (const auto& event : scratch) {
      if (event.time < options.start || event.time >= end) {
        continue;
      }
      buckets[static_cast<std::size_t>(FloorDiv(event.time - options.start, kMicrosPerDay))]
          .push_back(event);
    }
    for (; next_flush <= day - 2; ++next_flush) {
      if (Status s = flush(next_flush); !s.ok()) {
        return s;
      }
    }
  }
  for (; next_flush < days; ++next_flush) {
    if (Status s = flush(next_flush); !s.ok()) {
      return s;
    }
  }
  summary.signIns = ordinal;
  if (Status s = file.Close(); !s.ok()) {
    return s;
  }
  summary.signInBytes = file.written();
  return Status::Ok();
}

}  // namespace

Status ValidateSimulateOptions(const SimulateOptions& options) {
  if (options.outputDirectory.empty()) {
    return Status::InvalidInput("--out: an output folder is required");
  }
  if (options.users < 1 || options.users > kMaxUsers) {
    return Status::InvalidInput("--users must be between 1 and " + std::to_string(kMaxUsers));
  }
  if (options.days < 1 || options.days > kMaxDays) {
    return Status::InvalidInput("--days must be between 1 and " + std::to_string(kMaxDays));
  }
  if (!(options.signInsPerUserDay > 0 && options.signInsPerUserDay <= 500)) {
    return Status::InvalidInput("--sign-ins-per-user-day must be greater than 0 and at most 500");
  }
  return Status::Ok();
}

Status SimulateTenant(const SimulateOptions& options, const GeoIpDatabase& geoip,
                      const AsnDatabase& asn, SimulateSummary* summary) {
  if (Status s = ValidateSimulateOptions(options); !s.ok()) {
    return s;
  }
  std::error_code error;
  std::filesystem::create_directories(options.outputDirectory, error);
  if (error) {
    return Status::IoError("cannot create " + options.outputDirectory + ": " + error.message());
  }
  Networks networks(geoip, asn, options.seed);
  if (Status s = networks.Build(); !s.ok()) {
    return s;
  }
  auto tenant = std::make_unique<Tenant>();
  if (Status s = BuildTenant(options, networks, *tenant); !s.ok()) {
    return s;
  }

  SimulateSummary result;
  result.users = tenant->users.size();
  result.servicePrincipals = tenant->servicePrincipals.size();
  const std::filesystem::path dir(options.outputDirectory);
  if (Status s = WriteUsers(*tenant, options, (dir / "users.ndjson").string()); !s.ok()) {
    return s;
  }
  if (Status s = WriteNamedLocations(*tenant, options, (dir / "namedLocations.json").string());
      !s.ok()) {
    return s;
  }
  if (Status s = WriteSignIns(*tenant, networks.pools(), options, (dir / "signIns.ndjson").string(),
                              result);
      !s.ok()) {
    return s;
  }
  if (summary != nullptr) {
    *summary = result;
  }
  return Status::Ok();
}

}  // namespace idguard
