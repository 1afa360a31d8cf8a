// What a run of the engine starts from and leaves behind, shared by replay and the server: the
// enrichment data it loads, the state a previous run stored, and the profile checkpoint it
// writes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "idguard/core/fingerprint_set.h"
#include "idguard/detect/risk_engine.h"
#include "idguard/enrich/enricher.h"
#include "idguard/pipeline/replay.h"
#include "idguard/store/risk_store.h"

namespace idguard {

// engine_state key of the organisation profile.
inline constexpr std::string_view kOrganizationStateKey = "organizationProfile";

struct EnrichmentPaths {
  std::vector<std::string> geoipFiles;
  std::vector<std::string> asnFiles;
  std::string userAgentRegexes;
  std::string namedLocationsPath;
  std::string directoryPath;
  static EnrichmentPaths From(const ReplayOptions& options) {
    return {options.geoipFiles, options.asnFiles, options.userAgentRegexes,
            options.namedLocationsPath, options.directoryPath};
  }
};

// The optional enrichment data, owned for as long as the engine runs.
struct EnrichmentData {
  std::unique_ptr<GeoIpDatabase> geoip;
  std::unique_ptr<AsnDatabase> asn;
  std::unique_ptr<UserAgentParser> userAgents;
  std::optional<NamedLocations> namedLocations;
  std::optional<Directory> directory;
  EnrichmentSources Sources() const {
    EnrichmentSources sources;
    sources.geoip = geoip.get();
    sources.asn = asn.get();
    sources.userAgents = userAgents.get();
    sources.namedLocations = namedLocations ? &*namedLocations : nullptr;
    sources.directory = directory ? &*directory : nullptr;
    return sources;
  }
};

// The parser for one input format (CSV: the Log Analytics CSV export).
std::unique_ptr<RecordParser> MakeRecordParser(InputFormat format, bool is_csv);

// Loads what is configured; a missing GeoIP, ASN or user-agent source is a warning on `log`.
Result<EnrichmentData> LoadEnrichment(const EnrichmentPaths& paths, std::ostream& log);

// Restores engine state a previous run left in the store; fills `seen` with the ids already
// stored and counts the stored sign-ins learned again because they came after the last profile
// checkpoint.
Status RestoreState(RiskStore& store, RiskEngine& engine, FingerprintSet& seen,
                    std::uint64_t& relearned);

// Adds the changed profiles, the organisation profile and the detector states to `batch` and
// marks it as a profile checkpoint.
void AppendProfileCheckpoint(RiskEngine& engine, StoreBatch& batch);

}  // namespace idguard
