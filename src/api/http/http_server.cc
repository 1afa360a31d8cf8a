// The only translation unit that includes Boost.Beast: every connection is a C++20 coroutine on the
// event loop of one of N server threads; handlers that are not quick run on a pool of handler
// threads.
#include "idguard/api/http_server.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "idguard/core/json_writer.h"
#include "idguard/core/thread_name.h"
#include "idguard/core/time.h"

namespace idguard::api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
// The most Beast reads from the socket in one call.
constexpr std::size_t kBodyReadSize = std::size_t{64} * 1024;
// Room for a whole small request (headers and a body of a few KiB, as an evaluate call) in one
// read. Beast's first read into an empty buffer asks for 512 bytes, so a request of 700 bytes took
// two receive calls, each a system call, every time.
constexpr std::size_t kRequestReadSize = std::size_t{4} * 1024;
// Bodies at least this large (ingest batches) are read into a buffer kept from an earlier request
// on the same thread (SpareBody).
constexpr std::size_t kRecycledBodyMinimum = std::size_t{256} * 1024;
// The largest write of a streamed body that gets the whole write time limit (WriteResponse).
constexpr std::size_t kStreamSlice = std::size_t{64} * 1024;

// The running server's context, for RequestHttpServerStop from other threads.
std::mutex g_running_mutex;
std::function<void()> g_stop_running;

// The connections waiting for their next request, by socket. Shutdown ends their wait at once
// instead of waiting for their clients to send something or for the drain timeout: a keep-alive
// client may stay silent for a minute. It does so with shutdown(SHUT_RD) on the socket, which the
// kernel lets any thread do, so connections need no strand (one would cost every request a
// dispatch). A socket is registered only while its connection waits, and removed before the
// connection closes it, so the mutex keeps every registered descriptor open while it is used.
class IdleConnections {
 public:
  // Registers a waiting connection's socket; false once shutdown began (close at once then).
  bool Add(std::uint64_t id, int socket) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    waiting_.emplace(id, socket);
    return true;
  }
  void Remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    waiting_.erase(id);
  }
  // Bytes of a next request already in the socket make a connection busy, not idle: that
  // request is answered, and the connection closes after it.
  void CloseAll() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (const auto& [id, socket] : waiting_) {
      int pending = 0;
      if (ioctl(socket, FIONREAD, &pending) == 0 && pending == 0) shutdown(socket, SHUT_RD);
    }
    waiting_.clear();
  }

 private:
  std::mutex mutex_;
  bool closed_ = false;
  std::unordered_map<std::uint64_t, int> waiting_;
};

struct ServerState {
  const HttpServerOptions& options;
  const HttpHandler& handler;
  const AccessLogSink& accessLog;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> nextRequestId{0};
  std::atomic<std::uint64_t> nextConnectionId{0};
  std::atomic<int> connections{0};
  IdleConnections idle{};
  // Where handlers that are not quick run (HttpServerOptions::answersQuickly); null: inline.
  net::io_context* handlerPool = nullptr;
};

// Runs the handler on the connection's own thread when the request is quick, else on the handler
// pool while the connection's thread serves its other connections.
awaitable<HttpResponse> Answer(ServerState& state, HttpRequest& request) {
  if (state.handlerPool == nullptr || state.options.answersQuickly(request)) {
    co_return state.handler(request);
  }
  co_return co_await net::co_spawn(
      *state.handlerPool, [&]() -> awaitable<HttpResponse> { co_return state.handler(request); },
      use_awaitable);
}

// One large body buffer per server thread, kept between requests. The allocator hands a fresh
// buffer of megabytes back to the system when it is freed, so every ingest batch faulted its body's
// pages in again, one page fault per 4 KiB: a fifth of the server's CPU during an ingest load on
// the reference machine, where a page fault costs about 10 microseconds. A thread keeps at most
// one buffer, no larger than the body limit.
// Not inlined: the callers run inside coroutines, and a compiler may keep a thread-local's address
// across a suspension point of the function it is inlined into. A connection's coroutine resumes on
// its own server thread today; this keeps the buffer right should that ever change.
[[gnu::noinline]] std::string& SpareBody() {
  thread_local std::string spare;
  return spare;
}

