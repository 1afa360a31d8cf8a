// The evaluation writer's pacing: a short gathering time under light load, a long one while
// evaluations arrive at the busy rate or faster, measured over windows so a few close together do
// not count as load, and a quiet gap after a burst does not either.
#include "pipeline/evaluation_write_pacing.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

using std::chrono::hours;
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

// Evaluations taken in `batches` batches of `rows`, `every` apart, from `now` on; returns the time
// of the last.
Clock::time_point TakeSteadily(EvaluationWritePacer& pacer, Clock::time_point now, int batches,
                               std::size_t rows, microseconds every) {
  for (int i = 0; i < batches; ++i) {
    now += every;
    pacer.Taken(rows, now);
  }
  return now;
}

TEST(EvaluationWritePacerTest, LightLoadKeepsTheShortDelay) {
  const Clock::time_point start{};
  EvaluationWritePacer pacer(Pacing(), start);
  // 10 evaluations a second, one per batch, for two seconds.
  const Clock::time_point end = TakeSteadily(pacer, start, 20, 1, milliseconds(100));
  EXPECT_EQ(pacer.GatheringTime(end), milliseconds(2));
  EXPECT_FALSE(pacer.busy());
}

TEST(EvaluationWritePacerTest, AFewCloseTogetherAreNotLoad) {
  const Clock::time_point start{};
  EvaluationWritePacer pacer(Pacing(), start + milliseconds(5000));
  // Five evaluations within 3 ms would be 1,667 a second, but the window is not over yet.
  pacer.Taken(5, start + milliseconds(5003));
  EXPECT_EQ(pacer.GatheringTime(start + milliseconds(5003)), milliseconds(2));
  // Over the whole window they are 50 a second.
  EXPECT_EQ(pacer.GatheringTime(start + milliseconds(5100)), milliseconds(2));
  EXPECT_FALSE(pacer.busy());
}

TEST(EvaluationWritePacerTest, SustainedLoadGathersLongerAndLightLoadReturns) {
  const Clock::time_point start{};
  EvaluationWritePacer pacer(Pacing(), start);
  // 10,000 evaluations a second, taken in batches of 25 every 2.5 ms.
  Clock::time_point now = TakeSteadily(pacer, start, 40, 25, microseconds(2500));
  EXPECT_EQ(pacer.GatheringTime(now), milliseconds(250));
  EXPECT_TRUE(pacer.busy());
  // Still busy: 2,500 in the next 250 ms.
  now += milliseconds(250);
  pacer.Taken(2500, now);
  EXPECT_EQ(pacer.GatheringTime(now), milliseconds(250));
  // The load stops: 3 evaluations in the next 250 ms.
  now += milliseconds(250);
  pacer.Taken(3, now);
  EXPECT_EQ(pacer.GatheringTime(now), milliseconds(2));
  EXPECT_FALSE(pacer.busy());
}

TEST(EvaluationWritePacerTest, TheFirstEvaluationAfterAQuietGapIsNotGatheredLong) {
  const Clock::time_point start{};
  EvaluationWritePacer pacer(Pacing(), start);
  const Clock::time_point burst_end = TakeSteadily(pacer, start, 40, 25, microseconds(2500));
  ASSERT_EQ(pacer.GatheringTime(burst_end), milliseconds(250));
  // An hour later one evaluation arrives: the window closed over the quiet hour.
  EXPECT_EQ(pacer.GatheringTime(burst_end + hours(1)), milliseconds(2));
}

TEST(EvaluationWritePacerTest, EvaluationsWrittenByOtherCallsCountAsArrivals) {
  const Clock::time_point start{};
  EvaluationWritePacer pacer(Pacing(), start);
  // The writer took few, but calls that wrote the waiting evaluations first took 150 in 100 ms.
  pacer.Taken(2, start + milliseconds(40));
  pacer.Taken(148, start + milliseconds(80));
  EXPECT_EQ(pacer.GatheringTime(start + milliseconds(100)), milliseconds(250));
}

TEST(EvaluationWritePacerTest, TheBusyRateIsTheBoundary) {
  const Clock::time_point start{};
  EvaluationWritePacer below(Pacing(), start);
  below.Taken(99, start + milliseconds(50));
  EXPECT_EQ(below.GatheringTime(start + milliseconds(100)), milliseconds(2));
  EvaluationWritePacer at(Pacing(), start);
  at.Taken(100, start + milliseconds(50));
  EXPECT_EQ(at.GatheringTime(start + milliseconds(100)), milliseconds(250));
}

}  // namespace
}  // namespace idguard
