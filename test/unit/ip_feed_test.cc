#include "idguard/enrich/ip_feed.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "idguard/enrich/threat_feeds.h"

namespace idguard {
namespace {

std::optional<std::string> MatchText(const IpFeed& feed, const char* address) {
  auto parsed = IpAddress::Parse(address);
  EXPECT_TRUE(parsed.has_value()) << address;
  auto entry = feed.Match(*parsed);
  return entry ? std::optional<std::string>(std::string(*entry)) : std::nullopt;
}

TEST(IpFeedTest, MatchesAddressesAndBlocksUpToTheirEdges) {
  auto feed = IpFeed::Parse(
      "# FireHOL-style list\n"
      "\n"
      "203.0.113.66\n"
      "  198.51.100.0/26  \r\n"
      "2001:db8:aa::/48\n"
      "10.0.0.0/8\n",
      "test.netset");
  ASSERT_TRUE(feed.ok()) << feed.status().message();
  EXPECT_EQ(feed->entriesRead(), 4u);
  EXPECT_EQ(MatchText(*feed, "203.0.113.66"), "203.0.113.66");
  EXPECT_EQ(MatchText(*feed, "203.0.113.65"), std::nullopt);
  EXPECT_EQ(MatchText(*feed, "203.0.113.67"), std::nullopt);
  EXPECT_EQ(MatchText(*feed, "198.51.100.0"), "198.51.100.0/26");
  EXPECT_EQ(MatchText(*feed, "198.51.100.63"), "198.51.100.0/26");
  EXPECT_EQ(MatchText(*feed, "198.51.100.64"), std::nullopt);
  EXPECT_EQ(MatchText(*feed, "198.51.99.255"), std::nullopt);
  EXPECT_EQ(MatchText(*feed, "2001:db8:aa:ffff::1"), "2001:db8:aa::/48");
  EXPECT_EQ(MatchText(*feed, "2001:db8:ab::1"), std::nullopt);
  EXPECT_EQ(MatchText(*feed, "::ffff:203.0.113.66"), "203.0.113.66");
  EXPECT_EQ(MatchText(*feed, "10.255.255.255"), "10.0.0.0/8");
  EXPECT_EQ(MatchText(*feed, "11.0.0.0"), std::nullopt);
}

TEST(IpFeedTest, NestedBlocksCollapseIntoTheOutermostOneAcrossMergedFiles) {
  auto outer = IpFeed::Parse("185.220.100.0/22\n185.220.101.7\n", "a");
  auto inner = IpFeed::Parse("185.220.101.0/24\n185.220.104.1\n", "b");
  ASSERT_TRUE(outer.ok() && inner.ok());
  EXPECT_EQ(outer->ranges(), 1u);
  const IpFeed merged = IpFeed::Merge({*outer, *inner});
  EXPECT_EQ(merged.entriesRead(), 4u);
  EXPECT_EQ(merged.ranges(), 2u);
  EXPECT_EQ(MatchText(merged, "185.220.101.7"), "185.220.100.0/22");
  EXPECT_EQ(MatchText(merged, "185.220.103.255"), "185.220.100.0/22");
  EXPECT_EQ(MatchText(merged, "185.220.104.1"), "185.220.104.1");
  EXPECT_EQ(MatchText(merged, "185.220.104.2"), std::nullopt);
}

TEST(IpFeedTest, ABadLineIsReportedWithSourceAndLine) {
  for (const char* bad : {"203.0.113.0/33", "example.com", "1.2.3.4-1.2.3.9", "2001:db8::/129"}) {
    auto feed = IpFeed::Parse(std::string("# header\n203.0.113.1\n") + bad + "\n", "list.netset");
    ASSERT_FALSE(feed.ok()) << bad;
    EXPECT_NE(feed.status().message().find("list.netset:3:"), std::string::npos)
        << feed.status().message();
    EXPECT_NE(feed.status().message().find(bad), std::string::npos) << feed.status().message();
  }
}

TEST(ThreatFeedsTest, ReloadPicksUpChangesAndKeepsTheOldFeedsWhenAFileIsBad) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("idguard-feeds-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  const std::string tor = (dir / "tor.netset").string();
  const std::string actors = (dir / "actors.netset").string();
  std::ofstream(tor) << "185.220.101.7\n";
  std::ofstream(actors) << "203.0.113.66\n";
  ThreatFeeds feeds;
  feeds.AddFile(IpFeedKind::anonymizer, tor);
  feeds.AddFile(IpFeedKind::threatActor, actors);
  const auto tor_exit = *IpAddress::Parse("185.220.101.7");
  const auto new_exit = *IpAddress::Parse("185.220.101.8");
  EXPECT_EQ(feeds.Match(IpFeedKind::anonymizer, tor_exit), std::nullopt) << "not loaded yet";
  ASSERT_TRUE(feeds.Reload().ok());
  EXPECT_EQ(feeds.Match(IpFeedKind::anonymizer, tor_exit), "185.220.101.7");
  EXPECT_EQ(feeds.Match(IpFeedKind::maliciousIp, tor_exit), std::nullopt);

  std::ofstream(tor) << "185.220.101.8\n";
  ASSERT_TRUE(feeds.Reload().ok());
  EXPECT_EQ(feeds.Match(IpFeedKind::anonymizer, tor_exit), std::nullopt);
  EXPECT_EQ(feeds.Match(IpFeedKind::anonymizer, new_exit), "185.220.101.8");

  std::ofstream(tor) << "185.220.101.9\n";
  std::ofstream(actors) << "not-an-address\n";
  const Status bad = feeds.Reload();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find(actors + ":1:"), std::string::npos) << bad.message();
  EXPECT_EQ(feeds.Match(IpFeedKind::anonymizer, new_exit), "185.220.101.8")
      << "a failed reload changes nothing";
  EXPECT_EQ(feeds.Entries(IpFeedKind::threatActor), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace idguard
