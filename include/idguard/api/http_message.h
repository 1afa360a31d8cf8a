// HttpRequest and HttpResponse: the transport-neutral request and response the API handlers see.
//
// The HTTP server (http_server.h) fills a request from the wire and writes the response back;
// handlers never see Boost.Beast, so only one translation unit compiles it. A response either
// carries its whole body or a producer that yields the body piece by piece (sent chunked), which
// is how downloads stream rows without holding the whole result.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idguard/core/status.h"

namespace idguard::api {

struct HttpRequest {
  std::string method;  // upper case, e.g. "GET"
  std::string path;    // the target up to '?', still percent-encoded
  std::string query;   // the target after '?', still percent-encoded
  std::string body;
  std::string remoteAddress;
  std::string requestId;  // the client's client-request-id, or one the server made up
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case

  // The value of the first header named `name` (lower case), or empty.
  std::string_view Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
};

// Appends the next piece of a streamed body to `out`; returns false after the last piece. An
// error after the first piece can only end the connection (the status line is already sent).
using BodyProducer = std::function<Result<bool>(std::string& out)>;

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  BodyProducer stream;  // when set, `body` is ignored and the body is sent chunked
  std::string route;    // the route template that answered, for logs and metrics
  // Why the server failed to answer (a 5xx, or a streamed body cut off), for its own logs: store
  // errors name files and statements, which a client has no use for and should not see.
  std::string logDetail;
};

using HttpHandler = std::function<HttpResponse(HttpRequest& request)>;

}  // namespace idguard::api
