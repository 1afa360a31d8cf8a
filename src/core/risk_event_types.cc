#include "idguard/core/risk_event_types.h"

#include <array>
#include <cctype>
#include <charconv>

namespace idguard {
namespace {

constexpr std::uint8_t kSignIn = kSubjectSignIn;
constexpr std::uint8_t kUser = kSubjectUser;
constexpr std::uint8_t kWorkload = kSubjectServicePrincipal;
constexpr std::uint8_t kAgent = kSubjectAgent;
constexpr std::uint8_t kRealtime = kTimingRealtime;
constexpr std::uint8_t kOffline = kTimingOffline;
constexpr std::uint8_t kBoth = kTimingRealtime | kTimingOffline;
constexpr std::optional<RiskLevel> kAnyLevel;
constexpr std::optional<RiskLevel> kHigh = RiskLevel::high;
constexpr std::optional<RiskLevel> kMedium = RiskLevel::medium;

using enum RiskOrigin;

constexpr RiskEventTypeInfo Entry(std::string_view name, std::string_view display_name,
                                  std::uint8_t subjects, std::uint8_t timing, RiskOrigin origin,
                                  std::optional<RiskLevel> fixed_level = std::nullopt,
                                  bool token_theft_class = false, int legacy_value = -1,
                                  bool beyond_graph = false) {
  RiskEventTypeInfo info;
  info.name = name;
  info.displayName = display_name;
  info.subjects = subjects;
  info.timing = timing;
  info.origin = origin;
  info.fixedLevel = fixed_level;
  info.tokenTheftClass = token_theft_class;
  info.legacyValue = legacy_value;
  info.beyondGraph = beyond_graph;
  return info;
}

// Sources: the Entra ID Protection risk catalog and Graph's CSDL (docs/risk-event-types.md).
constexpr std::array kCatalog{
    // Sign-in risk detections.
    Entry("riskyIPAddress", "Activity from anonymous IP address", kSignIn, kOffline, importedOnly),
    Entry("authenticatorPhishing", "Suspicious MFA authentication approval", kSignIn, kRealtime,
          importedOnly, kHigh),
    Entry("generic", "Additional risk detected", kSignIn | kUser | kWorkload, kBoth, importedOnly,
          kAnyLevel, false, 8),
    Entry("adminConfirmedUserCompromised", "Admin confirmed user compromised", kSignIn | kUser,
          kOffline, adminAction, kHigh, false, 9),
    Entry("anomalousToken", "Anomalous token", kSignIn | kUser, kBoth, detector, kAnyLevel, true),
    Entry("anonymizedIPAddress", "Anonymous IP address", kSignIn, kRealtime, detector, kAnyLevel,
          false, 1),
    Entry("unlikelyTravel", "Atypical travel", kSignIn, kOffline, detector, kAnyLevel, false, 0),
    Entry("mcasImpossibleTravel", "Impossible travel", kSignIn, kOffline, importedOnly, kAnyLevel,
          false, 10),
    Entry("maliciousIPAddress", "Malicious IP address", kSignIn, kBoth, detector, kAnyLevel, false,
          2),
    Entry("mcasFinSuspiciousFileAccess", "Mass access to sensitive files", kSignIn, kOffline,
          importedOnly),
    Entry("investigationsThreatIntelligence", "Microsoft Entra threat intelligence",
          kSignIn | kUser | kWorkload, kBoth, importedOnly, kAnyLevel, true, 7),
    Entry("newCountry", "New country", kSignIn, kOffline, detector),
    Entry("passwordSpray", "Password spray", kSignIn, kBoth, detector),
    Entry("suspiciousBrowser", "Suspicious browser", kSignIn, kOffline, detector),
    Entry("suspiciousInboxForwarding", "Suspicious inbox forwarding", kSignIn, kOffline,
          importedOnly),
    Entry("mcasSuspiciousInboxManipulationRules", "Suspicious inbox manipulation rules", kSignIn,
          kOffline, importedOnly, kAnyLevel, false, 11),
    Entry("tokenIssuerAnomaly", "Token issuer anomaly", kSignIn, kOffline, importedOnly, kAnyLevel,
          true),
    Entry("unfamiliarFeatures", "Unfamiliar sign-in properties", kSignIn, kRealtime, detector,
          kAnyLevel, false, 3),
    Entry("nationStateIP", "Verified threat actor IP", kSignIn, kRealtime, detector, kHigh, true),
    // User risk detections.
    Entry("anomalousUserActivity", "Anomalous user activity", kUser, kOffline, importedOnly),
    Entry("attackerinTheMiddle", "Attacker in the Middle", kUser, kOffline, importedOnly, kHigh,
          true),
    Entry("leakedCredentials", "Leaked credentials", kUser | kWorkload, kOffline, detector, kHigh,
          false, 6),
    Entry("attemptedPrtAccess", "Possible attempt to access Primary Refresh Token", kUser, kOffline,
          importedOnly, kHigh),
    Entry("suspiciousAPITraffic", "Suspicious API traffic", kUser | kWorkload, kOffline,
          importedOnly),
    Entry("suspiciousSendingPatterns", "Suspicious sending patterns", kUser, kOffline, importedOnly,
          kMedium),
    Entry("userReportedSuspiciousActivity", "User reported suspicious activity", kUser, kOffline,
          detector, kHigh),
    Entry("aiCompoundAccountRisk", "Unified risk signals", kUser, kOffline, importedOnly),
    // Workload identity (service principal) detections.
    Entry("suspiciousSignins", "Suspicious sign-ins", kWorkload, kOffline, importedOnly),
    Entry("adminConfirmedServicePrincipalCompromised",
          "Admin confirmed service principal compromised", kWorkload, kOffline, adminAction, kHigh),
    Entry("maliciousApplication", "Malicious application", kWorkload, kOffline, importedOnly),
    Entry("suspiciousApplication", "Suspicious application", kWorkload, kOffline, importedOnly),
    Entry("anomalousServicePrincipalActivity", "Anomalous service principal activity", kWorkload,
          kOffline, importedOnly),
    // Agent detections (Entra Agent ID, preview).
    Entry("unfamiliarResourceAccess", "Unfamiliar resource access", kAgent, kOffline, importedOnly),
    Entry("signInSpike", "Sign-in spike", kAgent, kOffline, importedOnly),
    Entry("failedAccessAttempt", "Failed access attempt", kAgent, kOffline, importedOnly),
    Entry("riskyUserSignIn", "Sign-in by risky user", kAgent, kOffline, importedOnly),
    Entry("adminConfirmedAgentCompromised", "Admin confirmed agent compromised", kAgent, kOffline,
          importedOnly, kHigh),
    Entry("threatIntelligenceAccount", "Threat intelligence", kAgent, kOffline, importedOnly),
    // Names only older exports use.
    Entry("malwareInfectedIPAddress", "Malware linked IP address", kSignIn, kOffline, legacy,
          kAnyLevel, false, 4),
    Entry("suspiciousIPAddress", "Suspicious IP address", kSignIn, kOffline, legacy, kAnyLevel,
          false, 5),
    Entry("investigationsThreatIntelligenceSigninLinked",
          "Microsoft Entra threat intelligence (sign-in linked)", kSignIn, kOffline, legacy,
          kAnyLevel, true, 12),
    Entry("maliciousIPAddressValidCredentialsBlockedIP",
          "Malicious IP address, valid credentials, blocked IP", kSignIn, kRealtime, legacy,
          kAnyLevel, false, 13),
    Entry("unknownFutureValue", "Unknown", kSignIn | kUser | kWorkload, kBoth, legacy, kAnyLevel,
          false, 14),
    Entry("impossibleTravel", "Impossible travel (older name)", kSignIn, kOffline, legacy),
    // idguard's own types, beyond Graph's catalog (docs/detectors/).
    Entry("bruteForce", "Brute force", kSignIn, kBoth, detector, kAnyLevel, false, -1, true),
    Entry("mfaFatigue", "MFA fatigue", kSignIn, kBoth, detector, kAnyLevel, false, -1, true),
};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsNameCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

constexpr std::size_t kMaxNameLength = 128;

}  // namespace

std::span<const RiskEventTypeInfo> AllRiskEventTypes() { return kCatalog; }

const RiskEventTypeInfo* FindRiskEventType(std::string_view name) {
  for (const auto& info : kCatalog) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::optional<std::string_view> LegacyRiskEventTypeName(std::int64_t value) {
  for (const auto& info : kCatalog) {
    if (info.legacyValue >= 0 && info.legacyValue == value) return info.name;
  }
  return std::nullopt;
}

bool IsLegacyRiskEventType(std::string_view name) {
  const RiskEventTypeInfo* info = FindRiskEventType(name);
  return info != nullptr && info->legacyValue >= 0;
}

Result<NormalizedRiskEventType> NormalizeRiskEventType(std::string_view text) {
  if (const RiskEventTypeInfo* info = FindRiskEventType(text)) {
    return NormalizedRiskEventType{std::string(info->name), info};
  }
  if (text.empty()) return Status::InvalidInput("risk event type is empty");
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error == std::errc() && end == text.data() + text.size()) {
    auto name = LegacyRiskEventTypeName(number);
    if (!name) {
      return Status::InvalidInput("risk event type " + std::string(text) +
                                  " is not a member of the legacy riskEventType enum (0-14)");
    }
    return NormalizedRiskEventType{std::string(*name), FindRiskEventType(*name)};
  }
  for (const auto& info : kCatalog) {
    if (EqualsIgnoringCase(info.name, text))
      return NormalizedRiskEventType{std::string(info.name), &info};
  }
  if (text.size() > kMaxNameLength) {
    return Status::InvalidInput("risk event type is longer than 128 characters");
  }
  for (char c : text) {
    if (!IsNameCharacter(c)) {
      return Status::InvalidInput("risk event type '" + std::string(text) +
                                  "' is not a type name (letters, digits, '_', '-', '.')");
    }
  }
  return NormalizedRiskEventType{std::string(text), nullptr};
}

}  // namespace idguard
