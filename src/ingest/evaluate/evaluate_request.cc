#include "idguard/ingest/evaluate_request.h"

#include <simdjson.h>

#include <cctype>

#include "idguard/core/json_writer.h"
#include "idguard/ingest/graph_signin_parser.h"

namespace idguard {

Result<EvaluateRequest> ParseEvaluateRequest(std::string_view body, EventTime now,
                                             std::string_view new_id) {
  thread_local simdjson::dom::parser parser;
  thread_local std::unique_ptr<RecordParser> sign_in_parser = MakeGraphSignInParser();
  simdjson::dom::object object;
  if (auto error = parser.parse(body.data(), body.size()).get(object)) {
    return Status::InvalidInput(error == simdjson::INCORRECT_TYPE
                                    ? std::string("the body must be a JSON object (a sign-in)")
                                    : std::string("the body is not JSON: ") +
                                          simdjson::error_message(error));
  }
  EvaluateRequest request;
  bool has_id = false;
  bool has_created = false;
  for (auto member : object) {
    const std::string_view key = member.key;
    if (key == "id") has_id = !member.value.is_null();
    if (key == "createdDateTime") has_created = !member.value.is_null();
    if (key == "sessionHasMfa" && member.value.get_bool().get(request.sessionHasMfa)) {
      return Status::InvalidInput("member sessionHasMfa must be true or false");
    }
    if (key == "isMfaRegistered") {
      bool registered = false;
      if (member.value.get_bool().get(registered)) {
        return Status::InvalidInput("member isMfaRegistered must be true or false");
      }
      request.isMfaRegistered = registered;
    }
    if (key == "passwordSha1") {
      std::string_view hex;
      bool valid = member.value.get_string().get(hex) == simdjson::SUCCESS && hex.size() == 40;
      for (char c : hex) valid = valid && std::isxdigit(static_cast<unsigned char>(c)) != 0;
      if (!valid) return Status::InvalidInput("member passwordSha1 must be 40 hexadecimal digits");
      request.passwordSha1.clear();  // a repeated member: the last one counts, as for the rest
      request.passwordSha1.reserve(40);
      for (char c : hex) {
        request.passwordSha1 += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
  }
  // The Graph parser needs an id and a time: add what the identity provider left to idguard.
  std::string completed;
  std::string_view record = body;
  if (!has_id || !has_created) {
    JsonWriter json(completed);
    json.BeginObject();
    if (!has_id) json.Member("id", new_id);
    if (!has_created) json.MemberTimestamp("createdDateTime", now);
    json.EndObject();
    completed.pop_back();  // the closing brace: the body's own members follow
    const std::string_view rest = body.substr(body.find('{') + 1);
    if (object.size() > 0) completed += ',';
    completed.append(rest);
    record = completed;
  }
  auto sign_in = sign_in_parser->Parse(record);
  if (!sign_in.ok()) return sign_in.status();
  request.signIn = std::move(sign_in).value();
  if (request.signIn.IsServicePrincipal() || request.signIn.userId.empty()) {
    return Status::InvalidInput(
        "field userId: is required (evaluate takes user sign-ins; send service principal "
        "sign-ins to /v1/signins)");
  }
  return request;
}

}  // namespace idguard
