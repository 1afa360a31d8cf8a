#include "idguard/pipeline/replay.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "idguard/core/fingerprint_set.h"
#include "idguard/core/json_writer.h"
#include "idguard/core/mapped_file.h"
#include "idguard/core/thread_name.h"
#include "idguard/detect/leaked_credentials.h"
#include "idguard/detect/risk_engine.h"
#include "idguard/enrich/enricher.h"
#include "idguard/export/graph_json.h"
#include "idguard/ingest/graph_signin_parser.h"
#include "idguard/ingest/json_records.h"
#include "idguard/ingest/loganalytics_parser.h"
#include "idguard/ingest/okta_event_parser.h"
#include "pipeline/detection_import.h"
#include "pipeline/engine_state.h"
#include "pipeline/feed_check.h"
#include "pipeline/output_file.h"
#include "pipeline/sign_in_emitter.h"
#include "pipeline/sign_in_recycler.h"
#include "pipeline/worker_thread.h"

namespace idguard {
namespace {

namespace fs = std::filesystem;
using WallClock = std::chrono::steady_clock;  // progress and elapsed time only

// Pass 2 hands sign-ins from stage to stage in chunks; a few chunks in flight keep the threads
// busy without holding many sign-ins in memory.
constexpr std::size_t kChunkSignIns = 1024;
constexpr std::size_t kPreparedChunksPending = 2;  // parsed and enriched, waiting for the engine
constexpr std::size_t kChunksPending = 4;          // scored, waiting for the emitter
// Chunks the emitter gives back for the next records to be parsed into.
constexpr std::size_t kSpareChunks = 4;
// One store batch may wait while another is written: memory stays at about three batches.
constexpr std::size_t kStoreBatchesPending = 1;

// One input file with its records and the parser that reads them.
struct InputFile {
  MappedFile file;
  InputFormat format = InputFormat::graph;
  bool isCsv = false;
  std::vector<RecordSpan> records;
  std::unique_ptr<RecordParser> parser;
};

// Where a valid record is, sorted by event time in pass 2.
struct IndexEntry {
  EventTime time;
  std::uint32_t file;
  std::uint32_t record;
};

class ProgressBar {
 public:
  ProgressBar(bool enabled, std::uint64_t total) : enabled_(enabled), total_(total) {}
  void Update(std::uint64_t done) {
    if (!enabled_ || (done & 0xFFF) != 0) return;
    const auto now = WallClock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double fraction = total_ == 0 ? 1.0 : static_cast<double>(done) / total_;
    const int filled = static_cast<int>(fraction * 30);
    std::fprintf(stderr, "\r[%-30.*s] %3d%% %llu/%llu sign-ins, %.0f/s ", filled,
                 "==============================", static_cast<int>(fraction * 100),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                 seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
  }
  void Finish() {
    if (enabled_) std::fprintf(stderr, "\r%80s\r", "");
  }

 private:
  bool enabled_;
  std::uint64_t total_;
  WallClock::time_point start_ = WallClock::now();
  WallClock::time_point last_ = start_;
};

struct RecordError {
  std::size_t record;
  std::string reason;
};

struct ValidatedRecords {
  std::vector<IndexEntry> entries;
  std::vector<RecordError> errors;  // in record order
  std::uint64_t otherEvents = 0;    // valid records that hold no sign-in
};

// Pass 1 for one file: parses records [first, end) to validate them and read their times. Large
// files are split between two threads, each with its own parser; results are merged in record
// order so errors and the index do not depend on thread timing. Without skip_invalid each half
// stops at its first error and only the earliest error is kept.
Result<ValidatedRecords> ValidateRecords(InputFile& input, std::size_t first,
                                         std::uint32_t file_index, bool skip_invalid) {
  const std::string_view document = input.file.data();
  auto check_range = [&](RecordParser& parser, std::size_t begin, std::size_t end,
                         ValidatedRecords& out) {
    std::size_t released = begin < end ? input.records[begin].offset : 0;
    SignIn scratch;  // reused: only the time is kept
    for (std::size_t r = begin; r < end; ++r) {
      const RecordSpan& span = input.records[r];
      if ((r & 0x3FFF) == 0) {  // keep resident memory bounded on large inputs
        input.file.DropRange(released, span.offset);
        released = span.offset;
      }
      const Status parsed = parser.ParseInto(document.substr(span.offset, span.length), scratch);
      if (parsed.code() == StatusCode::kNotFound) {
        ++out.otherEvents;
        continue;
      }
      if (!parsed.ok()) {
        out.errors.push_back({r, parsed.message()});
        if (!skip_invalid) return;
        continue;
      }
      out.entries.push_back({scratch.createdDateTime, file_index, static_cast<std::uint32_t>(r)});
    }
  };
  const std::size_t end = input.records.size();
  constexpr std::size_t kParallelThreshold = 20'000;
  ValidatedRecords head;
  if (end - first < kParallelThreshold) {
    check_range(*input.parser, first, end, head);
  } else {
    std::unique_ptr<RecordParser> second = MakeRecordParser(input.format, input.isCsv);
    if (input.isCsv) {
      const RecordSpan& header = input.records.front();
      Status s = static_cast<LogAnalyticsCsvParser*>(second.get())
                     ->SetHeader(document.substr(header.offset, header.length));
      if (!s.ok()) return s;
    }
    const std::size_t middle = first + (end - first) / 2;
    ValidatedRecords tail;
    std::thread worker([&] {
      NameThisThread("idg-check");
      check_range(*second, middle, end, tail);
    });
    check_range(*input.parser, first, middle, head);
    worker.join();
    if (skip_invalid || head.errors.empty()) {
      head.entries.insert(head.entries.end(), tail.entries.begin(), tail.entries.end());
      head.otherEvents += tail.otherEvents;
      head.errors.insert(head.errors.end(), std::make_move_iterator(tail.errors.begin()),
                         std::make_move_iterator(tail.errors.end()));
    }
  }
  if (!skip_invalid && head.errors.size() > 1) head.errors.resize(1);
  input.file.DropBefore(document.size());
  return head;
}

}  // namespace

Result<ReplaySummary> RunReplay(const ReplayOptions& options, std::ostream& log) {
  const auto started = WallClock::now();
  ReplaySummary summary;
  if (options.inputs.empty()) return Status::InvalidInput("no --input given");
  if (options.outDir.empty()) return Status::InvalidInput("no --out directory given");
  ThreatFeeds ip_feeds;
  LeakedCredentialFeed leaks;
  if (Status s = LoadFeeds(options.feeds, ip_feeds, leaks, log); !s.ok()) return s;

  // The enrichment data (GeoIP, ASN ranges, a thousand compiled user-agent patterns, the
  // directory) loads on its own thread while pass 1 reads the inputs: pass 2 is the first to use
  // it. Its messages are held back so the two never interleave in the log.
  std::ostringstream enrichment_log;
  std::optional<Result<EnrichmentData>> enrichment;
  std::jthread enrichment_loader([&] {
    NameThisThread("idg-load");
    enrichment.emplace(LoadEnrichment(EnrichmentPaths::From(options), enrichment_log));
  });
  auto wait_for_enrichment = [&]() -> Status {
    if (enrichment_loader.joinable()) {
      enrichment_loader.join();
      log << enrichment_log.str();
    }
    if (!enrichment->ok()) return enrichment->status();
    if (!leaks.entries().empty() && !(*enrichment)->directory) {
      return Status::InvalidInput(
          "--feed leaked-credentials needs --directory: leaks are matched against the "
          "directory's current password hashes");
    }
    return Status::Ok();
  };

  std::error_code fs_error;
  fs::create_directories(options.outDir, fs_error);
  if (fs_error)
    return Status::IoError("cannot create " + options.outDir + ": " + fs_error.message());
  std::optional<OutputFile> rejects;
  if (options.skipInvalid) {
    auto opened = OutputFile::Open(options.outDir + "/rejects.ndjson");
    if (!opened.ok()) return opened.status();
    rejects.emplace(std::move(opened.value()));
  }

  // Pass 1: find and validate every record.
  std::vector<InputFile> inputs;
  std::vector<IndexEntry> index;
  for (const auto& path : options.inputs) {
    auto mapped = MappedFile::Open(path);
    if (!mapped.ok()) return mapped.status();
    InputFile input;
    input.file = std::move(mapped.value());
    const std::string_view document = input.file.data();
    const InputFormat detected = DetectInputFormat(document, input.isCsv);
    input.format = options.format.value_or(detected);
    input.parser = MakeRecordParser(input.format, input.isCsv);
    const MappedFile& mapped_file = input.file;
    const ScanProgress release = [&mapped_file](std::uint64_t offset) {
      mapped_file.DropBefore(offset);
    };
    Status split = input.isCsv ? SplitCsvRecords(document, input.records, release)
                               : SplitJsonRecords(document, input.records, release);
    if (!split.ok()) return split.WithContext(path);
    std::size_t first = 0;
    if (input.isCsv) {
      if (input.records.empty()) return Status::InvalidInput(path + ": empty CSV file");
      const RecordSpan& header = input.records.front();
      auto* csv = static_cast<LogAnalyticsCsvParser*>(input.parser.get());
      if (Status s = csv->SetHeader(document.substr(header.offset, header.length)); !s.ok()) {
        const std::string reason =
            s.WithContext(path + ":" + std::to_string(header.line)).message();
        if (!options.skipInvalid) return Status::InvalidInput(reason);
        log << reason << " (file skipped)\n";
        summary.records += input.records.size() - 1;
        summary.rejected += input.records.size() - 1;
        for (std::size_t r = 1; r < input.records.size(); ++r) {
          const auto& span = input.records[r];
          WriteReject(*rejects, path, span.line, s.message(),
                      document.substr(span.offset, span.length));
        }
        input.records.clear();
        inputs.push_back(std::move(input));
        continue;
      }
      first = 1;
    }
    const auto file_index = static_cast<std::uint32_t>(inputs.size());
    summary.records += input.records.size() - first;
    auto checked = ValidateRecords(input, first, file_index, options.skipInvalid);
    if (!checked.ok()) return checked.status();
    for (const auto& error : checked->errors) {
      const RecordSpan& span = input.records[error.record];
      const std::string where = path + ":" + std::to_string(span.line);
      if (!options.skipInvalid) {
        return Status::InvalidInput(where + ": " + error.reason +
                                    " (use --skip-invalid to skip bad records)");
      }
      ++summary.rejected;
      WriteReject(*rejects, path, span.line, error.reason,
                  document.substr(span.offset, span.length));
    }
    summary.otherEvents += checked->otherEvents;
    index.insert(index.end(), checked->entries.begin(), checked->entries.end());
    inputs.push_back(std::move(input));
  }
  auto imported =
      LoadImportedDetections(options.detectionInputs, rejects ? &*rejects : nullptr, log);
  if (!imported.ok()) return imported.status();
  summary.importedDetections = imported->detections.size();
  summary.rejected += imported->rejected;
  if (rejects) {
    if (Status s = rejects->Close(); !s.ok()) return s;
  }
  if (summary.rejected > 0) {
    log << summary.rejected << " malformed records skipped; see " << options.outDir
        << "/rejects.ndjson\n";
  }
  // Event-time order; ties keep input order so the result never depends on the sort.
  std::sort(index.begin(), index.end(), [](const IndexEntry& a, const IndexEntry& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.file != b.file) return a.file < b.file;
    return a.record < b.record;
  });

