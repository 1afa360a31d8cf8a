#!/usr/bin/env bash
# Whole-process evaluate load on this machine, release build: a simulated tenant replayed into a
# store, the recommended sign-in risk and user risk policies enabled, then wrk POSTing a new
# sign-in attempt per request to /v1/evaluate over loopback (1 wrk thread, 32 connections, 20 s).
#   bench/evaluate_load.sh [USERS] [DAYS]     (default 2000 users, 30 days)
#   IDGUARD_SERVE_ARGS="--evaluation-write-delay-ms 20" bench/evaluate_load.sh   (serve options)
#   IDGUARD_ADMIN_POLL_MS=100 bench/evaluate_load.sh   (also list the policies every 100 ms during
#     the load, as an admin would, and report those calls' latency: calls that go through the
#     engine write the waiting evaluations first)
#   IDGUARD_DOWNLOAD_LOOP=1 bench/evaluate_load.sh   (also download every stored sign-in as CSV,
#     one download after the other, during the load, as an analyst would, and count them)
#   IDGUARD_WRK_CONNECTIONS=4 bench/evaluate_load.sh   (wrk connections; default 32)
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-2000}"
days="${2:-30}"
bin=build/release/idguard
[ -x "$bin" ] || { echo "build the release preset first (scripts/setup)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt install wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing (apt install curl)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" simulate --users "$users" --days "$days" --seed 5 --attacks --out "$work/tenant" >/dev/null
"$bin" replay --input "$work/tenant/signIns.ndjson" --db "$work/store.db" --out "$work/out" \
  --directory "$work/tenant/users.ndjson" --quiet
admin=$("$bin" token create --db "$work/store.db" --name bench-admin --role security-administrator)
provider=$("$bin" token create --db "$work/store.db" --name bench-idp --role identity-provider)
sed -E 's/^\{"id":"([^"]+)","userPrincipalName":"([^"]+)".*/\1 \2/' "$work/tenant/users.ndjson" \
  > "$work/users.txt"

# shellcheck disable=SC2086 # the extra options are words
"$bin" serve --db "$work/store.db" --listen 127.0.0.1:0 --port-file "$work/port" --quiet \
  --directory "$work/tenant/users.ndjson" ${IDGUARD_SERVE_ARGS:-} 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 600); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
policies="http://127.0.0.1:$port/v1.0/identity/conditionalAccess/policies"
post_policy() {
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $admin" \
    -H "Content-Type: application/json" --data "$1" "$policies"
}
post_policy '{"displayName":"Sign-in risk: MFA","state":"enabled",
  "conditions":{"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},
  "signInRiskLevels":["high","medium"]},"grantControls":{"operator":"OR","builtInControls":["mfa"]},
  "sessionControls":{"signInFrequency":{"isEnabled":true,"frequencyInterval":"everyTime",
  "authenticationType":"primaryAndSecondaryAuthentication"}}}'
post_policy '{"displayName":"User risk: password change","state":"enabled",
  "conditions":{"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},
  "userRiskLevels":["high"]},"grantControls":{"operator":"AND","builtInControls":["mfa","passwordChange"]}}'
post_policy '{"displayName":"Block legacy clients (report-only)","state":"enabledForReportingButNotEnforced",
  "conditions":{"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},
  "clientAppTypes":["exchangeActiveSync","other"]},"grantControls":{"operator":"OR","builtInControls":["block"]}}'

downloader=""
if [ -n "${IDGUARD_DOWNLOAD_LOOP:-}" ]; then
  (
    end=$((SECONDS + 20))
    count=0
    while [ "$SECONDS" -lt "$end" ]; do
      curl -sf -o /dev/null -H "Authorization: Bearer $admin" \
        "http://127.0.0.1:$port/v1/downloads/signIns?format=csv" && count=$((count + 1))
    done
    echo "$count" > "$work/downloads"
  ) &
  downloader=$!
fi
poller=""
if [ -n "${IDGUARD_ADMIN_POLL_MS:-}" ]; then
  interval=$(awk -v ms="$IDGUARD_ADMIN_POLL_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
  (
    end=$((SECONDS + 19))
    while [ "$SECONDS" -lt "$end" ]; do
      curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $admin" "$policies"
      sleep "$interval"
    done > "$work/admin.times"
  ) &
  poller=$!
fi
connections="${IDGUARD_WRK_CONNECTIONS:-32}"
echo "== wrk POST /v1/evaluate ($(wc -l < "$work/users.txt") users, 1 thread, $connections connections, 20 s)"
IDGUARD_TOKEN="$provider" wrk -t1 -c"$connections" -d20s --latency -s bench/evaluate.lua \
  "http://127.0.0.1:$port" -- "$work/users.txt" |
  grep -E "Requests/sec|Latency|requests in|50%|90%|99%|Non-2xx"
if [ -n "$downloader" ]; then
  wait "$downloader"
  echo "sign-in downloads (CSV, every stored sign-in) completed during the load: $(cat "$work/downloads")"
fi
if [ -n "$poller" ]; then
  wait "$poller"
  sort -n "$work/admin.times" | awk '{ t[NR] = $1 * 1000 } END {
    printf "admin policy lists during the load: %d, p50 %.1f ms, p90 %.1f ms, max %.1f ms\n",
      NR, t[int(NR * 0.5) + 1], t[int(NR * 0.9) + 1], t[NR] }'
fi
curl -sf -H "Authorization: Bearer $admin" "http://127.0.0.1:$port/metrics" |
  grep -E "^idguard_evaluations_unwritten" || true
kill "$server"; wait "$server" 2>/dev/null || true
