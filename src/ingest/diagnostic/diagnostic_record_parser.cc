#include <string>

#include "idguard/ingest/graph_signin_parser.h"
#include "ingest/graph_signin/graph_fields.h"
#include "ingest/json_object_reader.h"

namespace idguard {
namespace {

// Diagnostic-settings categories that carry sign-ins, and the kind each one means.
std::optional<SignInKind> KindOfCategory(std::string_view category) {
  if (category == "SignInLogs") return SignInKind::interactiveUser;
  if (category == "NonInteractiveUserSignInLogs") return SignInKind::nonInteractiveUser;
  if (category == "ServicePrincipalSignInLogs" ||
      category == "MicrosoftServicePrincipalSignInLogs") {
    return SignInKind::servicePrincipal;
  }
  if (category == "ManagedIdentitySignInLogs") return SignInKind::managedIdentity;
  return std::nullopt;
}

class DiagnosticRecordParser final : public RecordParser {
 public:
  Result<SignIn> Parse(std::string_view record) override {
    simdjson::ondemand::object object;
    if (Status s = reader_.Open(record, "a diagnostic-settings record", object); !s.ok()) {
      return s;
    }
    SignIn sign_in;
    std::string category;
    std::string time_text;
    bool has_properties = false;
    for (auto member : object) {
      std::string_view key;
      if (member.unescaped_key().get(key) != simdjson::SUCCESS) {
        return Status::InvalidInput("malformed member name");
      }
      simdjson::ondemand::value value;
      if (member.value().get(value) != simdjson::SUCCESS) {
        return Status::InvalidInput("field " + std::string(key) + ": malformed value");
      }
      if (key == "category") {
        if (Status s = graph_fields::ReadString(value, "category", category); !s.ok()) return s;
        auto kind = KindOfCategory(category);
        if (!kind) {
          return Status::InvalidInput("category " + category +
                                      " is not a sign-in log (expected SignInLogs, "
                                      "NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs "
                                      "or ManagedIdentitySignInLogs)");
        }
        sign_in.kind = *kind;
        sign_in.isInteractive = *kind == SignInKind::interactiveUser;
      } else if (key == "time") {
        if (Status s = graph_fields::ReadString(value, "time", time_text); !s.ok()) return s;
      } else if (key == "properties") {
        if (category.empty()) {
          return Status::InvalidInput("field category must come before properties");
        }
        simdjson::ondemand::object properties;
        if (value.get_object().get(properties) != simdjson::SUCCESS) {
          return Status::InvalidInput("field properties: expected an object");
        }
        // `time` is the fallback event time when properties lacks createdDateTime.
        if (auto time = ParseTimestamp(time_text)) sign_in.createdDateTime = *time;
        if (Status s = graph_fields::ReadSignInObject(properties, sign_in); !s.ok()) {
          return s.WithContext("properties");
        }
        has_properties = true;
      }
    }
    if (category.empty()) return Status::InvalidInput("field category is required");
    if (!has_properties) return Status::InvalidInput("field properties is required");
    // The category, not isInteractive, decides the kind (non-interactive logs say true at times).
    if (sign_in.kind != SignInKind::interactiveUser) sign_in.isInteractive = false;
    return sign_in;
  }

 private:
  JsonObjectReader reader_;
};

}  // namespace

std::unique_ptr<RecordParser> MakeDiagnosticRecordParser() {
  return std::make_unique<DiagnosticRecordParser>();
}

}  // namespace idguard
