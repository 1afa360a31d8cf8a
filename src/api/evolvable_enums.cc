#include "api/evolvable_enums.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "idguard/core/risk_enums.h"

namespace idguard::api {
namespace {

// The exact member texts idguard's writers produce ("name":"value", no spaces).
const std::vector<std::string>& EvolvableTexts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> all;
    constexpr int kFirstEvolvableRiskDetail = 12;  // unknownFutureValue is 11
    constexpr int kLastRiskDetail = 18;
    for (int value = kFirstEvolvableRiskDetail; value <= kLastRiskDetail; ++value) {
      const std::string name(ToString(static_cast<RiskDetail>(value)));
      all.push_back("\"riskDetail\":\"" + name + "\"");
      all.push_back("\"detail\":\"" + name + "\"");
    }
    all.emplace_back("\"activity\":\"servicePrincipal\"");  // activityType: unknownFutureValue 2
    return all;
  }();
  return texts;
}

}  // namespace

bool WantsEvolvableMembers(const HttpRequest& request) {
  std::string prefer(request.Header("prefer"));
  std::transform(prefer.begin(), prefer.end(), prefer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return prefer.find("include-unknown-enum-members") != std::string::npos;
}

void MaskEvolvableMembers(std::string& json) {
  for (const std::string& text : EvolvableTexts()) {
    for (auto at = json.find(text); at != std::string::npos; at = json.find(text, at)) {
      const auto colon = text.find("\":\"");
      const std::string masked = text.substr(0, colon + 3) + "unknownFutureValue\"";
      json.replace(at, text.size(), masked);
      at += masked.size();
    }
  }
}

}  // namespace idguard::api
