// Evolvable enums: Graph returns the members added after `unknownFutureValue` (riskDetail 12-18
// such as adminConfirmedAccountSafe, activityType servicePrincipal) only to callers that send
// `Prefer: include-unknown-enum-members`; everyone else reads `unknownFutureValue`, so clients
// generated from an older schema keep working.
#pragma once

#include <string>

#include "idguard/api/http_message.h"

namespace idguard::api {

// True when the request's Prefer header asks for the newer members.
bool WantsEvolvableMembers(const HttpRequest& request);

// Rewrites the newer members of a Graph document idguard wrote to unknownFutureValue.
void MaskEvolvableMembers(std::string& json);

}  // namespace idguard::api
