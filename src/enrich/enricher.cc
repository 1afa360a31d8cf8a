#include "idguard/enrich/enricher.h"

namespace idguard {

void Enricher::Enrich(SignIn& sign_in) {
  ++counters_.signIns;
  EnrichNetwork(sign_in);
  EnrichClient(sign_in);
  EnrichUser(sign_in);
}

std::optional<GeoRecord> Enricher::LookupGeo(const IpAddress& address) {
  if (sources_.geoip == nullptr) return std::nullopt;
  const std::uint64_t key = address.SubnetKey();
  if (auto it = geo_cache_.find(key); it != geo_cache_.end()) {
    ++counters_.geoCacheHits;
    return it->second;
  }
  if (geo_cache_.size() >= kGeoCacheCapacity) geo_cache_.clear();
  auto record = sources_.geoip->Lookup(address);
  geo_cache_.emplace(key, record);
  return record;
}

void Enricher::EnrichNetwork(SignIn& sign_in) {
  auto& network = sign_in.network;
  if (sign_in.ipAddress.empty()) return;
  auto address = IpAddress::Parse(sign_in.ipAddress);
  if (!address) {
    ++counters_.unparsableAddresses;
    return;
  }
  if (sources_.namedLocations != nullptr) {
    if (const NamedLocation* location = sources_.namedLocations->MatchIp(*address)) {
      ++counters_.namedLocationMatches;
      network.namedLocationId = location->id;
      network.namedLocationName = location->displayName;
      network.isTrustedLocation = location->isTrusted;
    }
  }
  if (address->IsInternal()) {
    // Internal addresses are never geolocated and never a travel or country signal; a location
    // the source attached to one is dropped for the same reason.
    ++counters_.internalAddresses;
    network.isInternal = true;
    sign_in.location = SignInLocation{};
    return;
  }
  if (sources_.asn != nullptr) {
    if (auto asn = sources_.asn->Lookup(*address)) {
      ++counters_.asnFound;
      network.autonomousSystemNumber = asn->number;
      network.autonomousSystemOrganization = std::string(asn->organization);
      network.isHostingProvider = asn->isHostingProvider;
    }
  }
  if (network.isHostingProvider) ++counters_.hostingProvider;

  auto& location = sign_in.location;
  const bool had_location = !location.countryOrRegion.empty() || location.HasCoordinates();
  if (had_location) ++counters_.locationKept;
  if (had_location && !location.city.empty() && !location.state.empty() &&
      location.HasCoordinates()) {
    network.geolocated = true;
    if (network.accuracyRadiusKm == 0) network.accuracyRadiusKm = 50;
    return;
  }
  auto geo = LookupGeo(*address);
  if (!geo) return;
  ++counters_.geolocated;
  network.geolocated = true;
  network.accuracyRadiusKm = geo->accuracyRadiusKm;
  // Keep what the source said; fill only what is missing. Coordinates from GeoIP are used only
  // when the source named no country or the same country, so the two never disagree.
  const bool same_country =
      location.countryOrRegion.empty() || location.countryOrRegion == geo->countryOrRegion;
  if (location.countryOrRegion.empty()) location.countryOrRegion = geo->countryOrRegion;
  if (!same_country) return;
  if (location.city.empty()) location.city = geo->city;
  if (location.state.empty()) location.state = geo->state;
  if (!location.HasCoordinates()) {
    location.geoCoordinates.latitude = geo->latitude;
    location.geoCoordinates.longitude = geo->longitude;
  }
}

void Enricher::EnrichClient(SignIn& sign_in) {
  if (sources_.userAgents == nullptr || sign_in.userAgent.empty()) return;
  sign_in.client = sources_.userAgents->Parse(sign_in.userAgent);
  // Graph fills deviceDetail.browser/operatingSystem itself; do the same when the source did not.
  if (sign_in.deviceDetail.browser.empty() && sign_in.client.browserFamily != "Other") {
    sign_in.deviceDetail.browser = sign_in.client.browserFamily;
    if (!sign_in.client.browserVersion.empty()) {
      sign_in.deviceDetail.browser += " " + sign_in.client.browserVersion;
    }
  }
  if (sign_in.deviceDetail.operatingSystem.empty() && sign_in.client.osFamily != "Other") {
    sign_in.deviceDetail.operatingSystem = sign_in.client.osFamily;
  }
}

void Enricher::EnrichUser(SignIn& sign_in) {
  if (sources_.directory == nullptr || sign_in.userId.empty()) return;
  const DirectoryUser* user = sources_.directory->FindById(sign_in.userId);
  if (user == nullptr) return;
  if (sign_in.userPrincipalName.empty()) sign_in.userPrincipalName = user->userPrincipalName;
  if (sign_in.userDisplayName.empty()) sign_in.userDisplayName = user->displayName;
}

}  // namespace idguard
