#include "idguard/ingest/risk_detection_parser.h"

#include <simdjson.h>

#include <optional>
#include <string>

#include "idguard/core/risk_event_types.h"
#include "ingest/graph_signin/graph_fields.h"
#include "ingest/json_object_reader.h"

namespace idguard {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

using graph_fields::FieldError;

// The diagnostic-settings categories whose records hold one detection in `properties`.
bool IsDetectionCategory(std::string_view category) {
  return category == "UserRiskEvents" || category == "ServicePrincipalRiskEvents";
}

// Graph enum text → value, or an error naming the field and the text.
template <typename Enum, typename ParseFn>
Status ReadEnum(value v, std::string_view field, ParseFn parse, std::optional<Enum>& out) {
  std::string text;
  if (Status s = graph_fields::ReadString(v, field, text); !s.ok()) return s;
  if (text.empty()) return Status::Ok();
  auto parsed = parse(text);
  if (!parsed) return FieldError(field, "unknown value '" + text + "'");
  out = *parsed;
  return Status::Ok();
}

Status ReadTime(value v, std::string_view field, std::optional<EventTime>& out) {
  std::string text;
  if (Status s = graph_fields::ReadString(v, field, text); !s.ok()) return s;
  if (text.empty()) return Status::Ok();
  auto parsed = ParseTimestamp(text);
  if (!parsed) return FieldError(field, "not a timestamp: '" + text + "'");
  out = *parsed;
  return Status::Ok();
}

// riskEventType is a string; the legacy riskType may be its enum name or number.
Status ReadTypeText(value v, std::string_view field, std::string& out) {
  json_type type;
  if (v.type().get(type) == simdjson::SUCCESS && type == json_type::number) {
    std::int64_t number = 0;
    if (v.get_int64().get(number) != simdjson::SUCCESS) {
      return FieldError(field, "expected a whole number");
    }
    out = std::to_string(number);
    return Status::Ok();
  }
  return graph_fields::ReadString(v, field, out);
}

// What one detection object said, before defaults and checks.
struct DetectionFields {
  RiskDetection detection;
  std::string eventTypeText;
  std::string legacyTypeText;
  std::optional<RiskLevel> level;
  std::optional<RiskState> state;
  std::optional<RiskDetail> detail;
  std::optional<DetectionTimingType> timing;
  std::optional<ActivityType> activity;
  std::optional<EventTime> activityTime;
  std::optional<EventTime> detectedTime;
  std::optional<EventTime> lastUpdatedTime;
  std::string additionalInfoText;
  bool servicePrincipal = false;
};

class Parser final : public RiskDetectionParser {
 public:
  Result<ImportedDetection> Parse(std::string_view record) override {
    object top;
    if (Status s = reader_.Open(record, "a riskDetection", top); !s.ok()) return s;
    DetectionFields fields;
    fields.detection.source.clear();  // not idguard's own: "imported" unless the record names one
    std::optional<EventTime> record_time;

    // A diagnostic-settings record names its category; a Graph object has none.
    std::string category;
    value category_value;
    bool has_category = false;
    if (Status s = FindMember(top, "category", category_value, has_category); !s.ok()) return s;
    if (has_category) {
      if (Status s = graph_fields::ReadString(category_value, "category", category); !s.ok()) {
        return s;
      }
    }
    if (!category.empty()) {
      if (!IsDetectionCategory(category)) {
        return Status::InvalidInput("category " + category +
                                    " does not hold risk detections (expected UserRiskEvents or "
                                    "ServicePrincipalRiskEvents)");
      }
      value time_value;
      bool has_time = false;
      if (Status s = FindMember(top, "time", time_value, has_time); !s.ok()) return s;
      if (has_time) {
        if (Status s = ReadTime(time_value, "time", record_time); !s.ok()) return s;
      }
      value properties_value;
      object properties;
      bool has_properties = false;
      if (Status s = FindMember(top, "properties", properties_value, has_properties); !s.ok()) {
        return s;
      }
      if (!has_properties) return Status::InvalidInput("field properties is required");
      if (properties_value.get_object().get(properties) != simdjson::SUCCESS) {
        return FieldError("properties", "expected an object");
      }
      if (Status s = ReadObject(properties, fields); !s.ok()) return s.WithContext("properties");
      if (category == "ServicePrincipalRiskEvents") fields.servicePrincipal = true;
    } else {
      if (top.reset().error() != simdjson::SUCCESS) {
        return Status::InvalidInput("malformed object");
      }
      if (Status s = ReadObject(top, fields); !s.ok()) return s;
    }
    return Finish(std::move(fields), record_time);
  }

