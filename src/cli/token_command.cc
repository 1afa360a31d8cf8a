// `idguard token`: API tokens for `idguard serve` — create (prints the token once), list, revoke.
// Only the token's SHA-256 is stored; creating and revoking are written to the audit log.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "idguard/api/api_service.h"
#include "idguard/api/roles.h"
#include "idguard/core/digest.h"
#include "idguard/core/time.h"
#include "idguard/export/notification_settings.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/store/report_reader.h"
#include "idguard/store/risk_store.h"

namespace idguard::cli {
namespace {

struct TokenArguments {
  std::string dbPath = "idguard.db";
  std::string name;
  std::string role;
  std::string email;
  std::string id;
};

void CreateToken(const TokenArguments& args) {
  auto role = api::ParseRole(args.role);
  if (!role) {
    std::string roles;
    for (api::Role known : api::AllRoles()) {
      roles += (roles.empty() ? "" : ", ") + std::string(api::RoleName(known));
    }
    Fail(Status::InvalidInput("unknown role '" + args.role + "'; roles: " + roles));
  }
  if (!args.email.empty() && !IsValidEmailAddress(args.email)) {
    Fail(Status::InvalidInput("--email '" + args.email + "' is not an email address"));
  }
  auto store = OpenSqliteStore(args.dbPath);
  if (!store.ok()) Fail(store.status());
  auto token = api::GenerateApiToken();
  if (!token.ok()) Fail(token.status());
  const EventTime now = SystemClock().Now();
  StoredApiToken stored;
  stored.token.id = Sha256Hex(token->sha256 + "|id").substr(0, 16);
  stored.token.name = args.name;
  stored.token.role = std::string(api::RoleName(*role));
  stored.token.createdMicros = now;
  stored.token.email = args.email;
  stored.tokenSha256 = token->sha256;
  StoreBatch batch;
  batch.audit.push_back(MakeAuditEntry(
      now, "ApiTokens", "createToken", CommandLineActor(), "success", "",
      {{stored.token.id, "ApiToken", args.name, {{"role", "", stored.token.role}}}}));
  batch.apiTokens.push_back(std::move(stored));
  if (Status written = (*store)->Write(batch); !written.ok()) Fail(written);
  // The token alone on stdout, so scripts can capture it; it is never shown again.
  std::cout << token->token << "\n";
}

void ListTokens(const TokenArguments& args) {
  // Opening the writer first upgrades an older store so the reader can open it.
  if (auto store = OpenSqliteStore(args.dbPath); !store.ok()) Fail(store.status());
  auto reader = OpenSqliteReportReader(args.dbPath);
  if (!reader.ok()) Fail(reader.status());
  auto tokens = (*reader)->ListTokens();
  if (!tokens.ok()) Fail(tokens.status());
  std::cout << "id\tname\trole\temail\tcreated\tstate\n";
  for (const ApiTokenRecord& token : *tokens) {
    std::cout << token.id << "\t" << token.name << "\t" << token.role << "\t" << token.email << "\t"
              << FormatTimestamp(token.createdMicros) << "\t"
              << (token.revoked ? "revoked" : "active") << "\n";
  }
}

void RevokeToken(const TokenArguments& args) {
  auto store = OpenSqliteStore(args.dbPath);
  if (!store.ok()) Fail(store.status());
  StoreBatch batch;
  batch.revokedApiTokenIds.push_back(args.id);
  batch.audit.push_back(
      MakeAuditEntry(SystemClock().Now(), "ApiTokens", "revokeToken", CommandLineActor(), "success",
                     "", {{args.id, "ApiToken", "", {{"state", "active", "revoked"}}}}));
  if (Status written = (*store)->Write(batch); !written.ok()) Fail(written);
  std::cerr << "revoked " << args.id << " (a running server stops accepting it within 10 s)\n";
}

}  // namespace

void RegisterTokenCommand(CLI::App& app) {
  auto args = std::make_shared<TokenArguments>();
  CLI::App* token = app.add_subcommand("token", "Manage API tokens for idguard serve");
  token->require_subcommand(1);

  CLI::App* create = token->add_subcommand(
      "create", "Create a token; prints it once on stdout (only its hash is stored)");
  create->add_option("--db", args->dbPath, "SQLite database file")->capture_default_str();
  create->add_option("--name", args->name, "Who or what uses the token")->required();
  create
      ->add_option("--role", args->role,
                   "global-reader, security-reader, security-operator, security-administrator, "
                   "user-administrator or identity-provider")
      ->required();
  create->add_option("--email", args->email,
                     "The holder's email address; security-administrator and security-reader "
                     "holders receive risk notifications (docs/NOTIFICATIONS.md)");
  create->callback([args] { CreateToken(*args); });

  CLI::App* list = token->add_subcommand("list", "List tokens (never the tokens themselves)");
  list->add_option("--db", args->dbPath, "SQLite database file")->capture_default_str();
  list->callback([args] { ListTokens(*args); });

  CLI::App* revoke = token->add_subcommand("revoke", "Revoke a token by its id");
  revoke->add_option("--db", args->dbPath, "SQLite database file")->capture_default_str();
  revoke->add_option("--id", args->id, "The token's id (from token list)")->required();
  revoke->callback([args] { RevokeToken(*args); });
}

}  // namespace idguard::cli
