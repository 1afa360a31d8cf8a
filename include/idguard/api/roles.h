// Roles of API tokens and what each may do, after the Entra roles that govern ID Protection.
//
// A route declares the one permission it needs; a role is a set of permissions:
//   global-reader, security-reader  read every report
//   security-operator               read + confirm compromised / confirm safe / dismiss
//   security-administrator          everything except resetting passwords (and policies)
//   user-administrator              reset passwords, block and unblock, revoke sessions
//   identity-provider               only the evaluate API (the sign-in-time calls)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace idguard::api {

enum class Role : std::uint8_t {
  globalReader,
  securityReader,
  securityOperator,
  securityAdministrator,
  userAdministrator,
  identityProvider,
};

enum class Permission : std::uint8_t {
  none,            // open to anyone, no token needed (health checks, the OpenAPI document)
  readReports,     // risky users, sign-ins, detections, history, profiles, audit log, downloads
  riskActions,     // confirm compromised, confirm safe, dismiss
  ingest,          // POST /v1/signins
  resetPassword,   // reset a user's password
  manageUsers,     // block and unblock sign-in, revoke sessions
  evaluate,        // the identity provider's sign-in-time calls
  readMetrics,     // Prometheus /metrics
  readAccounts,    // an account's directory state (enabled, password reset, sessions revoked)
  managePolicies,  // create, change and delete conditional access policies
  manageNotifications,  // notification settings (alert and digest recipients, webhooks)
  usePortal,            // the admin portal's own session (every role but identity-provider)
};

std::string_view RoleName(Role role);  // the command-line spelling, e.g. "security-reader"
std::optional<Role> ParseRole(std::string_view name);
std::span<const Role> AllRoles();
std::string_view PermissionName(Permission permission);
bool RoleAllows(Role role, Permission permission);

}  // namespace idguard::api
