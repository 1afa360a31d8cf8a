#include "idguard/detect/user_profile.h"

#include <algorithm>

#include "idguard/core/binary_codec.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {
namespace {

constexpr std::size_t kMaxLabelBytes = 64;
// Version 2 added RecentLocation::hostingProvider; version 1 blobs are still read.
constexpr std::uint64_t kBlobVersion = 2;
constexpr std::uint64_t kMaxEntriesPerFeature = 4096;  // sanity bound when parsing blobs

std::string_view Cut(std::string_view label) { return label.substr(0, kMaxLabelBytes); }

}  // namespace

std::string_view ToString(Feature feature) {
  static constexpr std::string_view kNames[kFeatureCount] = {
      "ipAddress", "subnet",          "asn",    "country",    "city",
      "browser",   "operatingSystem", "device", "application"};
  return kNames[static_cast<std::size_t>(feature)];
}

std::uint64_t HashFeature(std::string_view text) {
  // FNV-1a: stable across runs and platforms, which the stored profiles rely on.
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::ptrdiff_t FeatureSet::IndexOf(std::uint64_t key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

const FeatureEntry* FeatureSet::Find(std::uint64_t key) const {
  const std::ptrdiff_t index = IndexOf(key);
  return index < 0 ? nullptr : &entries_[static_cast<std::size_t>(index)];
}

void FeatureSet::Erase(std::size_t index) {
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(index));
  keys_.erase(keys_.begin() + static_cast<std::ptrdiff_t>(index));
}

void FeatureSet::Observe(std::uint64_t key, std::string_view label, EventTime time,
                         std::size_t capacity) {
  if (const std::ptrdiff_t index = IndexOf(key); index >= 0) {
    FeatureEntry& entry = entries_[static_cast<std::size_t>(index)];
    ++entry.count;
    entry.lastSeen = std::max(entry.lastSeen, time);
    return;
  }
  if (entries_.size() >= capacity && !entries_.empty()) {
    // Evict the value seen least recently (ties: the rarer one), so a profile follows a user who
    // moves house or changes phone.
    auto victim = std::min_element(
        entries_.begin(), entries_.end(), [](const FeatureEntry& a, const FeatureEntry& b) {
          return a.lastSeen != b.lastSeen ? a.lastSeen < b.lastSeen : a.count < b.count;
        });
    Erase(static_cast<std::size_t>(victim - entries_.begin()));
  }
  Restore({key, 1, time, time, std::string(Cut(label))});
}

void FeatureSet::Restore(FeatureEntry entry) {
  oldestLastSeen_ = entries_.empty() ? entry.lastSeen : std::min(oldestLastSeen_, entry.lastSeen);
  keys_.push_back(entry.key);
  entries_.push_back(std::move(entry));
}

void FeatureSet::AgeOut(EventTime cutoff) {
  if (entries_.empty() || oldestLastSeen_ >= cutoff) return;
  EventTime oldest = 0;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].lastSeen < cutoff) continue;
    oldest = kept == 0 ? entries_[i].lastSeen : std::min(oldest, entries_[i].lastSeen);
    if (kept != i) {
      entries_[kept] = std::move(entries_[i]);
      keys_[kept] = keys_[i];
    }
    ++kept;
  }
  entries_.resize(kept);
  keys_.resize(kept);
  oldestLastSeen_ = oldest;
}

FeatureValues FeatureValues::Of(const SignIn& sign_in) {
  FeatureValues values;
  auto set = [&](Feature feature, std::string_view label, std::uint64_t key) {
    values.keys[static_cast<std::size_t>(feature)] = key;
    values.labels[static_cast<std::size_t>(feature)] = std::string(Cut(label));
  };
  auto set_text = [&](Feature feature, std::string_view label) {
    if (!label.empty()) set(feature, label, HashFeature(label));
  };
  if (!sign_in.ipAddress.empty()) values.address = IpAddress::Parse(sign_in.ipAddress);
  if (!sign_in.network.isInternal && !sign_in.ipAddress.empty()) {
    if (const auto& address = values.address) {
      set_text(Feature::ip, sign_in.ipAddress);
      set(Feature::subnet, address->SubnetText(), address->SubnetKey());
    }
    if (sign_in.network.autonomousSystemNumber != 0) {
      const std::string label = "AS" + std::to_string(sign_in.network.autonomousSystemNumber) +
                                (sign_in.network.autonomousSystemOrganization.empty()
                                     ? ""
                                     : " " + sign_in.network.autonomousSystemOrganization);
      set(Feature::asn, label, sign_in.network.autonomousSystemNumber);
    }
    set_text(Feature::country, sign_in.location.countryOrRegion);
    if (!sign_in.location.city.empty()) {
      const std::string label = sign_in.location.city + ", " + sign_in.location.countryOrRegion;
      set_text(Feature::city, label);
    }
  }
  const std::string& browser =
      !sign_in.client.browserFamily.empty() && sign_in.client.browserFamily != "Other"
          ? sign_in.client.browserFamily
          : sign_in.deviceDetail.browser;
  // Browser family only: versions change with every update and would look unfamiliar.
  std::string_view browser_family = browser;
  if (&browser == &sign_in.deviceDetail.browser) {
    browser_family = browser_family.substr(0, browser_family.find(' '));
  }
  set_text(Feature::browser, browser_family);
  set_text(Feature::os, !sign_in.client.osFamily.empty() && sign_in.client.osFamily != "Other"
                            ? std::string_view(sign_in.client.osFamily)
                            : std::string_view(sign_in.deviceDetail.operatingSystem));
  set_text(Feature::device, sign_in.deviceDetail.deviceId);
  set_text(Feature::app, !sign_in.appDisplayName.empty() ? std::string_view(sign_in.appDisplayName)
                                                         : std::string_view(sign_in.appId));
  return values;
}

