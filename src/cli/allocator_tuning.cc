#include "cli/allocator_tuning.h"

#ifdef IDGUARD_WITH_MIMALLOC
#include <mimalloc.h>

#include <cstdlib>
#endif

namespace idguard::cli {

void KeepFreedMemoryCommittedBriefly() {
#ifdef IDGUARD_WITH_MIMALLOC
  constexpr long kDelayMs = 2000;
  const auto set_unless_configured = [](const char* variable, mi_option_t option) {
    if (std::getenv(variable) == nullptr) mi_option_set(option, kDelayMs);
  };
#if MI_MALLOC_VERSION >= 210
  // mimalloc 2.1 merged the two delays into one, "purge".
  set_unless_configured("MIMALLOC_PURGE_DELAY", mi_option_purge_delay);
#else
  set_unless_configured("MIMALLOC_DECOMMIT_DELAY", mi_option_decommit_delay);
  set_unless_configured("MIMALLOC_SEGMENT_DECOMMIT_DELAY", mi_option_segment_decommit_delay);
#endif
#endif
}

void UseLargeOsPages() {
#ifdef IDGUARD_WITH_MIMALLOC
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) mi_option_enable(mi_option_large_os_pages);
#endif
}

}  // namespace idguard::cli
