// Fault injection for crash-consistency tests. Setting the environment variable
// IDGUARD_CRASH_AT="POINT:N" makes the process kill itself with SIGKILL the N-th time it reaches
// the named point, so a test can crash a run at an exact place instead of racing it with a timer.
// Unset (the normal case), a point costs one relaxed atomic load.
#pragma once

#include <string_view>

namespace idguard {

// Named places where a run can be crashed on purpose.
inline constexpr std::string_view kCrashInsideStoreBatch = "inside-store-batch";

// Kills the process if IDGUARD_CRASH_AT names `point` and this is its N-th arrival.
void CrashIfRequestedAt(std::string_view point);

}  // namespace idguard
