#include "idguard/api/roles.h"

#include <array>

namespace idguard::api {
namespace {

struct RoleEntry {
  Role role;
  std::string_view name;
};

constexpr std::array<RoleEntry, 6> kRoles = {{
    {Role::globalReader, "global-reader"},
    {Role::securityReader, "security-reader"},
    {Role::securityOperator, "security-operator"},
    {Role::securityAdministrator, "security-administrator"},
    {Role::userAdministrator, "user-administrator"},
    {Role::identityProvider, "identity-provider"},
}};

constexpr std::array<Role, 6> kAllRoles = {
    Role::globalReader,          Role::securityReader,    Role::securityOperator,
    Role::securityAdministrator, Role::userAdministrator, Role::identityProvider,
};

}  // namespace

std::string_view RoleName(Role role) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.role == role) return entry.name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.name == name) return entry.role;
  }
  return std::nullopt;
}

std::span<const Role> AllRoles() { return kAllRoles; }

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::none:
      return "none";
    case Permission::readReports:
      return "readReports";
    case Permission::riskActions:
      return "riskActions";
    case Permission::ingest:
      return "ingest";
    case Permission::resetPassword:
      return "resetPassword";
    case Permission::manageUsers:
      return "manageUsers";
    case Permission::evaluate:
      return "evaluate";
    case Permission::readMetrics:
      return "readMetrics";
    case Permission::managePolicies:
      return "managePolicies";
    case Permission::readAccounts:
      return "readAccounts";
    case Permission::manageNotifications:
      return "manageNotifications";
    case Permission::usePortal:
      return "usePortal";
  }
  return "unknown";
}

bool RoleAllows(Role role, Permission permission) {
  if (permission == Permission::none) return true;
  if (permission == Permission::usePortal) return role != Role::identityProvider;
  switch (role) {
    case Role::globalReader:
    case Role::securityReader:
      return permission == Permission::readReports || permission == Permission::readMetrics ||
             permission == Permission::readAccounts;
    case Role::securityOperator:
      return permission == Permission::readReports || permission == Permission::readMetrics ||
             permission == Permission::readAccounts || permission == Permission::riskActions;
    case Role::securityAdministrator:
      return permission != Permission::resetPassword && permission != Permission::evaluate;
    case Role::userAdministrator:
      return permission == Permission::resetPassword || permission == Permission::manageUsers ||
             permission == Permission::readAccounts;
    case Role::identityProvider:
      return permission == Permission::evaluate;
  }
  return false;
}

}  // namespace idguard::api
