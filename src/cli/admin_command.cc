// `idguard admin`: local accounts of the admin portal — create (or set a new password), list,
// delete. The password is read from a file or from the first line of stdin, never from the
// command line, and only its scrypt hash is stored. Every change is written to the audit log and
// ends the account's open portal sessions.
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "idguard/api/portal_account.h"
#include "idguard/api/roles.h"
#include "idguard/core/password_hash.h"
#include "idguard/export/notification_settings.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/store/report_reader.h"
#include "idguard/store/risk_store.h"

namespace idguard::cli {
namespace {

struct AdminArguments {
  std::string dbPath = "idguard.db";
  std::string name;
  std::string role;
  std::string email;
  std::string passwordFile;
};

std::string ReadPassword(const std::string& file) {
  std::string password;
  if (file.empty()) {
    std::getline(std::cin, password);
  } else {
    std::ifstream in(file);
    if (!in) Fail(Status::IoError("cannot read --password-file " + file));
    std::getline(in, password);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (Status valid = api::ValidatePortalPassword(password); !valid.ok()) Fail(valid);
  return password;
}

// Revokes the account's open portal sessions in `batch`, so a new password, a new role or a
// deletion takes effect at once (a running server drops cached sessions within 10 s).
std::size_t EndOpenSessions(const std::string& db_path, const std::string& account_id,
                            StoreBatch& batch) {
  auto reader = OpenSqliteReportReader(db_path);
  if (!reader.ok()) Fail(reader.status());
  auto tokens = (*reader)->ListTokens();
  if (!tokens.ok()) Fail(tokens.status());
  const EventTime now = SystemClock().Now();
  std::size_t ended = 0;
  for (const ApiTokenRecord& token : *tokens) {
    if (token.revoked || token.expiresMicros <= now) continue;
    if (api::PortalAccountId(token.name) != account_id) continue;
    batch.revokedApiTokenIds.push_back(token.id);
    ++ended;
  }
  return ended;
}

void CreateAccount(const AdminArguments& args) {
  if (Status valid = api::ValidatePortalUserName(args.name); !valid.ok()) Fail(valid);
  auto role = api::ParseRole(args.role);
  if (!role || *role == api::Role::identityProvider) {
    Fail(Status::InvalidInput("unknown portal role '" + args.role +
                              "'; roles: global-reader, security-reader, security-operator, "
                              "security-administrator, user-administrator"));
  }
  if (!args.email.empty() && !IsValidEmailAddress(args.email)) {
    Fail(Status::InvalidInput("--email '" + args.email + "' is not an email address"));
  }
  const std::string password = ReadPassword(args.passwordFile);
  auto store = OpenSqliteStore(args.dbPath);
  if (!store.ok()) Fail(store.status());
  auto hash = HashPassword(password);
  if (!hash.ok()) Fail(hash.status());
  const EventTime now = SystemClock().Now();
  api::PortalAccount account{args.name, std::string(api::RoleName(*role)), *hash, args.email, now};
  const std::string id = api::PortalAccountId(args.name);
  StoreBatch batch;
  batch.configDocuments.push_back(
      {std::string(api::kPortalAccountKind), id, api::PortalAccountJson(account), now});
  batch.audit.push_back(
      MakeAuditEntry(now, "Portal", "setAccount", CommandLineActor(), "success", "",
                     {{id, "PortalAccount", args.name, {{"role", "", account.role}}}}));
  const std::size_t ended = EndOpenSessions(args.dbPath, id, batch);
  if (Status written = (*store)->Write(batch); !written.ok()) Fail(written);
  std::cerr << "portal account " << args.name << " (" << account.role << ") saved";
  if (ended > 0) std::cerr << "; " << ended << " open session(s) ended";
  std::cerr << "\n";
}

void ListAccounts(const AdminArguments& args) {
  auto store = OpenSqliteStore(args.dbPath);
  if (!store.ok()) Fail(store.status());
  std::cout << "name\trole\temail\tcreated\n";
  Status read = (*store)->ForEachConfigDocument(
      api::kPortalAccountKind, [](const ConfigDocument& document) -> Status {
        auto account = api::ParsePortalAccount(document.json);
        if (!account.ok()) return account.status();
        std::cout << account->userName << "\t" << account->role << "\t" << account->email << "\t"
                  << FormatTimestamp(account->createdDateTime) << "\n";
        return Status::Ok();
      });
  if (!read.ok()) Fail(read);
}

void DeleteAccount(const AdminArguments& args) {
  auto store = OpenSqliteStore(args.dbPath);
  if (!store.ok()) Fail(store.status());
  const std::string id = api::PortalAccountId(args.name);
  StoreBatch batch;
  batch.deletedConfigDocuments.emplace_back(std::string(api::kPortalAccountKind), id);
  batch.audit.push_back(MakeAuditEntry(SystemClock().Now(), "Portal", "deleteAccount",
                                       CommandLineActor(), "success", "",
                                       {{id, "PortalAccount", args.name, {}}}));
  const std::size_t ended = EndOpenSessions(args.dbPath, id, batch);
  if (Status written = (*store)->Write(batch); !written.ok()) Fail(written);
  std::cerr << "portal account " << args.name << " deleted; " << ended
            << " open session(s) ended\n";
}

}  // namespace

void RegisterAdminCommand(CLI::App& app) {
  auto args = std::make_shared<AdminArguments>();
  CLI::App* admin = app.add_subcommand("admin", "Manage local accounts of the admin portal");
  admin->require_subcommand(1);

  CLI::App* create = admin->add_subcommand(
      "create",
      "Create an account, or give an existing one a new password and role; the "
      "password is the first line of stdin or of --password-file");
  create->add_option("--db", args->dbPath, "SQLite database file")->capture_default_str();
  create->add_option("--name", args->name, "The user name to sign in with")->required();
  create
      ->add_option("--role", args->role,
                   "global-reader, security-reader, security-operator, security-administrator "
                   "or user-administrator")
      ->required();
  create->add_option("--email", args->email, "The account holder's email address");
  create->add_option("--password-file", args->passwordFile,
                     "Read the password from this file's first line instead of stdin");
  create->callback([args] { CreateAccount(*args); });

  CLI::App* list = admin->add_subcommand("list", "List accounts (never their passwords)");
  list->add_option("--db", args->dbPath, "SQLite database file")->capture_default_str();
  list->callback([args] { ListAccounts(*args); });

  CLI::App* remove = admin->add_subcommand("delete", "Delete an account");
  remove->add_option("--db", args->dbPath, "SQLite database file")->capture_default_str();
  remove->add_option("--name", args->name, "The account's user name")->required();
  remove->callback([args] { DeleteAccount(*args); });
}

}  // namespace idguard::cli
