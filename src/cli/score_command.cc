// `idguard score`: detection quality of a replay against the labels of a simulated tenant.
// See idguard/score/detection_quality.h.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "idguard/score/detection_quality.h"

namespace idguard::cli {
namespace {

struct ScoreArguments {
  std::string labels;
  std::string replayOut;
  bool check = false;
  QualityTargets targets;
};

// Exit codes: 1 the inputs could not be read, 3 --check and a target was missed.
constexpr int kExitFailed = 1;
constexpr int kExitMissed = 3;

void RunScore(const ScoreArguments& args) {
  auto report = ScoreDetections(args.labels, args.replayOut);
  if (!report.ok()) {
    std::fprintf(stderr, "idguard score: %s\n", report.status().message().c_str());
    throw CLI::RuntimeError(kExitFailed);
  }
  std::fputs(FormatQualityReport(*report).c_str(), stdout);
  const auto missed = MissedTargets(*report, args.targets);
  std::printf("\n%s\n", missed.empty() ? "targets: all met" : "targets missed:");
  for (const std::string& line : missed) std::printf("  %s\n", line.c_str());
  if (args.check && !missed.empty()) throw CLI::RuntimeError(kExitMissed);
}

}  // namespace

void RegisterScoreCommand(CLI::App& app) {
  auto args = std::make_shared<ScoreArguments>();
  CLI::App* command = app.add_subcommand(
      "score",
      "Measure detection quality: recall of the labelled attacks and false positives among "
      "benign sign-ins and users, from the labels.json of `idguard simulate --attacks` and the "
      "--out folder of `idguard replay`.");
  command->add_option("--labels", args->labels, "labels.json of the simulated tenant")->required();
  command->add_option("--replay-out", args->replayOut, "The --out folder of the replay")
      ->required();
  command->add_flag("--check", args->check, "Exit with 3 when a target is missed");
  command
      ->add_option("--min-recall", args->targets.minRecall,
                   "Target: recall of malicious sign-ins at >= medium (low-signal excluded)")
      ->capture_default_str();
  command
      ->add_option("--min-attack-recall", args->targets.minRecallPerAttack,
                   "Target: the same for every attack type but the low-signal one")
      ->capture_default_str();
  command
      ->add_option("--max-benign-sign-in-rate", args->targets.maxBenignSignInRate,
                   "Target: share of benign sign-ins at >= medium")
      ->capture_default_str();
  command
      ->add_option("--max-benign-user-rate", args->targets.maxBenignUserRate,
                   "Target: share of benign users at >= medium")
      ->capture_default_str();
  command->callback([args] { RunScore(*args); });
}

}  // namespace idguard::cli
