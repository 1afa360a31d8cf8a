// suspiciousBrowser (offline): one browser — the exact user-agent string — signing in to many
// accounts from many countries in a short window, each time from a network and country new to
// the account: the toolkit of someone working through stolen credentials.
//
// A use is suspicious when the sign-in has valid credentials, a user agent, the user is past
// learning, and both its ASN and its country are new to the user (a colleague's new browser version
// shows up at home and in the office, never as a stream of new places). A browser is suspicious
// when, in kWindow, its suspicious uses cover at least kMinAccounts accounts and kMinCountries
// countries. Then every suspicious use of it is a detection: those before the threshold as offline
// findings about their own sign-ins (up to kMaxPending), later ones as they come. Medium; high from
// kHighAccounts accounts or kHighCountries countries. docs/detectors/suspiciousBrowser.md has the
// rules.
#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>

#include "idguard/core/binary_codec.h"
#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

constexpr EventTime kWindow = 24 * kMicrosPerHour;
constexpr std::size_t kMinAccounts = 5;
constexpr std::size_t kMinCountries = 3;
constexpr std::size_t kHighAccounts = 10;
constexpr std::size_t kHighCountries = 5;
constexpr std::size_t kMaxUsesKept = 64;
constexpr std::size_t kMaxPending = 16;
constexpr std::size_t kMaxBrowsers = 100'000;
constexpr std::uint64_t kSweepEvery = 4096;
constexpr std::uint64_t kStateVersion = 1;
constexpr std::size_t kCommonAccounts = 20;  // a browser this many accounts use at home
constexpr std::size_t kMaxKnownBrowsers = 200'000;

struct Use {
  EventTime time = 0;
  std::uint64_t account = 0;
  std::uint64_t country = 0;
};

struct Browser {
  std::vector<Use> uses;            // suspicious uses in the window
  std::vector<PastSignIn> pending;  // their sign-ins, until the browser is recognised
  EventTime lastSeen = 0;
};

struct Spread {
  std::size_t accounts = 0;
  std::size_t countries = 0;
};

Spread SpreadOf(const std::vector<Use>& uses) {
  std::set<std::uint64_t> accounts, countries;
  for (const Use& use : uses) {
    accounts.insert(use.account);
    countries.insert(use.country);
  }
  return {accounts.size(), countries.size()};
}

class SuspiciousBrowserDetector final : public StatefulDetector {
 public:
  std::string_view riskEventType() const override { return "suspiciousBrowser"; }
  DetectionTimingType timing() const override { return DetectionTimingType::offline; }

  std::uint64_t stateVersion() const override { return kStateVersion; }
  void SaveTo(ByteWriter& w) const override;
  Status RestoreFrom(ByteReader& r) override;

 private:
  void Observe(const DetectionContext& context, std::vector<Finding>* findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal() || !CredentialsWereValid(sign_in.status.errorCode) ||
        sign_in.network.isInternal || sign_in.network.isTrustedLocation ||
        sign_in.userAgent.empty()) {
      return;
    }
    if (++since_sweep_ >= std::max<std::uint64_t>(kSweepEvery, browsers_.size())) {
      Sweep(context.now);
    }
    const auto& country = context.features.keys[static_cast<std::size_t>(Feature::country)];
    const std::uint64_t key = HashFeature(sign_in.userAgent);
    if (!country || context.profile.IsLearning(context.now, context.config.profile) ||
        context.FamiliarEntry(Feature::country) != nullptr ||
        context.FamiliarEntry(Feature::asn) != nullptr) {
      CountFamiliarUse(key, sign_in.SubjectId());
      return;
    }
    // A browser many accounts use from familiar places is the organisation's own (a common app
    // or browser build on business trips), not a toolkit.
    if (IsCommon(key)) return;
    auto it = browsers_.find(key);
    if (it == browsers_.end()) {
      if (browsers_.size() >= kMaxBrowsers) return;
      it = browsers_.emplace(key, Browser{}).first;
    }
    Browser& browser = it->second;
    std::erase_if(browser.uses, [&](const Use& u) { return u.time < context.now - kWindow; });
    std::erase_if(browser.pending,
                  [&](const PastSignIn& p) { return p.createdDateTime < context.now - kWindow; });
    const bool was_recognised = Recognised(browser.uses);
    if (browser.uses.size() >= kMaxUsesKept) browser.uses.erase(browser.uses.begin());
    browser.uses.push_back({context.now, HashFeature(sign_in.SubjectId()), *country});
    browser.lastSeen = context.now;
    ++counters_.evaluated;
    if (!Recognised(browser.uses)) {
      if (browser.pending.size() >= kMaxPending) browser.pending.erase(browser.pending.begin());
      browser.pending.push_back(PastSignIn::Of(sign_in));
      return;
    }
    const Spread spread = SpreadOf(browser.uses);
    std::vector<PastSignIn> earlier = std::move(browser.pending);
    browser.pending.clear();
    if (findings == nullptr) return;
    if (!was_recognised) {
      for (PastSignIn& past : earlier) {
        Finding finding = MakeFinding(sign_in.userAgent, spread);
        finding.additionalInfo.push_back({"recognizedDateTime", FormatTimestamp(context.now)});
        finding.earlier = std::move(past);
        findings->push_back(std::move(finding));
        Count(findings->back());
      }
    }
    findings->push_back(MakeFinding(sign_in.userAgent, spread));
    Count(findings->back());
  }

  void CountFamiliarUse(std::uint64_t key, const std::string& account) {
    auto it = known_.find(key);
    if (it == known_.end()) {
      if (known_.size() >= kMaxKnownBrowsers) return;
      it = known_.emplace(key, std::vector<std::uint64_t>{}).first;
    }
    std::vector<std::uint64_t>& accounts = it->second;
    if (accounts.size() >= kCommonAccounts) return;
    const std::uint64_t hash = HashFeature(account);
    if (std::find(accounts.begin(), accounts.end(), hash) == accounts.end()) {
      accounts.push_back(hash);
    }
  }

  bool IsCommon(std::uint64_t key) const {
    const auto it = known_.find(key);
    return it != known_.end() && it->second.size() >= kCommonAccounts;
  }

  static bool Recognised(const std::vector<Use>& uses) {
    const Spread spread = SpreadOf(uses);
    return spread.accounts >= kMinAccounts && spread.countries >= kMinCountries;
  }

  static Finding MakeFinding(const std::string& user_agent, const Spread& spread) {
    Finding finding;
    finding.riskEventType = "suspiciousBrowser";
    finding.timing = DetectionTimingType::offline;
    finding.level = spread.accounts >= kHighAccounts || spread.countries >= kHighCountries
                        ? RiskLevel::high
                        : RiskLevel::medium;
    finding.additionalInfo.push_back({"riskReasons", "browserAcrossAccountsAndCountries"});
    finding.additionalInfo.push_back(
        {"reason", "this browser signed in to " + std::to_string(spread.accounts) +
                       " accounts from " + std::to_string(spread.countries) +
                       " countries in 24 h, each time from a network and country new to the "
                       "account"});
    finding.additionalInfo.push_back({"userAgent", user_agent.substr(0, 256)});
    return finding;
  }

  void Sweep(EventTime now) {
    since_sweep_ = 0;
    std::erase_if(browsers_, [&](const auto& b) { return b.second.lastSeen < now - kWindow; });
  }

  std::unordered_map<std::uint64_t, Browser> browsers_;
  // Per browser, the accounts (up to kCommonAccounts) that used it from familiar places.
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> known_;
  std::uint64_t since_sweep_ = 0;
};

