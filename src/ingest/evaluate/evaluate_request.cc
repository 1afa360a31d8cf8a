#include "idguard/ingest/evaluate_request.h"

#include <cctype>

#include "ingest/graph_signin/graph_fields.h"
#include "ingest/json_object_reader.h"

namespace idguard {
namespace {

using simdjson::ondemand::value;

Status ReadFlag(value v, std::string_view key, bool& out) {
  if (v.get_bool().get(out) != simdjson::SUCCESS) {
    return Status::InvalidInput("member " + std::string(key) + " must be true or false");
  }
  return Status::Ok();
}

// Lower-case hex; a repeated member replaces the one before, as for every other member.
Status ReadPasswordSha1(value v, std::string& out) {
  std::string_view hex;
  bool valid = v.get_string().get(hex) == simdjson::SUCCESS && hex.size() == 40;
  for (char c : hex) valid = valid && std::isxdigit(static_cast<unsigned char>(c)) != 0;
  if (!valid) return Status::InvalidInput("member passwordSha1 must be 40 hexadecimal digits");
  out.clear();
  out.reserve(40);
  for (char c : hex) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Status::Ok();
}

}  // namespace

Result<EvaluateRequest> ParseEvaluateRequest(std::string_view body, EventTime now,
                                             std::string_view new_id) {
  thread_local JsonObjectReader reader;
  simdjson::ondemand::object object;
  if (Status opened = reader.Open(body, "a sign-in", object); !opened.ok()) {
    // The reader says "not JSON: <why>" or "expected a JSON object (a sign-in)".
    return Status::InvalidInput(opened.message().starts_with("not JSON")
                                    ? "the body is " + opened.message()
                                    : std::string("the body must be a JSON object (a sign-in)"));
  }
  EvaluateRequest request;
  SignIn& sign_in = request.signIn;
  // What the identity provider leaves to idguard; the body's own id and time replace these.
  sign_in.id = new_id;
  sign_in.createdDateTime = now;
  // One pass: the signIn fields, and the request's own members beside them.
  Status read = graph_fields::ReadSignInObject(object, sign_in, [&](std::string_view key, value v) {
    if (key == "sessionHasMfa") return ReadFlag(v, key, request.sessionHasMfa);
    if (key == "isMfaRegistered") {
      bool registered = false;
      if (Status s = ReadFlag(v, key, registered); !s.ok()) return s;
      request.isMfaRegistered = registered;
    }
    if (key == "passwordSha1") return ReadPasswordSha1(v, request.passwordSha1);
    return Status::Ok();
  });
  if (!read.ok()) return read;
  if (!reader.AtEnd()) return Status::InvalidInput("the body has more after its JSON object");
  if (sign_in.IsServicePrincipal() || sign_in.userId.empty()) {
    return Status::InvalidInput(
        "field userId: is required (evaluate takes user sign-ins; send service principal "
        "sign-ins to /v1/signins)");
  }
  return request;
}

}  // namespace idguard
