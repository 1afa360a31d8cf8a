// userReportedSuspiciousActivity (offline, always high): the user denied an MFA prompt and
// reported it as fraud ("Report suspicious activity" in Microsoft Authenticator, a fraud code on
// a phone call). The sign-in shows errorCode 500121 with "fraud" in its failure reason or
// additional details. As in Entra, it makes the user high risk: someone who is not the user has
// the password. docs/detectors/userReportedSuspiciousActivity.md has the rules.
#include <algorithm>
#include <cctype>
#include <string>

#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

bool MentionsFraud(std::string_view text) {
  static constexpr std::string_view kWord = "fraud";
  return std::search(text.begin(), text.end(), kWord.begin(), kWord.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         }) != text.end();
}

class UserReportedSuspiciousActivityDetector final : public Detector {
 public:
  std::string_view riskEventType() const override { return "userReportedSuspiciousActivity"; }
  bool observesSecondFactor() const override { return true; }
  DetectionTimingType timing() const override { return DetectionTimingType::offline; }

  void Inspect(const DetectionContext& context, std::vector<Finding>& findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal() || !IsMfaDenial(sign_in.status.errorCode)) return;
    ++counters_.evaluated;
    const SignInStatus& status = sign_in.status;
    if (!MentionsFraud(status.additionalDetails) && !MentionsFraud(status.failureReason)) return;
    Finding finding;
    finding.riskEventType = "userReportedSuspiciousActivity";
    finding.timing = DetectionTimingType::offline;
    finding.level = RiskLevel::high;
    finding.additionalInfo.push_back({"riskReasons", "userReportedFraud"});
    finding.additionalInfo.push_back(
        {"reason",
         "the user denied the MFA prompt for this sign-in and reported it as fraud: "
         "someone else has the password"});
    const std::string& details =
        status.additionalDetails.empty() ? status.failureReason : status.additionalDetails;
    finding.additionalInfo.push_back({"statusDetails", details});
    Count(finding);
    findings.push_back(std::move(finding));
  }
};

}  // namespace

std::unique_ptr<Detector> MakeUserReportedSuspiciousActivityDetector(
    const DetectorConfig& /*config*/) {
  return std::make_unique<UserReportedSuspiciousActivityDetector>();
}

}  // namespace idguard
