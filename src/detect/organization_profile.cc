#include "idguard/detect/organization_profile.h"

#include <algorithm>
#include <vector>

#include "idguard/core/binary_codec.h"

namespace idguard {

void OrganizationProfile::AddUserValue(Feature feature, std::uint64_t key) {
  auto& counts = counts_[static_cast<std::size_t>(feature)];
  auto it = counts.find(key);
  if (it != counts.end()) {
    ++it->second;
  } else if (counts.size() < kMaxValuesPerFeature) {
    counts.emplace(key, 1);
  }
}

std::uint32_t OrganizationProfile::UsersWith(Feature feature, std::uint64_t key) const {
  const auto& counts = counts_[static_cast<std::size_t>(feature)];
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

double OrganizationProfile::Prevalence(Feature feature, std::uint64_t key) const {
  if (users_ == 0) return 0;
  return static_cast<double>(UsersWith(feature, key)) / static_cast<double>(users_);
}

std::string OrganizationProfile::Serialize() const {
  std::string blob;
  ByteWriter w(blob);
  w.U64(1);  // version
  w.U64(users_);
  for (const auto& counts : counts_) {
    // Sorted so the same state always serializes to the same bytes.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> sorted(counts.begin(), counts.end());
    std::sort(sorted.begin(), sorted.end());
    w.U64(sorted.size());
    for (const auto& [key, count] : sorted) {
      w.U64(key);
      w.U64(count);
    }
  }
  return blob;
}

Result<OrganizationProfile> OrganizationProfile::Parse(std::string_view blob) {
  ByteReader r(blob);
  OrganizationProfile profile;
  if (r.U64() != 1) return Status::InvalidInput("organisation profile: unknown version");
  profile.users_ = r.U64();
  for (auto& counts : profile.counts_) {
    const std::uint64_t size = r.U64();
    if (!r.ok() || size > kMaxValuesPerFeature) {
      return Status::InvalidInput("organisation profile: corrupt table");
    }
    counts.reserve(size);
    for (std::uint64_t i = 0; i < size && r.ok(); ++i) {
      const std::uint64_t key = r.U64();
      counts[key] = static_cast<std::uint32_t>(r.U64());
    }
  }
  if (!r.ok() || !r.AtEnd()) return Status::InvalidInput("organisation profile: truncated");
  return profile;
}

}  // namespace idguard
