#include "idguard/score/user_risk_aggregator.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

RiskDetection Detection(const std::string& id, RiskLevel level, EventTime time) {
  RiskDetection d;
  d.id = id;
  d.userId = "user-1";
  d.userPrincipalName = "user1@contoso.example";
  d.riskEventType = "unfamiliarFeatures";
  d.riskLevel = level;
  d.detectedDateTime = time;
  return d;
}

TEST(UserRiskFormulaTest, PointsAndLevels) {
  UserRiskOptions options;
  std::vector<ActiveDetection> active;
  EXPECT_EQ(AggregateUserRisk(active, 0, options), RiskLevel::none);
  active.push_back({"a", "x", RiskLevel::low, 0});
  EXPECT_EQ(AggregateUserRisk(active, 0, options), RiskLevel::low);
  active.push_back({"b", "x", RiskLevel::low, 0});
  EXPECT_EQ(AggregateUserRisk(active, 0, options), RiskLevel::low);  // the same kind: one signal
  active.push_back({"c", "y", RiskLevel::low, 0});
  EXPECT_EQ(AggregateUserRisk(active, 0, options), RiskLevel::low);  // two kinds: 2 points
  active.push_back({"d", "z", RiskLevel::low, 0});
  EXPECT_EQ(AggregateUserRisk(active, 0, options), RiskLevel::medium);  // three kinds of low
  std::vector<ActiveDetection> mediums = {{"m1", "x", RiskLevel::medium, 0},
                                          {"m2", "x", RiskLevel::medium, 0},
                                          {"m3", "x", RiskLevel::medium, 0}};
  EXPECT_EQ(AggregateUserRisk(mediums, 0, options), RiskLevel::medium);  // one kind: 3 points
  mediums.push_back({"m4", "y", RiskLevel::medium, 0});
  EXPECT_EQ(AggregateUserRisk(mediums, 0, options), RiskLevel::medium);  // 3 + 3 = 6 points
  mediums.push_back({"m5", "z", RiskLevel::medium, 0});
  EXPECT_EQ(AggregateUserRisk(mediums, 0, options), RiskLevel::high);  // 3 + 3 + 3 = 9 points
  std::vector<ActiveDetection> one_high = {{"h", "x", RiskLevel::high, 0}};
  EXPECT_EQ(AggregateUserRisk(one_high, 0, options), RiskLevel::high);
  // Low risk older than its lifetime earns nothing.
  std::vector<ActiveDetection> old_low = {{"o", "x", RiskLevel::low, 0}};
  EXPECT_EQ(AggregateUserRisk(old_low, 181 * kMicrosPerDay, options), RiskLevel::none);
}

TEST(UserRiskAggregatorTest, RecordsHistoryForEachChangeAndIgnoresReingest) {
  UserRiskAggregator aggregator;
  auto first = aggregator.AddDetections({Detection("d1", RiskLevel::low, 100)}, 100);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->user.riskLevel, RiskLevel::low);
  EXPECT_EQ(first->user.riskState, RiskState::atRisk);
  EXPECT_EQ(first->id, "user-1_000001");
  EXPECT_EQ(first->activityRiskEventTypes, std::vector<std::string>{"unfamiliarFeatures"});
  EXPECT_FALSE(aggregator.AddDetections({Detection("d1", RiskLevel::low, 100)}, 200));
  auto second = aggregator.AddDetections({Detection("d2", RiskLevel::high, 300)}, 300);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->user.riskLevel, RiskLevel::high);
  EXPECT_EQ(second->id, "user-1_000002");
  EXPECT_EQ(aggregator.Find("user-1")->riskLastUpdatedDateTime, 300);
}

TEST(UserRiskAggregatorTest, LowRiskAgesOutAfterSixMonths) {
  UserRiskAggregator aggregator;
  ASSERT_TRUE(aggregator.AddDetections({Detection("d1", RiskLevel::low, 0)}, 0));
  EXPECT_TRUE(aggregator.AgeOut(100 * kMicrosPerDay).empty());
  auto aged = aggregator.AgeOut(200 * kMicrosPerDay);
  ASSERT_EQ(aged.size(), 1u);
  EXPECT_EQ(aged[0].user.riskLevel, RiskLevel::none);
  EXPECT_EQ(aged[0].user.riskState, RiskState::dismissed);
  // Medium risk never ages out.
  UserRiskAggregator medium;
  ASSERT_TRUE(medium.AddDetections({Detection("m", RiskLevel::medium, 0)}, 0));
  EXPECT_TRUE(medium.AgeOut(400 * kMicrosPerDay).empty());
  EXPECT_EQ(medium.Find("user-1")->riskLevel, RiskLevel::medium);
}

}  // namespace
}  // namespace idguard
