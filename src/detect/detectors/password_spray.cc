// passwordSpray (real-time and offline): one source tries few passwords against many accounts,
// and one of the guesses was right.
//
// A source is a /24 (or /64) or an autonomous system. It is spraying when, in the last 24 hours,
// passwords failed from it for at least kSubnetAccounts (a network) or kAsnAccounts (an AS)
// distinct accounts, with at most kGuessesPerAccount failures per account on average (few
// passwords each, unlike brute force), and failing accounts outnumber by kFailingToSucceeding
// those that signed in from it (an office or a mobile carrier has typos too, but far more
// successes). Failed attempts alone make a campaign record (Records()), not a detection.
//
// The detection is on the sign-in with valid credentials that belongs to a campaign: real-time
// when the campaign is already recognised; offline, on the earlier sign-in, when the right
// password came before the campaign crossed the threshold. A user's own habitual network never
// counts as the spray's success. Medium; high when the account itself failed from the source
// first, or the campaign tried kHighAccounts accounts; low in trusted named locations.
// docs/detectors/passwordSpray.md has the rules.
#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <string>
#include <unordered_map>

#include "detect/detectors/source_activity.h"
#include "idguard/core/json_writer.h"
#include "idguard/detect/detectors.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {
namespace {

constexpr EventTime kWindow = 24 * kMicrosPerHour;
constexpr std::uint32_t kSubnetAccounts = 10;
constexpr std::uint32_t kAsnAccounts = 20;
constexpr std::uint32_t kHighAccounts = 30;
constexpr std::uint32_t kGuessesPerAccount = 3;
constexpr std::uint32_t kFailingToSucceeding = 2;
constexpr std::uint32_t kHabitualSignIns = 3;
constexpr std::size_t kMaxSubnets = 1'000'000;
constexpr std::size_t kMaxAsns = 100'000;
constexpr std::size_t kMaxPendingPerSource = 8;
constexpr std::size_t kMaxPendingSources = 10'000;
constexpr std::size_t kMaxCampaigns = 10'000;
constexpr std::uint64_t kStateVersion = 1;

enum class SourceKind : std::uint8_t { subnet, asn };

struct Campaign {
  SourceKind kind = SourceKind::subnet;
  std::string source;  // "45.155.205.0/24" or "AS14061 DigitalOcean"
  EventTime firstSeen = 0;
  EventTime recognized = 0;
  EventTime lastSeen = 0;
  std::uint32_t accounts = 0;  // most accounts failed in one window
  std::uint32_t failures = 0;
  std::uint32_t compromised = 0;  // sign-ins with the right password
};

class PasswordSprayDetector final : public StatefulDetector {
 public:
  std::string_view riskEventType() const override { return "passwordSpray"; }
  DetectionTimingType timing() const override { return DetectionTimingType::realtime; }

  std::vector<std::string> Records() const override {
    std::vector<std::string> lines;
    for (const auto& [key, campaign] : campaigns_) {
      std::string line;
      JsonWriter json(line);
      json.BeginObject();
      json.Member("recordType", "passwordSprayCampaign");
      json.Member("sourceKind", campaign.kind == SourceKind::subnet ? "network" : "asn");
      json.Member("source", campaign.source);
      json.MemberTimestamp("firstSeenDateTime", campaign.firstSeen);
      json.MemberTimestamp("recognizedDateTime", campaign.recognized);
      json.MemberTimestamp("lastSeenDateTime", campaign.lastSeen);
      json.Member("accountsTried", static_cast<std::int64_t>(campaign.accounts));
      json.Member("failedAttempts", static_cast<std::int64_t>(campaign.failures));
      json.Member("compromisedSignIns", static_cast<std::int64_t>(campaign.compromised));
      json.EndObject();
      lines.push_back(std::move(line));
    }
    return lines;
  }

  std::uint64_t stateVersion() const override { return kStateVersion; }
  void SaveTo(ByteWriter& w) const override;
  Status RestoreFrom(ByteReader& r) override;

 private:
  struct Source {
    SourceKind kind = SourceKind::subnet;
    std::uint64_t key = 0;
    std::uint64_t tagged = 0;  // key in the pending and campaign maps
    std::string_view label;
  };

  void Observe(const DetectionContext& context, std::vector<Finding>* findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal() || sign_in.network.isInternal) return;
    const std::int32_t code = sign_in.status.errorCode;
    const bool failure = IsPasswordFailure(code);
    if (!failure && !CredentialsWereValid(code)) return;
    const auto& address = context.features.address;
    if (!address) return;
    const std::string& account = sign_in.SubjectId();
    // The labels are the profile features' (the /24 text, "AS7922 Comcast"): built once per
    // sign-in already, and needed here only when a campaign is recorded or reported.
    std::array<Source, 2> found;
    std::size_t count = 0;
    found[count++] = {SourceKind::subnet, address->SubnetKey(), address->SubnetKey() << 1,
                      context.features.labels[static_cast<std::size_t>(Feature::subnet)]};
    if (const std::uint32_t asn = sign_in.network.autonomousSystemNumber; asn != 0) {
      found[count++] = {SourceKind::asn, asn, (std::uint64_t{asn} << 1) | 1,
                        context.features.labels[static_cast<std::size_t>(Feature::asn)]};
    }
    const std::span<const Source> sources(found.data(), count);
    PurgePending(context.now);

