// EvaluateRequest: what an identity provider sends to POST /v1/evaluate after the first factor
// succeeded — a Graph signIn-shaped JSON object (userId, userPrincipalName, appId, ipAddress,
// userAgent, deviceDetail, clientAppUsed, isInteractive, sessionId, ...) plus a few members of
// its own:
//   "sessionHasMfa": true       the session already carries an MFA claim
//   "isMfaRegistered": false    for users the directory snapshot does not know
//   "passwordSha1": "<40 hex>"  SHA-1 of the submitted password, for the breached-password
//                               check; used for this call only, never stored or logged
// `id` and `createdDateTime` are optional: idguard assigns a GUID and the time of the call.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"

namespace idguard {

struct EvaluateRequest {
  SignIn signIn;
  bool sessionHasMfa = false;
  std::optional<bool> isMfaRegistered;
  std::string passwordSha1;  // lower-case hex or empty
};

// Errors name the member and say why (InvalidInput). `new_id` is used when the body has no id.
Result<EvaluateRequest> ParseEvaluateRequest(std::string_view body, EventTime now,
                                             std::string_view new_id);

}  // namespace idguard
