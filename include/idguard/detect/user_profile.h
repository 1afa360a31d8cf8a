// UserProfile: what idguard has learned about one user's normal sign-ins.
//
// For each feature (IP, /24 or /64 subnet, ASN, country, city, browser, OS, device id, app) a
// bounded set of familiar values with counts and first/last seen; the recent locations (for
// travel); and the learning state. Only sign-ins whose credentials were valid teach the profile:
// an attacker's failed guesses must not make their network familiar.
//
// Memory is bounded per user: at most the sum of the per-feature capacities in ProfileLimits
// (144 entries by default) plus ProfileLimits::recentLocations travel points; an entry is 64 bytes
// plus its label (cut to 64 bytes), so a full profile is at most about 21 KiB and a typical one
// (a home, an office, a phone, two browsers, a handful of apps) about 2 KiB. When a feature is
// full, the value seen least recently is evicted; values unseen for the history window (default 180
// days) age out. A plain value type: not synchronised.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"
#include "idguard/core/time.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {

enum class Feature : std::uint8_t {
  ip,
  subnet,
  asn,
  country,
  city,
  browser,
  os,
  device,
  app,
};
inline constexpr std::size_t kFeatureCount = 9;
std::string_view ToString(Feature feature);

struct FeatureEntry {
  std::uint64_t key = 0;
  std::uint32_t count = 0;
  EventTime firstSeen = 0;
  EventTime lastSeen = 0;
  std::string label;  // human-readable value for investigation views
};

// A bounded set of familiar values for one feature. Every sign-in looks up each of its values a
// few times, mostly in profiles that are not in the CPU cache, so the keys are kept apart from
// the entries: a lookup reads at most four cache lines of keys instead of every entry.
class FeatureSet {
 public:
  const FeatureEntry* Find(std::uint64_t key) const;
  void Observe(std::uint64_t key, std::string_view label, EventTime time, std::size_t capacity);
  void AgeOut(EventTime cutoff);
  // Appends an entry as read back from storage (no capacity check, no merging).
  void Restore(FeatureEntry entry);
  const std::vector<FeatureEntry>& entries() const { return entries_; }

 private:
  std::ptrdiff_t IndexOf(std::uint64_t key) const;
  void Erase(std::size_t index);

  std::vector<FeatureEntry> entries_;
  std::vector<std::uint64_t> keys_;  // keys_[i] == entries_[i].key
  // No entry was last seen before this (a lower bound), so most AgeOut calls return at once.
  EventTime oldestLastSeen_ = 0;
};

// One point of the user's recent sign-in trail (travel detectors use it).
struct RecentLocation {
  EventTime time = 0;
  double latitude = 0;
  double longitude = 0;
  std::uint32_t accuracyRadiusKm = 0;
  std::uint32_t asn = 0;
  std::string countryOrRegion;
  std::string city;
  std::string ipAddress;
  bool hostingProvider = false;  // a cloud or hosting network: a VPN or proxy egress
};

// The values a sign-in shows for each feature; empty optional = the sign-in does not show it
// (internal address, no device id, ...). The parsed source address rides along, internal or not,
// so detectors never parse it again.
struct FeatureValues {
  std::array<std::optional<std::uint64_t>, kFeatureCount> keys;
  std::array<std::string, kFeatureCount> labels;
  std::optional<IpAddress> address;
  static FeatureValues Of(const SignIn& sign_in);
};

std::uint64_t HashFeature(std::string_view text);

struct ProfileLimits {
  std::array<std::size_t, kFeatureCount> capacity = {32, 16, 12, 12, 24, 8, 8, 8, 24};
  std::size_t recentLocations = 8;                  // Default: 8
  EventTime historyWindow = 180 * kMicrosPerDay;    // Default: 180 days (then values age out)
  EventTime minLearningPeriod = 5 * kMicrosPerDay;  // Default: 5 days
  std::uint32_t minLearningSignIns = 10;            // Default: 10 sign-ins with valid credentials
  EventTime relearnAfterInactivity = 60 * kMicrosPerDay;  // Default: 60 days without sign-ins
};

class UserProfile {
 public:
  bool empty() const { return signInCount_ == 0; }
  // True while the profile is too young to judge unfamiliarity: less than the learning period
  // since learning started, or fewer sign-ins than the minimum, or the user came back after a
  // long inactivity (then learning starts over at the next Learn).
  bool IsLearning(EventTime now, const ProfileLimits& limits) const;

  // Teaches the profile one sign-in with valid credentials.
  void Learn(const SignIn& sign_in, const FeatureValues& values, const ProfileLimits& limits);

  const FeatureSet& feature(Feature f) const { return features_[static_cast<std::size_t>(f)]; }
  const std::vector<RecentLocation>& recentLocations() const { return recent_; }
  EventTime firstSeen() const { return firstSeen_; }
  EventTime lastSeen() const { return lastSeen_; }
  EventTime learningStart() const { return learningStart_; }
  std::uint32_t signInCount() const { return signInCount_; }

  // Compact binary form for the store; Parse rejects corrupt or truncated blobs.
  std::string Serialize() const;
  static Result<UserProfile> Parse(std::string_view blob);

 private:
  EventTime firstSeen_ = 0;
  EventTime lastSeen_ = 0;
  EventTime learningStart_ = 0;
  std::uint32_t signInCount_ = 0;
  std::uint32_t signInsSinceLearningStart_ = 0;
  std::array<FeatureSet, kFeatureCount> features_;
  std::vector<RecentLocation> recent_;
};

}  // namespace idguard
