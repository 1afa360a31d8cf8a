// The HTTP server's threads, in process over real sockets: each server thread serves the
// connections it accepted, and handlers that are not quick run on the handler pool, so a slow one
// never holds up the other connections of its thread.
#include "idguard/api/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "idguard/core/thread_name.h"

namespace idguard::api {
namespace {

// A blocking client connection to the server on loopback; reads give up after 10 s, so a request
// the server never answers fails the test instead of hanging it.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval limit{10, 0};
    ::setsockopt(socket_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(socket_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  int socket() const { return socket_; }

  void Send(const std::string& path) {
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
    ASSERT_EQ(::send(socket_, request.data(), request.size(), 0),
              static_cast<ssize_t>(request.size()));
  }

  // Everything received up to and including `end` (a chunked body's last chunk, say), or "" when
  // it did not arrive within the time limit.
  std::string ReadUntil(const std::string& end) {
    std::string received;
    char buffer[4096];
    while (received.find(end) == std::string::npos) {
      const ssize_t n = ::recv(socket_, buffer, sizeof buffer, 0);
      if (n <= 0) return "";
      received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
  }

  // The response's body, or "" when none arrived within the time limit.
  std::string ReadBody() {
    std::string received;
    char buffer[4096];
    for (;;) {
      const auto header_end = received.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        const auto length_at = received.find("Content-Length: ");
        if (length_at != std::string::npos && length_at < header_end) {
          const std::size_t length = std::stoul(received.substr(length_at + 16));
          if (received.size() >= header_end + 4 + length) {
            return received.substr(header_end + 4, length);
          }
        }
      }
      const ssize_t n = ::recv(socket_, buffer, sizeof buffer, 0);
      if (n <= 0) return "";
      received.append(buffer, static_cast<std::size_t>(n));
    }
  }

 private:
  int socket_ = -1;
  bool connected_ = false;
};

// Runs RunHttpServer on a thread named "test-server" until the fixture stops it.
class HttpServerTest : public ::testing::Test {
 protected:
  void Start(unsigned threads, HttpHandler handler,
             std::function<bool(const HttpRequest&)> answers_quickly) {
    options_.address = "127.0.0.1";
    options_.port = 0;
    options_.threads = threads;
    options_.answersQuickly = std::move(answers_quickly);
    handler_ = std::move(handler);
    std::promise<std::uint16_t> listening;
    auto port = listening.get_future();
    server_ = std::thread([this, &listening] {
      NameThisThread("test-server");
      served_ = RunHttpServer(options_, handler_, {},
                              [&listening](std::uint16_t port) { listening.set_value(port); });
    });
    ASSERT_EQ(port.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    port_ = port.get();
  }

  void TearDown() override {
    if (!server_.joinable()) return;
    RequestHttpServerStop();
    server_.join();
    EXPECT_TRUE(served_.ok()) << served_.message();
  }

  static HttpResponse Text(std::string body) {
    HttpResponse response;
    response.contentType = "text/plain";
    response.body = std::move(body);
    return response;
  }

  HttpServerOptions options_;
  HttpHandler handler_;
  std::thread server_;
  Status served_ = Status::Ok();
  std::uint16_t port_ = 0;
};

TEST_F(HttpServerTest, AQuickRequestIsAnsweredWhileASlowOneRunsOnTheSameServerThread) {
  std::promise<void> slow_started;
  std::promise<void> release_slow;
  std::shared_future<void> released = release_slow.get_future().share();
  std::mutex names_mutex;
  std::string slow_thread;
  std::string quick_thread;
  Start(
      1,
      [&](HttpRequest& request) {
        if (request.path == "/slow") {
          {
            std::lock_guard lock(names_mutex);
            slow_thread = CurrentThreadName();
          }
          slow_started.set_value();
          released.wait_for(std::chrono::seconds(20));
          return Text("slow");
        }
        std::lock_guard lock(names_mutex);
        quick_thread = CurrentThreadName();
        return Text("quick");
      },
      [](const HttpRequest& request) { return request.path == "/quick"; });

  Client slow(port_);
  Client quick(port_);
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(quick.connected());
  slow.Send("/slow");
  ASSERT_EQ(slow_started.get_future().wait_for(std::chrono::seconds(10)),
            std::future_status::ready);
  // The only server thread must be free while the slow handler waits.
  quick.Send("/quick");
  EXPECT_EQ(quick.ReadBody(), "quick");
  release_slow.set_value();
  EXPECT_EQ(slow.ReadBody(), "slow");

  std::lock_guard lock(names_mutex);
  EXPECT_EQ(quick_thread, "test-server");
  EXPECT_EQ(slow_thread.rfind("idg-handler-", 0), 0U) << slow_thread;
}

TEST_F(HttpServerTest, AStreamedBodyIsMadeOnTheHandlerPoolWhileQuickRequestsAreAnswered) {
  std::promise<void> second_piece_started;
  std::promise<void> release_second_piece;
  std::shared_future<void> released = release_second_piece.get_future().share();
  std::mutex names_mutex;
  std::vector<std::string> piece_threads;
  Start(
      1,
      [&](HttpRequest& request) {
        if (request.path != "/download") return Text("quick");
        HttpResponse response = Text("");
        auto pieces = std::make_shared<int>(0);
        response.stream = [&, pieces](std::string& out) -> Result<bool> {
          {
            std::lock_guard lock(names_mutex);
            piece_threads.push_back(CurrentThreadName());
          }
          if (++*pieces == 2) {
            second_piece_started.set_value();
            released.wait_for(std::chrono::seconds(20));
          }
          out += "piece" + std::to_string(*pieces) + ";";
          return *pieces < 3;
        };
        return response;
      },
      [](const HttpRequest& request) { return request.path == "/quick"; });

  Client download(port_);
  Client quick(port_);
  ASSERT_TRUE(download.connected());
  ASSERT_TRUE(quick.connected());
  download.Send("/download");
  ASSERT_EQ(second_piece_started.get_future().wait_for(std::chrono::seconds(10)),
            std::future_status::ready);
  // The only server thread must be free while the download's next piece is being made.
  quick.Send("/quick");
  EXPECT_EQ(quick.ReadBody(), "quick");
  release_second_piece.set_value();
  const std::string body = download.ReadUntil("0\r\n\r\n");
  for (const char* piece : {"piece1;", "piece2;", "piece3;"}) {
    EXPECT_NE(body.find(piece), std::string::npos) << body;
  }

  std::lock_guard lock(names_mutex);
  ASSERT_EQ(piece_threads.size(), 3U);
  for (const std::string& name : piece_threads) {
    EXPECT_EQ(name.rfind("idg-handler-", 0), 0U) << name;
  }
}

// A failure on the server's side (a 5xx, a streamed body that breaks off) is logged with its cause
// even without an access log; the cause is never sent, and answers that succeed are not logged.
TEST_F(HttpServerTest, AFailureIsLoggedWithItsCauseWhichTheClientNeverSees) {
  std::mutex log_mutex;
  std::vector<std::string> errors;
  options_.errorLog = [&](std::string_view line) {
    std::lock_guard lock(log_mutex);
    errors.emplace_back(line);
  };
  Start(1,
        [](HttpRequest& request) {
          if (request.path == "/fails") {
            HttpResponse response = Text("the server could not complete the request");
            response.status = 500;
            response.logDetail = "disk I/O error on /var/lib/idguard/store.db";
            return response;
          }
          if (request.path == "/breaks-off") {
            HttpResponse response = Text("");
            auto pieces = std::make_shared<int>(0);
            response.stream = [pieces](std::string& out) -> Result<bool> {
              if (++*pieces == 2) return Status::IoError("the cursor broke");
              out += "first piece;";
              return true;
            };
            return response;
          }
          return Text("fine");
        },
        {});
  auto logged = [&] {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      {
        std::lock_guard lock(log_mutex);
        if (!errors.empty() || std::chrono::steady_clock::now() > until) {
          std::vector<std::string> lines;
          lines.swap(errors);
          return lines;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };

  Client client(port_);
  ASSERT_TRUE(client.connected());
  client.Send("/fine");
  EXPECT_EQ(client.ReadBody(), "fine");
  client.Send("/fails");
  const std::string body = client.ReadBody();
  EXPECT_EQ(body, "the server could not complete the request");
  std::vector<std::string> lines = logged();
  ASSERT_EQ(lines.size(), 1U) << "only the failure";
  EXPECT_NE(lines[0].find(R"("path":"/fails")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("status":500)"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("error":"disk I/O error on /var/lib/idguard/store.db")"),
            std::string::npos)
      << lines[0];

  Client download(port_);
  ASSERT_TRUE(download.connected());
  download.Send("/breaks-off");
  EXPECT_EQ(download.ReadUntil("0\r\n\r\n"), "") << "no last chunk: the body is incomplete";
  lines = logged();
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find("the body stopped after 12 bytes: the cursor broke"), std::string::npos)
      << lines[0];
}

// A connection still in the middle of a request when the drain timeout ends is dropped with the
// server's event loops, after everything it refers to is gone from them (ASan checks the order).
TEST_F(HttpServerTest, AConnectionBusyPastTheDrainTimeoutIsDroppedAndTheServerReturns) {
  options_.drainTimeout = std::chrono::seconds(1);
  Start(
      2, [](HttpRequest&) { return Text("ok"); }, [](const HttpRequest&) { return true; });
  Client busy(port_);
  ASSERT_TRUE(busy.connected());
  busy.Send("/");  // a whole request first: the server has taken the connection
  ASSERT_EQ(busy.ReadBody(), "ok");
  const std::string partial =
      "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nonly part of the body";
  ASSERT_EQ(::send(busy.socket(), partial.data(), partial.size(), 0),
            static_cast<ssize_t>(partial.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the server read it
  RequestHttpServerStop();
  server_.join();
  EXPECT_TRUE(served_.ok()) << served_.message();
}

TEST_F(HttpServerTest, ConnectionsAreSharedAmongTheServerThreads) {
  std::mutex names_mutex;
  std::set<std::string> threads_seen;
  Start(
      2,
      [&](HttpRequest&) {
        std::lock_guard lock(names_mutex);
        threads_seen.insert(CurrentThreadName());
        return Text("ok");
      },
      [](const HttpRequest&) { return true; });

  // Connections are handed to the threads in turn as they are accepted: of two in a row, one goes
  // to each. Each is accepted before the next connects (its answer proves it).
  Client first(port_);
  ASSERT_TRUE(first.connected());
  first.Send("/");
  EXPECT_EQ(first.ReadBody(), "ok");
  Client second(port_);
  ASSERT_TRUE(second.connected());
  second.Send("/");
  EXPECT_EQ(second.ReadBody(), "ok");
  for (int i = 0; i < 3; ++i) {  // each connection stays on its thread
    first.Send("/");
    EXPECT_EQ(first.ReadBody(), "ok");
    second.Send("/");
    EXPECT_EQ(second.ReadBody(), "ok");
  }

  std::lock_guard lock(names_mutex);
  EXPECT_EQ(threads_seen, (std::set<std::string>{"test-server", "idg-http-1"}));
}

}  // namespace
}  // namespace idguard::api
