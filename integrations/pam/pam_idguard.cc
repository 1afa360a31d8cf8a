// pam_idguard: asks idguard about each login and does what the answer says
// (docs/integrations/pam.md).
//
//   auth     after the first factor: POST /v1/evaluate; allow -> PAM_SUCCESS, block ->
//   PAM_AUTH_ERR,
//            mfa (and passwordChange, which needs MFA first) -> PAM_IGNORE with mfa=next (the
//            next module, a second factor, decides) or PAM_AUTH_ERR with mfa=deny. idguard
//            unreachable or erring -> PAM_IGNORE when failing open, PAM_AUTH_ERR when failing
//            closed: closed when idguard's last answer for this user and service said so
//            (fail_cache=DIR), else as fail=open|closed says.
//   account  the auth stack passed: report the outcome (mfaPassed after a second factor,
//            completed otherwise); passwordChange -> PAM_NEW_AUTHTOK_REQD. When the auth stack
//            never ran (sshd with a public key), evaluate here: allow -> PAM_SUCCESS; block, and
//            an MFA demand that cannot be met here -> PAM_PERM_DENIED.
//   password after the modules before it changed the password: report passwordChanged.
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <sys/stat.h>
#include <syslog.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <string>

#include "fail_mode_cache.h"
#include "idguard_client.h"

