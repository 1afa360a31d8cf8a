// anonymizedIPAddress (real-time): a sign-in from an address an anonymizer feed lists (Tor exit
// nodes, anonymising VPN and proxy services; `--feed anonymizer=FILE`).
//
// Medium: an anonymizer hides who is behind the address but is no proof of an attack. Low when
// the user habitually signs in through that service from their own client: the same /24 (or /64)
// at least kHabitualSignIns times before, with a familiar device or the usual browser and OS, as
// a user of a consumer VPN does. Quiet in a trusted named location: the organisation declared
// that network its own. docs/detectors/anonymizedIPAddress.md has the rules and examples.
#include "detect/detectors/feed_match.h"
#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

constexpr std::uint32_t kHabitualSignIns = 5;

class AnonymizedIpAddressDetector final : public Detector {
 public:
  std::string_view riskEventType() const override { return "anonymizedIPAddress"; }
  DetectionTimingType timing() const override { return DetectionTimingType::realtime; }

  void Inspect(const DetectionContext& context, std::vector<Finding>& findings) override {
    auto match = MatchSignInAddress(context, IpFeedKind::anonymizer, counters_);
    if (!match) return;
    const SignIn& sign_in = context.signIn;
    if (sign_in.network.isTrustedLocation) return;

    Finding finding;
    finding.riskEventType = "anonymizedIPAddress";
    finding.timing = DetectionTimingType::realtime;
    finding.level = RiskLevel::medium;
    finding.additionalInfo.push_back({"riskReasons", "anonymizer"});
    finding.additionalInfo.push_back(
        {"reason", match->address + " is listed as an anonymizer (" + match->entry + ")"});
    const FeatureEntry* network = context.FamiliarEntry(Feature::subnet);
    const bool own_client = context.FamiliarEntry(Feature::device) != nullptr ||
                            (context.FamiliarEntry(Feature::browser) != nullptr &&
                             context.FamiliarEntry(Feature::os) != nullptr);
    if (network != nullptr && network->count >= kHabitualSignIns && own_client) {
      finding.level = RiskLevel::low;
      finding.additionalInfo.push_back(
          {"mitigatingFactor", "the user signs in through this network habitually (" +
                                   std::to_string(network->count) +
                                   " sign-ins) from their own client"});
    }
    Count(finding);
    findings.push_back(std::move(finding));
  }
};

}  // namespace

std::unique_ptr<Detector> MakeAnonymizedIpAddressDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<AnonymizedIpAddressDetector>();
}

}  // namespace idguard
