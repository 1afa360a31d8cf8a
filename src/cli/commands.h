// The subcommands of the `idguard` command line. Each subcommand lives in its own file and adds
// itself to the application through one Register* function called from main().
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace idguard::cli {

void RegisterReplayCommand(CLI::App& app);
void RegisterSimulateCommand(CLI::App& app);
void RegisterScoreCommand(CLI::App& app);
void RegisterServeCommand(CLI::App& app);
void RegisterTokenCommand(CLI::App& app);
void RegisterAdminCommand(CLI::App& app);

// Where bundled data (GeoIP, ASN) lives: $IDGUARD_DATA_DIR, else ./data, else the data folder
// next to the build tree the binary sits in, else /usr/share/idguard.
std::string DefaultDataDir();
// Default database files inside the data folder; missing files are skipped.
std::vector<std::string> DefaultGeoIpFiles(const std::string& data_dir);
std::vector<std::string> DefaultAsnFiles(const std::string& data_dir);
std::string DefaultUserAgentRegexes();

}  // namespace idguard::cli
