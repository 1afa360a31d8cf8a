// LiveEngine: the named locations, kept in the store as Graph JSON documents and in memory for the
// enricher and the policies.
#include <simdjson.h>

#include <algorithm>

#include "idguard/enrich/named_location_json.h"
#include "pipeline/live_engine_state.h"

namespace idguard {
namespace {

std::string NamedLocationDocument(const NamedLocation& location) {
  std::string json;
  AppendNamedLocationJson(json, location);
  return json;
}

EventTime CreatedOf(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view text;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS ||
      root["createdDateTime"].get(text) != simdjson::SUCCESS) {
    return 0;
  }
  return ParseTimestamp(text).value_or(0);
}

}  // namespace

Status LiveEngine::LoadNamedLocations(std::ostream& log) {
  State& s = *state_;
  std::vector<NamedLocation> stored;
  std::lock_guard store_lock(s.storeTurns.mutex());
  Status read = s.store->ForEachConfigDocument(
      kNamedLocationKind, [&](const ConfigDocument& document) -> Status {
        auto location = ReadNamedLocationJson(document.json, nullptr);
        if (!location.ok()) {
          return location.status().WithContext("stored named location '" + document.id + "'");
        }
        location->id = document.id;
        location->createdDateTime = CreatedOf(document.json);
        location->modifiedDateTime = document.modifiedDateTime;
        stored.push_back(std::move(location).value());
        return Status::Ok();
      });
  if (!read.ok()) return read;
  bool imported = false;
  read = s.store->ForEachConfigDocument(kNamedLocationImportKind, [&](const ConfigDocument&) {
    imported = true;
    return Status::Ok();
  });
  if (!read.ok()) return read;
  if (!imported && s.enrichment.namedLocations) {
    // The first start with a file: the store takes the file's locations over.
    const EventTime now = s.clock.Now();
    StoreBatch batch;
    AuditTarget target{"namedLocations", "NamedLocation", "", {}};
    for (NamedLocation location : s.enrichment.namedLocations->all()) {
      location.createdDateTime = location.modifiedDateTime = now;
      batch.configDocuments.push_back(
          {std::string(kNamedLocationKind), location.id, NamedLocationDocument(location), now});
      target.changes.push_back({"displayName", "", location.displayName});
      stored.push_back(std::move(location));
    }
    // Marks the import done, so deleting every location later does not bring the file back.
    batch.configDocuments.push_back({std::string(kNamedLocationImportKind), "default",
                                     "{\"source\":\"--named-locations\"}", now});
    batch.audit.push_back(MakeAuditEntry(now, "Policy", "Import named locations",
                                         Actor{"idguard serve", "", "", "import"}, "success",
                                         options_.namedLocationsPath, {target}));
    if (Status written = WriteCounted(batch); !written.ok()) return written;
    log << "imported " << stored.size() << " named locations from " << options_.namedLocationsPath
        << " into the store (from now on managed through the API)\n";
  } else if (s.enrichment.namedLocations) {
    log << "named locations: the store holds " << stored.size() << "; "
        << options_.namedLocationsPath << " is not read again (manage them through the API)\n";
  }
  auto locations = NamedLocations::FromList(std::move(stored));
  if (!locations.ok()) return locations.status();
  s.namedLocations = std::make_shared<const NamedLocations>(std::move(locations).value());
  s.enricher->SetNamedLocations(s.namedLocations.get());
  return Status::Ok();
}

std::shared_ptr<const NamedLocations> LiveEngine::namedLocations() {
  std::lock_guard lock(mutex_);
  return state_->namedLocations;
}

Result<std::vector<NamedLocation>> LiveEngine::ListNamedLocations() {
  return namedLocations()->all();
}

