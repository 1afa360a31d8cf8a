#include "api/graph_error.h"

#include "idguard/core/json_writer.h"
#include "idguard/core/time.h"

namespace idguard::api {

HttpResponse GraphError(const HttpRequest& request, int status, std::string_view code,
                        std::string_view message) {
  HttpResponse response;
  response.status = status;
  JsonWriter json(response.body);
  json.BeginObject();
  json.Key("error");
  json.BeginObject();
  json.Member("code", code);
  json.Member("message", message);
  json.Key("innerError");
  json.BeginObject();
  json.MemberTimestamp("date", SystemClock().Now() / kMicrosPerSecond * kMicrosPerSecond);
  json.Member("request-id", request.requestId);
  json.Member("client-request-id", request.requestId);
  json.EndObject();
  json.EndObject();
  json.EndObject();
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

HttpResponse NoContent() {
  HttpResponse response;
  response.status = 204;
  response.contentType = "application/json";
  return response;
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse GraphErrorFromStatus(const HttpRequest& request, const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidInput:
      return GraphError(request, 400, "BadRequest", status.message());
    case StatusCode::kNotFound:
      return GraphError(request, 404, "ResourceNotFound", status.message());
    case StatusCode::kUnavailable: {
      // The message says what to retry; the log keeps it too, with the request.
      HttpResponse response = GraphError(request, 503, "ServiceUnavailable", status.message());
      response.logDetail = status.message();
      return response;
    }
    default:
      return ServerFailure(request, 500, "InternalServerError",
                           "The server could not complete the request", status);
  }
}

HttpResponse ServerFailure(const HttpRequest& request, int status, std::string_view code,
                           std::string_view message, const Status& cause) {
  HttpResponse response =
      GraphError(request, status, code,
                 std::string(message) + "; the server's log has the cause under request-id " +
                     request.requestId + ".");
  response.logDetail = cause.message();
  return response;
}

}  // namespace idguard::api
