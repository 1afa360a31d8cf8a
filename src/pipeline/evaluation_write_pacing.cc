#include "pipeline/evaluation_write_pacing.h"

namespace idguard {

void EvaluationWritePacer::Taken(std::size_t rows, Clock::time_point now) {
  windowRows_ += rows;
  const auto elapsed = now - windowStart_;
  if (elapsed < pacing_.rateWindow) return;
  // rows / seconds >= busy rate, in whole microseconds.
  const auto elapsed_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  busy_ = windowRows_ * 1'000'000 >= pacing_.busyEvaluationsPerSecond * elapsed_us;
  windowStart_ = now;
  windowRows_ = 0;
}

std::chrono::microseconds EvaluationWritePacer::GatheringTime(Clock::time_point now) {
  Taken(0, now);
  return busy_ ? pacing_.underLoadDelay : pacing_.lightLoadDelay;
}

}  // namespace idguard