  if (Status s = wait_for_enrichment(); !s.ok()) return s;
  EnrichmentData& enrichment_data = enrichment->value();

  // State from earlier runs.
  DetectorConfig detector_config;
  detector_config.feeds = &ip_feeds;
  RiskEngine engine(detector_config);
  FingerprintSet seen;
  std::unique_ptr<RiskStore> store;
  bool bulk_load = false;
  if (options.useStore) {
    // The default page cache (64 MiB): every megabyte counts against the replay's memory budget,
    // and 128 MiB measured no faster.
    auto opened = OpenSqliteStore(options.dbPath);
    if (!opened.ok()) return opened.status();
    store = std::move(opened.value());
    if (Status s = RestoreState(*store, engine, seen, summary.relearned); !s.ok()) {
      return s.WithContext("restoring state from " + options.dbPath);
    }
    bulk_load = seen.size() == 0;
    if (bulk_load) {
      if (Status s = store->BeginBulkLoad(); !s.ok()) return s;
    }
  }
  seen.Reserve(seen.size() + index.size());

  auto open_output = [&](const char* name) {
    return OutputFile::Open(options.outDir + "/" + name);
  };
  auto sign_ins_out = OutputFile::OpenLarge(options.outDir + "/signIns.ndjson");
  auto detections_out = open_output("riskDetections.ndjson");
  auto history_out = open_output("riskyUserHistory.ndjson");
  for (auto* out : {&sign_ins_out, &detections_out, &history_out}) {
    if (!out->ok()) return out->status();
  }

