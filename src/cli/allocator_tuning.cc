#include "cli/allocator_tuning.h"

#ifdef IDGUARD_WITH_MIMALLOC
#include <mimalloc.h>

#include <cstdlib>
#endif

namespace idguard::cli {

void KeepFreedMemoryCommittedBriefly() {
#ifdef IDGUARD_WITH_MIMALLOC
  constexpr long kDelayMs = 2000;
  if (std::getenv("MIMALLOC_DECOMMIT_DELAY") == nullptr) {
    mi_option_set(mi_option_decommit_delay, kDelayMs);
  }
  if (std::getenv("MIMALLOC_SEGMENT_DECOMMIT_DELAY") == nullptr) {
    mi_option_set(mi_option_segment_decommit_delay, kDelayMs);
  }
#endif
}

}  // namespace idguard::cli
