// Named locations as the Graph API reads and writes them: POST and PATCH bodies, the errors that
// name the member, and the written resource read back unchanged.
#include "idguard/enrich/named_location_json.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

TEST(NamedLocationJsonTest, ReadsBothKindsAndWritesThemBack) {
  auto ip = ReadNamedLocationJson(
      R"({"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"Office",
          "isTrusted":true,"ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange",
          "cidrAddress":"81.2.69.0/24"},{"cidrAddress":"2001:db8::/32"}]})",
      nullptr);
  ASSERT_TRUE(ip.ok()) << ip.status().message();
  EXPECT_TRUE(ip->isTrusted);
  EXPECT_FALSE(ip->IsCountryLocation());
  EXPECT_EQ(ip->cidrAddresses, (std::vector<std::string>{"81.2.69.0/24", "2001:db8::/32"}));
  ASSERT_EQ(ip->ipRanges.size(), 2U);
  EXPECT_TRUE(ip->ipRanges[0].Contains(*IpAddress::Parse("81.2.69.160")));

  auto country = ReadNamedLocationJson(
      R"({"@odata.type":"#microsoft.graph.countryNamedLocation","displayName":"EU",
          "countriesAndRegions":["NL","DE"],"includeUnknownCountriesAndRegions":true,
          "countryLookupMethod":"clientIpAddress"})",
      nullptr);
  ASSERT_TRUE(country.ok()) << country.status().message();
  EXPECT_TRUE(country->IsCountryLocation());
  EXPECT_TRUE(country->includeUnknownCountriesAndRegions);

  for (NamedLocation location : {*ip, *country}) {
    location.id = "id-1";
    location.createdDateTime = location.modifiedDateTime = 1'700'000'000'000'000;
    std::string written;
    AppendNamedLocationJson(written, location);
    auto again = ReadNamedLocationJson(written, nullptr);
    ASSERT_TRUE(again.ok()) << written << ": " << again.status().message();
    again->id = location.id;
    again->createdDateTime = again->modifiedDateTime = location.createdDateTime;
    std::string rewritten;
    AppendNamedLocationJson(rewritten, *again);
    EXPECT_EQ(rewritten, written);
  }
}

TEST(NamedLocationJsonTest, PatchReplacesTheGivenMembersAndKeepsTheKind) {
  auto base = ReadNamedLocationJson(
      R"({"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"Office",
          "ipRanges":[{"cidrAddress":"81.2.69.0/24"}]})",
      nullptr);
  ASSERT_TRUE(base.ok());
  auto patched = ReadNamedLocationJson(R"({"isTrusted":true})", &*base);
  ASSERT_TRUE(patched.ok()) << patched.status().message();
  EXPECT_TRUE(patched->isTrusted);
  EXPECT_EQ(patched->displayName, "Office");
  EXPECT_EQ(patched->cidrAddresses, std::vector<std::string>{"81.2.69.0/24"});
  auto retyped = ReadNamedLocationJson(
      R"({"@odata.type":"#microsoft.graph.countryNamedLocation","countriesAndRegions":["NL"]})",
      &*base);
  ASSERT_FALSE(retyped.ok());
  EXPECT_NE(retyped.status().message().find("cannot change the kind"), std::string::npos);
}

TEST(NamedLocationJsonTest, RefusesBadBodiesNamingTheMember) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"displayName":"x","ipRanges":[{"cidrAddress":"81.2.69.0/24"}]})", "'@odata.type'"},
      {R"({"@odata.type":"#microsoft.graph.namedLocation","displayName":"x"})", "'@odata.type'"},
      {R"({"@odata.type":"#microsoft.graph.ipNamedLocation",
           "ipRanges":[{"cidrAddress":"81.2.69.0/24"}]})",
       "'displayName' is required"},
      {R"({"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[]})",
       "needs ipRanges or countriesAndRegions"},
      {R"({"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x",
           "ipRanges":[{"cidrAddress":"81.2.69.0/33"}]})",
       "ipRanges[0].cidrAddress '81.2.69.0/33' is not a CIDR range"},
      {R"({"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x",
           "ipRanges":[{"cidrAddress":"81.2.69.0/24"}],"countriesAndRegions":["NL"]})",
       "'countriesAndRegions' belongs to countryNamedLocation"},
      {R"({"@odata.type":"#microsoft.graph.countryNamedLocation","displayName":"x",
           "countriesAndRegions":["NLD"]})",
       "two-letter country code"},
      {R"({"@odata.type":"#microsoft.graph.countryNamedLocation","displayName":"x",
           "countriesAndRegions":["NL"],"countryLookupMethod":"authenticatorAppGps"})",
       "'countryLookupMethod' must be 'clientIpAddress'"},
      {R"({"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x",
           "ipRanges":[{"cidrAddress":"81.2.69.0/24"}],"colour":"red"})",
       "unknown member 'colour'"},
      {"[]", "JSON object"},
  };
  for (const auto& [json, expected] : cases) {
    auto location = ReadNamedLocationJson(json, nullptr);
    ASSERT_FALSE(location.ok()) << json;
    EXPECT_NE(location.status().message().find(expected), std::string::npos)
        << json << " -> " << location.status().message();
  }
}

}  // namespace
}  // namespace idguard