  // Pass 2: process in event-time order, in stages. This thread parses, de-duplicates and
  // enriches the records into chunks (none of which depends on earlier sign-ins but
  // de-duplication, which it does in order); the engine stage detects and scores them in order;
  // the emitter thread serializes and writes sign-ins and gathers store batches; the store
  // thread persists.
  Enricher enricher(enrichment_data.Sources());
  std::optional<WorkerThread<StoreBatch>> store_writer;
  if (store) {
    store_writer.emplace("idg-store", kStoreBatchesPending,
                         [&store](StoreBatch& batch) { return store->Write(batch); });
  }
  // This thread takes one back for every chunk it prepares.
  SignInRecycler recycler(kSpareChunks);
  SignInEmitter emitter(*sign_ins_out, store_writer ? &*store_writer : nullptr, &recycler);
  WorkerThread<SignInChunk> emit_thread(
      "idg-emit", kChunksPending, [&emitter](SignInChunk& chunk) { return emitter.Emit(chunk); });

  // The engine stage's state: touched only by the thread that runs the stage, and by this thread
  // once the stage has finished every chunk.
  std::unordered_set<std::string> changed_users;
  std::unordered_set<std::string> changed_service_principals;
  EngineOutcome outcome;
  EventTime latest = 0;
  std::optional<ReplaySummary::DetectorFigures> leak_figures;

