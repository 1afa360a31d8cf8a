#include "idguard/enrich/ip_address.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

TEST(IpAddressTest, ClassifiesInternalRanges) {
  for (const char* internal :
       {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "169.254.1.1",
        "100.64.0.1", "::1", "fe80::1", "fd00::5", "0.0.0.0", "224.0.0.1", "2001:db8::1"}) {
    auto address = IpAddress::Parse(internal);
    ASSERT_TRUE(address) << internal;
    EXPECT_TRUE(address->IsInternal()) << internal;
  }
  for (const char* public_address :
       {"8.8.8.8", "172.32.0.1", "100.128.0.1", "2a00:1450::1", "81.2.69.144"}) {
    auto address = IpAddress::Parse(public_address);
    ASSERT_TRUE(address) << public_address;
    EXPECT_FALSE(address->IsInternal()) << public_address;
  }
}

TEST(IpAddressTest, RejectsGarbage) {
  EXPECT_FALSE(IpAddress::Parse(""));
  EXPECT_FALSE(IpAddress::Parse("1.2.3"));
  EXPECT_FALSE(IpAddress::Parse("300.1.1.1"));
  EXPECT_FALSE(IpAddress::Parse("not an ip"));
}

TEST(IpAddressTest, SubnetsGroupNeighbours) {
  auto a = IpAddress::Parse("203.0.113.7");
  auto b = IpAddress::Parse("203.0.113.250");
  auto c = IpAddress::Parse("203.0.114.7");
  EXPECT_EQ(a->SubnetKey(), b->SubnetKey());
  EXPECT_NE(a->SubnetKey(), c->SubnetKey());
  EXPECT_EQ(a->SubnetText(), "203.0.113.0/24");
  auto v6 = IpAddress::Parse("2001:4860:1:2:aaaa::1");
  EXPECT_EQ(v6->SubnetText(), "2001:4860:1:2::/64");
  EXPECT_NE(v6->SubnetKey(), a->SubnetKey());
}

TEST(IpAddressTest, CidrContainment) {
  auto range = CidrRange::Parse("198.51.100.0/22");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("198.51.103.255")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("198.51.104.0")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("2001:db8::1")));
  auto v6 = CidrRange::Parse("2001:db8:abcd::/48");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->Contains(*IpAddress::Parse("2001:db8:abcd:12::1")));
  EXPECT_FALSE(CidrRange::Parse("10.0.0.0/33"));
  EXPECT_FALSE(CidrRange::Parse("10.0.0.0/x"));
}

}  // namespace
}  // namespace idguard
