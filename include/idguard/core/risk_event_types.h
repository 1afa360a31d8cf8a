// The riskEventType catalog: every string Microsoft Graph uses for a risk detection, the legacy
// numeric `riskEventType` enum, and the types idguard adds beyond Graph's catalog.
//
// `riskDetection.riskEventType` is a free string in Graph, so new values appear without a schema
// change. Input is therefore accepted when it names a catalog entry (exactly, or differing only in
// letter case, or as a legacy enum number) and also when it is an unknown but well-formed name,
// which is kept as given and reported as unrecognised. Only text that cannot be a type name
// (empty, spaces, punctuation) is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "idguard/core/risk_enums.h"
#include "idguard/core/status.h"

namespace idguard {

// What a type is about; a type may apply to several (bit flags).
enum RiskSubject : std::uint8_t {
  kSubjectSignIn = 1,
  kSubjectUser = 2,
  kSubjectServicePrincipal = 4,
  kSubjectAgent = 8,
};

// When a type is detected (bit flags).
enum RiskTiming : std::uint8_t { kTimingRealtime = 1, kTimingOffline = 2 };

// Who creates detections of a type.
enum class RiskOrigin : std::uint8_t {
  detector,      // an idguard detector produces it from sign-ins and feeds
  adminAction,   // an administrator's action creates it (confirm compromised)
  importedOnly,  // needs telemetry idguard does not see (mail, endpoints, cloud apps): import only
  legacy,        // kept so that older exports still parse
};

struct RiskEventTypeInfo {
  std::string_view name;         // the Graph string, exact spelling
  std::string_view displayName;  // as the Entra portal names it
  std::uint8_t subjects = 0;     // RiskSubject flags
  std::uint8_t timing = 0;       // RiskTiming flags
  RiskOrigin origin = RiskOrigin::importedOnly;
  // The level detections of this type always have, when the catalog fixes one.
  std::optional<RiskLevel> fixedLevel;
  // Token-theft class: not remediated by MFA alone (needs a secure password change too).
  bool tokenTheftClass = false;
  // Member value in Graph's legacy `riskEventType` enum (signIn.riskEventTypes), or -1.
  int legacyValue = -1;
  bool beyondGraph = false;  // an idguard type that Graph's catalog does not have
};

// Every catalog entry, in a stable order (Graph's sign-in, user, workload and agent tables, the
// legacy-only names, then idguard's own types).
std::span<const RiskEventTypeInfo> AllRiskEventTypes();

// The entry with exactly this name, or null.
const RiskEventTypeInfo* FindRiskEventType(std::string_view name);

// The name of a legacy enum member (0 unlikelyTravel … 14 unknownFutureValue), or nullopt.
std::optional<std::string_view> LegacyRiskEventTypeName(std::int64_t value);

// Whether `name` is a member of the legacy enum (it then appears in signIn.riskEventTypes).
bool IsLegacyRiskEventType(std::string_view name);

struct NormalizedRiskEventType {
  std::string name;                         // canonical spelling when recognised
  const RiskEventTypeInfo* info = nullptr;  // null: well-formed but not in the catalog
};

// Turns input text into a type name: the catalog spelling when it matches exactly or ignoring
// case, a legacy enum number given as text ("6" → leakedCredentials), or an unknown well-formed
// name (letters, digits, '_', '-', '.', at most 128 characters) kept as given. Anything else is an
// error saying why.
Result<NormalizedRiskEventType> NormalizeRiskEventType(std::string_view text);

}  // namespace idguard
