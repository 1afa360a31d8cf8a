// Serializers for the Graph shapes idguard writes: signIn, riskDetection, riskyUser,
// riskyUserHistoryItem and their workload-identity counterparts. Property names and enum strings
// are exactly Graph's; idguard's own additions are additive objects (`idguardNetwork`,
// `idguardClient`) on signIn only.
//
// Each function appends one compact JSON document (no trailing newline) to `out`. Output is
// deterministic: members in a fixed order, numbers via std::to_chars. Thread-safe (stateless).
#pragma once

#include <string>

#include "idguard/core/risk_records.h"
#include "idguard/core/sign_in.h"

namespace idguard {

class JsonWriter;

void AppendSignInJson(std::string& out, const SignIn& sign_in);
// A detection whose activity is servicePrincipal is written in the servicePrincipalRiskDetection
// shape (servicePrincipalId, servicePrincipalDisplayName, appId, keyIds) instead.
void AppendRiskDetectionJson(std::string& out, const RiskDetection& detection);
void AppendServicePrincipalRiskDetectionJson(std::string& out, const RiskDetection& detection);
// Service principals are scored with the users' records: id is the service principal id,
// userDisplayName its display name and userPrincipalName its application id.
void AppendRiskyServicePrincipalJson(std::string& out, const RiskyUser& servicePrincipal);
void AppendRiskyServicePrincipalHistoryItemJson(std::string& out, const RiskyUserHistoryItem& item);
void AppendRiskyUserJson(std::string& out, const RiskyUser& user);
void AppendRiskyUserHistoryItemJson(std::string& out, const RiskyUserHistoryItem& item);

// The member "appliedConditionalAccessPolicies" (Graph appliedConditionalAccessPolicy objects),
// written into the object `json` is writing: the signIn's and the evaluate answer's.
void AppendAppliedPoliciesMember(JsonWriter& json,
                                 const std::vector<AppliedConditionalAccessPolicy>& policies);

// additionalInfo is a String holding a JSON array of {"Key": ..., "Value": ...} objects.
std::string AdditionalInfoJson(const std::vector<InfoItem>& items);

}  // namespace idguard