// An empty string with room for `length` bytes, from the thread's spare buffer when the body is
// large and the spare large enough. A new buffer gets an eighth more room (within the body limit):
// batches from one client differ in size by a few per cent, and a buffer cut to the first would be
// too small for half of the next ones, each of which would then fault in fresh memory.
std::string TakeBodyBuffer(std::size_t length, std::size_t body_limit) {
  std::string fresh;
  if (length < kRecycledBodyMinimum) {  // most requests: no thread-local lookup
    fresh.reserve(length);
    return fresh;
  }
  std::string& spare = SpareBody();
  if (spare.capacity() < length) {
    fresh.reserve(std::max(length, std::min(length + length / 8, body_limit)));
    return fresh;
  }
  std::string body = std::move(spare);
  spare = std::string();
  body.clear();
  return body;
}

// A chunked body, whose length is not known ahead, can grow past the body limit by doubling; such
// a buffer is not kept.
void KeepBodyBuffer(std::string&& body, std::size_t body_limit) {
  if (body.capacity() < kRecycledBodyMinimum || body.capacity() > body_limit) return;
  std::string& spare = SpareBody();
  if (body.capacity() > spare.capacity()) {
    body.clear();
    spare = std::move(body);
  }
}

std::string MakeRequestId(ServerState& state) {
  // Unique within this process; a client's own client-request-id takes precedence.
  char buffer[40];
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::snprintf(buffer, sizeof buffer, "%012llx-%08llx",
                static_cast<unsigned long long>(
                    std::chrono::duration_cast<std::chrono::microseconds>(now).count()),
                static_cast<unsigned long long>(state.nextRequestId.fetch_add(1)));
  return buffer;
}

HttpRequest ToRequest(http::request<http::string_body>&& message, const std::string& remote,
                      ServerState& state) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  const std::string_view target = message.target();
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.remoteAddress = remote;
  request.headers.reserve(8);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  const std::string_view client_id = request.Header("client-request-id");
  request.requestId =
      client_id.empty() || client_id.size() > 64 ? MakeRequestId(state) : std::string(client_id);
  request.body = std::move(message.body());
  return request;
}

void FillHeaders(http::fields& fields, const HttpResponse& response, const HttpRequest& request) {
  fields.set(http::field::server, "idguard");
  fields.set(http::field::content_type, response.contentType);
  fields.set("request-id", request.requestId);
  fields.set("client-request-id", request.requestId);
  for (const auto& [name, value] : response.headers) fields.set(name, value);
}

// Writes the response. `write_timeout` bounds each write: the whole of a buffered response, and
// each slice of at most kStreamSlice bytes of a streamed one, so a download may run as long as its
// client keeps reading, however slowly, and a client that stops reading is cut off. The pieces of
// a streamed body are made on `producers` when there is one (the handler pool): a piece is a page
// of rows read and formatted, milliseconds of work that the connection's thread would otherwise
// take from the real-time calls it serves.
template <typename Stream>
awaitable<beast::error_code> WriteResponse(Stream& stream, HttpResponse& response,
                                           const HttpRequest& request, unsigned version,
                                           bool keep_alive, std::size_t& bytes,
                                           std::chrono::steady_clock::duration write_timeout,
                                           net::io_context* producers) {
  beast::get_lowest_layer(stream).expires_after(write_timeout);
  if (!response.stream) {
    http::response<http::string_body> message{static_cast<http::status>(response.status), version};
    FillHeaders(message, response, request);
    message.keep_alive(keep_alive);
    bytes = response.body.size();
    message.body() = std::move(response.body);
    message.prepare_payload();
    auto [ec, written] = co_await http::async_write(stream, message, kNoThrow);
    co_return ec;
  }
  http::response<http::empty_body> message{static_cast<http::status>(response.status), version};
  FillHeaders(message, response, request);
  message.keep_alive(keep_alive);
  message.chunked(true);
  http::response_serializer<http::empty_body> serializer{message};
  if (auto [ec, written] = co_await http::async_write_header(stream, serializer, kNoThrow); ec) {
    co_return ec;
  }
  std::string piece;
  for (;;) {
    piece.clear();
    Result<bool> more = false;
    if (producers == nullptr) {
      more = response.stream(piece);
    } else {
      co_await net::co_spawn(
          *producers,
          [&]() -> awaitable<void> {
            more = response.stream(piece);
            co_return;
          },
          use_awaitable);
    }
    if (!more.ok()) {
      // The status is already on the wire: ending the connection without the last chunk is how
      // the client learns the body is incomplete. The log says why.
      response.logDetail =
          "the body stopped after " + std::to_string(bytes) + " bytes: " + more.status().message();
      co_return beast::error_code(net::error::connection_aborted);
    }
    bytes += piece.size();
    // A piece may be megabytes (a page of rows); each slice is a chunk with a time limit of its
    // own, so a client reading at a few KB/s is not cut off in the middle of a page.
    for (std::size_t at = 0; at < piece.size(); at += kStreamSlice) {
      const std::size_t length = std::min(kStreamSlice, piece.size() - at);
      beast::get_lowest_layer(stream).expires_after(write_timeout);
      auto [ec, written] = co_await net::async_write(
          stream, http::make_chunk(net::buffer(piece.data() + at, length)), kNoThrow);
      if (ec) co_return ec;
    }
    if (!*more) break;
  }
  beast::get_lowest_layer(stream).expires_after(write_timeout);
  auto [ec, written] = co_await net::async_write(stream, http::make_chunk_last(), kNoThrow);
  co_return ec;
}

