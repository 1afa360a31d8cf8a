// idguard: identity protection for any identity provider. See `idguard --help`.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/commands.h"

int main(int argc, char** argv) try {
  CLI::App app{
      "idguard: detects identity risk in sign-ins and decides what a risky sign-in must do"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "idguard 0.1.0");
  idguard::cli::RegisterReplayCommand(app);
  idguard::cli::RegisterSimulateCommand(app);
  idguard::cli::RegisterScoreCommand(app);
  idguard::cli::RegisterServeCommand(app);
  idguard::cli::RegisterTokenCommand(app);
  idguard::cli::RegisterAdminCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
} catch (const std::exception& error) {
  // CLI11 reports its own errors inside CLI11_PARSE; anything else is a bug worth a clear line.
  std::fprintf(stderr, "idguard: unexpected error: %s\n", error.what());
  return 1;
}
