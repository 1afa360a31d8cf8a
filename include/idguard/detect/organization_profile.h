// OrganizationProfile: how common each feature value is across the organisation — how many
// distinct users have each ASN, country, city, browser, OS, subnet or app among their familiar
// values. Detectors use it to tell "new for this user but normal here" (a colleague's ISP, the
// office network) from "new for everyone".
//
// Bounded: at most kMaxValuesPerFeature values per feature (default 1,000,000); when full, new
// values are not tracked and count as unseen. A plain value type: not synchronised.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "idguard/core/status.h"
#include "idguard/detect/user_profile.h"

namespace idguard {

class OrganizationProfile {
 public:
  static constexpr std::size_t kMaxValuesPerFeature = 1'000'000;

  // A user's profile gained this value for the first time.
  void AddUserValue(Feature feature, std::uint64_t key);
  // A user got a profile for the first time.
  void AddUser() { ++users_; }

  std::uint32_t UsersWith(Feature feature, std::uint64_t key) const;
  std::uint64_t users() const { return users_; }
  // Share of the organisation's users with this value, 0..1.
  double Prevalence(Feature feature, std::uint64_t key) const;

  std::string Serialize() const;
  static Result<OrganizationProfile> Parse(std::string_view blob);

 private:
  std::uint64_t users_ = 0;
  std::array<std::unordered_map<std::uint64_t, std::uint32_t>, kFeatureCount> counts_;
};

}  // namespace idguard