  auto emit_outcome = [&](EngineOutcome& result, StoreBatch& part) {
    for (auto& detection : result.detections) {
      std::string json;
      AppendRiskDetectionJson(json, detection);
      detections_out->WriteLine(json);
      ++summary.detections;
      if (store) part.detections.push_back({std::move(detection), std::move(json)});
    }
    for (auto& item : result.history) {
      std::string json;
      AppendRiskyUserHistoryItemJson(json, item);
      history_out->WriteLine(json);
      ++summary.historyItems;
      changed_users.insert(item.user.id);
      if (store) part.history.push_back({std::move(item), std::move(json)});
    }
    for (auto& item : result.servicePrincipalHistory) {
      std::string json;
      AppendRiskyServicePrincipalHistoryItemJson(json, item);
      changed_service_principals.insert(item.user.id);
      if (store) part.servicePrincipalHistory.push_back({std::move(item), std::move(json)});
    }
    result.clear();
  };
  // Closes the store batch with the risky users as of its last sign-in and, every few batches,
  // the profiles and organisation state: rewriting every active user's profile is the costliest
  // part of a batch, and a re-run can learn again from the sign-ins stored since.
  std::size_t batches_since_profiles = 0;
  auto checkpoint = [&](SignInChunk& chunk, bool last) {
    StoreBatch& part = chunk.batchPart;
    if (last || ++batches_since_profiles >= options.profileCheckpointBatches) {
      AppendProfileCheckpoint(engine, part);
      batches_since_profiles = 0;
    }
    std::vector<std::string> users(changed_users.begin(), changed_users.end());
    std::sort(users.begin(), users.end());
    for (const auto& id : users) {
      if (const RiskyUser* user = engine.userRisk().Find(id)) {
        std::string json;
        AppendRiskyUserJson(json, *user);
        part.riskyUsers.push_back({*user, std::move(json)});
      }
    }
    changed_users.clear();
    std::vector<std::string> service_principals(changed_service_principals.begin(),
                                                changed_service_principals.end());
    std::sort(service_principals.begin(), service_principals.end());
    for (const auto& id : service_principals) {
      if (const RiskyUser* sp = engine.servicePrincipalRisk().Find(id)) {
        std::string json;
        AppendRiskyServicePrincipalJson(json, *sp);
        part.riskyServicePrincipals.push_back({*sp, std::move(json)});
      }
    }
    changed_service_principals.clear();
    chunk.endsBatch = true;
  };

