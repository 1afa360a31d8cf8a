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
#include <unordered_map>
#include <vector>

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
constexpr std::uint64_t kSweepEvery = 4096;  // sign-ins between sweeps of idle accounts
constexpr std::uint64_t kStateVersion = 1;

// Wrong password, or an account locked because of them.
bool IsPasswordFailure(std::int32_t error_code) {
  return error_code == 50126 || error_code == 50053 || error_code == 50056;
}

struct Failure {
  EventTime time = 0;
  std::uint64_t source = 0;  // subnet key of the address
};

class BruteForceDetector final : public Detector {
 public:
  std::string_view riskEventType() const override { return "bruteForce"; }
  DetectionTimingType timing() const override { return DetectionTimingType::realtime; }

  void Inspect(const DetectionContext& context, std::vector<Finding>& findings) override {
    Observe(context, &findings);
  }
  void Relearn(const DetectionContext& context) override { Observe(context, nullptr); }

  std::optional<std::string> SaveState() const override {
    std::vector<const std::pair<const std::string, std::vector<Failure>>*> sorted;
    sorted.reserve(accounts_.size());
    for (const auto& account : accounts_) sorted.push_back(&account);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    std::string blob;
    ByteWriter w(blob);
    w.U64(kStateVersion);
    w.U64(since_sweep_);  // so that a resumed run sweeps where an uninterrupted one would
    w.U64(sorted.size());
    for (const auto* account : sorted) {
      w.Str(account->first);
      w.U64(account->second.size());
      for (const Failure& failure : account->second) {
        w.I64(failure.time);
        w.U64(failure.source);
      }
    }
    return blob;
  }

  Status RestoreState(std::string_view blob) override {
    ByteReader r(blob);
    if (r.U64() != kStateVersion) return Status::InvalidInput("bruteForce state: unknown version");
    const std::uint64_t since_sweep = r.U64();
    const std::uint64_t accounts = r.U64();
    if (!r.ok() || accounts > kMaxAccounts) {
      return Status::InvalidInput("bruteForce state: corrupt account count");
    }
    std::unordered_map<std::string, std::vector<Failure>> restored;
    for (std::uint64_t a = 0; a < accounts && r.ok(); ++a) {
      std::string subject = r.Str();
      const std::uint64_t count = r.U64();
      if (!r.ok() || count > kMaxFailuresKept) {
        return Status::InvalidInput("bruteForce state: corrupt failure list");
      }
      std::vector<Failure> failures(count);
      for (Failure& failure : failures) {
        failure.time = r.I64();
        failure.source = r.U64();
      }
      restored.emplace(std::move(subject), std::move(failures));
    }
    if (!r.ok() || !r.AtEnd()) return Status::InvalidInput("bruteForce state: truncated");
    accounts_ = std::move(restored);
    since_sweep_ = since_sweep;
    return Status::Ok();
  }

 private:
  void Observe(const DetectionContext& context, std::vector<Finding>* findings) {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal()) return;
    if (++since_sweep_ >= kSweepEvery) Sweep(context.now);
    const auto address = IpAddress::Parse(sign_in.ipAddress);
    if (!address) return;
    const std::uint64_t source = address->SubnetKey();
    const std::int32_t code = sign_in.status.errorCode;
    if (IsPasswordFailure(code)) {
      Remember(sign_in.SubjectId(), {context.now, source});
      return;
    }
    if (!CredentialsWereValid(code)) return;
    auto account = accounts_.find(sign_in.SubjectId());
    if (account == accounts_.end()) return;
    // The right password ends the sequence, whatever it was.
    std::vector<Failure> failures = std::move(account->second);
    accounts_.erase(account);
    if (findings == nullptr) return;
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

  void Remember(const std::string& subject, Failure failure) {
    auto account = accounts_.find(subject);
    if (account == accounts_.end()) {
      if (accounts_.size() >= kMaxAccounts) Sweep(failure.time);
      if (accounts_.size() >= kMaxAccounts) return;  // full of fresh failures: spray territory
      account = accounts_.emplace(subject, std::vector<Failure>{}).first;
    }
    std::vector<Failure>& failures = account->second;
    failures.erase(
        std::remove_if(failures.begin(), failures.end(),
                       [&](const Failure& f) { return f.time < failure.time - kWindow; }),
        failures.end());
    if (failures.size() >= kMaxFailuresKept) failures.erase(failures.begin());
    failures.push_back(failure);
  }

  // Forgets accounts whose newest failure is older than the window.
  void Sweep(EventTime now) {
    since_sweep_ = 0;
    for (auto it = accounts_.begin(); it != accounts_.end();) {
      if (it->second.empty() || it->second.back().time < now - kWindow) {
        it = accounts_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::unordered_map<std::string, std::vector<Failure>> accounts_;
  std::uint64_t since_sweep_ = 0;
};

}  // namespace

std::unique_ptr<Detector> MakeBruteForceDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<BruteForceDetector>();
}

}  // namespace idguard
