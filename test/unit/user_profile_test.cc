#include "idguard/detect/user_profile.h"

#include <gtest/gtest.h>

#include "idguard/detect/organization_profile.h"

namespace idguard {
namespace {

SignIn MakeSignIn(EventTime time, const std::string& ip, std::uint32_t asn,
                  const std::string& country) {
  SignIn s;
  s.id = "s" + std::to_string(time);
  s.userId = "u";
  s.createdDateTime = time;
  s.ipAddress = ip;
  s.network.autonomousSystemNumber = asn;
  s.location.countryOrRegion = country;
  s.location.city = "City" + country;
  s.location.geoCoordinates.latitude = 10;
  s.location.geoCoordinates.longitude = 20;
  s.deviceDetail.browser = "Chrome 120.0";
  s.deviceDetail.operatingSystem = "Windows 10";
  s.appDisplayName = "Teams";
  return s;
}

TEST(UserProfileTest, LearningNeedsDaysAndSignIns) {
  UserProfile profile;
  ProfileLimits limits;
  EXPECT_TRUE(profile.IsLearning(0, limits));
  for (int i = 0; i < 20; ++i) {
    SignIn s = MakeSignIn(i * kMicrosPerHour, "81.2.69.1", 2856, "GB");
    profile.Learn(s, FeatureValues::Of(s), limits);
  }
  // 20 sign-ins, but within one day: still learning.
  EXPECT_TRUE(profile.IsLearning(20 * kMicrosPerHour, limits));
  SignIn later = MakeSignIn(6 * kMicrosPerDay, "81.2.69.1", 2856, "GB");
  profile.Learn(later, FeatureValues::Of(later), limits);
  EXPECT_FALSE(profile.IsLearning(6 * kMicrosPerDay, limits));
  // Long inactivity re-enters learning.
  EXPECT_TRUE(profile.IsLearning(80 * kMicrosPerDay, limits));
}

TEST(UserProfileTest, FeaturesAreBoundedAndAgeOut) {
  UserProfile profile;
  ProfileLimits limits;
  for (int i = 0; i < 500; ++i) {
    SignIn s = MakeSignIn(i * kMicrosPerMinute, "81.2." + std::to_string(i % 250) + ".1",
                          static_cast<std::uint32_t>(1000 + i), "GB");
    profile.Learn(s, FeatureValues::Of(s), limits);
  }
  EXPECT_EQ(profile.feature(Feature::ip).entries().size(), limits.capacity[0]);
  EXPECT_EQ(profile.feature(Feature::asn).entries().size(),
            limits.capacity[static_cast<std::size_t>(Feature::asn)]);
  EXPECT_EQ(profile.recentLocations().size(), limits.recentLocations);
  // The newest values survive eviction.
  EXPECT_NE(profile.feature(Feature::asn).Find(1499), nullptr);
  EXPECT_EQ(profile.feature(Feature::asn).Find(1000), nullptr);
  // Seven months later, one sign-in: everything older than 180 days is gone.
  SignIn much_later = MakeSignIn(210 * kMicrosPerDay, "81.2.69.1", 5, "FR");
  profile.Learn(much_later, FeatureValues::Of(much_later), limits);
  EXPECT_EQ(profile.feature(Feature::asn).entries().size(), 1u);
  EXPECT_EQ(profile.feature(Feature::country).entries().size(), 1u);
}

TEST(FeatureSetTest, LookupsFollowEvictionAndAgeOut) {
  FeatureSet set;
  constexpr EventTime kDay = kMicrosPerDay;
  for (std::uint64_t key = 1; key <= 4; ++key) {
    set.Observe(key, "value " + std::to_string(key), static_cast<EventTime>(key) * kDay, 4);
  }
  set.Observe(2, "value 2", 10 * kDay, 4);  // seen again: now the most recent
  ASSERT_NE(set.Find(2), nullptr);
  EXPECT_EQ(set.Find(2)->count, 2u);
  EXPECT_EQ(set.Find(2)->lastSeen, 10 * kDay);
  // Full: a new value evicts the one seen least recently (key 1), not the oldest inserted.
  set.Observe(5, "value 5", 11 * kDay, 4);
  EXPECT_EQ(set.Find(1), nullptr);
  for (std::uint64_t key : {2, 3, 4, 5}) EXPECT_NE(set.Find(key), nullptr) << key;
  // Values last seen before day 5 age out; the rest stay findable by key.
  set.AgeOut(5 * kDay);
  EXPECT_EQ(set.Find(3), nullptr);
  EXPECT_EQ(set.Find(4), nullptr);
  ASSERT_NE(set.Find(2), nullptr);
  EXPECT_EQ(set.Find(2)->label, "value 2");
  ASSERT_NE(set.Find(5), nullptr);
  EXPECT_EQ(set.Find(5)->label, "value 5");
  EXPECT_EQ(set.entries().size(), 2u);
  set.AgeOut(5 * kDay);  // nothing older left
  EXPECT_EQ(set.entries().size(), 2u);
  set.AgeOut(12 * kDay);
  EXPECT_TRUE(set.entries().empty());
  EXPECT_EQ(set.Find(2), nullptr);
}

TEST(UserProfileTest, SerializationRoundTripsAndRejectsCorruption) {
  UserProfile profile;
  ProfileLimits limits;
  for (int i = 0; i < 30; ++i) {
    SignIn s = MakeSignIn(i * kMicrosPerHour, "81.2.69." + std::to_string(i), 2856, "GB");
    profile.Learn(s, FeatureValues::Of(s), limits);
  }
  const std::string blob = profile.Serialize();
  auto parsed = UserProfile::Parse(blob);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->Serialize(), blob);
  EXPECT_EQ(parsed->signInCount(), 30u);
  EXPECT_FALSE(UserProfile::Parse(blob.substr(0, blob.size() / 2)).ok());
  EXPECT_FALSE(UserProfile::Parse(blob + "x").ok());
  EXPECT_FALSE(UserProfile::Parse("").ok());
}

TEST(FeatureValuesTest, InternalAddressesGiveNoNetworkOrLocationFeatures) {
  SignIn s = MakeSignIn(0, "10.0.0.5", 0, "");
  s.network.isInternal = true;
  const FeatureValues values = FeatureValues::Of(s);
  EXPECT_FALSE(values.keys[static_cast<std::size_t>(Feature::ip)].has_value());
  EXPECT_FALSE(values.keys[static_cast<std::size_t>(Feature::subnet)].has_value());
  EXPECT_FALSE(values.keys[static_cast<std::size_t>(Feature::country)].has_value());
  EXPECT_TRUE(values.keys[static_cast<std::size_t>(Feature::browser)].has_value());
  EXPECT_EQ(values.labels[static_cast<std::size_t>(Feature::browser)], "Chrome");
}

TEST(OrganizationProfileTest, CountsUsersPerValueAndRoundTrips) {
  OrganizationProfile org;
  for (int i = 0; i < 10; ++i) org.AddUser();
  for (int i = 0; i < 4; ++i) org.AddUserValue(Feature::asn, 2856);
  EXPECT_EQ(org.UsersWith(Feature::asn, 2856), 4u);
  EXPECT_DOUBLE_EQ(org.Prevalence(Feature::asn, 2856), 0.4);
  EXPECT_EQ(org.UsersWith(Feature::asn, 1), 0u);
  auto parsed = OrganizationProfile::Parse(org.Serialize());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->UsersWith(Feature::asn, 2856), 4u);
  EXPECT_EQ(parsed->Serialize(), org.Serialize());
}

}  // namespace
}  // namespace idguard