  // Imported detections count from the moment they were detected: each joins the user's risk
  // just before the first sign-in after it.
  std::size_t next_import = 0;
  auto apply_imports_until = [&](EventTime until) {
    auto& detections = imported->detections;
    for (; next_import < detections.size(); ++next_import) {
      RiskDetection& detection = detections[next_import];
      if (detection.detectedDateTime > until) break;
      const bool service_principal = detection.activity == ActivityType::servicePrincipal;
      UserRiskAggregator& risk =
          service_principal ? engine.servicePrincipalRisk() : engine.userRisk();
      if (auto item = risk.AddDetections({detection}, detection.detectedDateTime)) {
        (service_principal ? outcome.servicePrincipalHistory : outcome.history)
            .push_back(std::move(*item));
      }
      latest = std::max(latest, detection.detectedDateTime);
      outcome.detections.push_back(std::move(detection));
    }
  };

  // The engine stage: every sign-in of a prepared chunk in order, then the chunk to the emitter.
  // A chunk the preparing thread marked as the end of a store batch closes that batch.
  auto run_engine = [&](SignInChunk& chunk) -> Status {
    for (SignIn& sign_in : chunk.signIns) {
      if (next_import < imported->detections.size()) apply_imports_until(sign_in.createdDateTime);
      engine.Process(sign_in, outcome);
      latest = std::max(latest, sign_in.createdDateTime);
      ++summary.processed;
      switch (sign_in.kind) {
        case SignInKind::interactiveUser:
          ++summary.interactive;
          break;
        case SignInKind::nonInteractiveUser:
          ++summary.nonInteractive;
          break;
        default:
          ++summary.servicePrincipal;
          break;
      }
      if (!sign_in.Succeeded()) ++summary.failed;
      if (sign_in.riskLevelAggregated != RiskLevel::none) ++summary.riskySignIns;
      emit_outcome(outcome, chunk.batchPart);
    }
    if (chunk.endsBatch) checkpoint(chunk, false);
    return emit_thread.Submit(std::move(chunk));
  };
  // Without the store the engine runs on a thread of its own. With the store, the store thread
  // is the slowest stage and the cores are full: a fourth busy thread only took CPU from it
  // (docs/PERFORMANCE.md), so this thread runs the engine too.
  std::optional<WorkerThread<SignInChunk>> engine_thread;
  if (!store) engine_thread.emplace("idg-engine", kPreparedChunksPending, run_engine);

  // The preparing stage, on this thread: each record parsed into the next slot of the chunk,
  // reusing sign-ins the emitter gave back; `filled` slots hold this chunk's sign-ins.
  SignInChunk chunk;
  std::size_t filled = 0;
  auto start_chunk = [&] {
    chunk = SignInChunk{};
    chunk.signIns = recycler.Take();
    chunk.signIns.reserve(kChunkSignIns);
    filled = 0;
  };
  auto hand_over = [&]() -> Status {
    chunk.signIns.resize(filled);
    Status s = engine_thread ? engine_thread->Submit(std::move(chunk)) : run_engine(chunk);
    start_chunk();
    return s;
  };
  start_chunk();
  std::size_t batch_sign_ins = 0;
  ProgressBar progress(options.progress && isatty(STDERR_FILENO) && index.size() > 50'000,
                       index.size());
  std::uint64_t done = 0;
  for (const IndexEntry& entry : index) {
    InputFile& input = inputs[entry.file];
    const RecordSpan& span = input.records[entry.record];
    if (filled == chunk.signIns.size()) chunk.signIns.emplace_back();
    SignIn& sign_in = chunk.signIns[filled];
    const Status parsed =
        input.parser->ParseInto(input.file.data().substr(span.offset, span.length), sign_in);
    if (!parsed.ok()) {
      return Status::Internal(input.file.path() + ":" + std::to_string(span.line) +
                              ": record changed between passes: " + parsed.message());
    }
    progress.Update(++done);
    if (!seen.Insert(sign_in.id)) {
      ++summary.duplicates;
      continue;
    }
    enricher.Enrich(sign_in);
    ++filled;
    // A chunk ends where a store batch does, so the engine closes the batch after its last
    // sign-in.
    if (store && ++batch_sign_ins >= options.batchSize) {
      chunk.endsBatch = true;
      batch_sign_ins = 0;
    }
    if (chunk.endsBatch || filled >= kChunkSignIns) {
      if (Status s = hand_over(); !s.ok()) return s;
    }
    if ((done & 0xFFFF) == 0) input.file.DropBefore(span.offset);
  }
  progress.Finish();
  if (Status s = hand_over(); !s.ok()) return s;
  if (engine_thread) {
    if (Status s = engine_thread->Finish(); !s.ok()) return s;
  }

