// The routes of the real-time path: conditional access policies (Graph, /v1.0/identity/
// conditionalAccess/policies) and the identity provider's evaluate and outcome calls (/v1).
#pragma once

#include <functional>
#include <string>

#include "api/reader_pool.h"
#include "api/router.h"
#include "idguard/pipeline/live_engine.h"

namespace idguard::api {

using BaseUrlOf = std::function<std::string(const HttpRequest&)>;

void AddConditionalAccessRoutes(Router& router, LiveEngine& engine, const BaseUrlOf& base_url);
void AddEvaluateRoutes(Router& router, LiveEngine& engine);
void AddMfaRegistrationRoutes(Router& router, LiveEngine& engine);
// POST /v1/policies/impact: a stored or draft policy's effect on the stored sign-ins of a period.
void AddPolicyImpactRoute(Router& router, LiveEngine& engine, ReaderPool& readers);

}  // namespace idguard::api
