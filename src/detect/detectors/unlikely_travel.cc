// unlikelyTravel (atypical travel, offline): the sign-in is too far from one of the user's recent
// sign-ins to have been reached in the time between them, even by plane, and its location is
// atypical for the user.
//
// The distance is the great-circle distance minus both GeoIP accuracy radii, so imprecise
// geolocation never makes a trip impossible. A trip is impossible when that distance exceeds
// kPlausibleSpeedKmh over the time gap plus kSlackKm, and is at least kMinDistanceKm.
// Quiet: while the user learns (until 14 days or 10 sign-ins, whichever comes first); when the
// sign-in's city is one the user knows (the trip home after a takeover is not the risky one); in
// trusted named locations; when either end is a network many colleagues share (a VPN or cloud
// egress); when both ends are in one country and either is a mobile carrier, whose addresses
// geolocate to a gateway hundreds of kilometres from the phone.
// Medium; high when the sign-in's network and client are new to the user too (colleagues in the
// destination city change nothing: no one gets there in time); low when one end is a hosting
// network and the client is the user's own (a consumer VPN). docs/detectors/unlikelyTravel.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include "idguard/detect/detectors.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {
namespace {

constexpr double kPlausibleSpeedKmh = 1000;  // faster than any airliner's cruise
constexpr double kSlackKm = 100;
constexpr double kMinDistanceKm = 500;
constexpr EventTime kLearningPeriod = 14 * kMicrosPerDay;
constexpr std::uint32_t kLearningSignIns = 10;
constexpr std::uint32_t kAtypicalBelow = 3;  // a city seen fewer times than this is atypical
constexpr std::uint32_t kSharedEgressUsers = 10;

double GreatCircleKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6371.0088;
  constexpr double kRadians = 3.14159265358979323846 / 180;
  const double dlat = (lat2 - lat1) * kRadians;
  const double dlon = (lon2 - lon1) * kRadians;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRadians) * std::cos(lat2 * kRadians) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

// Major mobile carriers' autonomous systems (public assignments); other carriers are recognised
// by the words their AS organisation names use.
bool IsMobileCarrier(std::uint32_t asn, std::string_view organization) {
  static constexpr std::array<std::uint32_t, 18> kCarriers = {
      21928, 6167, 20057, 22394, 25135, 206067, 35228, 12576, 852,
      6805,  5410, 33915, 15502, 13280, 12430,  55836, 45609, 4804};
  if (std::find(kCarriers.begin(), kCarriers.end(), asn) != kCarriers.end()) return true;
  for (std::string_view word : {"Mobile", "Wireless", "Mobility", "Cellular", "LTE", "GPRS"}) {
    if (organization.find(word) != std::string_view::npos) return true;
  }
  return false;
}

std::string Place(std::string_view city, std::string_view country) {
  std::string place(city.empty() ? "(unknown city)" : city);
  if (!country.empty()) place.append(", ").append(country);
  return place;
}

std::string Duration(EventTime gap) {
  const auto minutes = std::max<EventTime>(gap / kMicrosPerMinute, 0);
  if (minutes < 60) return std::to_string(minutes) + " min";
  return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
}

std::string Thousands(double value) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

struct Trip {
  const RecentLocation* from = nullptr;
  double distanceKm = 0;  // after the accuracy radii
  double excessKm = 0;    // beyond what a plane covers in the gap
  EventTime gap = 0;
};

class UnlikelyTravelDetector final : public Detector {
 public:
  std::string_view riskEventType() const override { return "unlikelyTravel"; }
  DetectionTimingType timing() const override { return DetectionTimingType::offline; }

  void Inspect(const DetectionContext& context, std::vector<Finding>& findings) override {
    const SignIn& sign_in = context.signIn;
    const auto& location = sign_in.location;
    if (sign_in.IsServicePrincipal() || !CredentialsWereValid(sign_in.status.errorCode) ||
        sign_in.network.isInternal || !location.HasCoordinates() ||
        context.profile.recentLocations().empty()) {
      return;
    }
    ++counters_.evaluated;
    const UserProfile& profile = context.profile;
    if (profile.signInCount() < kLearningSignIns &&
        context.now - profile.learningStart() < kLearningPeriod) {
      ++counters_.skippedLearning;
      return;
    }
    if (sign_in.network.isTrustedLocation) return;
    const FeatureEntry* city = context.FamiliarEntry(Feature::city);
    if (city != nullptr && city->count >= kAtypicalBelow) return;
    if (sign_in.network.isHostingProvider &&
        IsSharedEgress(context, context.features.keys[static_cast<std::size_t>(Feature::subnet)])) {
      return;
    }
    const Trip trip = FastestTrip(context);
    if (trip.from == nullptr) return;
    findings.push_back(MakeFinding(context, trip));
    Count(findings.back());
  }

