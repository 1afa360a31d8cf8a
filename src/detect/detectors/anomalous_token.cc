// anomalousToken (real-time): a session or token used from somewhere it was not issued — the
// sign-in of a stolen session cookie or refresh token replayed by someone else — or used longer
// than a token lives.
//
// The session is the sign-in's sessionId, or its uniqueTokenIdentifier when the log has no session
// id (the Log Analytics SessionId and UniqueTokenIdentifier columns map to the same fields). The
// first sign-in with valid credentials that shows one issues it: its country, ASN and client
// (browser and OS family) are remembered. A later sign-in of the same user with the same session is
// judged:
//   - another country by another operating system (a session belongs to one device): high when
//     the network (ASN) is new to the user, otherwise medium; by the same device: medium from a
//     hosting network new to the user, otherwise quiet (a laptop travelling with its session);
//   - the same country, another operating system on an ASN the user does not use habitually:
//     medium (the same device changing networks is a phone or laptop moving about: quiet);
//   - older than kMaxLifetime (90 days, the refresh-token lifetime): medium.
// Quiet while the user is learning, in trusted named locations and for service principals.
// docs/detectors/anomalousToken.md.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "idguard/core/binary_codec.h"
#include "idguard/detect/detectors.h"

namespace idguard {
namespace {

constexpr EventTime kMaxLifetime = 90 * kMicrosPerDay;
constexpr EventTime kIdleForget = 30 * kMicrosPerDay;  // sessions unused this long are forgotten
constexpr std::size_t kMaxSessions = 1'000'000;
constexpr std::uint32_t kHabitualSignIns = 3;
constexpr std::uint64_t kSweepEvery = 4096;
constexpr std::uint64_t kStateVersion = 1;

struct Session {
  EventTime issued = 0;
  EventTime lastSeen = 0;
  std::uint64_t user = 0;    // hash of the subject id
  std::uint64_t client = 0;  // hash of browser and OS family
  std::uint32_t asn = 0;
  std::uint32_t country = 0;  // two letters, packed
};

std::uint32_t PackCountry(std::string_view code) {
  std::uint32_t packed = 0;
  for (char c : code.substr(0, 4)) packed = (packed << 8) | static_cast<unsigned char>(c);
  return packed;
}

std::string UnpackCountry(std::uint32_t packed) {
  std::string code;
  for (; packed != 0; packed >>= 8) code.insert(code.begin(), static_cast<char>(packed & 0xFF));
  return code.empty() ? "(unknown)" : code;
}

class AnomalousTokenDetector final : public StatefulDetector {
 public:
  std::string_view riskEventType() const override { return "anomalousToken"; }
  DetectionTimingType timing() const override { return DetectionTimingType::realtime; }

  std::uint64_t stateVersion() const override { return kStateVersion; }
  void SaveTo(ByteWriter& w) const override {
    std::vector<std::pair<std::uint64_t, Session>> sorted(sessions_.begin(), sessions_.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    w.U64(since_sweep_);
    w.U64(sorted.size());
    for (const auto& [key, s] : sorted) {
      w.U64(key);
      w.I64(s.issued);
      w.I64(s.lastSeen);
      w.U64(s.user);
      w.U64(s.client);
      w.U64(s.asn);
      w.U64(s.country);
    }
  }

  Status RestoreFrom(ByteReader& r) override {
    const std::uint64_t since_sweep = r.U64();
    const std::uint64_t count = r.U64();
    if (!r.ok() || count > kMaxSessions) {
      return Status::InvalidInput("corrupt session count");
    }
    std::unordered_map<std::uint64_t, Session> restored;
    for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
      const std::uint64_t key = r.U64();
      Session s;
      s.issued = r.I64();
      s.lastSeen = r.I64();
      s.user = r.U64();
      s.client = r.U64();
      s.asn = static_cast<std::uint32_t>(r.U64());
      s.country = static_cast<std::uint32_t>(r.U64());
      restored.emplace(key, s);
    }
    if (!r.ok()) return Status::InvalidInput("truncated");
    sessions_ = std::move(restored);
    since_sweep_ = since_sweep;
    return Status::Ok();
  }

