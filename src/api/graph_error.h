// Error responses in the Microsoft Graph shape:
//   {"error": {"code": "...", "message": "...", "innerError": {"date", "request-id",
//   "client-request-id"}}}
// with the status codes Graph uses (400 bad request or query, 401 no or bad token, 403 role
// lacks the permission, 404, 405, 413, 429, 500, 503).
#pragma once

#include <string>
#include <string_view>

#include "idguard/api/http_message.h"
#include "idguard/core/status.h"

namespace idguard::api {

HttpResponse GraphError(const HttpRequest& request, int status, std::string_view code,
                        std::string_view message);

HttpResponse NoContent();
HttpResponse JsonResponse(int status, std::string body);

// 400 for invalid input, 404 for not found, 503 for unavailable (the message says what to
// retry), 500 otherwise (ServerFailure).
HttpResponse GraphErrorFromStatus(const HttpRequest& request, const Status& status);

// A failure on the server's side: `message` for the client, which adds where the server's log
// has the cause; the cause itself (store errors name files and statements) goes only to the log
// (HttpResponse::logDetail).
HttpResponse ServerFailure(const HttpRequest& request, int status, std::string_view code,
                           std::string_view message, const Status& cause);

}  // namespace idguard::api