 private:
  // Looks a member up in any order. A malformed document ends the record: simdjson's iterator
  // cannot be used again after an error.
  static Status FindMember(object& o, std::string_view key, value& out, bool& found) {
    const auto error = o.find_field_unordered(key).get(out);
    found = error == simdjson::SUCCESS;
    if (found || error == simdjson::NO_SUCH_FIELD) return Status::Ok();
    return Status::InvalidInput(std::string("not JSON: ") + simdjson::error_message(error));
  }

  Status ReadObject(object detection_object, DetectionFields& f) {
    RiskDetection& d = f.detection;
    for (auto member : detection_object) {
      std::string_view key;
      if (member.unescaped_key().get(key) != simdjson::SUCCESS) {
        return Status::InvalidInput("malformed member name");
      }
      value v;
      if (member.value().get(v) != simdjson::SUCCESS) {
        return FieldError(key, "malformed value");
      }
      Status s = ReadMember(key, v, f, d);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Status ReadMember(std::string_view key, value v, DetectionFields& f, RiskDetection& d) {
    using graph_fields::ReadString;
    if (key == "id") return ReadString(v, key, d.id);
    if (key == "riskEventType") return ReadTypeText(v, key, f.eventTypeText);
    if (key == "riskType") return ReadTypeText(v, key, f.legacyTypeText);
    if (key == "riskLevel") return ReadEnum(v, key, ParseRiskLevel, f.level);
    if (key == "riskState") return ReadEnum(v, key, ParseRiskState, f.state);
    if (key == "riskDetail") return ReadEnum(v, key, ParseRiskDetail, f.detail);
    if (key == "detectionTimingType") {
      return ReadEnum(v, key, ParseDetectionTimingType, f.timing);
    }
    if (key == "activity") return ReadEnum(v, key, ParseActivityType, f.activity);
    if (key == "activityDateTime") return ReadTime(v, key, f.activityTime);
    if (key == "detectedDateTime") return ReadTime(v, key, f.detectedTime);
    if (key == "lastUpdatedDateTime") return ReadTime(v, key, f.lastUpdatedTime);
    if (key == "ipAddress") return ReadString(v, key, d.ipAddress);
    if (key == "requestId") return ReadString(v, key, d.requestId);
    if (key == "correlationId") return ReadString(v, key, d.correlationId);
    if (key == "tokenIssuerType") return ReadString(v, key, d.tokenIssuerType);
    if (key == "userId") return ReadString(v, key, d.userId);
    if (key == "userDisplayName") return ReadString(v, key, d.userDisplayName);
    if (key == "userPrincipalName") return ReadString(v, key, d.userPrincipalName);
    if (key == "location") return graph_fields::ReadLocation(v, d.location);
    if (key == "source") return ReadString(v, key, d.source);
    if (key == "servicePrincipalId") {
      f.servicePrincipal = true;
      return ReadString(v, key, d.userId);
    }
    if (key == "servicePrincipalDisplayName") return ReadString(v, key, d.userDisplayName);
    // A service principal's application id rides in userPrincipalName, as in its risky record.
    if (key == "appId") return ReadString(v, key, d.userPrincipalName);
    if (key == "additionalInfo") return ReadAdditionalInfo(v, f);
    return Status::Ok();
  }

  // Graph carries additionalInfo as a string holding a JSON array of {"Key", "Value"}; some
  // exports inline the array.
  Status ReadAdditionalInfo(value v, DetectionFields& f) {
    json_type type;
    if (v.type().get(type) != simdjson::SUCCESS) return FieldError("additionalInfo", "malformed");
    if (type == json_type::null) return Status::Ok();
    if (type == json_type::array) {
      std::string_view raw;
      if (simdjson::to_json_string(v).get(raw) != simdjson::SUCCESS) {
        return FieldError("additionalInfo", "malformed array");
      }
      f.additionalInfoText.assign(raw);
      return Status::Ok();
    }
    return graph_fields::ReadString(v, "additionalInfo", f.additionalInfoText);
  }

  Status ParseAdditionalInfo(std::string_view text, std::vector<InfoItem>& items) {
    constexpr std::string_view kExpected = "expected a JSON array of {\"Key\", \"Value\"} objects";
    simdjson::ondemand::array array;
    if (!info_reader_.OpenArray(text, array)) return FieldError("additionalInfo", kExpected);
    for (auto element : array) {
      object pair;
      if (element.get_object().get(pair) != simdjson::SUCCESS) {
        return FieldError("additionalInfo", kExpected);
      }
      InfoItem item;
      for (auto member : pair) {
        std::string_view key;
        value member_value;
        if (member.unescaped_key().get(key) != simdjson::SUCCESS ||
            member.value().get(member_value) != simdjson::SUCCESS) {
          return FieldError("additionalInfo", kExpected);
        }
        std::string* target = key == "Key" ? &item.key : key == "Value" ? &item.value : nullptr;
        if (target == nullptr) continue;
        std::string_view text_value;
        // A string as its text; a number, object or array kept as its JSON.
        const bool is_string = member_value.get_string().get(text_value) == simdjson::SUCCESS;
        if (!is_string &&
            simdjson::to_json_string(member_value).get(text_value) != simdjson::SUCCESS) {
          return FieldError("additionalInfo", kExpected);
        }
        target->assign(text_value);
      }
      if (item.key.empty()) return FieldError("additionalInfo", "an item has no Key");
      items.push_back(std::move(item));
    }
    return Status::Ok();
  }

  Result<ImportedDetection> Finish(DetectionFields f, std::optional<EventTime> record_time) {
    ImportedDetection imported;
    RiskDetection& d = f.detection;
    if (d.id.empty()) return Status::InvalidInput("field id is required");
    const std::string& type_text = f.eventTypeText.empty() ? f.legacyTypeText : f.eventTypeText;
    const char* type_field = f.eventTypeText.empty() ? "riskType" : "riskEventType";
    if (type_text.empty()) {
      return Status::InvalidInput("field riskEventType (or the legacy riskType) is required");
    }
    auto type = NormalizeRiskEventType(type_text);
    if (!type.ok()) return FieldError(type_field, type.status().message());
    d.riskEventType = std::move(type->name);
    imported.recognizedType = type->info != nullptr;

    if (d.userId.empty()) {
      return Status::InvalidInput("field userId (or servicePrincipalId) is required");
    }
    const std::optional<EventTime> detected = f.detectedTime   ? f.detectedTime
                                              : f.activityTime ? f.activityTime
                                                               : record_time;
    if (!detected) {
      return Status::InvalidInput("field detectedDateTime (or activityDateTime) is required");
    }
    d.detectedDateTime = *detected;
    d.activityDateTime = f.activityTime.value_or(*detected);
    d.lastUpdatedDateTime = f.lastUpdatedTime.value_or(*detected);

    if (f.level) {
      d.riskLevel = *f.level;
    } else if (type->info != nullptr && type->info->fixedLevel) {
      d.riskLevel = *type->info->fixedLevel;
    } else {
      return Status::InvalidInput("field riskLevel is required for " + d.riskEventType);
    }
    d.riskState = f.state.value_or(RiskState::atRisk);
    d.riskDetail = f.detail.value_or(RiskDetail::none);
    d.detectionTimingType = f.timing.value_or(DetectionTimingType::notDefined);
    if (f.activity) {
      d.activity = *f.activity;
    } else if (f.servicePrincipal) {
      d.activity = ActivityType::servicePrincipal;
    } else {
      d.activity = d.requestId.empty() ? ActivityType::user : ActivityType::signin;
    }
    if (d.source.empty()) d.source = "imported";
    if (!f.additionalInfoText.empty()) {
      if (Status s = ParseAdditionalInfo(f.additionalInfoText, d.additionalInfo); !s.ok()) {
        return s;
      }
    }
    imported.detection = std::move(d);
    return imported;
  }

  JsonObjectReader reader_;
  JsonObjectReader info_reader_;  // additionalInfo's embedded JSON
};

}  // namespace

std::unique_ptr<RiskDetectionParser> MakeRiskDetectionParser() {
  return std::make_unique<Parser>();
}

}  // namespace idguard