namespace {

using idguard::pam::Decision;
using idguard::pam::ModuleOptions;

constexpr const char* kSignInIdKey = "idguard_sign_in_id";
constexpr const char* kDecisionKey = "idguard_decision";

std::string Item(pam_handle_t* handle, int type) {
  const void* value = nullptr;
  if (pam_get_item(handle, type, &value) != PAM_SUCCESS || value == nullptr) return "";
  return static_cast<const char*>(value);
}

std::string NowIso() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void FreeString(pam_handle_t*, void* data, int) { delete static_cast<std::string*>(data); }

void Keep(pam_handle_t* handle, const char* key, const std::string& value) {
  pam_set_data(handle, key, new std::string(value), FreeString);
}

std::string Kept(pam_handle_t* handle, const char* key) {
  const void* data = nullptr;
  if (pam_get_data(handle, key, &data) != PAM_SUCCESS || data == nullptr) return "";
  return *static_cast<const std::string*>(data);
}

// The token, from a file only root (or the file's owner) may read.
bool ReadToken(pam_handle_t* handle, const ModuleOptions& options, std::string& token) {
  struct stat info {};
  if (stat(options.tokenFile.c_str(), &info) != 0) {
    pam_syslog(handle, LOG_ERR, "cannot read token_file %s", options.tokenFile.c_str());
    return false;
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    pam_syslog(handle, LOG_ERR, "token_file %s is readable by others; chmod 600 it",
               options.tokenFile.c_str());
    return false;
  }
  std::ifstream file(options.tokenFile);
  std::getline(file, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) {
    pam_syslog(handle, LOG_ERR, "token_file %s is empty", options.tokenFile.c_str());
    return false;
  }
  return true;
}

bool Options(pam_handle_t* handle, int argc, const char** argv, ModuleOptions& options) {
  if (auto error = idguard::pam::ParseModuleOptions(argc, argv, options)) {
    pam_syslog(handle, LOG_ERR, "bad arguments: %s", error->c_str());
    return false;
  }
  return true;
}

// EvaluateLogin's results when idguard gave no usable answer.
constexpr const char* kFailedOpen = "unavailable, failing open";
constexpr const char* kFailedClosed = "unavailable, failing closed";

// How this login fails while idguard cannot answer: closed when idguard's last answer for the
// user and service said so recently (a policy that disables resilience defaults covers them);
// otherwise as fail= says.
bool FailsOpen(pam_handle_t* handle, const ModuleOptions& options, const std::string& app_id,
               const char* user, std::string& why) {
  why = std::string("fail=") + (options.failOpen ? "open" : "closed");
  if (options.failCacheDir.empty()) return options.failOpen;
  const idguard::pam::FailModeCache cache(options.failCacheDir, options.failCacheMaxAge);
  std::string problem;
  const auto closed_since = cache.ClosedSince(app_id, user, problem);
  if (!problem.empty()) pam_syslog(handle, LOG_ERR, "%s", problem.c_str());
  if (!closed_since) return options.failOpen;
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(*closed_since).count();
  why = "a policy, as idguard answered " + std::to_string(hours) + " h ago";
  return false;
}

void RecordFailMode(pam_handle_t* handle, const ModuleOptions& options, const std::string& app_id,
                    const char* user, const std::string& fail_mode) {
  if (options.failCacheDir.empty()) return;
  const auto mode = idguard::pam::ParseFailMode(fail_mode);
  if (!mode) return;  // a server before fail modes: keep what was there
  const idguard::pam::FailModeCache cache(options.failCacheDir, options.failCacheMaxAge);
  if (auto problem = cache.Record(app_id, user, *mode)) {
    pam_syslog(handle, LOG_ERR, "%s", problem->c_str());
  }
}

void ReportOutcome(pam_handle_t* handle, const ModuleOptions& options, const char* outcome) {
  const std::string id = Kept(handle, kSignInIdKey);
  std::string token;
  if (id.empty() || !ReadToken(handle, options, token)) return;
  const std::string body = std::string(R"({"outcome":")") + outcome + R"(","authMethod":"pam"})";
  auto result = idguard::pam::PostJson(options, token, "/v1/signins/" + id + "/outcome", body);
  if (result.status != 200) {
    pam_syslog(handle, LOG_WARNING, "outcome %s of sign-in %s not recorded (%s%ld)", outcome,
               id.c_str(), result.error.c_str(), result.status);
  }
}

// Asks idguard about this login and keeps the answer for the later stages: "allow", "mfa",
// "passwordChange", "block", or kFailedOpen / kFailedClosed when no usable answer came. An empty
// result means the login cannot be judged at all (no user name).
std::string EvaluateLogin(pam_handle_t* handle, const ModuleOptions& options) {
  const char* user = nullptr;
  if (pam_get_user(handle, &user, nullptr) != PAM_SUCCESS || user == nullptr || *user == '\0') {
    return "";
  }
  const std::string service = Item(handle, PAM_SERVICE);
  const std::string app_id = idguard::pam::PamAppId(service);
  auto unavailable = [&](const std::string& why) {
    std::string mode_source;
    const bool open = FailsOpen(handle, options, app_id, user, mode_source);
    pam_syslog(handle, LOG_WARNING, "idguard did not answer for %s (%s); failing %s (%s)", user,
               why.c_str(), open ? "open" : "closed", mode_source.c_str());
    const char* result = open ? kFailedOpen : kFailedClosed;
    Keep(handle, kDecisionKey, result);
    return std::string(result);
  };
  std::string token;
  if (!ReadToken(handle, options, token)) return unavailable("no token");
  idguard::pam::LoginAttempt attempt;
  attempt.signInId = idguard::pam::NewSignInId();
  attempt.createdDateTime = NowIso();
  attempt.user = user;
  attempt.userPrincipalName = attempt.user + options.upnSuffix;
  attempt.service = service;
  attempt.app = options.app;
  attempt.remoteHost = Item(handle, PAM_RHOST);
  attempt.tty = Item(handle, PAM_TTY);
  const auto result = idguard::pam::PostJson(options, token, "/v1/evaluate",
                                             idguard::pam::EvaluateRequestJson(attempt));
  if (result.status == 0) return unavailable(result.error);
  if (result.status != 200) return unavailable("HTTP " + std::to_string(result.status));
  const auto answer = idguard::pam::ParseEvaluateAnswer(result.body);
  if (!answer) return unavailable("an answer without a decision");
  std::string decision = answer->decisionName;
  RecordFailMode(handle, options, app_id, user, answer->failMode);
  Keep(handle, kSignInIdKey, attempt.signInId);
  Keep(handle, kDecisionKey, decision);
  pam_syslog(handle, answer->decision == Decision::allow ? LOG_INFO : LOG_NOTICE,
             "sign-in %s of %s from %s: %s (risk %s)%s%s", attempt.signInId.c_str(), user,
             attempt.remoteHost.empty() ? "local" : attempt.remoteHost.c_str(), decision.c_str(),
             answer->riskLevel.c_str(), answer->reason.empty() ? "" : ": ", answer->reason.c_str());
  return decision;
}

}  // namespace

extern "C" {

PAM_EXTERN int pam_sm_authenticate(pam_handle_t* handle, int /*flags*/, int argc,
                                   const char** argv) {
  ModuleOptions options;
  if (!Options(handle, argc, argv, options)) return PAM_SERVICE_ERR;
  const std::string decision = EvaluateLogin(handle, options);
  if (decision.empty()) return PAM_USER_UNKNOWN;
  if (decision == kFailedOpen) return PAM_IGNORE;
  if (decision == kFailedClosed) return PAM_AUTH_ERR;
  if (decision == "allow") return PAM_SUCCESS;
  if (decision == "mfa" || decision == "passwordChange") {
    if (options.mfaNext) return PAM_IGNORE;  // the next module, a second factor, decides
    ReportOutcome(handle, options, "abandoned");
  }
  return PAM_AUTH_ERR;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t*, int, int, const char**) { return PAM_SUCCESS; }

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t* handle, int /*flags*/, int argc, const char** argv) {
  ModuleOptions options;
  if (!Options(handle, argc, argv, options)) return PAM_SERVICE_ERR;
  std::string decision = Kept(handle, kDecisionKey);
  if (decision == kFailedOpen) return PAM_IGNORE;  // the auth stage already failed open
  if (decision == kFailedClosed) return PAM_PERM_DENIED;
  if (decision.empty()) {
    // The auth stack did not run (sshd with a public key): judge the login here. A second
    // factor cannot be asked for in the account stage, so an MFA demand is refused.
    decision = EvaluateLogin(handle, options);
    if (decision.empty()) return PAM_USER_UNKNOWN;
    if (decision == kFailedOpen) return PAM_IGNORE;
    if (decision == kFailedClosed) return PAM_PERM_DENIED;
    if (decision != "allow") {
      if (decision != "block") ReportOutcome(handle, options, "abandoned");
      return PAM_PERM_DENIED;
    }
    ReportOutcome(handle, options, "completed");
    return PAM_SUCCESS;
  }
  // The auth stack passed. After an MFA demand, that means the second factor did.
  if (decision == "mfa" || decision == "passwordChange") {
    ReportOutcome(handle, options, "mfaPassed");
  } else if (decision == "allow") {
    ReportOutcome(handle, options, "completed");
  }
  return decision == "passwordChange" ? PAM_NEW_AUTHTOK_REQD : PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t* handle, int flags, int argc, const char** argv) {
  if ((flags & PAM_UPDATE_AUTHTOK) == 0) return PAM_SUCCESS;  // the preliminary check
  ModuleOptions options;
  if (!Options(handle, argc, argv, options)) return PAM_SERVICE_ERR;
  // Stacked after the module that changes the password: reached only when it succeeded.
  if (Kept(handle, kDecisionKey) == "passwordChange") {
    ReportOutcome(handle, options, "passwordChanged");
  }
  return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t*, int, int, const char**) { return PAM_IGNORE; }
PAM_EXTERN int pam_sm_close_session(pam_handle_t*, int, int, const char**) { return PAM_IGNORE; }

}  // extern "C"
