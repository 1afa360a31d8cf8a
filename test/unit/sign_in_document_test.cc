#include "idguard/store/sign_in_document.h"

#include <gtest/gtest.h>

#include "idguard/export/graph_json.h"

namespace idguard {
namespace {

// A sign-in with every field set to a value that differs from its default.
SignIn EveryFieldSet() {
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

TEST(SignInDocumentTest, EveryFieldRoundTrips) {
  const SignIn original = EveryFieldSet();
  std::string document;
  EncodeSignInDocument(original, document);
  auto decoded = DecodeSignInDocument(document);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_TRUE(decoded.value() == original);
  std::string original_json, decoded_json;
  AppendSignInJson(original_json, original);
  AppendSignInJson(decoded_json, decoded.value());
  EXPECT_EQ(decoded_json, original_json);
}

TEST(SignInDocumentTest, DefaultsAndNullsRoundTrip) {
  SignIn original;
  original.id = "only-an-id";
  std::string document;
  EncodeSignInDocument(original, document);
  auto decoded = DecodeSignInDocument(document);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_TRUE(decoded.value() == original);
  EXPECT_FALSE(decoded->deviceDetail.isCompliant.has_value());
  EXPECT_FALSE(decoded->location.geoCoordinates.latitude.has_value());
}

TEST(SignInDocumentTest, IsMuchSmallerThanTheGraphJson) {
  const SignIn s = EveryFieldSet();
  std::string document, json;
  EncodeSignInDocument(s, document);
  AppendSignInJson(json, s);
  EXPECT_LT(document.size() * 2, json.size()) << document.size() << " vs " << json.size();
}

TEST(SignInDocumentTest, EveryTruncationIsAnErrorNotACrash) {
  std::string document;
  EncodeSignInDocument(EveryFieldSet(), document);
  for (std::size_t length = 0; length < document.size(); ++length) {
    auto decoded = DecodeSignInDocument(std::string_view(document).substr(0, length));
    EXPECT_FALSE(decoded.ok()) << "prefix of " << length << " bytes decoded";
  }
}

TEST(SignInDocumentTest, UnknownFormatAndTrailingBytesAreRefused) {
  std::string document;
  EncodeSignInDocument(EveryFieldSet(), document);
  std::string future = document;
  future[0] = 9;
  auto decoded = DecodeSignInDocument(future);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("unknown format 9"), std::string::npos)
      << decoded.status().message();
  decoded = DecodeSignInDocument(document + "x");
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("trailing bytes"), std::string::npos);
}

TEST(SignInDocumentTest, CorruptEnumIsRefusedWithTheSignInId) {
  SignIn s;
  s.id = "sign-in-7";
  s.riskState = RiskState::atRisk;
  std::string document;
  EncodeSignInDocument(s, document);
  const auto at = document.find("atRisk");
  ASSERT_NE(at, std::string::npos);
  document.replace(at, 6, "atRizk");
  auto decoded = DecodeSignInDocument(document);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("'sign-in-7': corrupt value"), std::string::npos)
      << decoded.status().message();
}

}  // namespace
}  // namespace idguard
