// idguard: identity protection for any identity provider. See `idguard --help`.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/commands.h"

int main(int argc, char** argv) try {
  // A replay allocates and frees store batches of tens of megabytes over and over. glibc would
  // hand the freed top of the heap back to the kernel and fault it in again, zero-filled, for the
  // next batch (page zeroing was 8 % of a replay's CPU samples when batches held Graph JSON);
  // keeping it costs no extra peak memory.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  CLI::App app{
      "idguard: detects identity risk in sign-ins and decides what a risky sign-in must do"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "idguard 0.1.0");
  idguard::cli::RegisterReplayCommand(app);
  idguard::cli::RegisterSimulateCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
} catch (const std::exception& error) {
  // CLI11 reports its own errors inside CLI11_PARSE; anything else is a bug worth a clear line.
  std::fprintf(stderr, "idguard: unexpected error: %s\n", error.what());
  return 1;
}