Status LiveEngine::CommitNamedLocations(std::vector<NamedLocation> locations,
                                        const NamedLocation* written, const std::string& deleted_id,
                                        std::string_view activity, const Actor& actor) {
  State& s = *state_;
  auto next = NamedLocations::FromList(std::move(locations));
  if (!next.ok()) return next.status();
  StoreBatch batch;
  AuditTarget target{written != nullptr ? written->id : deleted_id,
                     "NamedLocation",
                     written != nullptr ? written->displayName : "",
                     {}};
  if (written != nullptr) {
    batch.configDocuments.push_back({std::string(kNamedLocationKind), written->id,
                                     NamedLocationDocument(*written), written->modifiedDateTime});
    target.changes.push_back({"isTrusted", "", written->isTrusted ? "true" : "false"});
  } else {
    batch.deletedConfigDocuments.emplace_back(std::string(kNamedLocationKind), deleted_id);
  }
  batch.audit.push_back(
      MakeAuditEntry(s.clock.Now(), "Policy", activity, actor, "success", "", {target}));
  if (Status committed = Commit(batch); !committed.ok()) return committed;
  s.namedLocations = std::make_shared<const NamedLocations>(std::move(next).value());
  s.enricher->SetNamedLocations(s.namedLocations.get());
  return Status::Ok();
}

Result<NamedLocation> LiveEngine::CreateNamedLocation(std::string_view json, const Actor& actor) {
  auto read = ReadNamedLocationJson(json, nullptr);
  if (!read.ok()) return read.status();
  auto lock = LockEngine();
  State& s = *state_;
  NamedLocation location = std::move(read).value();
  const EventTime now = s.clock.Now();
  location.id = GuidFromHash("namedLocation|" + std::to_string(now) + "|" + actor.requestId + "|" +
                             location.displayName);
  location.createdDateTime = location.modifiedDateTime = now;
  std::vector<NamedLocation> all = s.namedLocations->all();
  all.push_back(location);
  if (Status stored =
          CommitNamedLocations(std::move(all), &location, "", "Add named location", actor);
      !stored.ok()) {
    return stored;
  }
  return location;
}

Result<NamedLocation> LiveEngine::UpdateNamedLocation(const std::string& id, std::string_view json,
                                                      const Actor& actor) {
  auto lock = LockEngine();
  State& s = *state_;
  std::vector<NamedLocation> all = s.namedLocations->all();
  auto at = std::find_if(all.begin(), all.end(), [&](const auto& l) { return l.id == id; });
  if (at == all.end()) return Status::NotFound("no named location has the id '" + id + "'");
  auto read = ReadNamedLocationJson(json, &*at);
  if (!read.ok()) return read.status();
  *at = std::move(read).value();
  at->modifiedDateTime = s.clock.Now();
  const NamedLocation written = *at;
  if (Status stored =
          CommitNamedLocations(std::move(all), &written, "", "Update named location", actor);
      !stored.ok()) {
    return stored;
  }
  return written;
}

Status LiveEngine::DeleteNamedLocation(const std::string& id, const Actor& actor) {
  auto lock = LockEngine();
  if (Status s = EnsureRestored(); !s.ok()) return s;
  State& s = *state_;
  std::vector<NamedLocation> all = s.namedLocations->all();
  auto at = std::find_if(all.begin(), all.end(), [&](const auto& l) { return l.id == id; });
  if (at == all.end()) return Status::NotFound("no named location has the id '" + id + "'");
  for (const ConditionalAccessPolicy& policy : s.policies) {
    if (!policy.locations) continue;
    const auto& in = policy.locations->includeLocations;
    const auto& out = policy.locations->excludeLocations;
    if (std::find(in.begin(), in.end(), id) != in.end() ||
        std::find(out.begin(), out.end(), id) != out.end()) {
      return Status::InvalidInput("the named location is used by the conditional access policy '" +
                                  policy.displayName + "' (" + policy.id +
                                  "); remove it from the policy first");
    }
  }
  all.erase(at);
  return CommitNamedLocations(std::move(all), nullptr, id, "Delete named location", actor);
}

}  // namespace idguard