    if (failure) {
      for (const Source& source : sources) {
        Activity(source.kind).AddFailure(source.key, account, context.now);
        const auto summary = Activity(source.kind).Summarize(source.key, context.now);
        if (IsSpraying(source.kind, summary)) {
          Recognize(source, summary, context.now, findings);
        } else if (auto it = campaigns_.find(source.tagged); it != campaigns_.end()) {
          it->second.failures += 1;
          it->second.lastSeen = context.now;
        }
      }
      return;
    }

    ++counters_.evaluated;
    const FeatureEntry* familiar = context.FamiliarEntry(Feature::subnet);
    const bool habitual = familiar != nullptr && familiar->count >= kHabitualSignIns;
    bool judged = habitual;
    for (const Source& source : sources) {
      const auto summary = Activity(source.kind).Summarize(source.key, context.now);
      if (!judged && IsSpraying(source.kind, summary)) {
        judged = true;
        if (findings != nullptr) {
          findings->push_back(
              MakeFinding(context, source, summary,
                          Activity(source.kind).AccountFailed(source.key, account, context.now)));
          Count(findings->back());
        }
        if (auto it = campaigns_.find(source.tagged); it != campaigns_.end()) {
          ++it->second.compromised;
          it->second.lastSeen = context.now;
        }
      } else if (!judged && summary.failedAccounts > 0) {
        Remember(source.tagged, PastSignIn::Of(sign_in),
                 Activity(source.kind).AccountFailed(source.key, account, context.now));
      }
    }
    for (const Source& source : sources) {
      Activity(source.kind).AddSuccess(source.key, account, context.now);
    }
  }

  SourceActivity& Activity(SourceKind kind) {
    return kind == SourceKind::subnet ? subnets_ : asns_;
  }

  static bool IsSpraying(SourceKind kind, const SourceActivity::Summary& summary) {
    const std::uint32_t needed = kind == SourceKind::subnet ? kSubnetAccounts : kAsnAccounts;
    return summary.failedAccounts >= needed &&
           summary.failures <= kGuessesPerAccount * summary.failedAccounts &&
           summary.failedAccounts >= kFailingToSucceeding * summary.succeededAccounts;
  }

  // The source crossed the threshold with this failure: records (or extends) its campaign and
  // judges the sign-ins with valid credentials that came from it before.
  void Recognize(const Source& source, const SourceActivity::Summary& summary, EventTime now,
                 std::vector<Finding>* findings) {
    auto [it, is_new] = campaigns_.try_emplace(source.tagged);
    Campaign& campaign = it->second;
    if (is_new || campaign.lastSeen < now - kWindow) {
      if (is_new && campaigns_.size() > kMaxCampaigns) {
        campaigns_.erase(it);
        return;
      }
      campaign =
          Campaign{source.kind, std::string(source.label), summary.firstSeen, now, now, 0, 0, 0};
      campaign.failures = summary.failures;
    } else {
      ++campaign.failures;
    }
    campaign.accounts = std::max(campaign.accounts, summary.failedAccounts);
    campaign.lastSeen = now;
    auto pending = pending_.find(source.tagged);
    if (pending == pending_.end()) return;
    for (PendingSignIn& earlier : pending->second) {
      ++campaign.compromised;
      if (findings == nullptr) continue;
      Finding finding = SprayFinding(source, summary, earlier.failedFirst, false);
      finding.timing = DetectionTimingType::offline;
      finding.additionalInfo.push_back({"recognizedDateTime", FormatTimestamp(now)});
      finding.earlier = std::move(earlier.signIn);
      findings->push_back(std::move(finding));
      Count(findings->back());
    }
    pending_.erase(pending);
  }

  Finding MakeFinding(const DetectionContext& context, const Source& source,
                      const SourceActivity::Summary& summary, bool failed_first) const {
    return SprayFinding(source, summary, failed_first, context.signIn.network.isTrustedLocation);
  }

  static Finding SprayFinding(const Source& source, const SourceActivity::Summary& summary,
                              bool failed_first, bool trusted) {
    Finding finding;
    finding.riskEventType = "passwordSpray";
    finding.timing = DetectionTimingType::realtime;
    finding.level = failed_first || summary.failedAccounts >= kHighAccounts ? RiskLevel::high
                                                                            : RiskLevel::medium;
    finding.additionalInfo.push_back({"riskReasons", "passwordSpray"});
    finding.additionalInfo.push_back(
        {"reason", std::string(source.kind == SourceKind::subnet ? "network " : "") +
                       std::string(source.label) + " failed the passwords of " +
                       std::to_string(summary.failedAccounts) + " accounts (" +
                       std::to_string(summary.failures) + " attempts) in 24 h; " +
                       std::to_string(summary.succeededAccounts) + " accounts signed in from it" +
                       (failed_first ? "; this account was among those tried" : "")});
    if (trusted) {
      finding.level = RiskLevel::low;
      finding.additionalInfo.push_back(
          {"mitigatingFactor", "trusted named location: check for a misconfigured client"});
    }
    return finding;
  }

