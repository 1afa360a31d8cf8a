#include "idguard_client.h"

#include <curl/curl.h>
#include <simdjson.h>
#include <sys/random.h>

#include <charconv>
#include <cstdio>
#include <memory>

namespace idguard::pam {
namespace {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

void Member(std::string& out, std::string_view name, std::string_view value) {
  if (out.size() > 1) out += ',';
  AppendJsonString(out, name);
  out += ':';
  AppendJsonString(out, value);
}

// An IPv4 or IPv6 literal: the evaluate API takes addresses, not host names.
bool IsAddress(std::string_view host) {
  if (host.empty() || host.size() > 45) return false;
  bool colon = false;
  for (const char c : host) {
    if (c == ':') colon = true;
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != '.' && c != ':') return false;
  }
  return colon || host.find_first_not_of("0123456789.") == std::string_view::npos;
}

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  if (body->size() + n > 1 << 20) return 0;  // an answer is small; stop a runaway server
  body->append(data, n);
  return n;
}

// The whole of `text` as a number from `low` to `high`; nullopt otherwise.
std::optional<long long> WholeNumberIn(std::string_view text, long long low, long long high) {
  long long number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || number < low || number > high) {
    return std::nullopt;
  }
  return number;
}

}  // namespace

std::optional<std::string> ParseModuleOptions(int argc, const char** argv, ModuleOptions& out) {
  for (int i = 0; i < argc; ++i) {
    const std::string_view word = argv[i];
    const auto equals = word.find('=');
    const std::string_view key = word.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : word.substr(equals + 1);
    if (key == "debug" && equals == std::string_view::npos) {
      out.debug = true;
    } else if (key == "url") {
      out.url = std::string(value);
      while (!out.url.empty() && out.url.back() == '/') out.url.pop_back();
    } else if (key == "token_file") {
      out.tokenFile = std::string(value);
    } else if (key == "cafile") {
      out.caFile = std::string(value);
    } else if (key == "app") {
      out.app = std::string(value);
    } else if (key == "upn_suffix") {
      out.upnSuffix = std::string(value);
    } else if (key == "timeout_ms") {
      const auto ms = WholeNumberIn(value, 1, 60000);
      if (!ms) return "timeout_ms must be 1-60000, not '" + std::string(value) + "'";
      out.timeout = std::chrono::milliseconds(*ms);
    } else if (key == "fail") {
      if (value != "open" && value != "closed") return "fail must be open or closed";
      out.failOpen = value == "open";
    } else if (key == "fail_cache") {
      if (!value.starts_with('/')) return "fail_cache must be an absolute directory path";
      out.failCacheDir = std::string(value);
      while (out.failCacheDir.size() > 1 && out.failCacheDir.back() == '/') {
        out.failCacheDir.pop_back();
      }
    } else if (key == "fail_cache_hours") {
      const auto hours = WholeNumberIn(value, 1, 8760);
      if (!hours) return "fail_cache_hours must be 1-8760, not '" + std::string(value) + "'";
      out.failCacheMaxAge = std::chrono::hours(*hours);
    } else if (key == "mfa") {
      if (value != "next" && value != "deny") return "mfa must be next or deny";
      out.mfaNext = value == "next";
    } else {
      return "unknown argument '" + std::string(word) + "'";
    }
  }
  if (!out.url.starts_with("http://") && !out.url.starts_with("https://")) {
    return "url=http(s)://HOST:PORT is required";
  }
  if (out.tokenFile.empty()) return "token_file=PATH is required";
  return std::nullopt;
}

std::string PamAppId(std::string_view service) { return "pam-" + std::string(service); }

std::string EvaluateRequestJson(const LoginAttempt& attempt) {
  std::string out = "{";
  Member(out, "id", attempt.signInId);
  Member(out, "createdDateTime", attempt.createdDateTime);
  Member(out, "userId", attempt.user);
  Member(out, "userPrincipalName", attempt.userPrincipalName);
  Member(out, "appId", PamAppId(attempt.service));
  Member(out, "appDisplayName", attempt.app.empty() ? attempt.service : attempt.app);
  if (IsAddress(attempt.remoteHost)) Member(out, "ipAddress", attempt.remoteHost);
  Member(out, "clientAppUsed", "Mobile Apps and Desktop clients");
  Member(out, "userAgent", "pam_idguard/1 (" + attempt.service + ")");
  out += R"(,"isInteractive":true})";
  return out;
}

std::optional<EvaluateAnswer> ParseEvaluateAnswer(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  std::string_view decision;
  if (root["decision"].get(decision) != simdjson::SUCCESS) return std::nullopt;
  EvaluateAnswer answer;
  if (decision == "allow") {
    answer.decision = Decision::allow;
  } else if (decision == "mfa") {
    answer.decision = Decision::mfa;
  } else if (decision == "passwordChange") {
    answer.decision = Decision::passwordChange;
  } else if (decision == "block") {
    answer.decision = Decision::block;
  } else {
    return std::nullopt;
  }
  answer.decisionName = std::string(decision);
  std::string_view text;
  if (root["reason"].get(text) == simdjson::SUCCESS) answer.reason = std::string(text);
  if (root["riskLevelDuringSignIn"].get(text) == simdjson::SUCCESS) {
    answer.riskLevel = std::string(text);
  }
  if (root["failMode"].get(text) == simdjson::SUCCESS && (text == "open" || text == "closed")) {
    answer.failMode = std::string(text);
  }
  return answer;
}

std::string NewSignInId() {
  unsigned char bytes[16] = {};
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // Uniqueness is all an id needs; fall back on the clock.
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    for (std::size_t i = 0; i < sizeof bytes; ++i) {
      bytes[i] = static_cast<unsigned char>(now >> ((i % 8) * 8));
    }
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

HttpResult PostJson(const ModuleOptions& options, const std::string& token, const std::string& path,
                    const std::string& body) {
  HttpResult result;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    result.error = "libcurl could not start";
    return result;
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  const std::string authorization = "Authorization: Bearer " + token;
  headers = curl_slist_append(headers, authorization.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  const std::string url = options.url + path;
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &result.body);
  // No signals: the module runs inside sshd or login, whose signal handlers are theirs.
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  if (!options.caFile.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options.caFile.c_str());
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    result.error = curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

}  // namespace idguard::pam
