// The serve and token commands as a user runs them: tokens are printed once and listed without
// their secret, bad roles and bad settings are refused with the reason, revoked tokens stop
// working, and SIGTERM ends the server without waiting on idle clients or cutting requests off.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "e2e/e2e_support.h"

namespace idguard::e2e {
namespace {

TEST(ServeCommandTest, TokensArePrintedOnceListedWithoutSecretAndRevocable) {
  TempDir dir("tokens");
  const std::string db = dir / "store.db";
  CommandResult created =
      RunIdguard("token create --db " + db + " --name soc --role security-reader");
  ASSERT_EQ(created.exitCode, 0) << created.output;
  const std::string token = created.output.substr(0, created.output.find('\n'));
  EXPECT_EQ(token.rfind("idg_", 0), 0U);
  EXPECT_EQ(token.size(), 47U);  // idg_ + 43 base64url characters of 32 random bytes

  CommandResult listed = RunIdguard("token list --db " + db);
  ASSERT_EQ(listed.exitCode, 0) << listed.output;
  EXPECT_NE(listed.output.find("\tsoc\tsecurity-reader\t"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("\tactive"), std::string::npos);
  EXPECT_EQ(listed.output.find(token), std::string::npos);
  EXPECT_EQ(ReadFile(db).find(token), std::string::npos);
  EXPECT_EQ(ReadFile(db + "-wal").find(token), std::string::npos);

  const std::string id = listed.output.substr(
      listed.output.find('\n') + 1,
      listed.output.find('\t', listed.output.find('\n')) - listed.output.find('\n') - 1);
  CommandResult revoked = RunIdguard("token revoke --db " + db + " --id " + id);
  ASSERT_EQ(revoked.exitCode, 0) << revoked.output;
  EXPECT_NE(RunIdguard("token list --db " + db).output.find("\trevoked"), std::string::npos);
  CommandResult unknown = RunIdguard("token revoke --db " + db + " --id nope");
  EXPECT_NE(unknown.exitCode, 0);
  EXPECT_NE(unknown.output.find("no API token has the id 'nope'"), std::string::npos);
}

TEST(ServeCommandTest, UnknownRolesAndSettingsAreRefusedWithTheReason) {
  TempDir dir("serve-settings");
  const std::string db = dir / "store.db";
  CommandResult role = RunIdguard("token create --db " + db + " --name x --role admin");
  EXPECT_EQ(role.exitCode, 2);
  EXPECT_NE(role.output.find("unknown role 'admin'; roles: global-reader, security-reader"),
            std::string::npos)
      << role.output;

  const std::string config = dir / "serve.yaml";
  std::ofstream(config) << "listen: 127.0.0.1:0\nthreds: 2\n";
  CommandResult typo = RunIdguard("serve --db " + db + " --config " + config);
  EXPECT_EQ(typo.exitCode, 2);
  EXPECT_NE(typo.output.find("serve.yaml: unknown setting 'threds'"), std::string::npos)
      << typo.output;

  CommandResult listen = RunIdguard("serve --db " + db + " --listen localhost");
  EXPECT_EQ(listen.exitCode, 2);
  EXPECT_NE(listen.output.find("expected ADDRESS:PORT"), std::string::npos) << listen.output;

  CommandResult tls = RunIdguard("serve --db " + db + " --listen 127.0.0.1:0 --tls-cert " + config);
  EXPECT_NE(tls.exitCode, 0);
  EXPECT_NE(tls.output.find("TLS needs both a certificate file and a key file"), std::string::npos)
      << tls.output;
}

// A plain TCP connection to the server, for talking HTTP/1.1 byte by byte.
class RawConnection {
 public:
  // `receive_buffer`: a small socket buffer (bytes) for a client that reads slowly; 0 keeps the
  // system's.
  explicit RawConnection(const std::string& url, int receive_buffer = 0) {
    const int port = std::stoi(url.substr(url.rfind(':') + 1));
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval limit{20, 0};  // a bound for a broken server, not a performance figure
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() { close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until `marker` has arrived or the server closes: what arrived, and whether it closed.
  std::pair<std::string, bool> ReadUntil(std::string_view marker) {
    std::string received;
    std::vector<char> piece(64 * 1024);
    std::size_t searched = 0;  // only new bytes are searched, so a long body reads at full speed
    while (received.find(marker, searched) == std::string::npos) {
      searched = received.size() >= marker.size() ? received.size() - marker.size() + 1 : 0;
      const ssize_t n = recv(fd_, piece.data(), piece.size(), 0);
      if (n <= 0) return {received, n == 0};
      received.append(piece.data(), static_cast<std::size_t>(n));
    }
    return {received, false};
  }
  // Reads to the end, pausing after every read: a client slower than the server. Returns what
  // arrived and whether the server closed (rather than the read timing out).
  std::pair<std::string, bool> ReadSlowlyToTheEnd(std::chrono::milliseconds pause) {
    std::string received;
    std::vector<char> piece(64 * 1024);
    for (;;) {
      const ssize_t n = recv(fd_, piece.data(), piece.size(), 0);
      if (n <= 0) return {received, n == 0};
      received.append(piece.data(), static_cast<std::size_t>(n));
      std::this_thread::sleep_for(pause);
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

TEST(ServeCommandTest, ShutdownClosesIdleConnectionsAndFinishesRequestsInFlight) {
  TempDir dir("serve-shutdown");
  const std::string db = dir / "store.db";
  // Timeouts far longer than the test waits: shutdown must not depend on them.
  ServeProcess server = StartServeProcess(
      dir, db, "--idle-timeout-seconds 600 --drain-timeout-seconds 600" + DataDirArgument());
  ASSERT_FALSE(server.url.empty());

  // A keep-alive client that made one request and stays connected without sending more.
  RawConnection idle(server.url);
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.Send("GET /healthz HTTP/1.1\r\nHost: idguard\r\n\r\n"));
  auto [health, health_closed] = idle.ReadUntil("\r\n\r\n");
  ASSERT_NE(health.find("HTTP/1.1 200"), std::string::npos) << health;
  EXPECT_FALSE(health_closed);

  // A request in flight: its headers and half its body are sent when the signal arrives. A first
  // request on the connection makes sure the server accepted it before the signal.
  RawConnection busy(server.url);
  ASSERT_TRUE(busy.connected());
  ASSERT_TRUE(busy.Send("GET /healthz HTTP/1.1\r\nHost: idguard\r\n\r\n"));
  ASSERT_NE(busy.ReadUntil("\r\n\r\n").first.find("HTTP/1.1 200"), std::string::npos);
  // The server's "100 Continue" says it has read the request's header.
  const std::string body = R"({"userIds":["u1"]})";
  ASSERT_TRUE(
      busy.Send("POST /v1.0/identityProtection/riskyUsers/dismiss HTTP/1.1\r\nHost: idguard\r\n"
                "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n"));
  ASSERT_NE(busy.ReadUntil("\r\n\r\n").first.find("HTTP/1.1 100"), std::string::npos);
  ASSERT_TRUE(busy.Send(body.substr(0, 5)));
  std::thread stopper([&] {
    auto status = server.process->TerminateWithin(std::chrono::seconds(60));
    ASSERT_TRUE(status.has_value()) << "the server did not exit after SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status)) << *status;
    EXPECT_EQ(WEXITSTATUS(*status), 0);
  });
  // The idle connection is closed by the server, not left to its 600-second timeouts.
  auto [after, idle_closed] = idle.ReadUntil("no marker: read to the end");
  EXPECT_TRUE(idle_closed) << "the idle keep-alive connection was not closed on SIGTERM";
  EXPECT_EQ(after, "");

  // The request in flight still gets its whole answer (401: it carries no token), and the
  // connection ends after it.
  ASSERT_TRUE(busy.Send(body.substr(5)));
  auto [answer, busy_closed] = busy.ReadUntil("no marker: read to the end");
  EXPECT_NE(answer.find("HTTP/1.1 401"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_TRUE(busy_closed);
  stopper.join();
  EXPECT_NE(ReadFile(dir / "serve.log").find("stopped"), std::string::npos)
      << ReadFile(dir / "serve.log");
}

// One JSON line per request in the access log; --quiet writes none, even with a log file named.
TEST(ServeCommandTest, TheAccessLogHasALinePerRequestAndQuietWritesNone) {
  TempDir dir("serve-access-log");
  const std::string db = dir / "store.db";
  for (const bool quiet : {false, true}) {
    const std::filesystem::path log = dir / (quiet ? "quiet.log" : "access.log");
    std::filesystem::remove(dir / "serve.port");
    BackgroundProcess server(std::string(IDGUARD_BINARY) + " serve --db " + db +
                             " --listen 127.0.0.1:0 --port-file " + (dir / "serve.port") +
                             " --access-log " + log.string() + (quiet ? " --quiet" : "") +
                             DataDirArgument() + " 2>" + (dir / "serve.log"));
    ASSERT_TRUE(WaitForFile(dir / "serve.port")) << ReadFile(dir / "serve.log");
    RawConnection client("http://127.0.0.1:" + ReadLines(dir / "serve.port").at(0));
    ASSERT_TRUE(client.connected());
    for (const char* path : {"/healthz", "/v1.0/identityProtection/riskyUsers"}) {
      ASSERT_TRUE(client.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: idguard\r\n\r\n"));
      ASSERT_NE(client.ReadUntil("\r\n\r\n").first.find("HTTP/1.1"), std::string::npos);
    }
    if (quiet) {
      EXPECT_TRUE(!std::filesystem::exists(log) || std::filesystem::file_size(log) == 0)
          << ReadFile(log);
      continue;
    }
    // Each line is flushed once its answer is written.
    ASSERT_TRUE(WaitUntil([&] { return ReadLines(log).size() >= 2; }, std::chrono::seconds(10)))
        << ReadFile(log);
    const std::vector<std::string> lines = ReadLines(log);
    ASSERT_EQ(lines.size(), 2U) << ReadFile(log);
    EXPECT_NE(lines[0].find(R"("method":"GET","path":"/healthz")"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(R"("status":200)"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find(R"("path":"/v1.0/identityProtection/riskyUsers")"), std::string::npos)
        << lines[1];
    EXPECT_NE(lines[1].find(R"("status":401)"), std::string::npos) << lines[1];
  }
}

// An operator looking at a busy server (top -H, ps -L, perf) sees which thread is busy.
TEST(ServeCommandTest, TheServersThreadsCarryNames) {
  TempDir dir("serve-thread-names");
  ServeProcess server = StartServeProcess(dir, dir / "store.db",
                                          "--threads 3 --handler-threads 2" + DataDirArgument());
  ASSERT_FALSE(server.url.empty());
  const std::string tasks = "/proc/" + std::to_string(server.process->pid()) + "/task";
  const std::vector<std::string> expected = {"idguard",       "idg-http-1",    "idg-http-2",
                                             "idg-handler-0", "idg-handler-1", "idg-eval-writer",
                                             "idg-retention"};
  std::vector<std::string> names;
  const auto all_named = [&] {
    names.clear();
    for (const auto& task : std::filesystem::directory_iterator(tasks)) {
      names.push_back(ReadFile(task.path() / "comm"));
      names.back().erase(names.back().find_last_not_of('\n') + 1);
    }
    return std::all_of(expected.begin(), expected.end(), [&](const std::string& name) {
      return std::find(names.begin(), names.end(), name) != names.end();
    });
  };
  // The port is written as soon as the server listens; the other HTTP threads start just after.
  EXPECT_TRUE(WaitUntil(all_named, std::chrono::seconds(20)))
      << "threads: " << ::testing::PrintToString(names);
}

TEST(ServeCommandTest, AClientThatStallsMidRequestIsCutOffAfterTheRequestTimeout) {
  TempDir dir("serve-slow-client");
  ServeProcess server =
      StartServeProcess(dir, dir / "store.db", "--request-timeout-seconds 1" + DataDirArgument());
  ASSERT_FALSE(server.url.empty());
  RawConnection slow(server.url);
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(
      slow.Send("POST /v1/signins HTTP/1.1\r\nHost: idguard\r\n"
                "Content-Length: 1000\r\n\r\n{\"id\":"));
  // RawConnection gives up after 20 s: a server without the limit would keep waiting.
  auto [received, closed] = slow.ReadUntil("no marker: read to the end");
  EXPECT_TRUE(closed) << "the stalled request was not cut off";
  EXPECT_EQ(received, "");

  // Others are served as before.
  RawConnection next(server.url);
  ASSERT_TRUE(next.Send("GET /healthz HTTP/1.1\r\nHost: idguard\r\n\r\n"));
  EXPECT_NE(next.ReadUntil("\r\n\r\n").first.find("HTTP/1.1 200"), std::string::npos);
}

TEST(ServeCommandTest, ADownloadWhoseClientStopsReadingIsCutOff) {
  TempDir dir("serve-stalled-download");
  const std::string db = dir / "store.db";
  // About 30,000 sign-ins: their JSON download is far larger than the socket buffers can hold.
  ASSERT_EQ(RunIdguard("simulate --users 300 --days 30 --seed 7 --out " + (dir / "tenant") +
                       DataDirArgument())
                .exitCode,
            0);
  CommandResult replay = RunIdguard("replay --input " + (dir / "tenant/signIns.ndjson") + " --db " +
                                    db + " --out " + (dir / "out") + DataDirArgument());
  ASSERT_EQ(replay.exitCode, 0) << replay.output;
  const std::string token = ReadLines(CreateTokenFile(dir, db, "security-reader")).at(0);
  ServeProcess server =
      StartServeProcess(dir, db, "--request-timeout-seconds 1" + DataDirArgument());
  ASSERT_FALSE(server.url.empty());

  RawConnection stalled(server.url, 4096);
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(
      stalled.Send("GET /v1/downloads/signIns?format=json HTTP/1.1\r\nHost: idguard\r\n"
                   "Authorization: Bearer " +
                   token + "\r\n\r\n"));
  // The client reads nothing for a while: the server's write waits on a full socket until its
  // time limit (1 s) ends the connection. (The wait is the scenario, not a measurement: a server
  // without the limit waits for the client forever, and the read below then times out after the
  // whole body arrived, instead of seeing the connection closed.)
  std::this_thread::sleep_for(std::chrono::seconds(4));
  auto [received, closed] = stalled.ReadUntil("no marker: read to the end");
  EXPECT_NE(received.find("HTTP/1.1 200"), std::string::npos) << received.substr(0, 200);
  EXPECT_TRUE(closed) << "the server kept the stalled download open (received " << received.size()
                      << " bytes)";
  EXPECT_FALSE(received.ends_with("\r\n0\r\n\r\n")) << "the body must end incomplete";

  // A client that keeps reading gets the whole download, although it takes it far longer than
  // the limit in all (a few seconds: 3 ms after every read of at most 64 KiB) and a page of rows
  // is megabytes.
  RawConnection reader(server.url, 65536);
  ASSERT_TRUE(
      reader.Send("GET /v1/downloads/signIns?format=json HTTP/1.1\r\nHost: idguard\r\n"
                  "Authorization: Bearer " +
                  token + "\r\nConnection: close\r\n\r\n"));
  auto [whole, whole_closed] = reader.ReadSlowlyToTheEnd(std::chrono::milliseconds(3));
  EXPECT_TRUE(whole_closed);
  EXPECT_TRUE(whole.ends_with("\r\n0\r\n\r\n")) << whole.size() << " bytes";
  EXPECT_GT(whole.size(), received.size());
}

// NDJSON of `count` Graph sign-ins with ids PREFIX-0…, each padded to about 1 KB.
std::string SignInBatch(const std::string& prefix, int count) {
  const std::string padding(800, 'x');
  std::string body;
  for (int i = 0; i < count; ++i) {
    body += R"({"id":")" + prefix + "-" + std::to_string(i) +
            R"(","createdDateTime":"2026-09-22T08:00:00Z","userId":"user-)" +
            std::to_string(i % 20) + R"(","appId":"app","appDisplayName":")" + padding +
            R"(","ipAddress":"145.14.10.)" + std::to_string(i % 200) +
            R"(","status":{"errorCode":0}})" + "\n";
  }
  return body;
}

// Large bodies reuse a buffer kept from an earlier request: a shorter body after a longer one must
// be read as itself, without the rest of the one before, and a longer one after must be whole.
TEST(ServeCommandTest, LargeBodiesOneAfterAnotherOnOneConnectionAreEachReadWhole) {
  TempDir dir("serve-large-bodies");
  const std::string db = dir / "store.db";
  const std::string token = ReadLines(CreateTokenFile(dir, db, "security-administrator")).at(0);
  // One thread, so every request of the connection is read on the thread that kept the buffer.
  ServeProcess server = StartServeProcess(dir, db, "--threads 1" + DataDirArgument());
  ASSERT_FALSE(server.url.empty());
  RawConnection connection(server.url);
  ASSERT_TRUE(connection.connected());
  const std::pair<std::string, int> batches[] = {{"long", 600}, {"short", 300}, {"longer", 700}};
  for (const auto& [prefix, count] : batches) {
    const std::string body = SignInBatch(prefix, count);
    ASSERT_GT(body.size(), std::size_t{256} * 1024) << "below the size whose buffer is kept";
    ASSERT_TRUE(
        connection.Send("POST /v1/signins HTTP/1.1\r\nHost: idguard\r\nAuthorization: "
                        "Bearer " +
                        token + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body));
    auto [answer, closed] = connection.ReadUntil("}");
    ASSERT_FALSE(closed) << answer;
    EXPECT_NE(answer.find("HTTP/1.1 202"), std::string::npos) << answer;
    // Received, not only accepted: a stale copy of an earlier batch would count as duplicates.
    EXPECT_NE(answer.find("\"received\":" + std::to_string(count) +
                          ",\"accepted\":" + std::to_string(count) + ",\"duplicates\":0,"),
              std::string::npos)
        << prefix << ": " << answer;
    EXPECT_NE(answer.find("\"rejectedCount\":0,"), std::string::npos) << prefix << ": " << answer;
    // The rest of the answer (the empty rejected list) before the next request.
    if (answer.find("]}") == std::string::npos) connection.ReadUntil("]}");
  }
}

TEST(ServeCommandTest, TimeoutsAreSettingsAndZeroIsRefused) {
  TempDir dir("serve-timeouts");
  CommandResult zero = RunIdguard("serve --db " + (dir / "store.db") + " --idle-timeout-seconds 0");
  EXPECT_EQ(zero.exitCode, 2);
  EXPECT_NE(zero.output.find("--idle-timeout-seconds: must be at least 1"), std::string::npos)
      << zero.output;
}

}  // namespace
}  // namespace idguard::e2e
