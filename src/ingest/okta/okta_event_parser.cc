#include "idguard/ingest/okta_event_parser.h"

#include <simdjson.h>

#include <array>
#include <string>

#include "ingest/json_object_reader.h"

namespace idguard {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

// Entra error codes the detectors understand, for Okta outcomes.
constexpr std::int32_t kInvalidCredentials = 50126;
constexpr std::int32_t kLockedOut = 50053;
constexpr std::int32_t kMfaRequired = 50074;
constexpr std::int32_t kMfaDenied = 500121;
constexpr std::int32_t kBlockedByPolicy = 53003;
constexpr std::int32_t kOtherFailure = 50000;

// The event fields a sign-in is built from, by their flattened name (nested keys joined by '_').
enum Slot : std::size_t {
  kUuid,
  kPublished,
  kEventType,
  kActorId,
  kActorType,
  kActorAlternateId,
  kActorDisplayName,
  kClientIpAddress,
  kClientUserAgent,
  kOutcomeResult,
  kOutcomeReason,
  kExternalSessionId,
  kCredentialType,
  kTransactionId,
  kFactor,
  kTarget,
  kSlotCount
};

constexpr std::array<std::string_view, kSlotCount> kSlotNames{
    "uuid",
    "published",
    "eventType",
    "actor_id",
    "actor_type",
    "actor_alternateId",
    "actor_displayName",
    "client_ipAddress",
    "client_userAgent_rawUserAgent",
    "outcome_result",
    "outcome_reason",
    "authenticationContext_externalSessionId",
    "authenticationContext_credentialType",
    "transaction_id",
    "debugContext_debugData_factor",
    "target",
};

// Sentinel custom tables append the column type (_s string, _d double, _b bool, _t datetime,
// _g guid) to every name it stores.
std::string_view WithoutColumnSuffix(std::string_view name) {
  if (name.size() > 2 && name[name.size() - 2] == '_') {
    switch (name.back()) {
      case 's':
      case 'd':
      case 'b':
      case 't':
      case 'g':
        return name.substr(0, name.size() - 2);
      default:
        break;
    }
  }
  return name;
}

// How the field is named in Okta's documentation: actor_alternateId → actor.alternateId.
std::string DottedName(std::string_view flat) {
  std::string name(flat);
  for (char& c : name) {
    if (c == '_') c = '.';
  }
  return name;
}

// Flattened tables write missing values as text.
bool IsNullText(std::string_view text) {
  return text.empty() || text == "null" || text == "unknown" || text == "UNKNOWN";
}

enum class EventKind { notSignIn, primary, mfaStep, mfaDenial, fraudReport };

EventKind ClassifyEvent(std::string_view event_type) {
  if (event_type == "user.session.start" || event_type == "user.authentication.sso" ||
      event_type.starts_with("user.authentication.auth_via_")) {
    return event_type == "user.authentication.auth_via_mfa" ? EventKind::mfaStep
                                                            : EventKind::primary;
  }
  if (event_type == "user.authentication.verify") return EventKind::mfaStep;
  if (event_type == "user.mfa.okta_verify.deny_push") return EventKind::mfaDenial;
  if (event_type == "user.account.report_suspicious_activity_by_enduser") {
    return EventKind::fraudReport;
  }
  return EventKind::notSignIn;
}

struct OktaEvent {
  std::array<std::string, kSlotCount> fields;
  const std::string& operator[](Slot slot) const { return fields[slot]; }
};

class OktaEventParser final : public RecordParser {
 public:
  Result<SignIn> Parse(std::string_view record) override {
    object top;
    if (Status s = reader_.Open(record, "an Okta System Log event", top); !s.ok()) return s;
    OktaEvent event;
    if (Status s = Flatten(top, "", event, 0); !s.ok()) return s;
    return Build(event);
  }

 private:
  static constexpr int kMaxDepth = 6;

