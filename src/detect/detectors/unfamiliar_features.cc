// unfamiliarFeatures (real-time): a sign-in whose properties are unusual for the user.
//
// Scores how much of the sign-in is new against the user's familiar values, adjusts for how
// normal those values are in the organisation, and levels the result. The full rules, weights
// and tuning advice are in docs/detectors/unfamiliarFeatures.md; keep the two in step.
#include <algorithm>
#include <string>

#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

// Weights of each unfamiliar property. The network counts only when the /24 (or /64) is new:
// a familiar subnet alone keeps the detector quiet, as a user's own home and office should.
constexpr int kSubnetWeight = 1;
constexpr int kAsnWeight = 2;
constexpr int kCountryWeight = 3;
constexpr int kCityWeight = 1;
constexpr int kBrowserWeight = 1;
constexpr int kOsWeight = 1;
constexpr int kDeviceWeight = 1;
// Organisation context.
constexpr int kNetworkNewToOrganizationBonus = 1;
constexpr int kCountryNewToOrganizationBonus = 1;
constexpr int kHostingProviderBonus = 1;
constexpr int kCommonInOrganizationDiscount = 1;   // ASN used by many colleagues
constexpr int kCountryInOrganizationDiscount = 1;  // a country colleagues live or travel in
constexpr int kFamiliarDeviceDiscount = 2;         // the user's own registered device
constexpr int kFamiliarClientDiscount = 1;         // the user's usual browser and OS
constexpr int kTrustedLocationDiscount = 3;
constexpr double kCommonPrevalence = 0.05;
constexpr std::uint32_t kCommonUsers = 20;
constexpr std::uint32_t kCountryColleagues = 5;
constexpr double kCountryPrevalence = 0.005;
// A value seen fewer times than kEstablishedCount, all within kEstablishedAfter, is still new.
constexpr EventTime kEstablishedAfter = kMicrosPerDay;
constexpr std::uint32_t kEstablishedCount = 5;
// Levels.
constexpr int kLowScore = 3;
constexpr int kMediumScore = 5;
constexpr int kHighScore = 7;

std::string MostUsual(const FeatureSet& set) {
  auto best = std::max_element(set.entries().begin(), set.entries().end(),
                               [](const FeatureEntry& a, const FeatureEntry& b) {
                                 return a.count != b.count ? a.count < b.count : a.key > b.key;
                               });
  if (best == set.entries().end()) return "nothing yet";
  return best->label + " (" + std::to_string(best->count) + " sign-ins)";
}

class UnfamiliarFeaturesDetector final : public Detector {
 public:
  std::string_view riskEventType() const override { return "unfamiliarFeatures"; }
  DetectionTimingType timing() const override { return DetectionTimingType::realtime; }

  void Inspect(const DetectionContext& context, std::vector<Finding>& findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal() || !CredentialsWereValid(sign_in.status.errorCode)) return;
    // Internal addresses are the organisation's own network; they are never a signal.
    if (sign_in.network.isInternal) return;
    ++counters_.evaluated;
    if (context.profile.IsLearning(context.now, context.config.profile)) {
      ++counters_.skippedLearning;
      return;
    }

    int score = 0;
    std::vector<std::string> codes;
    std::vector<InfoItem> reasons;
    auto shown = [&](Feature feature) {
      return context.features.keys[static_cast<std::size_t>(feature)].has_value();
    };
    // A value first seen in the last day, only a few times, and after the learning period is not
    // familiar yet: otherwise an attacker's first sign-in, judged medium, would make the next ones
    // from the same place and client look normal. A trip is judged again for its first day, then
    // it is the user's. What the user showed while learning (a second device, the office) is
    // established whatever its age.
    const EventTime learned_by =
        context.profile.learningStart() + context.config.profile.minLearningPeriod;
    auto familiar = [&](Feature feature) {
      const FeatureEntry* entry = context.FamiliarEntry(feature);
      return entry != nullptr &&
             (entry->firstSeen <= context.now - kEstablishedAfter ||
              entry->count >= kEstablishedCount || entry->firstSeen < learned_by);
    };
    auto unfamiliar = [&](Feature feature) { return shown(feature) && !familiar(feature); };
    auto label = [&](Feature feature) -> const std::string& {
      return context.features.labels[static_cast<std::size_t>(feature)];
    };
    auto add = [&](Feature feature, int weight, const char* code) {
      score += weight;
      codes.emplace_back(code);
      reasons.push_back({code, label(feature) + " is new for this user, who usually uses " +
                                   MostUsual(context.profile.feature(feature))});
    };