 private:
  static bool IsSharedEgress(const DetectionContext& context,
                             const std::optional<std::uint64_t>& subnet) {
    return subnet && context.organization.UsersWith(Feature::subnet, *subnet) >= kSharedEgressUsers;
  }

  // The recent sign-in that makes this one least plausible, if any makes it impossible.
  static Trip FastestTrip(const DetectionContext& context) {
    const SignIn& sign_in = context.signIn;
    const double lat = *sign_in.location.geoCoordinates.latitude;
    const double lon = *sign_in.location.geoCoordinates.longitude;
    const bool here_mobile = IsMobileCarrier(sign_in.network.autonomousSystemNumber,
                                             sign_in.network.autonomousSystemOrganization);
    Trip worst;
    for (const RecentLocation& point : context.profile.recentLocations()) {
      const EventTime gap = std::abs(context.now - point.time);
      const double distance =
          GreatCircleKm(point.latitude, point.longitude, lat, lon) -
          static_cast<double>(point.accuracyRadiusKm + sign_in.network.accuracyRadiusKm);
      if (distance < kMinDistanceKm) continue;
      const double hours = static_cast<double>(gap) / static_cast<double>(kMicrosPerHour);
      const double excess = distance - (kPlausibleSpeedKmh * hours + kSlackKm);
      if (excess <= worst.excessKm) continue;
      if (point.countryOrRegion == sign_in.location.countryOrRegion &&
          (here_mobile || IsMobileCarrier(point.asn, {}))) {
        continue;
      }
      // A VPN or proxy egress many colleagues share says nothing about where the user was; an
      // office network does (everyone behind it is in the office).
      if (point.hostingProvider) {
        if (auto address = IpAddress::Parse(point.ipAddress);
            address && IsSharedEgress(context, address->SubnetKey())) {
          continue;
        }
      }
      worst = {&point, distance, excess, gap};
    }
    return worst;
  }

  static Finding MakeFinding(const DetectionContext& context, const Trip& trip) {
    const SignIn& sign_in = context.signIn;
    Finding finding;
    finding.riskEventType = "unlikelyTravel";
    finding.timing = DetectionTimingType::offline;
    finding.level = RiskLevel::medium;
    finding.additionalInfo.push_back({"riskReasons", "impossibleTravelSpeed"});
    const double hours =
        std::max(static_cast<double>(trip.gap) / static_cast<double>(kMicrosPerHour), 1.0 / 60);
    const std::string from = Place(trip.from->city, trip.from->countryOrRegion);
    const std::string to = Place(sign_in.location.city, sign_in.location.countryOrRegion);
    finding.additionalInfo.push_back(
        {"reason", from + " → " + to + ", " + Thousands(trip.distanceKm) + " km in " +
                       Duration(trip.gap) + " (" + Thousands(trip.distanceKm / hours) +
                       " km/h; a plane does " + Thousands(kPlausibleSpeedKmh) + ")"});
    finding.additionalInfo.push_back({"previousIpAddress", trip.from->ipAddress});
    finding.additionalInfo.push_back({"previousSignInDateTime", FormatTimestamp(trip.from->time)});

    const bool new_network = context.FamiliarEntry(Feature::asn) == nullptr;
    const bool new_client = context.FamiliarEntry(Feature::browser) == nullptr ||
                            context.FamiliarEntry(Feature::os) == nullptr;
    if (new_network && new_client) {
      finding.level = RiskLevel::high;
      finding.additionalInfo.push_back(
          {"aggravatingFactor", "the network and the browser or OS are new to the user too"});
    } else if (!new_client && (sign_in.network.isHostingProvider || trip.from->hostingProvider)) {
      // A consumer VPN or proxy on the user's own device makes the same jump.
      finding.level = RiskLevel::low;
      finding.additionalInfo.push_back(
          {"mitigatingFactor",
           "one end is a hosting network (a VPN or proxy) and the browser and OS are the user's"});
    }
    return finding;
  }
};

}  // namespace

std::unique_ptr<Detector> MakeUnlikelyTravelDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<UnlikelyTravelDetector>();
}

}  // namespace idguard
