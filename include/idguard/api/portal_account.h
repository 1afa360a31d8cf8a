// Local accounts of the admin portal: a user name, a role (roles.h), a scrypt password hash
// (password_hash.h) and an optional email address. They are kept as configuration documents of
// kind "portalAccount", keyed by the lower-case user name, and managed with `idguard admin`.
#pragma once

#include <string>
#include <string_view>

#include "idguard/core/status.h"
#include "idguard/core/time.h"

namespace idguard::api {

inline constexpr std::string_view kPortalAccountKind = "portalAccount";

struct PortalAccount {
  std::string userName;
  std::string role;  // e.g. "security-operator"
  std::string passwordHash;
  std::string email;
  EventTime createdDateTime = 0;
};

// The document id of an account: its user name in lower case (sign-in ignores case).
std::string PortalAccountId(std::string_view user_name);
// User names are 1–64 characters of letters, digits and . _ @ -.
Status ValidatePortalUserName(std::string_view user_name);
// Passwords are 12–256 characters.
Status ValidatePortalPassword(std::string_view password);

std::string PortalAccountJson(const PortalAccount& account);
Result<PortalAccount> ParsePortalAccount(std::string_view json);

}  // namespace idguard::api
