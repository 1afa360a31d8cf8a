// SimulateTenant: writes a realistic, entirely benign tenant for development, demos and
// false-positive measurement: a user directory, the organisation's named locations and a month (or
// more) of Graph signIn records.
//
// The organisation has a headquarters (Chicago) and two branch offices (London, Toronto). Staff
// live near an office or work remotely in other cities and countries, keep working hours in their
// own time zone, come to the office on some weekdays, use the corporate VPN from home, read mail on
// their phones over mobile networks, travel on business (never faster than a plane), mistype
// passwords and answer MFA prompts. A few service principals request tokens on a schedule from a
// cloud network. Every address is a real address of a well-known ISP, cloud or mobile network,
// taken from the ASN database and kept only when GeoIP puts it in the expected country, so the
// replay's enrichment geolocates it. Sign-ins carry no location and no risk: those are the
// engine's to fill.
//
// Output is byte-identical for the same options and data files: all randomness comes from
// seeded, platform-independent generators. Sign-ins are generated day by day and written sorted
// by createdDateTime without holding the whole period in memory.
//
// Files written to SimulateOptions::outputDirectory (created if missing, files replaced):
//   users.ndjson         the directory, in the format Directory::LoadFile reads
//   namedLocations.json  a Graph page ({"value": [...]}) of ipNamedLocation/countryNamedLocation
//   signIns.ndjson       one Graph signIn per line (AppendSignInJson), sorted by createdDateTime
//
// Thread-safety: SimulateTenant is reentrant; the databases are only read.
#pragma once

#include <cstdint>
#include <string>

#include "idguard/core/status.h"
#include "idguard/core/time.h"
#include "idguard/enrich/asn_database.h"
#include "idguard/enrich/geoip_database.h"

namespace idguard {

struct SimulateOptions {
  // Folder the three files are written to. Required.
  std::string outputDirectory;
  // Workforce accounts; two break-glass administrator accounts are added on top. Default: 100.
  std::uint32_t users = 100;
  // Length of the simulated period, starting at `start`. Default: 30.
  std::uint32_t days = 30;
  // Same seed, same options, same data files: same bytes. Default: 1.
  std::uint64_t seed = 1;
  // First instant of the period (UTC). Default: 2026-10-01T00:00:00Z.
  EventTime start = DaysFromCivil(2026, 10, 1) * kMicrosPerDay;
  // Mean user sign-ins (interactive and non-interactive) per active user per day, averaged over
  // weekdays and weekends. Service principal sign-ins come on top. Default: 3.3.
  double signInsPerUserDay = 3.3;
};

struct SimulateSummary {
  std::uint64_t users = 0;  // lines in users.ndjson, break-glass accounts included
  std::uint64_t servicePrincipals = 0;
  std::uint64_t signIns = 0;  // lines in signIns.ndjson
  std::uint64_t userSignIns = 0;
  std::uint64_t interactiveSignIns = 0;
  std::uint64_t failedSignIns = 0;
  std::uint64_t signInBytes = 0;  // size of signIns.ndjson
};

// Checks the options; the message names the offending option.
Status ValidateSimulateOptions(const SimulateOptions& options);

// Writes the tenant. Fails with InvalidInput for bad options, NotFound when the GeoIP/ASN data do
// not cover the catalog's networks, IoError when a file cannot be written.
Status SimulateTenant(const SimulateOptions& options, const GeoIpDatabase& geoip,
                      const AsnDatabase& asn, SimulateSummary* summary);

}  // namespace idguard
