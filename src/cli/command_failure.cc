#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "idguard/core/time.h"

namespace idguard::cli {

void Fail(const Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  throw CLI::RuntimeError(status.code() == StatusCode::kInvalidInput ? 2 : 1);
}

Actor CommandLineActor() {
  const char* user = std::getenv("USER");
  return Actor{std::string("cli:") + (user != nullptr ? user : "unknown"), "", "command-line",
               "cli-" + std::to_string(SystemClock().Now())};
}

}  // namespace idguard::cli
