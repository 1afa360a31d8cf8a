#include "idguard/core/fingerprint_set.h"

#include <gtest/gtest.h>

#include <string>

namespace idguard {
namespace {

std::string Id(int n) { return "3f2b1c7e-0000-4000-8000-" + std::to_string(100000000000 + n); }

TEST(FingerprintSetTest, InsertsEachStringOnceAndGrowsFromEmpty) {
  FingerprintSet set;
  EXPECT_FALSE(set.Contains("a"));
  constexpr int kIds = 100'000;  // many doublings from the first 16 slots
  for (int n = 0; n < kIds; ++n) ASSERT_TRUE(set.Insert(Id(n))) << n;
  EXPECT_EQ(set.size(), static_cast<std::size_t>(kIds));
  for (int n = 0; n < kIds; ++n) {
    ASSERT_TRUE(set.Contains(Id(n))) << n;
    ASSERT_FALSE(set.Insert(Id(n))) << n;
  }
  for (int n = kIds; n < kIds + 1000; ++n) EXPECT_FALSE(set.Contains(Id(n))) << n;
  EXPECT_EQ(set.size(), static_cast<std::size_t>(kIds));
}

TEST(FingerprintSetTest, ReserveKeepsWhatIsThereAndTellsSimilarStringsApart) {
  FingerprintSet set;
  ASSERT_TRUE(set.Insert(""));
  ASSERT_TRUE(set.Insert("id-1"));
  set.Reserve(50'000);
  EXPECT_TRUE(set.Contains(""));
  EXPECT_TRUE(set.Contains("id-1"));
  EXPECT_FALSE(set.Insert("id-1"));
  // Case, a trailing byte and an embedded NUL make different strings.
  EXPECT_TRUE(set.Insert("ID-1"));
  EXPECT_TRUE(set.Insert("id-1 "));
  EXPECT_TRUE(set.Insert(std::string_view("id-1\0", 5)));
  EXPECT_EQ(set.size(), 5u);
}

}  // namespace
}  // namespace idguard
