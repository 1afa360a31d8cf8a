// mfaFatigue (real-time, beyond the Graph catalog): an attacker who has the password sends MFA
// prompts until the user approves one to make them stop. Repeated denials or unanswered prompts
// (errorCode 500121) for one user, then a sign-in that passed MFA, within kWindow.
//
// Medium from kMinDenials denials; high from kHighDenials, or when the approval comes from a
// network the user never used. Low when the denials came from the user's own habitual network
// (a user fumbling with a new phone) or a trusted named location. A sign-in that passed MFA closes
// the sequence. docs/detectors/mfaFatigue.md has the rules.
#include <algorithm>
#include <string>

#include "detect/detectors/account_events.h"
#include "idguard/core/binary_codec.h"
#include "idguard/detect/detectors.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {
namespace {

constexpr EventTime kWindow = kMicrosPerHour;
constexpr std::size_t kMinDenials = 3;
constexpr std::size_t kHighDenials = 6;
constexpr std::size_t kMaxDenialsKept = 16;
constexpr std::size_t kMaxAccounts = 200'000;
constexpr std::uint32_t kHabitualSignIns = 3;
constexpr std::uint64_t kStateVersion = 1;

// The sign-in satisfied MFA now (not a claim in an old token).
bool PassedMfa(const SignIn& sign_in) {
  return sign_in.status.errorCode == 0 &&
         sign_in.authenticationRequirement == "multiFactorAuthentication" &&
         sign_in.mfaDetail.authMethod != "Previously satisfied";
}

class MfaFatigueDetector final : public StatefulDetector {
 public:
  std::string_view riskEventType() const override { return "mfaFatigue"; }
  DetectionTimingType timing() const override { return DetectionTimingType::realtime; }
  bool observesSecondFactor() const override { return true; }

  std::uint64_t stateVersion() const override { return kStateVersion; }
  void SaveTo(ByteWriter& w) const override { denials_.Save(w); }
  Status RestoreFrom(ByteReader& r) override {
    AccountEvents restored{kWindow, kMaxDenialsKept, kMaxAccounts};
    if (Status s = restored.Restore(r); !s.ok()) return s;
    denials_ = std::move(restored);
    return Status::Ok();
  }

 private:
  void Observe(const DetectionContext& context, std::vector<Finding>* findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal()) return;
    denials_.Tick(context.now);
    if (IsMfaDenial(sign_in.status.errorCode)) {
      const auto& address = context.features.address;
      // The denial's own network, or 0 when the address is not one; habitual-network checks
      // need it, the count does not.
      std::uint64_t source = address ? address->SubnetKey() : 0;
      // Denials teach the profile too (the password was right), so a network counts as the
      // user's own only when it was known before this hour of prompts.
      const FeatureEntry* familiar = context.FamiliarEntry(Feature::subnet);
      if (sign_in.network.isTrustedLocation ||
          (familiar != nullptr && familiar->count >= kHabitualSignIns &&
           familiar->firstSeen < context.now - kWindow)) {
        source = kHabitualSource;
      }
      denials_.Add(sign_in.SubjectId(), {context.now, source});
      return;
    }
    if (!PassedMfa(sign_in)) return;
    const auto denials = denials_.Take(sign_in.SubjectId());
    if (denials.empty() || findings == nullptr) return;
    ++counters_.evaluated;
    const auto recent = std::count_if(denials.begin(), denials.end(), [&](const auto& d) {
      return d.time >= context.now - kWindow;
    });
    if (static_cast<std::size_t>(recent) < kMinDenials) return;
    findings->push_back(MakeFinding(context, denials, static_cast<std::size_t>(recent)));
    Count(findings->back());
  }

  Finding MakeFinding(const DetectionContext& context,
                      const std::vector<AccountEvents::Event>& denials, std::size_t recent) const {
    EventTime first = context.now;
    std::size_t from_habitual = 0;
    for (const auto& d : denials) {
      if (d.time < context.now - kWindow) continue;
      first = std::min(first, d.time);
      if (d.source == kHabitualSource) ++from_habitual;
    }
    // New: unknown, or first seen with the denials themselves.
    const FeatureEntry* familiar = context.FamiliarEntry(Feature::subnet);
    const bool new_network =
        !context.signIn.network.isInternal && (familiar == nullptr || familiar->firstSeen >= first);
    Finding finding;
    finding.riskEventType = "mfaFatigue";
    finding.timing = DetectionTimingType::realtime;
    finding.level = recent >= kHighDenials || new_network ? RiskLevel::high : RiskLevel::medium;
    finding.additionalInfo.push_back({"riskReasons", "mfaApprovedAfterDenials"});
    const auto minutes = (context.now - first + kMicrosPerMinute - 1) / kMicrosPerMinute;
    finding.additionalInfo.push_back(
        {"reason", std::to_string(recent) + " MFA prompts denied or unanswered in the " +
                       std::to_string(minutes) + " minutes before this approval" +
                       (new_network ? ", approved for a network the user never used" : "")});
    if (from_habitual == recent) {
      finding.level = RiskLevel::low;
      finding.additionalInfo.push_back(
          {"mitigatingFactor",
           "every denial came from the user's own network or a trusted location"});
    }
    return finding;
  }

  // Marks a denial from the user's habitual network or a trusted location.
  static constexpr std::uint64_t kHabitualSource = ~std::uint64_t{0};
  AccountEvents denials_{kWindow, kMaxDenialsKept, kMaxAccounts};
};

}  // namespace

std::unique_ptr<Detector> MakeMfaFatigueDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<MfaFatigueDetector>();
}

}  // namespace idguard
