// The admin portal's server side: sign-in to a session (a local account's password or an API
// token), the session itself, the overview report, and the portal's files at `/`.
//
// A session is an API token that expires, sent as the HttpOnly, SameSite=Strict cookie
// `idguard_session`; the store keeps only its SHA-256, like every token. Requests authenticated by
// the cookie that change anything must carry `X-Requested-With: idguard-portal`, which a form on
// another site cannot send.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "api/reader_pool.h"
#include "api/router.h"
#include "idguard/pipeline/live_engine.h"

namespace idguard::api {

inline constexpr std::string_view kSessionCookie = "idguard_session";
inline constexpr std::string_view kPortalRequestHeader = "idguard-portal";

struct PortalOptions {
  std::chrono::seconds sessionLifetime{8 * 3600};  // Default: 8 hours, then sign in again
  bool secureCookie = false;                       // set with TLS: the cookie goes only over https
};

// What the session routes need from the server's authentication.
struct PortalAuthHooks {
  // False while an address has failed too often (sign-in then answers 429).
  std::function<bool(const std::string& address)> allowAttempt;
  std::function<void(const std::string& address)> countFailure;
  // Drops a token from the server's cache, so a signed-out session stops at once.
  std::function<void(const std::string& token_sha256)> forgetToken;
};

// The value of the session cookie in `request`, or empty.
std::string_view SessionCookie(const HttpRequest& request);

// The body of POST /v1/portal/session: a user name and password, or a token (exactly one of the
// two). Errors say what is wrong.
struct PortalSignInRequest {
  std::string userName;
  std::string password;
  std::string token;
};
Result<PortalSignInRequest> ReadPortalSignIn(std::string_view body);

void AddPortalRoutes(Router& router, LiveEngine& engine, ReaderPool& readers,
                     const PortalOptions& options, const PortalAuthHooks& hooks);

}  // namespace idguard::api
