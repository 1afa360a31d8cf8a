// `idguard replay`: sign-in logs in, risk out (files and the embedded store).
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/allocator_tuning.h"
#include "cli/commands.h"
#include "idguard/pipeline/replay.h"

namespace idguard::cli {
namespace {

struct ReplayArguments {
  ReplayOptions options;
  std::string format;
  std::vector<std::string> feeds;
  std::string dataDir;
  std::vector<std::string> geoip;
  std::vector<std::string> asn;
  bool noStore = false;
  bool quiet = false;
};

void PrintSummary(const ReplaySummary& s, const ReplayOptions& options) {
  std::cout << "records read:        " << s.records << "\n"
            << "rejected:            " << s.rejected << "\n";
  if (s.otherEvents > 0) {
    std::cout << "other events:        " << s.otherEvents << " (not sign-ins; skipped)\n";
  }
  std::cout << "duplicates skipped:  " << s.duplicates << "\n";
  if (s.relearned > 0) {
    std::cout << "re-learned:          " << s.relearned
              << " stored sign-ins after the last profile checkpoint of an interrupted run\n";
  }
  std::cout << "sign-ins processed:  " << s.processed << " (interactive " << s.interactive
            << ", non-interactive " << s.nonInteractive << ", service principal "
            << s.servicePrincipal << ", failed " << s.failed << ")\n"
            << "geolocated:          " << s.geolocated << " (internal addresses "
            << s.internalAddresses << ")\n"
            << "risky sign-ins:      " << s.riskySignIns << "\n"
            << "risk detections:     " << s.detections << " (imported " << s.importedDetections
            << ")\n"
            << "risky users:         " << s.riskyUsersAtRisk << " at risk of " << s.riskyUsersTotal
            << " ever at risk (" << s.historyItems << " history items)\n";
  for (const auto& d : s.detectors) {
    const DetectorCounters& c = d.counters;
    std::cout << "  " << d.riskEventType << ": judged " << c.evaluated << ", learning "
              << c.skippedLearning << ", flagged low " << c.firedLow << " / medium "
              << c.firedMedium << " / high " << c.firedHigh << "\n";
  }
  if (options.useStore) {
    std::cout << "store:               " << options.dbPath << " (retention removed "
              << s.retention.signInsDeleted << " sign-ins, " << s.retention.detectionsDeleted
              << " detections, " << s.retention.historyDeleted << " history items)\n";
  }
  std::cout << "output:              " << options.outDir << "/\n"
            << "elapsed:             " << s.seconds << " s ("
            << static_cast<std::uint64_t>(s.seconds > 0 ? s.processed / s.seconds : 0)
            << " sign-ins/s)\n";
}

}  // namespace

void RegisterReplayCommand(CLI::App& app) {
  auto args = std::make_shared<ReplayArguments>();
  CLI::App* replay = app.add_subcommand(
      "replay", "Replay sign-in logs through the pipeline: detections, risky users and history");
  replay
      ->add_option("--input", args->options.inputs,
                   "Sign-in log file (Graph signIn JSON/NDJSON/page, Log Analytics JSON or CSV, "
                   "diagnostic-settings records, Okta System Log); repeatable")
      ->required()
      ->check(CLI::ExistingFile);
  replay
      ->add_option("--detections", args->options.detectionInputs,
                   "Risk detections made elsewhere (Graph riskDetection JSON/NDJSON/page, "
                   "diagnostic-settings UserRiskEvents); they count toward user risk; repeatable")
      ->check(CLI::ExistingFile);
  replay->add_option("--input-format", args->format, "Input format (default: detected per file)")
      ->check(CLI::IsMember({"graph", "loganalytics", "diagnostic", "okta"}));
  replay
      ->add_option("--directory", args->options.directoryPath, "Directory snapshot (users.ndjson)")
      ->check(CLI::ExistingFile);
  replay
      ->add_option("--named-locations", args->options.namedLocationsPath,
                   "Named locations in the Graph namedLocation JSON shape")
      ->check(CLI::ExistingFile);
  replay->add_option("--feed", args->feeds,
                     "Threat feed KIND=FILE (anonymizer, malicious-ip, threat-actor, "
                     "leaked-credentials); repeatable");
  replay->add_option("--db", args->options.dbPath, "SQLite database file")->capture_default_str();
  replay->add_flag("--no-store", args->noStore, "Do not persist (output files only)");
  replay->add_flag("--skip-invalid", args->options.skipInvalid,
                   "Skip malformed records and write them to OUT/rejects.ndjson instead of "
                   "stopping");
  replay->add_option("--out", args->options.outDir, "Output directory")->required();
  replay->add_option("--data-dir", args->dataDir, "Folder with geoip/ and asn/ data");
  replay->add_option("--geoip", args->geoip, "GeoIP .mmdb file(s) (default: from --data-dir)");
  replay->add_option("--asn", args->asn, "ASN CSV or .mmdb file(s) (default: from --data-dir)");
  replay->add_option("--ua-regexes", args->options.userAgentRegexes, "uap-core regexes.yaml")
      ->default_val(DefaultUserAgentRegexes());
  replay->add_option("--batch-size", args->options.batchSize, "Sign-ins per store transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000'000));
  replay
      ->add_option("--profile-checkpoint-batches", args->options.profileCheckpointBatches,
                   "Write the learned profiles with every Nth batch (and the last); a re-run "
                   "after a crash learns again from the sign-ins stored since")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  AddRetentionOptions(*replay, args->options.retention);
  replay->add_flag("--quiet", args->quiet, "No progress bar and no summary");

  replay->callback([args] {
    ReplayOptions& options = args->options;
    if (!args->format.empty()) {
      options.format = args->format == "graph"          ? InputFormat::graph
                       : args->format == "loganalytics" ? InputFormat::loganalytics
                       : args->format == "okta"         ? InputFormat::okta
                                                        : InputFormat::diagnostic;
    }
    for (const auto& feed : args->feeds) {
      const auto equals = feed.find('=');
      if (equals == std::string::npos || equals == 0 || equals + 1 == feed.size()) {
        std::cerr << "error: --feed " << feed << ": expected KIND=FILE\n";
        throw CLI::RuntimeError(2);
      }
      options.feeds.emplace_back(feed.substr(0, equals), feed.substr(equals + 1));
    }
    const std::string data_dir = args->dataDir.empty() ? DefaultDataDir() : args->dataDir;
    options.geoipFiles = args->geoip.empty() ? DefaultGeoIpFiles(data_dir) : args->geoip;
    options.asnFiles = args->asn.empty() ? DefaultAsnFiles(data_dir) : args->asn;
    options.useStore = !args->noStore;
    options.progress = !args->quiet;
    UseLargeOsPages();
    auto summary = RunReplay(options, std::cerr);
    if (!summary.ok()) {
      std::cerr << "error: " << summary.status().message() << "\n";
      throw CLI::RuntimeError(summary.status().code() == StatusCode::kInvalidInput ? 2 : 1);
    }
    if (!args->quiet) PrintSummary(summary.value(), options);
  });
}

}  // namespace idguard::cli
