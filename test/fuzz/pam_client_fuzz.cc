// Fuzzes pam_idguard's client code: reading an evaluate answer must never crash, and a request
// built from any user name and remote host (both chosen by whoever is logging in) must be valid
// JSON that carries the user name unchanged, and the user's fail-mode entry must stay inside its
// directory.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fail_mode_cache.h"
#include "idguard_client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)idguard::pam::ParseEvaluateAnswer(text);

  const auto split = text.find('\n');
  idguard::pam::LoginAttempt attempt;
  attempt.signInId = "00000000-0000-4000-8000-000000000000";
  attempt.createdDateTime = "2026-11-30T00:00:00Z";
  attempt.user = std::string(text.substr(0, split));
  attempt.remoteHost = split == std::string_view::npos ? "" : std::string(text.substr(split + 1));
  attempt.userPrincipalName = attempt.user;
  attempt.service = "sshd";
  const std::string json = idguard::pam::EvaluateRequestJson(attempt);
  const std::string entry = idguard::pam::FailModeEntryName("pam-sshd", attempt.user);
  if (entry.size() > 255 || entry.find_first_of(std::string_view("/\0", 2)) != std::string::npos ||
      entry == "." || entry == "..") {
    __builtin_trap();
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const bool utf8 = simdjson::validate_utf8(attempt.user.data(), attempt.user.size()) &&
                    simdjson::validate_utf8(attempt.remoteHost.data(), attempt.remoteHost.size());
  if (!utf8) return 0;  // the server refuses such a body with a 400; nothing to check here
  if (parser.parse(json).get(root) != simdjson::SUCCESS) __builtin_trap();
  std::string_view user;
  if (root["userId"].get(user) != simdjson::SUCCESS || user != attempt.user) __builtin_trap();
  return 0;
}