bool UserProfile::IsLearning(EventTime now, const ProfileLimits& limits) const {
  if (signInCount_ == 0) return true;
  if (now - lastSeen_ > limits.relearnAfterInactivity) return true;
  return now - learningStart_ < limits.minLearningPeriod ||
         signInsSinceLearningStart_ < limits.minLearningSignIns;
}

void UserProfile::Learn(const SignIn& sign_in, const FeatureValues& values,
                        const ProfileLimits& limits) {
  const EventTime now = sign_in.createdDateTime;
  if (signInCount_ == 0) {
    firstSeen_ = now;
    learningStart_ = now;
  } else if (now - lastSeen_ > limits.relearnAfterInactivity) {
    learningStart_ = now;
    signInsSinceLearningStart_ = 0;
  }
  ++signInCount_;
  ++signInsSinceLearningStart_;
  lastSeen_ = std::max(lastSeen_, now);
  const EventTime cutoff = now - limits.historyWindow;
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    features_[i].AgeOut(cutoff);
    if (values.keys[i])
      features_[i].Observe(*values.keys[i], values.labels[i], now, limits.capacity[i]);
  }
  const auto& location = sign_in.location;
  if (!sign_in.network.isInternal && location.HasCoordinates()) {
    // In time order: a sign-in learned late (confirmed safe by an admin) goes where it belongs,
    // and the oldest is the one that leaves.
    const auto at =
        std::upper_bound(recent_.begin(), recent_.end(), now,
                         [](EventTime time, const auto& seen) { return time < seen.time; });
    recent_.insert(at, {now, *location.geoCoordinates.latitude, *location.geoCoordinates.longitude,
                        sign_in.network.accuracyRadiusKm, sign_in.network.autonomousSystemNumber,
                        location.countryOrRegion, location.city, sign_in.ipAddress,
                        sign_in.network.isHostingProvider});
    if (recent_.size() > limits.recentLocations) recent_.erase(recent_.begin());
  }
}

std::string UserProfile::Serialize() const {
  std::string blob;
  ByteWriter w(blob);
  w.U64(kBlobVersion);
  w.I64(firstSeen_);
  w.I64(lastSeen_);
  w.I64(learningStart_);
  w.U64(signInCount_);
  w.U64(signInsSinceLearningStart_);
  for (const auto& set : features_) {
    w.U64(set.entries().size());
    for (const auto& e : set.entries()) {
      w.U64(e.key);
      w.U64(e.count);
      w.I64(e.firstSeen);
      w.I64(e.lastSeen);
      w.Str(e.label);
    }
  }
  w.U64(recent_.size());
  for (const auto& r : recent_) {
    w.I64(r.time);
    w.F64(r.latitude);
    w.F64(r.longitude);
    w.U64(r.accuracyRadiusKm);
    w.U64(r.asn);
    w.Str(r.countryOrRegion);
    w.Str(r.city);
    w.Str(r.ipAddress);
    w.U64(r.hostingProvider ? 1 : 0);
  }
  return blob;
}

Result<UserProfile> UserProfile::Parse(std::string_view blob) {
  ByteReader r(blob);
  UserProfile profile;
  const std::uint64_t version = r.U64();
  if (version != 1 && version != kBlobVersion) {
    return Status::InvalidInput("profile blob: unknown version");
  }
  profile.firstSeen_ = r.I64();
  profile.lastSeen_ = r.I64();
  profile.learningStart_ = r.I64();
  profile.signInCount_ = static_cast<std::uint32_t>(r.U64());
  profile.signInsSinceLearningStart_ = static_cast<std::uint32_t>(r.U64());
  for (auto& set : profile.features_) {
    const std::uint64_t count = r.U64();
    if (!r.ok() || count > kMaxEntriesPerFeature) {
      return Status::InvalidInput("profile blob: corrupt feature table");
    }
    for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
      FeatureEntry e;
      e.key = r.U64();
      e.count = static_cast<std::uint32_t>(r.U64());
      e.firstSeen = r.I64();
      e.lastSeen = r.I64();
      e.label = r.Str();
      set.Restore(std::move(e));
    }
  }
  const std::uint64_t recent = r.U64();
  if (!r.ok() || recent > kMaxEntriesPerFeature) {
    return Status::InvalidInput("profile blob: corrupt location trail");
  }
  for (std::uint64_t i = 0; i < recent && r.ok(); ++i) {
    RecentLocation l;
    l.time = r.I64();
    l.latitude = r.F64();
    l.longitude = r.F64();
    l.accuracyRadiusKm = static_cast<std::uint32_t>(r.U64());
    l.asn = static_cast<std::uint32_t>(r.U64());
    l.countryOrRegion = r.Str();
    l.city = r.Str();
    l.ipAddress = r.Str();
    if (version >= 2) l.hostingProvider = r.U64() != 0;
    profile.recent_.push_back(std::move(l));
  }
  if (!r.ok() || !r.AtEnd())
    return Status::InvalidInput("profile blob: truncated or trailing data");
  return profile;
}

}  // namespace idguard
