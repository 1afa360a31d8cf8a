// The --retention-* options that replay and serve share.
#include "cli/commands.h"

namespace idguard::cli {

void AddRetentionOptions(CLI::App& command, RetentionPolicy& retention) {
  const struct {
    const char* name;
    std::int64_t& days;
    const char* help;
  } options[] = {
      {"--retention-signins-days", retention.signInDays,
       "Days of sign-ins kept in the store, counted back from the newest"},
      {"--retention-detections-days", retention.detectionDays,
       "Days of detections kept in the store"},
      {"--retention-history-days", retention.historyDays,
       "Days of risky-user history kept in the store"},
  };
  for (const auto& option : options) {
    command.add_option(option.name, option.days, option.help)
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000}))
        ->capture_default_str();
  }
}

}  // namespace idguard::cli
