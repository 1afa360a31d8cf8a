// newCountry (offline): a sign-in from a country the user has never signed in from and that is
// rare in the organisation.
//
// Medium when no one else in the organisation has the country among their familiar values; low
// when a few colleagues do (under kCommonShare of the organisation's users, and fewer than
// kCommonUsers); quiet when it is common (a country the organisation travels to or works from).
// Quiet while the user is learning, from internal addresses and in trusted named locations.
// docs/detectors/newCountry.md has the rules and examples.
#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

constexpr double kCommonShare = 0.02;
constexpr std::uint32_t kCommonUsers = 20;

class NewCountryDetector final : public Detector {
 public:
  std::string_view riskEventType() const override { return "newCountry"; }
  DetectionTimingType timing() const override { return DetectionTimingType::offline; }

  void Inspect(const DetectionContext& context, std::vector<Finding>& findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal() || !CredentialsWereValid(sign_in.status.errorCode) ||
        sign_in.network.isInternal || sign_in.network.isTrustedLocation) {
      return;
    }
    const auto& key = context.features.keys[static_cast<std::size_t>(Feature::country)];
    if (!key) return;
    ++counters_.evaluated;
    if (context.profile.IsLearning(context.now, context.config.profile)) {
      ++counters_.skippedLearning;
      return;
    }
    if (context.FamiliarEntry(Feature::country) != nullptr) return;
    const std::uint32_t colleagues = context.organization.UsersWith(Feature::country, *key);
    const double share = context.organization.Prevalence(Feature::country, *key);
    if (colleagues >= kCommonUsers || share >= kCommonShare) return;

    const std::string& country = sign_in.location.countryOrRegion;
    Finding finding;
    finding.riskEventType = "newCountry";
    finding.timing = DetectionTimingType::offline;
    finding.level = colleagues == 0 ? RiskLevel::medium : RiskLevel::low;
    finding.additionalInfo.push_back({"riskReasons", "newCountry"});
    finding.additionalInfo.push_back(
        {"reason", "first sign-in from " + country + " for this user; " +
                       (colleagues == 0 ? std::string("no one in the organisation signs in from it")
                                        : std::to_string(colleagues) + " of " +
                                              std::to_string(context.organization.users()) +
                                              " users in the organisation sign in from it")});
    std::string usual;
    for (const FeatureEntry& entry : context.profile.feature(Feature::country).entries()) {
      usual += (usual.empty() ? "" : ", ") + entry.label;
    }
    if (!usual.empty()) finding.additionalInfo.push_back({"usualCountries", usual});
    Count(finding);
    findings.push_back(std::move(finding));
  }
};

}  // namespace

std::unique_ptr<Detector> MakeNewCountryDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<NewCountryDetector>();
}

}  // namespace idguard
