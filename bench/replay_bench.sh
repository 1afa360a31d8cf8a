#!/usr/bin/env bash
# Whole-process replay benchmark: simulates a tenant (default 10,000 users × 30 days ≈ 1M
# sign-ins), then replays it with enrichment, detection and SQLite persistence, and again
# without persistence, reporting sign-ins/s and peak RSS for each.
#   bench/replay_bench.sh [users] [days]
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-10000}"
days="${2:-30}"
bin=build/release/idguard
work="${TMPDIR:-/tmp}/idguard-replay-bench"
[ -x "$bin" ] || { echo "build the release preset first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
mkdir -p "$work"
if [ ! -f "$work/tenant-$users-$days/signIns.ndjson" ]; then
  "$bin" simulate --users "$users" --days "$days" --seed 1 --out "$work/tenant-$users-$days"
fi
tenant="$work/tenant-$users-$days"
count=$(wc -l < "$tenant/signIns.ndjson")
echo "input: $count sign-ins, $(du -h "$tenant/signIns.ndjson" | cut -f1)"

run() {
  local label="$1"; shift
  # Start from nothing: truncating the previous run's 2 GB of output and writing back its dirty
  # pages would otherwise be charged to this run.
  rm -rf "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm" "$work/bench.db-journal" \
    "$work/out"
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" replay --quiet \
    --input "$tenant/signIns.ndjson" --directory "$tenant/users.ndjson" \
    --named-locations "$tenant/namedLocations.json" --out "$work/out" "$@"
  read -r seconds rss_kb < "$work/time.txt"
  awk -v l="$label" -v n="$count" -v s="$seconds" -v r="$rss_kb" \
    'BEGIN { printf "%-28s %8.2f s  %9.0f sign-ins/s  peak RSS %6.0f MiB\n", l, s, n / s, r / 1024 }'
}
run "with SQLite persistence" --db "$work/bench.db"
run "without persistence" --no-store
