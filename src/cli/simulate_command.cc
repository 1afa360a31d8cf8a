// `idguard simulate`: writes a realistic benign tenant (directory, named locations, sign-ins) for
// development, demos and false-positive measurement, and with --attacks labelled attacks on top.
// See idguard/simulate/tenant_simulator.h and attack_simulator.h.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "idguard/core/time.h"
#include "idguard/enrich/asn_database.h"
#include "idguard/enrich/geoip_database.h"
#include "idguard/simulate/attack_simulator.h"
#include "idguard/simulate/tenant_simulator.h"

namespace idguard::cli {
namespace {

struct SimulateArguments {
  SimulateOptions options;
  std::string start = "2026-10-01T00:00:00Z";
  std::string dataDir;
  bool attacks = false;
  double attackIntensity = 1.0;
};

// Exit codes: 1 the simulation failed (for example an unwritable folder), 2 the GeoIP or ASN
// data are missing or unreadable.
constexpr int kExitFailed = 1;
constexpr int kExitNoData = 2;

void RunSimulate(SimulateArguments& args) {
  args.options.start = *ParseTimestamp(args.start);  // validated by the option's check
  const std::string data_dir = args.dataDir.empty() ? DefaultDataDir() : args.dataDir;
  const auto geoip_files = DefaultGeoIpFiles(data_dir);
  const auto asn_files = DefaultAsnFiles(data_dir);
  if (geoip_files.empty() || asn_files.empty()) {
    std::fprintf(stderr,
                 "idguard simulate: no %s database under %s (expected geoip/*.mmdb and "
                 "asn/asn-ipv4.csv or asn/GeoLite2-ASN.mmdb; set --data-dir or IDGUARD_DATA_DIR)\n",
                 geoip_files.empty() ? "GeoIP" : "ASN", data_dir.c_str());
    throw CLI::RuntimeError(kExitNoData);
  }
  const auto started = std::chrono::steady_clock::now();
  auto geoip = GeoIpDatabase::Open(geoip_files);
  if (!geoip.ok()) {
    std::fprintf(stderr, "idguard simulate: %s\n", geoip.status().message().c_str());
    throw CLI::RuntimeError(kExitNoData);
  }
  auto asn = AsnDatabase::Load(asn_files);
  if (!asn.ok()) {
    std::fprintf(stderr, "idguard simulate: %s\n", asn.status().message().c_str());
    throw CLI::RuntimeError(kExitNoData);
  }
  SimulateSummary summary;
  if (Status s = SimulateTenant(args.options, **geoip, **asn, &summary); !s.ok()) {
    std::fprintf(stderr, "idguard simulate: %s\n", s.message().c_str());
    throw CLI::RuntimeError(s.code() == StatusCode::kNotFound ? kExitNoData : kExitFailed);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto percent = [&](std::uint64_t part) {
    return summary.userSignIns == 0
               ? 0.0
               : 100.0 * static_cast<double>(part) / static_cast<double>(summary.userSignIns);
  };
  std::printf(
      "users: %llu (%u workforce + 2 break-glass)\n"
      "service principals: %llu\n"
      "sign-ins: %llu (%llu user: %.1f%% interactive, %.1f%% failed)\n"
      "days: %u from %s\n"
      "output: %s (signIns.ndjson %.1f MB)\n"
      "seconds: %.2f\n",
      static_cast<unsigned long long>(summary.users), args.options.users,
      static_cast<unsigned long long>(summary.servicePrincipals),
      static_cast<unsigned long long>(summary.signIns),
      static_cast<unsigned long long>(summary.userSignIns), percent(summary.interactiveSignIns),
      percent(summary.failedSignIns), args.options.days,
      FormatTimestamp(args.options.start).c_str(), args.options.outputDirectory.c_str(),
      static_cast<double>(summary.signInBytes) / 1e6, seconds);
  if (!args.attacks) return;

  AttackOptions attack_options;
  attack_options.tenantDirectory = args.options.outputDirectory;
  attack_options.seed = args.options.seed;
  attack_options.intensity = args.attackIntensity;
  AttackSummary attacks;
  if (Status s = SimulateAttacks(attack_options, **geoip, **asn, &attacks); !s.ok()) {
    std::fprintf(stderr, "idguard simulate: %s\n", s.message().c_str());
    throw CLI::RuntimeError(s.code() == StatusCode::kNotFound ? kExitNoData : kExitFailed);
  }
  std::printf(
      "attack sign-ins added: %llu (labels.json, anonymizer.netset, "
      "leakedCredentials.ndjson)\n",
      static_cast<unsigned long long>(attacks.attackSignIns));
  std::printf(
      "benign look-alikes added: %llu (consumer VPNs, new laptops, browser updates; unlabelled)\n",
      static_cast<unsigned long long>(attacks.benignLookAlikes));
  for (const auto& [type, count] : attacks.maliciousSignIns) {
    std::printf("  %-26s %5llu successful malicious sign-ins\n", type.c_str(),
                static_cast<unsigned long long>(count));
  }
  for (const auto& [type, count] : attacks.compromisedUsers) {
    std::printf("  %-26s %5llu compromised users\n", type.c_str(),
                static_cast<unsigned long long>(count));
  }
}

}  // namespace

void RegisterSimulateCommand(CLI::App& app) {
  auto args = std::make_shared<SimulateArguments>();
  CLI::App* command = app.add_subcommand(
      "simulate",
      "Write a realistic benign tenant to --out: users.ndjson (directory), namedLocations.json "
      "(Graph named locations) and signIns.ndjson (Graph signIn records sorted by time, without "
      "location or risk, ready for `idguard replay`). Addresses are real ISP, mobile and cloud "
      "addresses taken from the ASN and GeoIP data. The same seed gives the same bytes.");
  command
      ->add_option("--users", args->options.users,
                   "Workforce accounts (2 break-glass accounts are added)")
      ->required()
      ->check(CLI::Range(1U, 10'000'000U));
  command->add_option("--days", args->options.days, "Days of activity to simulate")
      ->required()
      ->check(CLI::Range(1U, 3660U));
  command
      ->add_option("--seed", args->options.seed, "Seed; the same seed gives byte-identical output")
      ->required();
  command
      ->add_option("--out", args->options.outputDirectory,
                   "Folder to write the files to (created if missing)")
      ->required();
  command->add_option("--start", args->start, "First instant of the period, ISO 8601 UTC")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return ParseTimestamp(text) ? std::string() : "'" + text + "' is not a timestamp";
          },
          "TIMESTAMP"));
  command
      ->add_option("--sign-ins-per-user-day", args->options.signInsPerUserDay,
                   "Mean user sign-ins per active user per day, weekends included")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 500.0));
  command->add_option("--data-dir", args->dataDir,
                      "Folder with geoip/ and asn/ (default: $IDGUARD_DATA_DIR, ./data, ...)");
  command->add_flag("--attacks", args->attacks,
                    "Add labelled attacks (takeovers, password spray, brute force, Tor, MFA "
                    "fatigue, token replay, leaked credentials) and write labels.json, "
                    "anonymizer.netset and leakedCredentials.ndjson for `idguard score`");
  command
      ->add_option("--attack-intensity", args->attackIntensity,
                   "Multiplier on the number of attacks (given per 10,000 users)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 100.0));
  command->callback([args] { RunSimulate(*args); });
}

}  // namespace idguard::cli
