// nationStateIP (real-time, always high): a sign-in with valid credentials from an address a
// verified-threat-actor feed lists (`--feed threat-actor=FILE`): infrastructure attributed to a
// nation-state or cybercrime group. Trusted named locations do not quiet it: a known attacker's
// address inside a range the organisation trusts is exactly what needs a look.
// docs/detectors/nationStateIP.md has the rules.
#include "detect/detectors/feed_match.h"
#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

class NationStateIpDetector final : public Detector {
 public:
  std::string_view riskEventType() const override { return "nationStateIP"; }
  DetectionTimingType timing() const override { return DetectionTimingType::realtime; }

  void Inspect(const DetectionContext& context, std::vector<Finding>& findings) override {
    auto match = MatchSignInAddress(context, IpFeedKind::threatActor, counters_);
    if (!match) return;
    Finding finding;
    finding.riskEventType = "nationStateIP";
    finding.timing = DetectionTimingType::realtime;
    finding.level = RiskLevel::high;
    finding.additionalInfo.push_back({"riskReasons", "threatActorInfrastructure"});
    finding.additionalInfo.push_back(
        {"reason", match->address + " is listed as verified threat-actor infrastructure (" +
                       match->entry + ")"});
    if (context.signIn.network.isTrustedLocation) {
      finding.additionalInfo.push_back({"note", "the address is inside trusted named location " +
                                                    context.signIn.network.namedLocationName});
    }
    Count(finding);
    findings.push_back(std::move(finding));
  }
};

}  // namespace

std::unique_ptr<Detector> MakeNationStateIpDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<NationStateIpDetector>();
}

}  // namespace idguard
