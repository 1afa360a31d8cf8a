// Replay: the whole pipeline over sign-in log files — ingest, enrich, detect, score, persist and
// export — in event-time order, as `idguard replay` runs it.
//
// Two passes over memory-mapped inputs: the first finds and validates every record (so a bad
// file is reported, with file and line, before anything is stored), the second processes the
// records sorted by createdDateTime (ties keep input order). Persistence runs on its own thread
// in batches; every batch is one transaction holding the sign-ins, detections, history and risky
// users, so a crash leaves a consistent prefix and a re-run completes it. Every few batches (and
// always the last) also checkpoints the profiles; a re-run learns again from the sign-ins stored
// after the last profile checkpoint. The same inputs give byte-identical output files every run.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/detect/detector.h"
#include "idguard/ingest/record_parser.h"
#include "idguard/store/risk_store.h"

namespace idguard {

struct ReplayOptions {
  std::vector<std::string> inputs;
  // Risk detections made elsewhere (Graph riskDetection objects, diagnostic UserRiskEvents).
  std::vector<std::string> detectionInputs;
  std::optional<InputFormat> format;                       // Default: detected per file
  std::string directoryPath;                               // users.ndjson, optional
  std::string namedLocationsPath;                          // Graph namedLocation JSON, optional
  std::vector<std::pair<std::string, std::string>> feeds;  // KIND=FILE
  std::string dbPath = "idguard.db";
  bool useStore = true;      // false: no persistence (benchmarks)
  bool skipInvalid = false;  // Default: stop at the first malformed record
  std::string outDir;
  std::vector<std::string> geoipFiles;
  std::vector<std::string> asnFiles;
  std::string userAgentRegexes;
  std::size_t batchSize = 30'000;  // sign-ins per persistence transaction
  // Every how many batches the profiles are written too (the last batch always writes them).
  std::size_t profileCheckpointBatches = 8;
  RetentionPolicy retention;
  bool progress = false;  // progress bar on stderr
};

struct ReplaySummary {
  std::uint64_t records = 0;
  std::uint64_t rejected = 0;
  std::uint64_t otherEvents = 0;  // valid records that are not sign-ins (Okta's other events)
  std::uint64_t duplicates = 0;   // same id seen before (in this run or in the store)
  std::uint64_t relearned = 0;    // stored sign-ins learned again after an interrupted run
  std::uint64_t processed = 0;
  std::uint64_t interactive = 0;
  std::uint64_t nonInteractive = 0;
  std::uint64_t servicePrincipal = 0;
  std::uint64_t failed = 0;
  std::uint64_t riskySignIns = 0;
  std::uint64_t detections = 0;          // idguard's and imported ones
  std::uint64_t importedDetections = 0;  // accepted from --detections files
  std::uint64_t historyItems = 0;
  std::uint64_t riskyUsersAtRisk = 0;
  std::uint64_t riskyUsersTotal = 0;
  std::uint64_t geolocated = 0;
  std::uint64_t internalAddresses = 0;
  RetentionResult retention;
  double seconds = 0;
  // Per detector, in registration order: how many sign-ins it judged, skipped while the user was
  // learning, and flagged.
  struct DetectorFigures {
    std::string riskEventType;
    DetectorCounters counters;
  };
  std::vector<DetectorFigures> detectors;
};

// Runs the replay; progress and the summary go to `log`. Errors name file and line.
Result<ReplaySummary> RunReplay(const ReplayOptions& options, std::ostream& log);

}  // namespace idguard