// The access log's line; a request the server failed on its side also goes to the error log.
void LogAccess(ServerState& state, const HttpRequest& request, const HttpResponse& response,
               std::size_t bytes, std::chrono::steady_clock::time_point started) {
  const bool failed = !response.logDetail.empty() && state.options.errorLog;
  if (!state.accessLog && !failed) return;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  std::string line;
  JsonWriter json(line);
  json.BeginObject();
  json.MemberTimestamp("time", SystemClock().Now());
  json.Member("requestId", request.requestId);
  json.Member("remote", request.remoteAddress);
  json.Member("method", request.method);
  json.Member("path", request.path);
  json.Member("route", response.route);
  json.Member("status", response.status);
  json.Member("bytes", static_cast<std::int64_t>(bytes));
  json.Member("micros", static_cast<std::int64_t>(micros));
  if (!response.logDetail.empty()) json.Member("error", response.logDetail);
  json.EndObject();
  if (state.accessLog) state.accessLog(line);
  if (failed) state.options.errorLog(line);
}

// An error response for requests the transport refuses before any handler sees them.
HttpResponse TransportError(int status, std::string_view code, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.route = "(transport)";
  JsonWriter json(response.body);
  json.BeginObject();
  json.Key("error");
  json.BeginObject();
  json.Member("code", code);
  json.Member("message", message);
  json.EndObject();
  json.EndObject();
  return response;
}

