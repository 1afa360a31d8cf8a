// The subcommands of the `idguard` command line. Each subcommand lives in its own file and adds
// itself to the application through one Register* function called from main().
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/pipeline/live_engine.h"

namespace idguard::cli {

void RegisterReplayCommand(CLI::App& app);
void RegisterSimulateCommand(CLI::App& app);
void RegisterScoreCommand(CLI::App& app);
void RegisterServeCommand(CLI::App& app);
void RegisterTokenCommand(CLI::App& app);
void RegisterAdminCommand(CLI::App& app);

// Ends a subcommand with "error: <message>" on stderr and exit status 2 for invalid input, 1
// otherwise.
[[noreturn]] void Fail(const Status& status);
// --retention-signins-days, --retention-detections-days and --retention-history-days.
void AddRetentionOptions(CLI::App& command, RetentionPolicy& retention);
// How a command-line change appears in the audit log: "cli:<login name>".
Actor CommandLineActor();

// Where bundled data (GeoIP, ASN) lives: $IDGUARD_DATA_DIR, else ./data, else the data folder
// next to the build tree the binary sits in, else /usr/share/idguard.
std::string DefaultDataDir();
// Default database files inside the data folder; missing files are skipped.
std::vector<std::string> DefaultGeoIpFiles(const std::string& data_dir);
std::vector<std::string> DefaultAsnFiles(const std::string& data_dir);
std::string DefaultUserAgentRegexes();

}  // namespace idguard::cli
