// What pam_idguard says to idguard: the evaluate request for a login, the outcome afterwards,
// and reading the answer. Kept apart from the PAM entry points so it can be tested and fuzzed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace idguard::pam {

struct ModuleOptions {
  std::string url;        // idguard's base URL, e.g. http://127.0.0.1:8080
  std::string tokenFile;  // the identity-provider token; must not be readable by others
  std::string caFile;     // PEM bundle to verify an https URL; empty: the system's
  std::chrono::milliseconds timeout{2000};
  bool failOpen = false;  // idguard unreachable or erring: ignore it (true) or deny (false)
  // Where the logins idguard answered with fail mode "closed" are remembered per application and
  // user; a fresh one fails closed whatever failOpen says (fail_mode_cache.h). Empty: none kept.
  std::string failCacheDir;
  std::chrono::seconds failCacheMaxAge{std::chrono::hours(24 * 7)};
  bool mfaNext = false;   // decision mfa: let the next module (a second factor) decide
  std::string app;        // appDisplayName; empty: the PAM service name
  std::string upnSuffix;  // userPrincipalName = user + suffix (e.g. "@example.com")
  bool debug = false;
};

// Parses the module arguments (key=value words); the error names the bad word.
std::optional<std::string> ParseModuleOptions(int argc, const char** argv, ModuleOptions& out);

struct LoginAttempt {
  std::string signInId;
  std::string createdDateTime;  // ISO 8601 UTC
  std::string user;
  std::string userPrincipalName;
  std::string service;  // PAM service
  std::string app;
  std::string remoteHost;  // PAM_RHOST: an address, a host name, or empty for a local login
  std::string tty;
};

// The appId a login through PAM service `service` is evaluated under: "pam-" + service.
std::string PamAppId(std::string_view service);

// The Graph signIn-shaped body of POST /v1/evaluate for this login.
std::string EvaluateRequestJson(const LoginAttempt& attempt);

enum class Decision { allow, mfa, passwordChange, block };

struct EvaluateAnswer {
  Decision decision = Decision::block;
  std::string decisionName;  // as idguard spells it: "allow", "mfa", "passwordChange", "block"
  std::string reason;
  std::string riskLevel;
  std::string failMode;  // "open" or "closed"; empty when the answer has none
};

// Reads POST /v1/evaluate's answer; nullopt when it is not one.
std::optional<EvaluateAnswer> ParseEvaluateAnswer(std::string_view json);

// A random sign-in id (a version 4 UUID).
std::string NewSignInId();

struct HttpResult {
  long status = 0;  // 0: no answer (connection refused, timeout, TLS error)
  std::string body;
  std::string error;
};
HttpResult PostJson(const ModuleOptions& options, const std::string& token, const std::string& path,
                    const std::string& body);

}  // namespace idguard::pam
