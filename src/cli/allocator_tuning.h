// Process-wide settings of the allocator that idguard is linked with (ADR 0005).
#pragma once

namespace idguard::cli {

// mimalloc hands memory that stayed free for 25 ms back to the system, and the next allocation
// there takes a page fault per 4 KiB. The evaluation writer frees a batch (up to a few tens of
// megabytes) every few hundred milliseconds under load, which the request threads then fill
// again: with that delay, nearly every page of it faulted anew. Memory now stays committed for
// two seconds after it was freed. Only `idguard serve` does this: a replay keeps its peak memory
// lower with the defaults (docs/PERFORMANCE.md). The variables MIMALLOC_DECOMMIT_DELAY and
// MIMALLOC_SEGMENT_DECOMMIT_DELAY (MIMALLOC_PURGE_DELAY from mimalloc 2.1 on), when set, win. Does
// nothing in builds without mimalloc (sanitizers, fuzzing).
void KeepFreedMemoryCommittedBriefly();

}  // namespace idguard::cli
