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

// Asks the system for 2 MiB pages for the allocator's memory (transparent huge pages, which
// mimalloc requests with madvise; the kernel's default "madvise" mode grants them). Both serve and
// replay allocate hundreds of megabytes of short-lived objects, and each 4 KiB page of it took a
// page fault when first touched: about 10 microseconds each on the reference machine, where
// ingest and replay spent a fifth to a quarter of their CPU on them (docs/PERFORMANCE.md). The
// price is resident memory: partly used huge pages count whole, and mimalloc 2.0 keeps such memory
// pinned, reusing the segments it frees instead of returning them, so the resident set stays at its
// high-water mark (also where the kernel grants no huge pages). MIMALLOC_LARGE_OS_PAGES, when set,
// wins. Does nothing in builds without mimalloc (sanitizers, fuzzing).
void UseLargeOsPages();

}  // namespace idguard::cli
