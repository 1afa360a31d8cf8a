// The evaluation writer's pacing: a short gathering time under light load, a long one while
// evaluations arrive faster than the busy rate, measured over windows so a few close together do
// not count as load.
#include "pipeline/evaluation_write_pacing.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using Clock = EvaluationWritePacer::Clock;

EvaluationWritePacing Pacing() {
  EvaluationWritePacing pacing;
  pacing.lightLoadDelay = milliseconds(2);
  pacing.underLoadDelay = milliseconds(250);
  pacing.busyEvaluationsPerSecond = 1000;
  pacing.rateWindow = milliseconds(100);
  return pacing;
}

TEST(EvaluationWritePacerTest, LightLoadKeepsTheShortDelay) {
  const Clock::time_point start{};
  EvaluationWritePacer pacer(Pacing(), start);
  // 10 evaluations a second, one per batch, for two seconds.
  for (int i = 1; i <= 20; ++i) {
    EXPECT_EQ(pacer.BatchTaken(1, start + milliseconds(100 * i)), milliseconds(2)) << i;
  }
  EXPECT_FALSE(pacer.busy());
}

TEST(EvaluationWritePacerTest, AFewCloseTogetherAreNotLoad) {
  const Clock::time_point start{};
  EvaluationWritePacer pacer(Pacing(), start + milliseconds(5000));
  // Five evaluations within 3 ms would be 1,667 a second, but the window is not over yet.
  EXPECT_EQ(pacer.BatchTaken(5, start + milliseconds(5003)), milliseconds(2));
  // Over the whole window they are 50 a second.
  EXPECT_EQ(pacer.BatchTaken(0, start + milliseconds(5100)), milliseconds(2));
  EXPECT_FALSE(pacer.busy());
}

TEST(EvaluationWritePacerTest, SustainedLoadGathersLongerAndLightLoadReturns) {
  const Clock::time_point start{};
  EvaluationWritePacer pacer(Pacing(), start);
  // 10,000 evaluations a second, taken in batches of 25 every 2.5 ms.
  Clock::time_point now = start;
  microseconds gathering{};
  for (int i = 0; i < 40; ++i) {
    now += microseconds(2500);
    gathering = pacer.BatchTaken(25, now);
  }
  EXPECT_EQ(gathering, milliseconds(250));
  EXPECT_TRUE(pacer.busy());
  // Still busy: 2,500 in the next 250 ms.
  now += milliseconds(250);
  EXPECT_EQ(pacer.BatchTaken(2500, now), milliseconds(250));
  // The load stops: 3 evaluations in the next 250 ms.
  now += milliseconds(250);
  EXPECT_EQ(pacer.BatchTaken(3, now), milliseconds(2));
  EXPECT_FALSE(pacer.busy());
}

TEST(EvaluationWritePacerTest, TheBusyRateIsTheBoundary) {
  const Clock::time_point start{};
  EvaluationWritePacer below(Pacing(), start);
  EXPECT_EQ(below.BatchTaken(99, start + milliseconds(100)), milliseconds(2));
  EvaluationWritePacer at(Pacing(), start);
  EXPECT_EQ(at.BatchTaken(100, start + milliseconds(100)), milliseconds(250));
}

}  // namespace
}  // namespace idguard
