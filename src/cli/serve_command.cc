// `idguard serve`: the API server over the store — Graph-compatible reports and actions,
// ingest, health, metrics and the OpenAPI document.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "cli/allocator_tuning.h"
#include "cli/commands.h"
#include "idguard/api/api_service.h"
#include "idguard/api/http_server.h"
#include "idguard/core/thread_name.h"
#include "idguard/core/time.h"
#include "idguard/export/notification_settings.h"
#include "idguard/pipeline/live_engine.h"

namespace idguard::cli {
namespace {

struct ServeArguments {
  std::string configPath;
  std::string dbPath = "idguard.db";
  std::string listen = "127.0.0.1:8080";
  std::string tlsCertificate;
  std::string tlsKey;
  unsigned threads = 0;
  unsigned handlerThreads = 0;
  std::size_t maxBodyBytes = std::size_t{32} * 1024 * 1024;
  unsigned requestTimeoutSeconds = 30;
  unsigned idleTimeoutSeconds = 60;
  unsigned drainTimeoutSeconds = 10;
  unsigned rateLimit = 0;
  std::string dataDir;
  std::vector<std::string> geoip;
  std::vector<std::string> asn;
  std::string userAgentRegexes = DefaultUserAgentRegexes();
  std::string directoryPath;
  std::string namedLocationsPath;
  std::string accessLogPath;  // empty: stderr
  std::string portFile;
  std::vector<std::string> feeds;  // KIND=FILE
  bool quiet = false;
  bool onPremisesPasswordChangeResetsRisk = false;
  unsigned evaluationWriteDelayMs = 2;
  unsigned evaluationWriteDelayUnderLoadMs = 250;
  std::string publicUrl;
  std::string smtpUrl;
  std::string smtpFrom = "idguard@localhost";
  std::string smtpUsername;
  std::string smtpPasswordFile;
  std::string smtpStartTls = "required";
  std::string smtpCaFile;
  std::string webhookCaFile;
  std::string webRoot;
  unsigned portalSessionMinutes = 480;
  RetentionPolicy retention;
  unsigned retentionIntervalMinutes = 60;
};

// Values from --config fill what the command line left at its default.
void ApplyConfig(ServeArguments& args, const CLI::App& command) {
  YAML::Node config;
  try {
    config = YAML::LoadFile(args.configPath);
  } catch (const YAML::Exception& error) {
    Fail(Status::InvalidInput(args.configPath + ": " + error.what()));
  }
  auto take = [&](const char* key, const char* option, auto& target) {
    if (!config[key] || command.count(option) > 0) return;
    try {
      target = config[key].as<std::remove_reference_t<decltype(target)>>();
    } catch (const YAML::Exception& error) {
      Fail(Status::InvalidInput(args.configPath + ": " + key + ": " + error.what()));
    }
  };
  take("db", "--db", args.dbPath);
  take("listen", "--listen", args.listen);
  take("tlsCertificate", "--tls-cert", args.tlsCertificate);
  take("tlsKey", "--tls-key", args.tlsKey);
  take("threads", "--threads", args.threads);
  take("handlerThreads", "--handler-threads", args.handlerThreads);
  take("maxBodyBytes", "--max-body-bytes", args.maxBodyBytes);
  take("requestTimeoutSeconds", "--request-timeout-seconds", args.requestTimeoutSeconds);
  take("idleTimeoutSeconds", "--idle-timeout-seconds", args.idleTimeoutSeconds);
  take("drainTimeoutSeconds", "--drain-timeout-seconds", args.drainTimeoutSeconds);
  take("rateLimitPerSecond", "--rate-limit", args.rateLimit);
  take("dataDir", "--data-dir", args.dataDir);
  take("directory", "--directory", args.directoryPath);
  take("namedLocations", "--named-locations", args.namedLocationsPath);
  take("accessLog", "--access-log", args.accessLogPath);
  take("feeds", "--feed", args.feeds);
  take("onPremisesPasswordChangeResetsRisk", "--on-premises-password-change-resets-risk",
       args.onPremisesPasswordChangeResetsRisk);
  take("evaluationWriteDelayMs", "--evaluation-write-delay-ms", args.evaluationWriteDelayMs);
  take("evaluationWriteDelayUnderLoadMs", "--evaluation-write-delay-under-load-ms",
       args.evaluationWriteDelayUnderLoadMs);
  take("publicUrl", "--public-url", args.publicUrl);
  take("smtpUrl", "--smtp-url", args.smtpUrl);
  take("smtpFrom", "--smtp-from", args.smtpFrom);
  take("smtpUsername", "--smtp-username", args.smtpUsername);
  take("smtpPasswordFile", "--smtp-password-file", args.smtpPasswordFile);
  take("smtpStartTls", "--smtp-starttls", args.smtpStartTls);
  take("smtpCaFile", "--smtp-ca-file", args.smtpCaFile);
  take("webhookCaFile", "--webhook-ca-file", args.webhookCaFile);
  take("webRoot", "--web-root", args.webRoot);
  take("portalSessionMinutes", "--portal-session-minutes", args.portalSessionMinutes);
  take("retentionSignInsDays", "--retention-signins-days", args.retention.signInDays);
  take("retentionDetectionsDays", "--retention-detections-days", args.retention.detectionDays);
  take("retentionHistoryDays", "--retention-history-days", args.retention.historyDays);
  take("retentionIntervalMinutes", "--retention-interval-minutes", args.retentionIntervalMinutes);
  for (const auto& entry : config) {
    static const std::vector<std::string> known = {"db",
                                                   "listen",
                                                   "tlsCertificate",
                                                   "tlsKey",
                                                   "threads",
                                                   "handlerThreads",
                                                   "maxBodyBytes",
                                                   "requestTimeoutSeconds",
                                                   "idleTimeoutSeconds",
                                                   "drainTimeoutSeconds",
                                                   "rateLimitPerSecond",
                                                   "dataDir",
                                                   "directory",
                                                   "namedLocations",
                                                   "accessLog",
                                                   "onPremisesPasswordChangeResetsRisk",
                                                   "evaluationWriteDelayMs",
                                                   "evaluationWriteDelayUnderLoadMs",
                                                   "feeds",
                                                   "publicUrl",
                                                   "smtpUrl",
                                                   "smtpFrom",
                                                   "smtpUsername",
                                                   "smtpPasswordFile",
                                                   "smtpStartTls",
                                                   "smtpCaFile",
                                                   "webhookCaFile",
                                                   "webRoot",
                                                   "portalSessionMinutes",
                                                   "retentionSignInsDays",
                                                   "retentionDetectionsDays",
                                                   "retentionHistoryDays",
                                                   "retentionIntervalMinutes"};
    const auto key = entry.first.as<std::string>();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      Fail(Status::InvalidInput(args.configPath + ": unknown setting '" + key + "'"));
    }
  }
}

// The SMTP settings; the password comes from a file or IDGUARD_SMTP_PASSWORD, never from the
// command line (where every user of the machine could read it).
SmtpOptions SmtpFrom(const ServeArguments& args) {
  SmtpOptions smtp;
  smtp.url = args.smtpUrl;
  smtp.from = args.smtpFrom;
  smtp.username = args.smtpUsername;
  smtp.caFile = args.smtpCaFile;
  if (args.smtpStartTls == "required") {
    smtp.startTls = StartTls::required;
  } else if (args.smtpStartTls == "opportunistic") {
    smtp.startTls = StartTls::opportunistic;
  } else if (args.smtpStartTls == "off") {
    smtp.startTls = StartTls::off;
  } else {
    Fail(Status::InvalidInput("--smtp-starttls " + args.smtpStartTls +
                              ": expected required, opportunistic or off"));
  }
  if (!smtp.url.empty() && !smtp.url.starts_with("smtp://") && !smtp.url.starts_with("smtps://")) {
    Fail(Status::InvalidInput("--smtp-url " + smtp.url +
                              ": expected smtp://HOST:PORT or "
                              "smtps://HOST:PORT"));
  }
  if (!smtp.url.empty() && !IsValidEmailAddress(smtp.from)) {
    Fail(Status::InvalidInput("--smtp-from '" + smtp.from + "' is not an email address"));
  }
  if (!args.smtpPasswordFile.empty()) {
    std::ifstream file(args.smtpPasswordFile);
    if (!file) Fail(Status::IoError("cannot read --smtp-password-file " + args.smtpPasswordFile));
    std::getline(file, smtp.password);
  } else if (const char* password = std::getenv("IDGUARD_SMTP_PASSWORD"); password != nullptr) {
    smtp.password = password;
  }
  if (!smtp.password.empty() && smtp.username.empty()) {
    Fail(Status::InvalidInput("an SMTP password needs --smtp-username"));
  }
  return smtp;
}

// The store's retention, at start and then every `interval`, until the server stops. Only passes
// that removed something, or failed, are logged.
void RunRetention(const std::stop_token& stop, LiveEngine& engine, std::chrono::minutes interval) {
  NameThisThread("idg-retention");
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  do {
    auto pass = engine.ApplyRetention();
    if (!pass.ok()) {
      std::cerr << "idguard serve: retention failed: " << pass.status().message() << "\n";
      continue;
    }
    const RetentionResult& removed = pass->removed;
    if (removed.signInsDeleted + removed.detectionsDeleted + removed.historyDeleted +
            pass->expiredSessionsDeleted ==
        0) {
      continue;
    }
    std::cerr << "idguard serve: retention removed " << removed.signInsDeleted << " sign-ins, "
              << removed.detectionsDeleted << " detections, " << removed.historyDeleted
              << " history items (counted back from "
              << FormatTimestamp(pass->latestSignIn.value_or(0)) << ") and "
              << pass->expiredSessionsDeleted << " expired portal sessions\n";
  } while (!wake.wait_for(lock, stop, interval, [&] { return stop.stop_requested(); }));
}

void Serve(ServeArguments& args, const CLI::App& command) {
  KeepFreedMemoryCommittedBriefly();
  UseLargeOsPages();
  if (!args.configPath.empty()) ApplyConfig(args, command);
  api::HttpServerOptions http;
  const auto colon = args.listen.rfind(':');
  if (colon == std::string::npos) {
    Fail(Status::InvalidInput("--listen " + args.listen + ": expected ADDRESS:PORT"));
  }
  http.address = args.listen.substr(0, colon);
  if (http.address.size() > 2 && http.address.front() == '[') {
    http.address = http.address.substr(1, http.address.size() - 2);
  }
  try {
    const int port = std::stoi(args.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    http.port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    Fail(Status::InvalidInput("--listen " + args.listen + ": the port is not a number 0-65535"));
  }
  http.threads = args.threads;
  http.handlerThreads = args.handlerThreads;
  http.answersQuickly = api::ApiService::AnswersQuickly;
  http.tlsCertificateFile = args.tlsCertificate;
  http.tlsKeyFile = args.tlsKey;
  http.bodyLimit = args.maxBodyBytes;
  for (const auto& [name, seconds] :
       {std::pair{"--request-timeout-seconds", args.requestTimeoutSeconds},
        std::pair{"--idle-timeout-seconds", args.idleTimeoutSeconds}}) {
    if (seconds == 0) Fail(Status::InvalidInput(std::string(name) + ": must be at least 1"));
  }
  http.requestTimeout = std::chrono::seconds(args.requestTimeoutSeconds);
  http.idleTimeout = std::chrono::seconds(args.idleTimeoutSeconds);
  http.drainTimeout = std::chrono::seconds(args.drainTimeoutSeconds);

  // Failures on the server's side go to standard error, whatever the access log does.
  std::mutex log_mutex;
  auto error_log = [&log_mutex](std::string_view line) {
    std::lock_guard lock(log_mutex);
    std::cerr << line << '\n';
  };
  // A failed request's line is in the access log already when that goes to standard error.
  if (args.quiet || !args.accessLogPath.empty()) http.errorLog = error_log;

  LiveEngineOptions engine_options;
  engine_options.errorLog = error_log;
  engine_options.dbPath = args.dbPath;
  const std::string data_dir = args.dataDir.empty() ? DefaultDataDir() : args.dataDir;
  engine_options.geoipFiles = args.geoip.empty() ? DefaultGeoIpFiles(data_dir) : args.geoip;
  engine_options.asnFiles = args.asn.empty() ? DefaultAsnFiles(data_dir) : args.asn;
  engine_options.userAgentRegexes = args.userAgentRegexes;
  engine_options.directoryPath = args.directoryPath;
  engine_options.namedLocationsPath = args.namedLocationsPath;
  engine_options.onPremisesPasswordChangeResetsRisk = args.onPremisesPasswordChangeResetsRisk;
  for (const std::string& feed : args.feeds) {
    const auto equals = feed.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == feed.size()) {
      Fail(Status::InvalidInput("--feed " + feed + ": expected KIND=FILE"));
    }
    engine_options.feeds.emplace_back(feed.substr(0, equals), feed.substr(equals + 1));
  }
  engine_options.evaluationWriteDelay = std::chrono::milliseconds(args.evaluationWriteDelayMs);
  engine_options.evaluationWriteDelayUnderLoad =
      std::chrono::milliseconds(args.evaluationWriteDelayUnderLoadMs);
  engine_options.retention = args.retention;
  auto engine = LiveEngine::Open(engine_options, std::cerr);
  if (!engine.ok()) Fail(engine.status());
  LiveEngine& live = **engine;

  api::ApiOptions api_options;
  api_options.dbPath = args.dbPath;
  api_options.tls = !args.tlsCertificate.empty();
  api_options.publicBaseUrl = std::string(api_options.tls ? "https://" : "http://") + args.listen;
  api_options.rateLimitPerSecond = args.rateLimit;
  api_options.notifier.smtp = SmtpFrom(args);
  api_options.notifier.baseUrl = args.publicUrl;
  api_options.notifier.webhookCaFile = args.webhookCaFile;
  api_options.webRoot = args.webRoot;
  api_options.portalSessionLifetime = std::chrono::minutes(args.portalSessionMinutes);
  auto service = api::ApiService::Create(api_options, std::move(engine).value());
  if (!service.ok()) Fail(service.status());
  // Declared after the service, which owns the engine, so it stops first.
  std::jthread retention(RunRetention, std::ref(live),
                         std::chrono::minutes(args.retentionIntervalMinutes));

  std::ofstream access_file;
  if (!args.accessLogPath.empty()) {
    access_file.open(args.accessLogPath, std::ios::app);
    if (!access_file) Fail(Status::IoError("cannot open access log " + args.accessLogPath));
  }
  std::ostream& access_out = args.accessLogPath.empty() ? std::cerr : access_file;
  // Without a sink (--quiet) the server does not build the lines at all.
  api::AccessLogSink access_log;
  if (!args.quiet) {
    access_log = [&](std::string_view line) {
      std::lock_guard lock(log_mutex);
      access_out << line << '\n';
      access_out.flush();
    };
  }
  api::HttpHandler handler = [&service](api::HttpRequest& request) {
    return (*service)->Handle(request);
  };
  Status served = api::RunHttpServer(http, handler, access_log, [&](std::uint16_t port) {
    std::cerr << "idguard serve: listening on " << (api_options.tls ? "https" : "http") << "://"
              << http.address << ":" << port << " (store " << args.dbPath << ")\n";
    if (!args.portFile.empty()) {
      std::ofstream port_out(args.portFile + ".tmp");
      port_out << port << "\n";
      port_out.close();
      std::rename((args.portFile + ".tmp").c_str(), args.portFile.c_str());
    }
  });
  retention.request_stop();
  retention.join();
  if (!served.ok()) Fail(served);
  std::cerr << "idguard serve: stopped\n";
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArguments>();
  CLI::App* serve =
      app.add_subcommand("serve", "Serve the Graph-compatible API over the store (docs/API.md)");
  serve->add_option("--config", args->configPath, "YAML file with the settings below")
      ->check(CLI::ExistingFile);
  serve->add_option("--db", args->dbPath, "SQLite database file")->capture_default_str();
  serve->add_option("--listen", args->listen, "ADDRESS:PORT (port 0 picks a free one)")
      ->capture_default_str();
  serve->add_option("--tls-cert", args->tlsCertificate, "PEM certificate chain; enables TLS")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", args->tlsKey, "PEM private key")->check(CLI::ExistingFile);
  serve->add_option("--threads", args->threads,
                    "Server threads, each with its own connections (default: one per four cores)");
  serve->add_option("--handler-threads", args->handlerThreads,
                    "Threads that answer calls other than evaluate (default: one per core)");
  serve->add_option("--max-body-bytes", args->maxBodyBytes, "Largest request body accepted")
      ->capture_default_str();
  serve
      ->add_option("--request-timeout-seconds", args->requestTimeoutSeconds,
                   "Time a client has to send one request")
      ->capture_default_str();
  serve
      ->add_option("--idle-timeout-seconds", args->idleTimeoutSeconds,
                   "Time a keep-alive connection may wait for its next request")
      ->capture_default_str();
  serve
      ->add_option("--drain-timeout-seconds", args->drainTimeoutSeconds,
                   "On SIGTERM, time requests in flight have to finish (0: none)")
      ->capture_default_str();
  serve->add_option("--rate-limit", args->rateLimit, "Requests per second per token (0: no limit)")
      ->capture_default_str();
  serve->add_option("--data-dir", args->dataDir, "Folder with geoip/ and asn/ data");
  serve->add_option("--geoip", args->geoip, "GeoIP .mmdb file(s)");
  serve->add_option("--asn", args->asn, "ASN CSV or .mmdb file(s)");
  serve->add_option("--ua-regexes", args->userAgentRegexes, "uap-core regexes.yaml")
      ->capture_default_str();
  serve->add_option("--directory", args->directoryPath, "Directory snapshot (users.ndjson)")
      ->check(CLI::ExistingFile);
  serve
      ->add_option("--named-locations", args->namedLocationsPath,
                   "Named locations in the Graph namedLocation JSON shape")
      ->check(CLI::ExistingFile);
  serve->add_option("--access-log", args->accessLogPath,
                    "Append access log lines (JSON) here instead of stderr");
  serve->add_option("--port-file", args->portFile, "Write the port listened on to this file");
  serve->add_flag("--quiet", args->quiet, "No access log");
  serve->add_option("--feed", args->feeds,
                    "Feed KIND=FILE: IP feeds (anonymizer, malicious-ip, threat-actor) or "
                    "leaked-credentials; repeatable");
  serve->add_flag("--on-premises-password-change-resets-risk",
                  args->onPremisesPasswordChangeResetsRisk,
                  "A password change in the on-premises directory remediates user risk "
                  "(outcome onPremisesPasswordChanged)");
  serve
      ->add_option("--evaluation-write-delay-ms", args->evaluationWriteDelayMs,
                   "Longest time an evaluated sign-in waits to be written")
      ->check(CLI::Range(0U, 1000U))
      ->capture_default_str();
  serve
      ->add_option("--evaluation-write-delay-under-load-ms", args->evaluationWriteDelayUnderLoadMs,
                   "The same while 1,000 or more evaluations a second arrive: larger "
                   "transactions make each written evaluation cheaper")
      ->check(CLI::Range(0U, 1000U))
      ->capture_default_str();
  serve->add_option("--web-root", args->webRoot,
                    "Folder of the built admin portal (web/dist), served at / (docs/PORTAL.md); "
                    "without it the server runs the API alone");
  serve
      ->add_option("--portal-session-minutes", args->portalSessionMinutes,
                   "How long a portal sign-in lasts")
      ->check(CLI::Range(5U, 7 * 24 * 60U))
      ->capture_default_str();
  AddRetentionOptions(*serve, args->retention);
  serve
      ->add_option("--retention-interval-minutes", args->retentionIntervalMinutes,
                   "How often the retention runs (also once at start)")
      ->check(CLI::Range(1U, 7 * 24 * 60U))
      ->capture_default_str();
  serve->add_option("--public-url", args->publicUrl,
                    "This server's address as recipients reach it, for links in emails "
                    "(default: http(s)://LISTEN)");
  serve->add_option("--smtp-url", args->smtpUrl,
                    "SMTP server for notification emails: smtp://HOST:PORT or smtps://HOST:PORT");
  serve->add_option("--smtp-from", args->smtpFrom, "Sender address of notification emails")
      ->capture_default_str();
  serve->add_option("--smtp-username", args->smtpUsername, "SMTP user name");
  serve->add_option("--smtp-password-file", args->smtpPasswordFile,
                    "File holding the SMTP password (or set IDGUARD_SMTP_PASSWORD)");
  serve
      ->add_option("--smtp-starttls", args->smtpStartTls,
                   "required, opportunistic or off (for smtp:// URLs)")
      ->capture_default_str();
  serve->add_option("--smtp-ca-file", args->smtpCaFile, "PEM bundle to verify the SMTP server")
      ->check(CLI::ExistingFile);
  serve
      ->add_option("--webhook-ca-file", args->webhookCaFile,
                   "PEM bundle to verify webhook receivers")
      ->check(CLI::ExistingFile);
  serve->callback([args, serve] { Serve(*args, *serve); });
}

}  // namespace idguard::cli
