#include "pipeline/evaluation_write_pacing.h"

namespace idguard {

std::chrono::microseconds EvaluationWritePacer::BatchTaken(std::size_t rows,
                                                           Clock::time_point now) {
  windowRows_ += rows;
  const auto elapsed = now - windowStart_;
  if (elapsed >= pacing_.rateWindow) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    busy_ = static_cast<double>(windowRows_) >= pacing_.busyEvaluationsPerSecond * seconds;
    windowStart_ = now;
    windowRows_ = 0;
  }
  return busy_ ? pacing_.underLoadDelay : pacing_.lightLoadDelay;
}

}  // namespace idguard
