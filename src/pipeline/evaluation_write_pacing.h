// How long the evaluation writer gathers evaluations before it commits them.
//
// Every evaluated sign-in adds entries to indices whose keys are random within a day (id, user,
// address): a transaction dirties about one leaf page of each per row until it holds more rows
// than those indices have pages for the day. Small transactions therefore write several pages of
// WAL and checkpoint per evaluation; large ones share each page among many rows. Under light load
// the writer commits within a few milliseconds, which keeps the store current and costs nothing
// that matters; when evaluations arrive fast it gathers for longer, so the write per evaluation
// gets cheaper exactly when the CPU is scarce (docs/PERFORMANCE.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace idguard {

// The pacer's settings: the two gathering times and where load begins.
struct EvaluationWritePacing {
  std::chrono::microseconds lightLoadDelay{2000};     // Default: 2 ms
  std::chrono::microseconds underLoadDelay{250'000};  // Default: 250 ms
  std::uint64_t busyEvaluationsPerSecond = 1000;      // Default: 1,000 evaluations/s
  // The arrival rate is measured over windows at least this long, so that a handful of
  // evaluations close together is not mistaken for load.
  std::chrono::milliseconds rateWindow{100};  // Default: 100 ms
};

// Measures how fast evaluations are taken for writing and chooses the gathering time from it.
// Not thread-safe: the engine calls it with its lock held.
class EvaluationWritePacer {
 public:
  using Clock = std::chrono::steady_clock;

  EvaluationWritePacer() : EvaluationWritePacer(EvaluationWritePacing{}, Clock::now()) {}
  EvaluationWritePacer(EvaluationWritePacing pacing, Clock::time_point start)
      : pacing_(pacing), windowStart_(start) {}

  // Counts `rows` evaluations taken for writing at `now`, by the writer or by a call that writes
  // them before its own changes.
  void Taken(std::size_t rows, Clock::time_point now);

  // How long the writer gathers the batch whose first evaluation waits at `now`. The rate window
  // is closed first when it is over, so a gap after a burst counts as the quiet it is.
  std::chrono::microseconds GatheringTime(Clock::time_point now);

  bool busy() const { return busy_; }

 private:
  EvaluationWritePacing pacing_;
  Clock::time_point windowStart_;
  std::uint64_t windowRows_ = 0;
  bool busy_ = false;
};

}  // namespace idguard