  struct PendingSignIn {
    PastSignIn signIn;
    bool failedFirst = false;
  };

  void Remember(std::uint64_t tagged, PastSignIn sign_in, bool failed_first) {
    auto it = pending_.find(tagged);
    if (it == pending_.end()) {
      if (pending_.size() >= kMaxPendingSources) return;
      it = pending_.emplace(tagged, std::vector<PendingSignIn>{}).first;
    }
    for (const PendingSignIn& p : it->second) {
      if (p.signIn.id == sign_in.id) return;
    }
    if (it->second.size() >= kMaxPendingPerSource) it->second.erase(it->second.begin());
    it->second.push_back({std::move(sign_in), failed_first});
  }

  // Sign-ins older than the window can no longer join a campaign; checked once a minute.
  void PurgePending(EventTime now) {
    if (now - last_purge_ < kMicrosPerMinute) return;
    last_purge_ = now;
    for (auto it = pending_.begin(); it != pending_.end();) {
      std::erase_if(it->second, [&](const PendingSignIn& p) {
        return p.signIn.createdDateTime < now - kWindow;
      });
      it = it->second.empty() ? pending_.erase(it) : std::next(it);
    }
  }

  SourceActivity subnets_{kWindow, kMaxSubnets};
  SourceActivity asns_{kWindow, kMaxAsns};
  std::map<std::uint64_t, std::vector<PendingSignIn>> pending_;
  std::map<std::uint64_t, Campaign> campaigns_;
  EventTime last_purge_ = 0;
};

void PasswordSprayDetector::SaveTo(ByteWriter& w) const {
  subnets_.Save(w);
  asns_.Save(w);
  w.I64(last_purge_);
  w.U64(pending_.size());
  for (const auto& [key, list] : pending_) {
    w.U64(key);
    w.U64(list.size());
    for (const PendingSignIn& p : list) {
      p.signIn.Save(w);
      w.U64(p.failedFirst ? 1 : 0);
    }
  }
  w.U64(campaigns_.size());
  for (const auto& [key, c] : campaigns_) {
    w.U64(key);
    w.U64(static_cast<std::uint64_t>(c.kind));
    w.Str(c.source);
    w.I64(c.firstSeen);
    w.I64(c.recognized);
    w.I64(c.lastSeen);
    w.U64(c.accounts);
    w.U64(c.failures);
    w.U64(c.compromised);
  }
}

Status PasswordSprayDetector::RestoreFrom(ByteReader& r) {
  SourceActivity subnets{kWindow, kMaxSubnets};
  SourceActivity asns{kWindow, kMaxAsns};
  if (Status s = subnets.Restore(r); !s.ok()) return s;
  if (Status s = asns.Restore(r); !s.ok()) return s;
  const EventTime last_purge = r.I64();
  std::map<std::uint64_t, std::vector<PendingSignIn>> pending;
  const std::uint64_t pending_count = r.U64();
  if (!r.ok() || pending_count > kMaxPendingSources) {
    return Status::InvalidInput("corrupt pending count");
  }
  for (std::uint64_t i = 0; i < pending_count && r.ok(); ++i) {
    const std::uint64_t key = r.U64();
    const std::uint64_t n = r.U64();
    if (!r.ok() || n > kMaxPendingPerSource) {
      return Status::InvalidInput("corrupt pending list");
    }
    auto& list = pending[key];
    for (std::uint64_t j = 0; j < n; ++j) {
      PendingSignIn p;
      p.signIn = PastSignIn::Restore(r);
      p.failedFirst = r.U64() != 0;
      list.push_back(std::move(p));
    }
  }
  std::map<std::uint64_t, Campaign> campaigns;
  const std::uint64_t campaign_count = r.U64();
  if (!r.ok() || campaign_count > kMaxCampaigns) {
    return Status::InvalidInput("corrupt campaign count");
  }
  for (std::uint64_t i = 0; i < campaign_count && r.ok(); ++i) {
    const std::uint64_t key = r.U64();
    Campaign c;
    c.kind = r.U64() == 0 ? SourceKind::subnet : SourceKind::asn;
    c.source = r.Str();
    c.firstSeen = r.I64();
    c.recognized = r.I64();
    c.lastSeen = r.I64();
    c.accounts = static_cast<std::uint32_t>(r.U64());
    c.failures = static_cast<std::uint32_t>(r.U64());
    c.compromised = static_cast<std::uint32_t>(r.U64());
    campaigns.emplace(key, std::move(c));
  }
  if (!r.ok()) return Status::InvalidInput("truncated");
  subnets_ = std::move(subnets);
  asns_ = std::move(asns);
  last_purge_ = last_purge;
  pending_ = std::move(pending);
  campaigns_ = std::move(campaigns);
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Detector> MakePasswordSprayDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<PasswordSprayDetector>();
}

}  // namespace idguard