 private:
  void Observe(const DetectionContext& context, std::vector<Finding>* findings) override {
    const SignIn& sign_in = context.signIn;
    if (sign_in.IsServicePrincipal() || !CredentialsWereValid(sign_in.status.errorCode) ||
        sign_in.network.isInternal) {
      return;
    }
    if (++since_sweep_ >= std::max<std::uint64_t>(kSweepEvery, sessions_.size())) {
      Sweep(context.now);
    }
    const Session here{context.now,
                       context.now,
                       HashFeature(sign_in.SubjectId()),
                       ClientKey(context),
                       sign_in.network.autonomousSystemNumber,
                       PackCountry(sign_in.location.countryOrRegion)};
    // The session id; a log without one (older exports) falls back to the token identifier,
    // which Entra writes fresh for most sign-ins, so tracking both would hold one entry per
    // sign-in for little gain.
    const bool by_session = !sign_in.sessionId.empty();
    const std::string& id = by_session ? sign_in.sessionId : sign_in.uniqueTokenIdentifier;
    if (id.empty()) return;
    const std::uint64_t key = HashFeature(id) ^ (by_session ? 0 : 1);
    auto it = sessions_.find(key);
    if (it == sessions_.end() || it->second.user != here.user) {
      if (sessions_.size() < kMaxSessions) sessions_.insert_or_assign(key, here);
      return;
    }
    Session& issued = it->second;
    if (findings != nullptr) {
      ++counters_.evaluated;
      if (auto finding = Judge(context, issued, here, by_session ? "session" : "token")) {
        findings->push_back(std::move(*finding));
        Count(findings->back());
      }
    }
    issued.lastSeen = std::max(issued.lastSeen, context.now);
  }

  // The device's operating system family: apps and browsers of one device share sessions.
  static std::uint64_t ClientKey(const DetectionContext& context) {
    return context.features.keys[static_cast<std::size_t>(Feature::os)].value_or(0);
  }

  static std::optional<Finding> Judge(const DetectionContext& context, const Session& issued,
                                      const Session& here, std::string_view kind) {
    const SignIn& sign_in = context.signIn;
    if (sign_in.network.isTrustedLocation ||
        context.profile.IsLearning(context.now, context.config.profile)) {
      return std::nullopt;
    }
    const FeatureEntry* asn = context.FamiliarEntry(Feature::asn);
    const bool asn_new = asn == nullptr || asn->count < kHabitualSignIns;
    // A session belongs to one device: its operating system never changes while it lives.
    const bool client_changed = issued.client != here.client;
    Finding finding;
    finding.riskEventType = "anomalousToken";
    finding.timing = DetectionTimingType::realtime;
    const std::string what = kind == "session" ? "session " + sign_in.sessionId
                                               : "token " + sign_in.uniqueTokenIdentifier;
    const std::string issued_at = FormatTimestamp(issued.issued);
    const std::string by =
        client_changed ? ", by another operating system" : ", by the same device";
    if (issued.country != 0 && here.country != 0 && issued.country != here.country) {
      if (client_changed) {
        finding.level = asn_new ? RiskLevel::high : RiskLevel::medium;
      } else if (asn_new && sign_in.network.isHostingProvider) {
        finding.level = RiskLevel::medium;
      } else {
        return std::nullopt;  // a laptop travelling with its session: travel, not a replay
      }
      finding.additionalInfo.push_back({"riskReasons", "tokenReplayedFromAnotherCountry"});
      finding.additionalInfo.push_back(
          {"reason", what + " was issued in " + UnpackCountry(issued.country) + " (AS" +
                         std::to_string(issued.asn) + ") at " + issued_at + " and used in " +
                         UnpackCountry(here.country) + " (AS" + std::to_string(here.asn) + ")" +
                         by});
    } else if (issued.asn != 0 && here.asn != 0 && issued.asn != here.asn && asn_new &&
               client_changed) {
      finding.level = RiskLevel::medium;
      finding.additionalInfo.push_back({"riskReasons", "tokenReplayedFromAnotherNetwork"});
      finding.additionalInfo.push_back(
          {"reason", what + " was issued on AS" + std::to_string(issued.asn) + " at " + issued_at +
                         " and used on AS" + std::to_string(here.asn) +
                         ", a network the user does not use" + by});
    } else if (here.issued - issued.issued > kMaxLifetime) {
      finding.level = RiskLevel::medium;
      finding.additionalInfo.push_back({"riskReasons", "tokenBeyondLifetime"});
      finding.additionalInfo.push_back(
          {"reason", what + " was issued at " + issued_at + ", " +
                         std::to_string((here.issued - issued.issued) / kMicrosPerDay) +
                         " days ago; tokens live at most 90 days"});
    } else {
      return std::nullopt;
    }
    return finding;
  }

  void Sweep(EventTime now) {
    since_sweep_ = 0;
    std::erase_if(sessions_, [&](const auto& s) { return s.second.lastSeen < now - kIdleForget; });
  }

  std::unordered_map<std::uint64_t, Session> sessions_;
  std::uint64_t since_sweep_ = 0;
};

}  // namespace

std::unique_ptr<Detector> MakeAnomalousTokenDetector(const DetectorConfig& /*config*/) {
  return std::make_unique<AnomalousTokenDetector>();
}

}  // namespace idguard
