// A user's learned profile as JSON, for investigation ("is this sign-in normal for them?"):
// the familiar values of every feature with counts and first/last seen, the recent locations the
// travel detectors compare against, and the learning state.
#pragma once

#include <string>

#include "idguard/detect/user_profile.h"

namespace idguard {

// `now` decides whether the profile is still learning; the API passes the profile's last sign-in,
// so a replayed history reads as it was at its end.
void AppendUserProfileJson(std::string& out, const std::string& user_id, const UserProfile& profile,
                           const ProfileLimits& limits, EventTime now);

}  // namespace idguard
