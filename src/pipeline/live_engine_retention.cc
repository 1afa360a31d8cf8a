// LiveEngine::ApplyRetention: a server runs for months, so what replay trims after each run is
// trimmed here on a schedule.
#include <chrono>
#include <thread>

#include "idguard/pipeline/live_engine.h"
#include "pipeline/live_engine_state.h"

namespace idguard {
namespace {

// Between pieces the store lock is let go this long, so a writer waiting for it gets it first.
constexpr auto kPauseBetweenPieces = std::chrono::milliseconds(1);

void Add(RetentionResult& total, const RetentionResult& piece) {
  total.signInsDeleted += piece.signInsDeleted;
  total.detectionsDeleted += piece.detectionsDeleted;
  total.historyDeleted += piece.historyDeleted;
}

}  // namespace

Result<LiveEngine::RetentionSummary> LiveEngine::ApplyRetention() {
  // Retention changes only the store: the engine keeps working while it runs.
  State& s = *state_;
  RetentionSummary summary;
  std::unique_lock store(s.storeTurns.mutex());
  auto latest = s.store->LatestSignInTime();
  if (!latest.ok()) return latest.status();
  summary.latestSignIn = *latest;
  if (summary.latestSignIn) {
    for (;;) {
      auto piece = s.store->ApplyRetention(*summary.latestSignIn, options_.retention,
                                           options_.retentionPieceRows);
      if (!piece.ok()) return piece.status();
      Add(summary.removed, *piece);
      if (!piece->more) break;
      store.unlock();
      std::this_thread::sleep_for(kPauseBetweenPieces);
      store.lock();
    }
  }
  // Session expiry is wall time, not event time.
  auto expired = s.store->DeleteExpiredApiTokens(s.clock.Now());
  if (!expired.ok()) return expired.status();
  summary.expiredSessionsDeleted = *expired;
  return summary;
}

}  // namespace idguard