template <typename Stream>
awaitable<void> ServeConnection(Stream& stream, ServerState& state, std::string remote) {
  const HttpServerOptions& options = state.options;
  beast::flat_buffer buffer;
  buffer.reserve(kRequestReadSize);
  const std::uint64_t connection_id = state.nextConnectionId.fetch_add(1);
  const int socket = beast::get_lowest_layer(stream).socket().native_handle();
  struct ForgetIdle {
    ServerState& state;
    std::uint64_t id;
    ~ForgetIdle() { state.idle.Remove(id); }  // before the connection closes its socket
  } forget{state, connection_id};
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.headerLimit));
    parser.body_limit(options.bodyLimit);
    // Between requests (nothing of the next one read yet) shutdown may close the connection.
    const bool idle = buffer.size() == 0;
    if (idle && !state.idle.Add(connection_id, socket)) break;
    // The first byte may take up to the idle timeout; the whole request then the request timeout.
    beast::get_lowest_layer(stream).expires_after(options.idleTimeout);
    auto [header_ec, header_bytes] =
        co_await http::async_read_header(stream, buffer, parser, kNoThrow);
    if (idle) state.idle.Remove(connection_id);
    const auto started = std::chrono::steady_clock::now();
    beast::error_code ec = header_ec;
    if (!ec && !parser.is_done()) {
      // Clients such as curl hold a large body back until the server agrees to read it, and
      // would otherwise wait a second for the answer.
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
        beast::get_lowest_layer(stream).expires_after(options.requestTimeout);
        auto [continue_ec, continue_bytes] = co_await http::async_write(stream, go_on, kNoThrow);
        if (continue_ec) break;
      }
      // Growing a large body by doubling copies it several times; the length is known.
      if (auto length = parser.content_length(); length && *length <= options.bodyLimit) {
        parser.get().body() = TakeBodyBuffer(static_cast<std::size_t>(*length), options.bodyLimit);
        // Beast reads at most the buffer's free capacity per call (512 bytes at least, 64 KiB
        // at most), and every read re-arms the stream's timer with a system call: a buffer left
        // small by the header would read a large body in thousands of pieces.
        buffer.reserve(std::min<std::size_t>(static_cast<std::size_t>(*length), kBodyReadSize));
      }
      beast::get_lowest_layer(stream).expires_after(options.requestTimeout);
      auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, kNoThrow);
      ec = body_ec;
    }
    if (ec) {
      std::optional<HttpResponse> refusal;
      if (ec == http::error::body_limit) {
        refusal = TransportError(413, "RequestEntityTooLarge",
                                 "the request body is larger than the server accepts (" +
                                     std::to_string(options.bodyLimit) + " bytes)");
      } else if (ec == http::error::header_limit) {
        refusal = TransportError(431, "RequestHeaderFieldsTooLarge",
                                 "the request headers are larger than the server accepts");
      } else if (ec.category() == beast::error_code(http::error::body_limit).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        refusal = TransportError(400, "BadRequest", "malformed HTTP request: " + ec.message());
      }
      if (refusal) {
        HttpRequest request;
        request.remoteAddress = remote;
        request.requestId = MakeRequestId(state);
        std::size_t bytes = 0;
        co_await WriteResponse(stream, *refusal, request, 11, false, bytes, options.requestTimeout,
                               nullptr);
        LogAccess(state, request, *refusal, bytes, started);
      }
      break;
    }
    const bool keep_alive = parser.get().keep_alive();
    const unsigned version = parser.get().version();
    HttpRequest request = ToRequest(parser.release(), remote, state);
    HttpResponse response = co_await Answer(state, request);
    const bool keep = keep_alive && !state.stopping.load();
    std::size_t bytes = 0;
    // A streamed download may take long: its time limit is per 64 KiB written, not overall.
    beast::error_code write_ec = co_await WriteResponse(
        stream, response, request, version, keep, bytes, options.requestTimeout, state.handlerPool);
    LogAccess(state, request, response, bytes, started);
    KeepBodyBuffer(std::move(request.body), options.bodyLimit);
    if (write_ec || !keep) break;
  }
}

awaitable<void> ServePlain(tcp::socket socket, ServerState& state) {
  state.connections.fetch_add(1);
  std::string remote;
  beast::error_code ignored;
  if (auto endpoint = socket.remote_endpoint(ignored); !ignored) {
    remote = endpoint.address().to_string();
  }
  beast::tcp_stream stream(std::move(socket));
  co_await ServeConnection(stream, state, remote);
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  state.connections.fetch_sub(1);
}

awaitable<void> ServeTls(tcp::socket socket, ServerState& state, ssl::context& context) {
  state.connections.fetch_add(1);
  std::string remote;
  beast::error_code ignored;
  if (auto endpoint = socket.remote_endpoint(ignored); !ignored) {
    remote = endpoint.address().to_string();
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), context);
  beast::get_lowest_layer(stream).expires_after(state.options.requestTimeout);
  auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, kNoThrow);
  if (!handshake_ec) {
    co_await ServeConnection(stream, state, remote);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(kNoThrow);
  }
  state.connections.fetch_sub(1);
}

awaitable<void> Accept(tcp::acceptor& acceptor, ServerState& state, ssl::context* tls,
                       const std::vector<std::unique_ptr<net::io_context>>& loops) {
  std::size_t next_loop = 0;
  for (;;) {
    net::io_context& loop = *loops[next_loop];
    next_loop = (next_loop + 1) % loops.size();
    auto [ec, socket] = co_await acceptor.async_accept(loop, kNoThrow);
    if (ec) {
      if (ec == net::error::operation_aborted || state.stopping.load()) co_return;
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    if (tls != nullptr) {
      net::co_spawn(executor, ServeTls(std::move(socket), state, *tls), net::detached);
    } else {
      net::co_spawn(executor, ServePlain(std::move(socket), state), net::detached);
    }
  }
}

}  // namespace