  Status Flatten(object o, const std::string& prefix, OktaEvent& event, int depth) {
    for (auto member : o) {
      std::string_view key;
      if (member.unescaped_key().get(key) != simdjson::SUCCESS) {
        return Status::InvalidInput("malformed member name");
      }
      value v;
      if (member.value().get(v) != simdjson::SUCCESS) {
        return Status::InvalidInput("field " + DottedName(prefix) + std::string(key) +
                                    ": malformed value");
      }
      const std::string name = prefix + std::string(WithoutColumnSuffix(key));
      json_type type;
      if (v.type().get(type) != simdjson::SUCCESS) {
        return Status::InvalidInput("field " + DottedName(name) + ": malformed value");
      }
      if (type == json_type::object) {
        if (depth >= kMaxDepth) continue;
        object nested;
        if (v.get_object().get(nested) != simdjson::SUCCESS) {
          return Status::InvalidInput("field " + DottedName(name) + ": malformed object");
        }
        if (Status s = Flatten(nested, name + "_", event, depth + 1); !s.ok()) return s;
        continue;
      }
      const Slot slot = FindSlot(name);
      if (slot == kSlotCount) continue;
      std::string_view text;
      if (type == json_type::string) {
        if (v.get_string().get(text) != simdjson::SUCCESS) {
          return Status::InvalidInput("field " + DottedName(name) + ": malformed string");
        }
      } else if (type != json_type::null) {
        // Numbers, booleans, and the raw shape's `target` array, kept as their JSON text.
        if (simdjson::to_json_string(v).get(text) != simdjson::SUCCESS) {
          return Status::InvalidInput("field " + DottedName(name) + ": malformed value");
        }
      }
      event.fields[slot].assign(text);
    }
    return Status::Ok();
  }

  static Slot FindSlot(std::string_view name) {
    for (std::size_t i = 0; i < kSlotCount; ++i) {
      if (kSlotNames[i] == name) return static_cast<Slot>(i);
    }
    return kSlotCount;
  }

  Result<SignIn> Build(const OktaEvent& event) {
    const std::string& event_type = event[kEventType];
    if (event_type.empty()) return Status::InvalidInput("field eventType is required");
    const EventKind kind = ClassifyEvent(event_type);
    if (kind == EventKind::notSignIn) {
      return Status::NotFound("eventType " + event_type + " is not a sign-in event");
    }
    SignIn sign_in;
    sign_in.id = event[kUuid];
    if (sign_in.id.empty()) return Status::InvalidInput("field uuid is required");
    if (event[kPublished].empty()) return Status::InvalidInput("field published is required");
    auto published = ParseTimestamp(event[kPublished]);
    if (!published) {
      return Status::InvalidInput("field published: '" + event[kPublished] +
                                  "' is not an ISO 8601 timestamp");
    }
    sign_in.createdDateTime = *published;
    // A failed sign-in with a user name Okta does not know has actor.id "unknown" and the name
    // that was tried as alternateId: that name is the only identity there is.
    const std::string& actor =
        IsNullText(event[kActorId]) ? event[kActorAlternateId] : event[kActorId];
    if (IsNullText(actor)) {
      return Status::InvalidInput("field actor.id (or actor.alternateId) is required");
    }
    const bool user_actor = IsNullText(event[kActorType]) || event[kActorType] == "User";
    if (user_actor) {
      sign_in.userId = actor;
      if (!IsNullText(event[kActorAlternateId])) {
        sign_in.userPrincipalName = event[kActorAlternateId];
      }
      if (!IsNullText(event[kActorDisplayName])) {
        sign_in.userDisplayName = event[kActorDisplayName];
      }
    } else {
      sign_in.kind = SignInKind::servicePrincipal;
      sign_in.isInteractive = false;
      sign_in.servicePrincipalId = actor;
      if (!IsNullText(event[kActorDisplayName])) {
        sign_in.servicePrincipalName = event[kActorDisplayName];
      }
    }
    if (!IsNullText(event[kClientIpAddress])) sign_in.ipAddress = event[kClientIpAddress];
    if (!IsNullText(event[kClientUserAgent])) sign_in.userAgent = event[kClientUserAgent];
    if (!IsNullText(event[kExternalSessionId])) sign_in.sessionId = event[kExternalSessionId];
    if (!IsNullText(event[kTransactionId])) sign_in.correlationId = event[kTransactionId];
    if (Status s = ReadTargetApplication(event[kTarget], sign_in); !s.ok()) return s;
    if (sign_in.appDisplayName.empty()) {
      sign_in.appDisplayName = "Okta";
      sign_in.appId = "okta";
    }
    sign_in.clientAppUsed = "Browser";
    if (kind != EventKind::primary) {
      sign_in.authenticationRequirement = "multiFactorAuthentication";
      const std::string& factor =
          IsNullText(event[kFactor]) ? event[kCredentialType] : event[kFactor];
      if (!IsNullText(factor)) sign_in.mfaDetail.authMethod = factor;
    }
    SetStatus(kind, event[kOutcomeResult], event[kOutcomeReason], sign_in.status);
    return sign_in;
  }

