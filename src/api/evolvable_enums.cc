#include "api/evolvable_enums.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <vector>

#include "idguard/core/risk_enums.h"

namespace idguard::api {
namespace {

// The members whose values may be newer than unknownFutureValue, as idguard's writers spell them
// ("name":"value", no spaces), and those newer values.
struct EvolvableMember {
  std::string_view key;
  std::vector<std::string> newer;
};

const std::array<EvolvableMember, 3>& EvolvableMembers() {
  static const std::array<EvolvableMember, 3> members = [] {
    std::vector<std::string> details;
    constexpr int kFirstEvolvableRiskDetail = 12;  // unknownFutureValue is 11
    constexpr int kLastRiskDetail = 18;
    for (int value = kFirstEvolvableRiskDetail; value <= kLastRiskDetail; ++value) {
      details.emplace_back(ToString(static_cast<RiskDetail>(value)));
    }
    // activityType: unknownFutureValue is 2, servicePrincipal 3.
    return std::array<EvolvableMember, 3>{{{"\"riskDetail\":\"", details},
                                           {"\"detail\":\"", details},
                                           {"\"activity\":\"", {"servicePrincipal"}}}};
  }();
  return members;
}

}  // namespace

bool WantsEvolvableMembers(const HttpRequest& request) {
  std::string prefer(request.Header("prefer"));
  std::transform(prefer.begin(), prefer.end(), prefer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return prefer.find("include-unknown-enum-members") != std::string::npos;
}

void MaskEvolvableMembers(std::string& json) {
  constexpr std::string_view kMasked = "unknownFutureValue";
  for (const EvolvableMember& member : EvolvableMembers()) {
    for (auto at = json.find(member.key); at != std::string::npos; at = json.find(member.key, at)) {
      const auto start = at + member.key.size();
      const auto end = json.find('"', start);
      if (end == std::string::npos) return;
      const std::string_view value(json.data() + start, end - start);
      if (std::find(member.newer.begin(), member.newer.end(), value) != member.newer.end()) {
        json.replace(start, end - start, kMasked);
        at = start + kMasked.size();
      } else {
        at = end;
      }
    }
  }
}

}  // namespace idguard::api
