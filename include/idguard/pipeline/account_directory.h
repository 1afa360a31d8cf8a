// AccountDirectory: where accounts live, and what idguard asks of it when an admin acts on an
// account — reset the password, block or unblock sign-in, revoke sessions.
//
// The built-in local directory (the default) knows the accounts of the directory snapshot
// (users.ndjson) and every account idguard has seen signing in; it keeps what admins changed in
// the store, written in the same transaction as the action's risk changes and audit record. A
// directory that lives elsewhere (an identity provider's admin API) implements the same interface
// and carries each action out there instead of adding rows to the batch.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "idguard/core/status.h"
#include "idguard/core/time.h"
#include "idguard/enrich/directory.h"
#include "idguard/store/risk_store.h"

namespace idguard {

struct Account {
  std::string id;
  std::string userPrincipalName;
  std::string displayName;
  bool accountEnabled = true;
  bool mustChangePassword = false;
  bool temporaryPasswordPending = false;
  EventTime passwordResetDateTime = 0;    // 0: never reset by an admin
  EventTime sessionsRevokedDateTime = 0;  // 0: never revoked; tokens older than this are void
};

enum class PasswordResetMode : std::uint8_t { temporaryPassword, requireChangeAtNextSignIn };

class AccountDirectory {
 public:
  virtual ~AccountDirectory() = default;
  // nullopt when the directory has no such account.
  virtual Result<std::optional<Account>> Find(const std::string& user_id) = 0;
  // Resets the password and revokes the account's sessions; returns the temporary password
  // (shown once, stored only as a hash) or an empty string in requireChangeAtNextSignIn mode.
  virtual Result<std::string> ResetPassword(const Account& account, PasswordResetMode mode,
                                            EventTime now, StoreBatch& batch) = 0;
  virtual Status SetSignInBlocked(const Account& account, bool blocked, EventTime now,
                                  StoreBatch& batch) = 0;
  virtual Status RevokeSessions(const Account& account, EventTime now, StoreBatch& batch) = 0;
  // The user changed the password themselves (a secure change or a self-service reset): an
  // administrator's change-at-next-sign-in demand and any temporary password end.
  virtual Status PasswordChanged(const Account& account, EventTime now, StoreBatch& batch) = 0;
};

// `seen` tells whether idguard knows the user from its sign-ins (an account outside the snapshot).
std::unique_ptr<AccountDirectory> MakeLocalAccountDirectory(
    RiskStore& store, const Directory* snapshot,
    std::function<bool(const std::string& user_id)> seen);

}  // namespace idguard