Status RunHttpServer(const HttpServerOptions& options, const HttpHandler& handler,
                     const AccessLogSink& access_log, const ListeningCallback& on_listening) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const unsigned threads = options.threads > 0 ? options.threads : std::max(1U, cores / 4);
  const unsigned handler_threads = options.handlerThreads > 0 ? options.handlerThreads : cores;
  // Declared before the event loops, so it outlives them: connections still open when the drain
  // timeout ends are destroyed with their loop, and they refer to it on the way out.
  ServerState state{options, handler, access_log};
  // One event loop per thread, each serving the connections it was given: with one loop shared by
  // all threads, every request crossed threads (one waits in epoll, another runs the handler), and
  // waking a thread costs more than a whole evaluation on a virtual machine.
  std::vector<std::unique_ptr<net::io_context>> loops;
  for (unsigned i = 0; i < threads; ++i) loops.push_back(std::make_unique<net::io_context>(1));
  net::io_context& io = *loops.front();
  std::optional<net::io_context> handler_pool;
  if (options.answersQuickly) {
    handler_pool.emplace(static_cast<int>(handler_threads));
    state.handlerPool = &*handler_pool;
  }
  auto stop_loops = [&loops, &handler_pool] {
    for (auto& loop : loops) loop->stop();
    if (handler_pool) handler_pool->stop();
  };

  std::unique_ptr<ssl::context> tls;
  if (!options.tlsCertificateFile.empty() || !options.tlsKeyFile.empty()) {
    if (options.tlsCertificateFile.empty() || options.tlsKeyFile.empty()) {
      return Status::InvalidInput("TLS needs both a certificate file and a key file");
    }
    tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    tls->use_certificate_chain_file(options.tlsCertificateFile, ec);
    if (ec) {
      return Status::InvalidInput("TLS certificate " + options.tlsCertificateFile + ": " +
                                  ec.message());
    }
    tls->use_private_key_file(options.tlsKeyFile, ssl::context::pem, ec);
    if (ec) return Status::InvalidInput("TLS key " + options.tlsKeyFile + ": " + ec.message());
  }

  beast::error_code ec;
  const auto address = net::ip::make_address(options.address, ec);
  if (ec) return Status::InvalidInput("listen address '" + options.address + "': " + ec.message());
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + options.address + ":" +
                               std::to_string(options.port) + ": " + ec.message());
  }

  // Shutdown: stop accepting, close the connections waiting for a next request, let the others
  // finish theirs (they close instead of keeping alive), and stop the loop when they are gone or
  // the drain timeout passes.
  net::steady_timer drain(io);
  auto begin_stop = [&] {
    if (state.stopping.exchange(true)) return;
    beast::error_code ignored;
    acceptor.close(ignored);
    state.idle.CloseAll();
    drain.expires_after(options.drainTimeout);
    drain.async_wait([&](beast::error_code) { stop_loops(); });
    net::co_spawn(
        io,
        [&]() -> awaitable<void> {
          net::steady_timer poll(io);
          while (state.connections.load() > 0) {
            poll.expires_after(std::chrono::milliseconds(20));
            co_await poll.async_wait(kNoThrow);
          }
          stop_loops();
        },
        net::detached);
  };
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code error, int) {
    if (!error) begin_stop();
  });
  {
    std::lock_guard lock(g_running_mutex);
    g_stop_running = [&] { net::post(io, begin_stop); };
  }

  net::co_spawn(io, Accept(acceptor, state, tls.get(), loops), net::detached);
  if (on_listening) on_listening(acceptor.local_endpoint().port());

  std::vector<std::thread> workers;
  workers.reserve(std::size_t{threads} + handler_threads);
  for (unsigned i = 0; handler_pool && i < handler_threads; ++i) {
    workers.emplace_back([&handler_pool, i] {
      NameThisThread("idg-handler-" + std::to_string(i));
      auto keep_running = net::make_work_guard(*handler_pool);
      handler_pool->run();
    });
  }
  for (unsigned i = 1; i < threads; ++i) {
    workers.emplace_back([&loops, i] {
      NameThisThread("idg-http-" + std::to_string(i));
      // A loop without connections has no work; it waits for some until the server stops.
      auto keep_running = net::make_work_guard(*loops[i]);
      loops[i]->run();
    });
  }
  io.run();
  for (auto& worker : workers) worker.join();
  {
    std::lock_guard lock(g_running_mutex);
    g_stop_running = nullptr;
  }
  return Status::Ok();
}

void RequestHttpServerStop() {
  std::lock_guard lock(g_running_mutex);
  if (g_stop_running) g_stop_running();
}

}  // namespace idguard::api
