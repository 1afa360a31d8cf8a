// maliciousIPAddress (real-time and offline): a sign-in with valid credentials from an address
// that is listed in a malicious-ip feed (real-time) or that failed passwords for many accounts
// and hardly ever succeeds (offline: the address's reputation comes from the traffic seen).
//
// Reputation: in the last 24 hours at least kMinFailures password failures across at least
// kMinAccounts accounts, and at least kFailureRate of the accounts seen from the address failed
// and never signed in. Medium for either reason, high for both; low from the user's own habitual
// network or a trusted named location, where a misconfigured device is the likely cause.
// docs/detectors/maliciousIPAddress.md has the rules.
#include <string>

#include "detect/detectors/feed_match.h"
#include "detect/detectors/source_activity.h"
#include "idguard/core/binary_codec.h"
#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

constexpr EventTime kWindow = 24 * kMicrosPerHour;
constexpr std::uint32_t kMinFailures = 10;
constexpr std::uint32_t kMinAccounts = 5;
constexpr double kFailureRate = 0.9;
constexpr std::uint32_t kHabitualSignIns = 3;
constexpr std::size_t kMaxAddresses = 1'000'000;
constexpr std::uint64_t kStateVersion = 1;

std::uint64_t AddressKey(const IpAddress& address) {
  const auto& bytes = address.bytes();
  return HashFeature(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

class MaliciousIpAddressDetector final : public StatefulDetector {
 public:
  std::string_view riskEventType() const override { return "maliciousIPAddress"; }
  DetectionTimingType timing() const override { return DetectionTimingType::offline; }

  std::uint64_t stateVersion() const override { return kStateVersion; }
  void SaveTo(ByteWriter& w) const override { addresses_.Save(w); }
  Status RestoreFrom(ByteReader& r) override {
    SourceActivity restored{kWindow, kMaxAddresses};
    if (Status s = restored.Restore(r); !s.ok()) return s;
    addresses_ = std::move(restored);
    return Status::Ok();
  }

 private:
  void Observe(const DetectionContext& context, std::vector<Finding>* findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal() || sign_in.network.isInternal) return;
    const std::int32_t code = sign_in.status.errorCode;
    const bool failure = IsPasswordFailure(code);
    if (!failure && !CredentialsWereValid(code)) return;
    const auto& address = context.features.address;
    if (!address) return;
    const std::uint64_t key = AddressKey(*address);
    if (failure) {
      addresses_.AddFailure(key, sign_in.SubjectId(), context.now);
      return;
    }
    if (findings != nullptr) Judge(context, key, *findings);
    addresses_.AddSuccess(key, sign_in.SubjectId(), context.now);
  }

  void Judge(const DetectionContext& context, std::uint64_t key, std::vector<Finding>& findings) {
    DetectorCounters feed_counters;
    const auto listed = MatchSignInAddress(context, IpFeedKind::maliciousIp, feed_counters);
    ++counters_.evaluated;
    const auto summary = addresses_.Summarize(key, context.now);
    const std::uint32_t seen = summary.failedAccounts + summary.succeededAccounts;
    const bool bad_reputation =
        summary.failures >= kMinFailures && summary.failedAccounts >= kMinAccounts &&
        static_cast<double>(summary.failedAccounts) >= kFailureRate * static_cast<double>(seen);
    if (!listed && !bad_reputation) return;

    Finding finding;
    finding.riskEventType = "maliciousIPAddress";
    finding.timing = listed ? DetectionTimingType::realtime : DetectionTimingType::offline;
    finding.level = listed && bad_reputation ? RiskLevel::high : RiskLevel::medium;
    const std::string& ip = context.signIn.ipAddress;
    if (listed) {
      finding.additionalInfo.push_back({"riskReasons", "threatIntelligenceFeed"});
      finding.additionalInfo.push_back(
          {"reason", ip + " is listed in the malicious-ip feed as " + listed->entry});
    }
    if (bad_reputation) {
      finding.additionalInfo.push_back({"riskReasons", "highInvalidCredentialRate"});
      finding.additionalInfo.push_back(
          {"reason", ip + " failed " + std::to_string(summary.failures) + " passwords for " +
                         std::to_string(summary.failedAccounts) + " accounts in 24 h; " +
                         std::to_string(summary.succeededAccounts) +
                         " accounts signed in from it"});
    }
    const FeatureEntry* familiar = context.FamiliarEntry(Feature::subnet);
    if (context.signIn.network.isTrustedLocation) {
      finding.level = RiskLevel::low;
      finding.additionalInfo.push_back(
          {"mitigatingFactor",
           "trusted named location " + context.signIn.network.namedLocationName});
    } else if (familiar != nullptr && familiar->count >= kHabitualSignIns) {
      finding.level = RiskLevel::low;
      finding.additionalInfo.push_back(
          {"mitigatingFactor",
           "the user's own network (" + std::to_string(familiar->count) + " sign-ins)"});
    }
    Count(finding);
    findings.push_back(std::move(finding));
  }

  SourceActivity addresses_{kWindow, kMaxAddresses};
};

}  // namespace

std::unique_ptr<Detector> MakeMaliciousIpAddressDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<MaliciousIpAddressDetector>();
}

}  // namespace idguard
