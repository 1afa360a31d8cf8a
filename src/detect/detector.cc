#include "idguard/detect/detector.h"

#include "idguard/core/binary_codec.h"

namespace idguard {

PastSignIn PastSignIn::Of(const SignIn& sign_in) {
  return PastSignIn{sign_in.id,
                    sign_in.createdDateTime,
                    sign_in.SubjectId(),
                    sign_in.userPrincipalName,
                    sign_in.userDisplayName,
                    sign_in.ipAddress,
                    sign_in.correlationId,
                    sign_in.tokenIssuerType,
                    sign_in.location};
}

void PastSignIn::Save(ByteWriter& w) const {
  for (const std::string* text :
       {&id, &subjectId, &userPrincipalName, &userDisplayName, &ipAddress, &correlationId,
        &tokenIssuerType, &location.city, &location.state, &location.countryOrRegion}) {
    w.Str(*text);
  }
  w.I64(createdDateTime);
  w.U64(location.HasCoordinates() ? 1 : 0);
  w.F64(location.geoCoordinates.latitude.value_or(0));
  w.F64(location.geoCoordinates.longitude.value_or(0));
}

PastSignIn PastSignIn::Restore(ByteReader& r) {
  PastSignIn s;
  for (std::string* text : {&s.id, &s.subjectId, &s.userPrincipalName, &s.userDisplayName,
                            &s.ipAddress, &s.correlationId, &s.tokenIssuerType, &s.location.city,
                            &s.location.state, &s.location.countryOrRegion}) {
    *text = r.Str();
  }
  s.createdDateTime = r.I64();
  const bool has_coordinates = r.U64() != 0;
  const double latitude = r.F64();
  const double longitude = r.F64();
  if (has_coordinates) {
    s.location.geoCoordinates.latitude = latitude;
    s.location.geoCoordinates.longitude = longitude;
  }
  return s;
}

std::optional<std::string> StatefulDetector::SaveState() const {
  std::string blob;
  ByteWriter writer(blob);
  writer.U64(stateVersion());
  SaveTo(writer);
  return blob;
}

Status StatefulDetector::RestoreState(std::string_view blob) {
  const std::string what = std::string(riskEventType()) + " state";
  ByteReader reader(blob);
  if (reader.U64() != stateVersion() || !reader.ok()) {
    return Status::InvalidInput(what + ": unknown version");
  }
  const std::optional<std::string> before = SaveState();
  if (Status restored = RestoreFrom(reader); !restored.ok()) return restored.WithContext(what);
  if (!reader.AtEnd()) {
    // Parsed but followed by garbage: put the previous state back.
    ByteReader previous(*before);
    previous.U64();
    (void)RestoreFrom(previous);
    return Status::InvalidInput(what + ": trailing bytes");
  }
  return Status::Ok();
}

void Detector::Count(const Finding& finding) {
  ++counters_.fired;
  switch (finding.level) {
    case RiskLevel::low:
      ++counters_.firedLow;
      break;
    case RiskLevel::medium:
      ++counters_.firedMedium;
      break;
    case RiskLevel::high:
      ++counters_.firedHigh;
      break;
    default:
      break;
  }
}

}  // namespace idguard
