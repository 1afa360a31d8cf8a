// LiveEngine::ApplyRetention: a server runs for months, so what replay trims after each run is
// trimmed here on a schedule.
#include "idguard/pipeline/live_engine.h"
#include "pipeline/live_engine_state.h"

namespace idguard {

Result<LiveEngine::RetentionSummary> LiveEngine::ApplyRetention() {
  auto lock = LockEngine();  // evaluations still waiting are written first
  State& s = *state_;
  RetentionSummary summary;
  auto latest = s.store->LatestSignInTime();
  if (!latest.ok()) return latest.status();
  summary.latestSignIn = *latest;
  if (summary.latestSignIn) {
    auto removed = s.store->ApplyRetention(*summary.latestSignIn, options_.retention);
    if (!removed.ok()) return removed.status();
    summary.removed = *removed;
  }
  // Session expiry is wall time, not event time.
  auto expired = s.store->DeleteExpiredApiTokens(s.clock.Now());
  if (!expired.ok()) return expired.status();
  summary.expiredSessionsDeleted = *expired;
  return summary;
}

}  // namespace idguard
