#include "idguard/export/profile_json.h"

#include <algorithm>

#include "idguard/core/json_writer.h"

namespace idguard {

void AppendUserProfileJson(std::string& out, const std::string& user_id, const UserProfile& profile,
                           const ProfileLimits& limits, EventTime now) {
  JsonWriter w(out);
  w.BeginObject();
  w.Member("userId", user_id);
  w.Member("signInCount", static_cast<std::int64_t>(profile.signInCount()));
  w.MemberTimestamp("firstSeenDateTime", profile.firstSeen());
  w.MemberTimestamp("lastSeenDateTime", profile.lastSeen());
  w.MemberTimestamp("learningStartDateTime", profile.learningStart());
  w.Member("isLearning", profile.IsLearning(now, limits));
  w.Key("familiar");
  w.BeginObject();
  for (std::size_t f = 0; f < kFeatureCount; ++f) {
    const auto feature = static_cast<Feature>(f);
    // Most used first: that is what an analyst compares a sign-in against.
    std::vector<const FeatureEntry*> entries;
    for (const FeatureEntry& entry : profile.feature(feature).entries()) entries.push_back(&entry);
    std::sort(entries.begin(), entries.end(), [](const FeatureEntry* a, const FeatureEntry* b) {
      if (a->count != b->count) return a->count > b->count;
      return a->lastSeen > b->lastSeen;
    });
    w.Key(ToString(feature));
    w.BeginArray();
    for (const FeatureEntry* entry : entries) {
      w.BeginObject();
      w.Member("value", entry->label);
      w.Member("count", static_cast<std::int64_t>(entry->count));
      w.MemberTimestamp("firstSeenDateTime", entry->firstSeen);
      w.MemberTimestamp("lastSeenDateTime", entry->lastSeen);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.Key("recentLocations");
  w.BeginArray();
  for (const RecentLocation& location : profile.recentLocations()) {
    w.BeginObject();
    w.MemberTimestamp("dateTime", location.time);
    w.MemberOrNull("ipAddress", location.ipAddress);
    w.MemberOrNull("city", location.city);
    w.MemberOrNull("countryOrRegion", location.countryOrRegion);
    w.Key("latitude");
    w.Double(location.latitude);
    w.Key("longitude");
    w.Double(location.longitude);
    w.Member("accuracyRadiusKm", static_cast<std::int64_t>(location.accuracyRadiusKm));
    w.Member("autonomousSystemNumber", static_cast<std::int64_t>(location.asn));
    w.Member("isHostingProvider", location.hostingProvider);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace idguard