void SuspiciousBrowserDetector::SaveTo(ByteWriter& w) const {
  std::vector<const std::pair<const std::uint64_t, Browser>*> sorted;
  for (const auto& browser : browsers_) sorted.push_back(&browser);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  w.U64(since_sweep_);
  w.U64(sorted.size());
  for (const auto* entry : sorted) {
    const Browser& b = entry->second;
    w.U64(entry->first);
    w.I64(b.lastSeen);
    w.U64(b.uses.size());
    for (const Use& use : b.uses) {
      w.I64(use.time);
      w.U64(use.account);
      w.U64(use.country);
    }
    w.U64(b.pending.size());
    for (const PastSignIn& past : b.pending) past.Save(w);
  }
  std::vector<const std::pair<const std::uint64_t, std::vector<std::uint64_t>>*> known;
  for (const auto& entry : known_) known.push_back(&entry);
  std::sort(known.begin(), known.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  w.U64(known.size());
  for (const auto* entry : known) {
    w.U64(entry->first);
    w.U64(entry->second.size());
    for (std::uint64_t account : entry->second) w.U64(account);
  }
}

Status SuspiciousBrowserDetector::RestoreFrom(ByteReader& r) {
  const std::uint64_t since_sweep = r.U64();
  const std::uint64_t count = r.U64();
  if (!r.ok() || count > kMaxBrowsers) {
    return Status::InvalidInput("corrupt browser count");
  }
  std::unordered_map<std::uint64_t, Browser> restored;
  for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
    const std::uint64_t key = r.U64();
    Browser b;
    b.lastSeen = r.I64();
    const std::uint64_t uses = r.U64();
    if (!r.ok() || uses > kMaxUsesKept) {
      return Status::InvalidInput("corrupt use count");
    }
    b.uses.resize(uses);
    for (Use& use : b.uses) {
      use.time = r.I64();
      use.account = r.U64();
      use.country = r.U64();
    }
    const std::uint64_t pending = r.U64();
    if (!r.ok() || pending > kMaxPending) {
      return Status::InvalidInput("corrupt pending count");
    }
    for (std::uint64_t p = 0; p < pending && r.ok(); ++p)
      b.pending.push_back(PastSignIn::Restore(r));
    restored.emplace(key, std::move(b));
  }
  const std::uint64_t known_count = r.U64();
  if (!r.ok() || known_count > kMaxKnownBrowsers) {
    return Status::InvalidInput("corrupt browser census");
  }
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> known;
  for (std::uint64_t i = 0; i < known_count && r.ok(); ++i) {
    const std::uint64_t key = r.U64();
    const std::uint64_t accounts = r.U64();
    if (!r.ok() || accounts > kCommonAccounts) {
      return Status::InvalidInput("corrupt browser census");
    }
    std::vector<std::uint64_t> list(accounts);
    for (std::uint64_t& account : list) account = r.U64();
    known.emplace(key, std::move(list));
  }
  if (!r.ok()) return Status::InvalidInput("truncated");
  known_ = std::move(known);
  browsers_ = std::move(restored);
  since_sweep_ = since_sweep;
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Detector> MakeSuspiciousBrowserDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<SuspiciousBrowserDetector>();
}

}  // namespace idguard