    if (!unfamiliar(Feature::subnet)) return;  // a familiar network keeps the detector quiet
    add(Feature::subnet, kSubnetWeight, "unfamiliarIPSubnet");
    if (unfamiliar(Feature::asn)) {
      add(Feature::asn, kAsnWeight, "unfamiliarASN");
      const auto asn_key = *context.features.keys[static_cast<std::size_t>(Feature::asn)];
      const std::uint32_t colleagues = context.organization.UsersWith(Feature::asn, asn_key);
      if (colleagues == 0) {
        score += kNetworkNewToOrganizationBonus;
        reasons.push_back({"organizationContext", "no one in the organisation has used " +
                                                      label(Feature::asn) + " before"});
      } else if (colleagues >= kCommonUsers ||
                 context.organization.Prevalence(Feature::asn, asn_key) >= kCommonPrevalence) {
        score -= kCommonInOrganizationDiscount;
        reasons.push_back({"organizationContext", label(Feature::asn) + " is familiar to " +
                                                      std::to_string(colleagues) +
                                                      " users of the organisation"});
      }
    }
    if (unfamiliar(Feature::country)) {
      add(Feature::country, kCountryWeight, "unfamiliarCountry");
      const auto key = *context.features.keys[static_cast<std::size_t>(Feature::country)];
      const std::uint32_t colleagues = context.organization.UsersWith(Feature::country, key);
      if (colleagues == 0) {
        score += kCountryNewToOrganizationBonus;
        reasons.push_back({"organizationContext", "no one in the organisation has signed in from " +
                                                      label(Feature::country) + " before"});
      } else if (colleagues >= kCountryColleagues &&
                 context.organization.Prevalence(Feature::country, key) >= kCountryPrevalence) {
        score -= kCountryInOrganizationDiscount;
        reasons.push_back({"organizationContext", std::to_string(colleagues) +
                                                      " users of the organisation sign in from " +
                                                      label(Feature::country)});
      }
    } else if (unfamiliar(Feature::city)) {
      add(Feature::city, kCityWeight, "unfamiliarLocation");
    }
    if (unfamiliar(Feature::browser)) add(Feature::browser, kBrowserWeight, "unfamiliarBrowser");
    if (unfamiliar(Feature::os)) add(Feature::os, kOsWeight, "unfamiliarOperatingSystem");
    if (unfamiliar(Feature::device) &&
        !context.profile.feature(Feature::device).entries().empty()) {
      add(Feature::device, kDeviceWeight, "unfamiliarDevice");
    }
    // Rented servers abroad, not a consumer VPN exiting in the user's own country.
    if (sign_in.network.isHostingProvider && !sign_in.network.isTrustedLocation &&
        unfamiliar(Feature::country)) {
      score += kHostingProviderBonus;
      codes.emplace_back("hostingProvider");
      reasons.push_back(
          {"hostingProvider", label(Feature::asn) + " is a hosting or cloud provider"});
    }
    if (familiar(Feature::device)) {
      score -= kFamiliarDeviceDiscount;
      reasons.push_back({"mitigatingFactor",
                         "signed in from the user's registered device " + label(Feature::device)});
    } else if (familiar(Feature::browser) && familiar(Feature::os)) {
      score -= kFamiliarClientDiscount;
      reasons.push_back({"mitigatingFactor", "the user's usual browser and operating system"});
    }
    if (sign_in.network.isTrustedLocation) {
      score -= kTrustedLocationDiscount;
      reasons.push_back(
          {"mitigatingFactor", "trusted named location " + sign_in.network.namedLocationName});
    }
    if (score < kLowScore) return;

    Finding finding;
    finding.riskEventType = "unfamiliarFeatures";
    finding.timing = DetectionTimingType::realtime;
    finding.level = score >= kHighScore     ? RiskLevel::high
                    : score >= kMediumScore ? RiskLevel::medium
                                            : RiskLevel::low;
    std::string joined;
    for (const auto& code : codes) joined += (joined.empty() ? "" : ",") + code;
    finding.additionalInfo.push_back({"riskReasons", joined});
    finding.additionalInfo.push_back({"riskScore", std::to_string(score)});
    if (!sign_in.userAgent.empty())
      finding.additionalInfo.push_back({"userAgent", sign_in.userAgent});
    for (auto& reason : reasons) finding.additionalInfo.push_back(std::move(reason));
    Count(finding);
    findings.push_back(std::move(finding));
  }
};

}  // namespace

std::unique_ptr<Detector> MakeUnfamiliarFeaturesDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<UnfamiliarFeaturesDetector>();
}

}  // namespace idguard
