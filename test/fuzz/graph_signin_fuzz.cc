// Fuzzes the JSON input path: container splitting, then the Graph and diagnostic record parsers
// on every record found. Any input must give records or errors, never a crash. Every record is
// also parsed into a sign-in that already has every member set, as a reused one may: it must come
// out exactly as a fresh parse.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "idguard/export/graph_json.h"
#include "idguard/ingest/graph_signin_parser.h"
#include "idguard/ingest/json_records.h"

namespace {

// A sign-in with every member away from its default.
idguard::SignIn EveryMemberSet() {
  idguard::SignIn s;
  for (std::string* text : {&s.id,
                            &s.userId,
                            &s.userDisplayName,
                            &s.userPrincipalName,
                            &s.appId,
                            &s.appDisplayName,
                            &s.ipAddress,
                            &s.clientAppUsed,
                            &s.correlationId,
                            &s.conditionalAccessStatus,
                            &s.resourceDisplayName,
                            &s.resourceId,
                            &s.resourceTenantId,
                            &s.homeTenantId,
                            &s.servicePrincipalId,
                            &s.servicePrincipalName,
                            &s.userAgent,
                            &s.sessionId,
                            &s.uniqueTokenIdentifier,
                            &s.authenticationRequirement,
                            &s.tokenIssuerType,
                            &s.deviceDetail.deviceId,
                            &s.deviceDetail.displayName,
                            &s.deviceDetail.operatingSystem,
                            &s.deviceDetail.browser,
                            &s.deviceDetail.trustType,
                            &s.location.city,
                            &s.location.state,
                            &s.location.countryOrRegion,
                            &s.status.failureReason,
                            &s.status.additionalDetails,
                            &s.mfaDetail.authMethod,
                            &s.mfaDetail.authDetail}) {
    *text = "left over from an earlier record";
  }
  s.createdDateTime = 1;
  s.isInteractive = false;
  s.deviceDetail.isCompliant = true;
  s.deviceDetail.isManaged = true;
  s.location.geoCoordinates = {1.0, 2.0, 3.0};
  s.status.errorCode = 1;
  s.appliedConditionalAccessPolicies.resize(1);
  s.kind = idguard::SignInKind::managedIdentity;
  s.riskLevelDuringSignIn = idguard::RiskLevel::high;
  s.riskEventTypes_v2 = {"unfamiliarFeatures"};
  s.network.namedLocationName = "left over";
  s.client.browserFamily = "left over";
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto graph = idguard::MakeGraphSignInParser();
  static auto diagnostic = idguard::MakeDiagnosticRecordParser();
  static const idguard::SignIn kEveryMemberSet = EveryMemberSet();
  static idguard::SignIn reused;
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  bool is_csv = false;
  (void)idguard::DetectInputFormat(document, is_csv);
  std::vector<idguard::RecordSpan> records;
  (void)idguard::SplitJsonRecords(document, records);
  for (const auto& span : records) {
    if (span.offset + span.length > document.size()) __builtin_trap();
    const auto record = document.substr(span.offset, span.length);
    auto parsed = graph->Parse(record);
    reused = kEveryMemberSet;
    const bool reused_ok = graph->ParseInto(record, reused).ok();
    if (reused_ok != parsed.ok()) __builtin_trap();
    if (parsed.ok()) {
      if (!(reused == parsed.value())) __builtin_trap();
      std::string json;
      idguard::AppendSignInJson(json, parsed.value());
    }
    (void)diagnostic->Parse(record);
  }
  // The whole input as one record too, so parsers see inputs the splitter would reject.
  (void)graph->Parse(document);
  (void)diagnostic->Parse(document);
  return 0;
}
