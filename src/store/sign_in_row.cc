#include "idguard/store/risk_store.h"
#include "idguard/store/sign_in_document.h"

namespace idguard {
namespace {

// Moves the stored columns out of a sign-in whose document is already encoded.
SignInRow TakeColumns(SignIn&& sign_in) {
  SignInRow row;
  row.id = std::move(sign_in.id);
  row.createdDateTime = sign_in.createdDateTime;
  row.userId = std::move(sign_in.userId);
  row.userPrincipalName = std::move(sign_in.userPrincipalName);
  row.appId = std::move(sign_in.appId);
  row.appDisplayName = std::move(sign_in.appDisplayName);
  row.ipAddress = std::move(sign_in.ipAddress);
  row.countryOrRegion = std::move(sign_in.location.countryOrRegion);
  row.riskLevelDuringSignIn = sign_in.riskLevelDuringSignIn;
  row.riskLevelAggregated = sign_in.riskLevelAggregated;
  row.riskState = sign_in.riskState;
  row.riskDetail = sign_in.riskDetail;
  row.isInteractive = sign_in.isInteractive;
  row.errorCode = sign_in.status.errorCode;
  row.clientAppUsed = std::move(sign_in.clientAppUsed);
  row.resourceId = std::move(sign_in.resourceId);
  row.deviceIsCompliant = sign_in.deviceDetail.isCompliant;
  row.deviceTrustType = std::move(sign_in.deviceDetail.trustType);
  row.riskEventTypes_v2 = std::move(sign_in.riskEventTypes_v2);
  return row;
}

}  // namespace

StoredSignIn StoredSignIn::From(SignIn&& sign_in) {
  StoredSignIn stored;
  stored.document.reserve(768);
  EncodeSignInDocument(sign_in, stored.document);
  stored.signIn = TakeColumns(std::move(sign_in));
  return stored;
}

}  // namespace idguard
