// EveryFieldSet: a sign-in with every member set to a value that differs from its default, for
// tests that must see each member survive (a document round trip) or go (ClearForReuse).
#pragma once

#include "idguard/core/sign_in.h"

namespace idguard::test {

inline SignIn EveryFieldSet() {
  SignIn s;
  s.id = "66ea54eb-6301-4ee5-be62-ff5a759b8100";
  s.createdDateTime = 1'790'000'000'123'456;
  s.userId = "user-1";
  s.userDisplayName = "Zoë Müller";
  s.userPrincipalName = "zoe@contoso.example";
  s.appId = "app-1";
  s.appDisplayName = "Outlook";
  s.ipAddress = "2001:db8::1";
  s.clientAppUsed = "Browser";
  s.correlationId = "corr-1";
  s.conditionalAccessStatus = "failure";
  s.isInteractive = false;
  s.deviceDetail = {"dev-1", "LAPTOP-1", "Windows 10",     "Edge 120.0",
                    false,   true,       "Azure AD joined"};
  s.location.city = "Lyon";
  s.location.state = "Auvergne-Rhône-Alpes";
  s.location.countryOrRegion = "FR";
  s.location.geoCoordinates = {45.75, 4.85, -12.5};
  s.status = {50126, "Invalid username or password", "detail"};
  s.resourceDisplayName = "Graph";
  s.resourceId = "res-1";
  s.resourceTenantId = "tenant-r";
  s.homeTenantId = "tenant-h";
  s.servicePrincipalId = "sp-1";
  s.servicePrincipalName = "backup job";
  s.appliedConditionalAccessPolicies = {
      {"pol-1", "Require MFA", {"mfa", "compliantDevice"}, {"signInFrequency"}, "success"},
      {"pol-2", "Block legacy", {}, {}, "notApplied"}};
  s.userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)";
  s.sessionId = "session-1";
  s.uniqueTokenIdentifier = "uti-1";
  s.authenticationRequirement = "multiFactorAuthentication";
  s.mfaDetail = {"PhoneAppNotification", "MFA completed in Azure AD"};
  s.tokenIssuerType = "AzureAD";
  s.kind = SignInKind::managedIdentity;
  s.riskLevelDuringSignIn = RiskLevel::medium;
  s.riskLevelAggregated = RiskLevel::high;
  s.riskState = RiskState::confirmedCompromised;
  s.riskDetail = RiskDetail::adminConfirmedSigninCompromised;
  s.riskEventTypes_v2 = {"unfamiliarFeatures", "unlikelyTravel"};
  s.network = {true, true, 25, 16509, "AMAZON-02", true, "loc-1", "VPN egress", true};
  s.client = {"Edge", "120.0", "Windows", "10", "Other"};
  return s;
}

}  // namespace idguard::test
