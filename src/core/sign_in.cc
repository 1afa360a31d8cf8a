#include "idguard/core/sign_in.h"

namespace idguard {

std::string_view ToString(SignInKind kind) {
  switch (kind) {
    case SignInKind::interactiveUser:
      return "interactiveUser";
    case SignInKind::nonInteractiveUser:
      return "nonInteractiveUser";
    case SignInKind::servicePrincipal:
      return "servicePrincipal";
    case SignInKind::managedIdentity:
      return "managedIdentity";
  }
  return "interactiveUser";
}

bool CredentialsWereValid(std::int32_t error_code) {
  switch (error_code) {
    case 0:       // success
    case 50072:   // must enrol for MFA
    case 50074:   // strong authentication required
    case 50076:   // MFA required by policy or location
    case 50079:   // must register for MFA
    case 50140:   // "keep me signed in" interrupt
    case 50158:   // external security challenge not satisfied
    case 53003:   // blocked by Conditional Access after primary authentication
    case 53004:   // proof-up blocked due to risk
    case 500121:  // MFA failed after a correct password
    case 50057:   // account disabled; password was checked
    case 50055:   // password expired; password was correct
      return true;
    default:
      return false;
  }
}

bool IsPasswordFailure(std::int32_t error_code) {
  return error_code == 50126 || error_code == 50053 || error_code == 50056;
}

bool IsMfaDenial(std::int32_t error_code) { return error_code == 500121; }

}  // namespace idguard
