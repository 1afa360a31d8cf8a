#include "pipeline/engine_state.h"

#include <filesystem>

#include "idguard/ingest/graph_signin_parser.h"
#include "idguard/ingest/loganalytics_parser.h"
#include "idguard/ingest/okta_event_parser.h"

namespace idguard {

namespace fs = std::filesystem;

std::unique_ptr<RecordParser> MakeRecordParser(InputFormat format, bool is_csv) {
  if (is_csv) return MakeLogAnalyticsCsvParser();
  switch (format) {
    case InputFormat::graph:
      return MakeGraphSignInParser();
    case InputFormat::loganalytics:
      return MakeLogAnalyticsJsonParser();
    case InputFormat::diagnostic:
      return MakeDiagnosticRecordParser();
    case InputFormat::okta:
      return MakeOktaEventParser();
  }
  return MakeGraphSignInParser();
}

Result<EnrichmentData> LoadEnrichment(const EnrichmentPaths& options, std::ostream& log) {
  EnrichmentData data;
  if (!options.geoipFiles.empty()) {
    auto geoip = GeoIpDatabase::Open(options.geoipFiles);
    if (!geoip.ok()) return geoip.status();
    data.geoip = std::move(geoip.value());
  } else {
    log << "warning: no GeoIP database found; sign-ins keep only the locations they carry "
           "(run scripts/setup or pass --geoip)\n";
  }
  if (!options.asnFiles.empty()) {
    auto asn = AsnDatabase::Load(options.asnFiles);
    if (!asn.ok()) return asn.status();
    data.asn = std::move(asn.value());
  } else {
    log << "warning: no ASN data found; network features use only the ASN a sign-in carries\n";
  }
  if (!options.userAgentRegexes.empty() && fs::exists(options.userAgentRegexes)) {
    auto parser = UserAgentParser::Load(options.userAgentRegexes);
    if (!parser.ok()) return parser.status();
    data.userAgents = std::move(parser.value());
  } else {
    log << "warning: uap-core regexes not found; browsers and OSes come from deviceDetail only\n";
  }
  if (!options.namedLocationsPath.empty()) {
    auto locations = NamedLocations::LoadFile(options.namedLocationsPath);
    if (!locations.ok()) return locations.status();
    data.namedLocations = std::move(locations.value());
  }
  if (!options.directoryPath.empty()) {
    auto directory = Directory::LoadFile(options.directoryPath);
    if (!directory.ok()) return directory.status();
    data.directory = std::move(directory.value());
  }
  return data;
}

Status RestoreState(RiskStore& store, RiskEngine& engine, FingerprintSet& seen,
                    std::uint64_t& relearned) {
  if (Status s = store.ForEachSignInId([&](std::string_view id) { seen.Insert(id); }); !s.ok()) {
    return s;
  }
  Status profile_error;
  Status s = store.ForEachProfile([&](std::string_view user, std::string_view blob) {
    if (Status restored = engine.RestoreProfile(std::string(user), blob);
        !restored.ok() && profile_error.ok()) {
      profile_error = restored;
    }
  });
  if (!s.ok()) return s;
  if (!profile_error.ok()) return profile_error;
  auto organization = store.GetState(kOrganizationStateKey);
  if (!organization.ok()) return organization.status();
  if (!organization.value().empty()) {
    if (Status restored = engine.RestoreOrganization(organization.value()); !restored.ok()) {
      return restored;
    }
  }
  if (Status s = engine.RestoreDetectorStates(
          [&store](std::string_view key) { return store.GetState(key); });
      !s.ok()) {
    return s;
  }
  if (Status s = store.ForEachSignInSinceProfileCheckpoint([&](SignIn&& sign_in) {
        engine.Relearn(sign_in);
        ++relearned;
        return Status::Ok();
      });
      !s.ok()) {
    return s;
  }
  std::vector<RiskyUser> users;
  if (Status loaded = store.ForEachRiskyUser([&](const RiskyUser& u) { users.push_back(u); });
      !loaded.ok()) {
    return loaded;
  }
  for (const auto& user : users) {
    auto history = store.CountHistory(user.id);
    if (!history.ok()) return history.status();
    engine.userRisk().RestoreUser(user, history.value());
  }
  std::vector<RiskyUser> service_principals;
  if (Status loaded = store.ForEachRiskyServicePrincipal(
          [&](const RiskyUser& sp) { service_principals.push_back(sp); });
      !loaded.ok()) {
    return loaded;
  }
  for (const auto& sp : service_principals) {
    auto history = store.CountServicePrincipalHistory(sp.id);
    if (!history.ok()) return history.status();
    engine.servicePrincipalRisk().RestoreUser(sp, history.value());
  }
  return store.ForEachActiveDetection([&](const RiskDetection& detection) {
    if (detection.activity == ActivityType::servicePrincipal) {
      engine.servicePrincipalRisk().RestoreDetection(detection);
    } else {
      engine.userRisk().RestoreDetection(detection);
    }
  });
}

void AppendProfileCheckpoint(RiskEngine& engine, StoreBatch& batch) {
  for (const auto& subject : engine.TakeDirtyProfiles()) {
    if (const UserProfile* profile = engine.FindProfile(subject)) {
      batch.profiles.push_back({subject, profile->Serialize()});
    }
  }
  batch.state.push_back({std::string(kOrganizationStateKey), engine.organization().Serialize()});
  for (auto& [key, blob] : engine.SaveDetectorStates()) {
    batch.state.push_back({std::move(key), std::move(blob)});
  }
  batch.profileCheckpoint = true;
}

}  // namespace idguard
