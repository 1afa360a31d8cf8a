// bruteForce (real-time, beyond the Graph catalog): many wrong passwords on one account, then a
// sign-in with the right one from the same source network (the /24 or /64 the guesses came from)
// within the window. The success is what makes it a risk: the guesser got in.
//
// Medium from kMinFailures failures in kWindow, high from kHighFailures. Low when the source is a
// network the user signs in from habitually or a trusted named location: there, a phone or mail
// client retrying an old password is the usual cause. docs/detectors/bruteForce.md has the rules.
//
// State: per account, its recent failures (at most kMaxFailuresKept each, none older than the
// window), for at most kMaxAccounts accounts; saved with every profile checkpoint.
#include <algorithm>
#include <string>
#include <vector>

#include "detect/detectors/account_events.h"
#include "idguard/core/binary_codec.h"
#include "idguard/detect/detectors.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {
namespace {

constexpr EventTime kWindow = kMicrosPerHour;
constexpr std::size_t kMinFailures = 10;
constexpr std::size_t kHighFailures = 30;
constexpr std::size_t kMaxFailuresKept = 32;  // enough to count up to kHighFailures
constexpr std::size_t kMaxAccounts = 200'000;
constexpr std::uint32_t kHabitualSignIns = 3;
constexpr std::uint64_t kStateVersion = 2;

using Failure = AccountEvents::Event;

class BruteForceDetector final : public StatefulDetector {
 public:
  std::string_view riskEventType() const override { return "bruteForce"; }
  DetectionTimingType timing() const override { return DetectionTimingType::realtime; }

  std::uint64_t stateVersion() const override { return kStateVersion; }
  void SaveTo(ByteWriter& w) const override { failures_.Save(w); }
  Status RestoreFrom(ByteReader& r) override {
    AccountEvents restored{kWindow, kMaxFailuresKept, kMaxAccounts};
    if (Status s = restored.Restore(r); !s.ok()) return s;
    failures_ = std::move(restored);
    return Status::Ok();
  }

 private:
  void Observe(const DetectionContext& context, std::vector<Finding>* findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal()) return;
    failures_.Tick(context.now);
    const auto& address = context.features.address;
    if (!address) return;
    const std::uint64_t source = address->SubnetKey();
    const std::int32_t code = sign_in.status.errorCode;
    if (IsPasswordFailure(code)) {
      failures_.Add(sign_in.SubjectId(), {context.now, source});
      return;
    }
    if (!CredentialsWereValid(code)) return;
    // The right password ends the sequence, whatever it was.
    const std::vector<Failure> failures = failures_.Take(sign_in.SubjectId());
    if (failures.empty() || findings == nullptr) return;
    ++counters_.evaluated;
    const std::size_t guesses = static_cast<std::size_t>(std::count_if(
        failures.begin(), failures.end(),
        [&](const Failure& f) { return f.source == source && f.time >= context.now - kWindow; }));
    if (guesses < kMinFailures) return;
    findings->push_back(MakeFinding(context, failures, guesses));
    Count(findings->back());
  }

  Finding MakeFinding(const DetectionContext& context, const std::vector<Failure>& failures,
                      std::size_t guesses) const {
    const SignIn& sign_in = context.signIn;
    EventTime first = context.now;
    for (const Failure& f : failures) first = std::min(first, f.time);
    Finding finding;
    finding.riskEventType = "bruteForce";
    finding.timing = DetectionTimingType::realtime;
    finding.level = guesses >= kHighFailures ? RiskLevel::high : RiskLevel::medium;
    finding.additionalInfo.push_back({"riskReasons", "passwordGuessedAfterFailures"});
    const auto minutes = (context.now - first + kMicrosPerMinute - 1) / kMicrosPerMinute;
    finding.additionalInfo.push_back(
        {"reason", std::to_string(guesses) + " wrong passwords from the network of " +
                       sign_in.ipAddress + " in the " + std::to_string(minutes) +
                       " minutes before this successful sign-in"});
    const FeatureEntry* familiar = context.FamiliarEntry(Feature::subnet);
    if (sign_in.network.isTrustedLocation) {
      finding.level = RiskLevel::low;
      finding.additionalInfo.push_back(
          {"mitigatingFactor", "trusted named location " + sign_in.network.namedLocationName +
                                   ": often a device retrying an old password"});
    } else if (familiar != nullptr && familiar->count >= kHabitualSignIns) {
      finding.level = RiskLevel::low;
      finding.additionalInfo.push_back(
          {"mitigatingFactor", "the user's own network (" + std::to_string(familiar->count) +
                                   " sign-ins): often a device retrying an old password"});
    }
    return finding;
  }

  AccountEvents failures_{kWindow, kMaxFailuresKept, kMaxAccounts};
};

}  // namespace

std::unique_ptr<Detector> MakeBruteForceDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<BruteForceDetector>();
}

}  // namespace idguard