  static void SetStatus(EventKind kind, std::string_view result, std::string_view reason,
                        SignInStatus& status) {
    if (!IsNullText(reason)) status.additionalDetails.assign(reason);
    if (kind == EventKind::fraudReport) {
      status.errorCode = kMfaDenied;
      status.failureReason = "The user denied the MFA request and reported it as fraud";
      return;
    }
    if (kind == EventKind::mfaDenial) {
      status.errorCode = kMfaDenied;
      status.failureReason = "The user denied the MFA push";
      return;
    }
    if (result == "SUCCESS" || result == "ALLOW") return;
    if (result == "CHALLENGE") {
      status.errorCode = kMfaRequired;
      status.failureReason = "Okta challenged the sign-in for another factor";
      return;
    }
    if (kind == EventKind::mfaStep) {
      status.errorCode = kMfaDenied;
      status.failureReason = "The second factor failed";
      return;
    }
    if (result == "DENY") {
      status.errorCode = kBlockedByPolicy;
      status.failureReason = "Okta denied the sign-in by policy";
      return;
    }
    if (reason.find("LOCKED_OUT") != std::string_view::npos) {
      status.errorCode = kLockedOut;
      status.failureReason = "The account is locked out";
      return;
    }
    if (reason.find("VERIFICATION_ERROR") != std::string_view::npos ||
        reason.find("INVALID_CREDENTIALS") != std::string_view::npos) {
      status.errorCode = kInvalidCredentials;
      status.failureReason = "Invalid username or password";
      return;
    }
    status.errorCode = kOtherFailure;
    status.failureReason = "The sign-in failed (Okta outcome " + std::string(result) + ")";
  }

  // The application a sign-in went to: the AppInstance among the event's targets. The raw shape
  // has an array; the flattened table keeps the array as JSON text.
  Status ReadTargetApplication(const std::string& target_json, SignIn& sign_in) {
    if (IsNullText(target_json)) return Status::Ok();
    simdjson::ondemand::array targets;
    if (!target_reader_.OpenArray(target_json, targets)) {
      return Status::InvalidInput("field target: expected an array of targets");
    }
    for (auto element : targets) {
      object target;
      if (element.get_object().get(target) != simdjson::SUCCESS) {
        return Status::InvalidInput("field target: expected an array of objects");
      }
      std::string_view type;
      std::string_view id;
      std::string_view display_name;
      for (auto member : target) {
        std::string_view key;
        value v;
        if (member.unescaped_key().get(key) != simdjson::SUCCESS ||
            member.value().get(v) != simdjson::SUCCESS) {
          return Status::InvalidInput("field target: malformed target");
        }
        std::string_view text;
        if (v.get_string().get(text) != simdjson::SUCCESS) continue;
        if (key == "type") type = text;
        if (key == "id") id = text;
        if (key == "displayName") display_name = text;
      }
      if (type == "AppInstance") {
        sign_in.appId.assign(id);
        sign_in.appDisplayName.assign(display_name);
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

  JsonObjectReader reader_;
  JsonObjectReader target_reader_;  // the flattened table's `target` JSON text
};

}  // namespace

std::unique_ptr<RecordParser> MakeOktaEventParser() { return std::make_unique<OktaEventParser>(); }

}  // namespace idguard
