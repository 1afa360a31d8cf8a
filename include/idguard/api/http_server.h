// HttpServer: the HTTP/1.1 listener of `idguard serve` (Boost.Beast over Asio).
//
// Keep-alive, optional TLS (OpenSSL, a PEM certificate chain and key), limits on header and body
// size (413 beyond the body limit) and on how long a client may take to send a request, TCP_NODELAY
// on every connection, a structured access log line per request (never the Authorization header),
// and graceful shutdown: on SIGTERM or SIGINT it stops accepting, lets requests in flight finish
// (up to the drain timeout) and returns. Each server thread runs its own event loop and serves the
// connections it accepted; each connection is one coroutine. Handlers other than the quick ones
// run on a pool of handler threads (HttpServerOptions::answersQuickly).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "idguard/api/http_message.h"
#include "idguard/core/status.h"

namespace idguard::api {

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // Default: loopback only
  std::uint16_t port = 8080;          // Default: 8080; 0 picks a free port
  // Server threads, each with its own event loop. Default: 0 = one per four hardware threads (at
  // least one): the real-time calls all take the engine's lock, and on two cores a second server
  // thread contending for it cost more CPU per evaluation than it added (docs/PERFORMANCE.md).
  unsigned threads = 0;
  unsigned handlerThreads = 0;     // Default: 0 = one per hardware thread (see answersQuickly)
  std::string tlsCertificateFile;  // PEM chain; TLS is on when this and the key are set
  std::string tlsKeyFile;
  std::size_t headerLimit = std::size_t{16} * 1024;       // Default: 16 KiB of request headers
  std::size_t bodyLimit = std::size_t{32} * 1024 * 1024;  // Default: 32 MiB request body
  // Default: 30 s to send one request, and for each write of an answer (a whole buffered answer,
  // or 64 KiB of a streamed download): a client that stops reading is cut off.
  std::chrono::seconds requestTimeout{30};
  std::chrono::seconds idleTimeout{60};   // Default: 60 s idle keep-alive
  std::chrono::seconds drainTimeout{10};  // Default: 10 s for requests in flight
  // Requests whose handler answers within microseconds without waiting for the store (the
  // real-time calls). Each connection belongs to one server thread; these run on it, and all
  // others on the pool of handler threads, so that a slow one (a report, an impact preview,
  // an ingest batch) never holds up the other connections of its thread. Unset: every handler runs
  // on its connection's thread.
  std::function<bool(const HttpRequest& request)> answersQuickly;
  // Called with the access log's line (with its "error" member) for every request the server
  // failed on its side, whether or not there is an access log. Unset: not logged apart.
  std::function<void(std::string_view line)> errorLog;
};

// Called once per answered request with one JSON line (no newline), for the access log.
using AccessLogSink = std::function<void(std::string_view line)>;
// Called once the listener is bound, with the port it listens on (useful with port 0).
using ListeningCallback = std::function<void(std::uint16_t port)>;

// Serves until SIGTERM or SIGINT, or until RequestHttpServerStop(); then drains and returns.
Status RunHttpServer(const HttpServerOptions& options, const HttpHandler& handler,
                     const AccessLogSink& access_log, const ListeningCallback& on_listening);

// Asks a running server to shut down as on SIGTERM (from any thread).
void RequestHttpServerStop();

}  // namespace idguard::api