  // The engine stage is idle from here on: the end of the run continues on this thread, into one
  // last chunk without sign-ins.
  apply_imports_until(std::numeric_limits<EventTime>::max());

  // Leaked credentials are matched once every sign-in is in: a leak found during the period raises
  // the user's risk from its discovery on, and the run ends with the directory as it is now.
  if (!leaks.entries().empty()) {
    LeakMatch leaked = MatchLeakedCredentials(leaks, *enrichment_data.directory, latest);
    for (RiskDetection& detection : leaked.detections) {
      if (auto item = engine.userRisk().AddDetections({detection}, detection.detectedDateTime)) {
        outcome.history.push_back(std::move(*item));
      }
      outcome.detections.push_back(std::move(detection));
    }
    ReplaySummary::DetectorFigures figures{"leakedCredentials", {}};
    figures.counters.evaluated = leaked.checked;
    figures.counters.fired = figures.counters.firedHigh = leaked.detections.size();
    leak_figures = figures;
    log << "leaked credentials: " << leaked.checked << " pairs checked, "
        << leaked.detections.size() << " match a current password, " << leaked.stale << " stale, "
        << leaked.unknownUser << " unknown accounts, " << leaked.unverifiable
        << " without a hash of their kind in the directory\n";
  }
  // Low user risk older than its lifetime ages out as of the latest event.
  engine.AgeOut(latest, outcome);
  SignInChunk last;
  emit_outcome(outcome, last.batchPart);
  if (store) checkpoint(last, true);
  if (Status s = emit_thread.Submit(std::move(last)); !s.ok()) return s;
  if (Status s = emit_thread.Finish(); !s.ok()) return s;

  auto users_out = open_output("riskyUsers.ndjson");
  if (!users_out.ok()) return users_out.status();
  for (const RiskyUser& user : engine.userRisk().AllUsers()) {
    std::string json;
    AppendRiskyUserJson(json, user);
    users_out->WriteLine(json);
    ++summary.riskyUsersTotal;
    if (user.riskState == RiskState::atRisk) ++summary.riskyUsersAtRisk;
  }
  auto records_out = open_output("detectorRecords.ndjson");
  if (!records_out.ok()) return records_out.status();
  for (const auto& detector : engine.detectors()) {
    for (const std::string& line : detector->Records()) records_out->WriteLine(line);
  }
  for (auto* out : {&sign_ins_out, &detections_out, &history_out, &users_out, &records_out}) {
    if (Status s = out->value().Close(); !s.ok()) return s;
  }

  if (store) {
    if (Status s = store_writer->Finish(); !s.ok()) return s;
    store_writer.reset();
    if (bulk_load) {
      if (Status s = store->EndBulkLoad(); !s.ok()) return s;
    }
    if (latest > 0) {
      auto retention = store->ApplyRetention(latest, options.retention);
      if (!retention.ok()) return retention.status();
      summary.retention = retention.value();
    }
  }
  for (const auto& detector : engine.detectors()) {
    summary.detectors.push_back({std::string(detector->riskEventType()), detector->counters()});
  }
  if (leak_figures) summary.detectors.push_back(std::move(*leak_figures));
  summary.geolocated = enricher.counters().geolocated;
  summary.internalAddresses = enricher.counters().internalAddresses;
  summary.seconds = std::chrono::duration<double>(WallClock::now() - started).count();
  return summary;
}

}  // namespace idguard
