#include "idguard/core/password_hash.h"
#include "idguard/pipeline/account_directory.h"

namespace idguard {
namespace {

class LocalAccountDirectory final : public AccountDirectory {
 public:
  LocalAccountDirectory(RiskStore& store, const Directory* snapshot,
                        std::function<bool(const std::string&)> seen)
      : store_(store), snapshot_(snapshot), seen_(std::move(seen)) {}

  Result<std::optional<Account>> Find(const std::string& user_id) override {
    Account account;
    account.id = user_id;
    const DirectoryUser* listed = snapshot_ != nullptr ? snapshot_->FindById(user_id) : nullptr;
    if (listed != nullptr) {
      account.userPrincipalName = listed->userPrincipalName;
      account.displayName = listed->displayName;
      account.accountEnabled = listed->accountEnabled;
    }
    auto state = store_.GetAccountState(user_id);
    if (!state.ok()) return state.status();
    if (listed == nullptr && !*state && !seen_(user_id)) return std::optional<Account>();
    if (*state) {
      // What an admin changed here overrides the snapshot.
      account.accountEnabled = (*state)->accountEnabled;
      account.mustChangePassword = (*state)->mustChangePassword;
      account.temporaryPasswordPending = !(*state)->temporaryPasswordHash.empty();
      account.passwordResetDateTime = (*state)->passwordResetDateTime;
      account.sessionsRevokedDateTime = (*state)->sessionsRevokedDateTime;
    }
    return std::optional<Account>(std::move(account));
  }

  Result<std::string> ResetPassword(const Account& account, PasswordResetMode mode, EventTime now,
                                    StoreBatch& batch) override {
    auto state = StateOf(account);
    if (!state.ok()) return state.status();
    std::string password;
    state->temporaryPasswordHash.clear();
    if (mode == PasswordResetMode::temporaryPassword) {
      auto generated = GenerateTemporaryPassword();
      if (!generated.ok()) return generated.status();
      auto hash = HashPassword(*generated);
      if (!hash.ok()) return hash.status();
      password = std::move(generated).value();
      state->temporaryPasswordHash = std::move(hash).value();
    }
    // Either way the user must choose a new password at the next sign-in.
    state->mustChangePassword = true;
    state->passwordResetDateTime = now;
    state->sessionsRevokedDateTime = now;
    state->updatedDateTime = now;
    batch.accounts.push_back(std::move(state).value());
    return password;
  }

  Status SetSignInBlocked(const Account& account, bool blocked, EventTime now,
                          StoreBatch& batch) override {
    auto state = StateOf(account);
    if (!state.ok()) return state.status();
    state->accountEnabled = !blocked;
    state->updatedDateTime = now;
    batch.accounts.push_back(std::move(state).value());
    return Status::Ok();
  }

  Status RevokeSessions(const Account& account, EventTime now, StoreBatch& batch) override {
    auto state = StateOf(account);
    if (!state.ok()) return state.status();
    state->sessionsRevokedDateTime = now;
    state->updatedDateTime = now;
    batch.accounts.push_back(std::move(state).value());
    return Status::Ok();
  }

  Status PasswordChanged(const Account& account, EventTime now, StoreBatch& batch) override {
    if (!account.mustChangePassword && !account.temporaryPasswordPending) return Status::Ok();
    auto state = StateOf(account);
    if (!state.ok()) return state.status();
    state->mustChangePassword = false;
    state->temporaryPasswordHash.clear();
    state->updatedDateTime = now;
    batch.accounts.push_back(std::move(state).value());
    return Status::Ok();
  }

 private:
  Result<AccountState> StateOf(const Account& account) {
    auto stored = store_.GetAccountState(account.id);
    if (!stored.ok()) return stored.status();
    if (*stored) return std::move(**stored);
    AccountState state;
    state.userId = account.id;
    state.accountEnabled = account.accountEnabled;
    return state;
  }

  RiskStore& store_;
  const Directory* snapshot_;
  std::function<bool(const std::string&)> seen_;
};

}  // namespace

std::unique_ptr<AccountDirectory> MakeLocalAccountDirectory(
    RiskStore& store, const Directory* snapshot,
    std::function<bool(const std::string& user_id)> seen) {
  return std::make_unique<LocalAccountDirectory>(store, snapshot, std::move(seen));
}

}  // namespace idguard
