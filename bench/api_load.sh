#!/usr/bin/env bash
# Whole-process API load on this machine, release build:
#   1. wrk against GET /healthz (no token, no store) and a first page of risky users (token,
#      store read, JSON), 10 s each;
#   2. POST /v1/signins throughput: a simulated tenant's sign-ins sent in batches of 10,000.
#   bench/api_load.sh [USERS] [DAYS]     (default 2000 users, 30 days)
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-2000}"
days="${2:-30}"
bin=build/release/idguard
[ -x "$bin" ] || { echo "build the release preset first (scripts/setup)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt install wrk)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" simulate --users "$users" --days "$days" --seed 5 --attacks --out "$work/tenant" >/dev/null
"$bin" replay --input "$work/tenant/signIns.ndjson" --db "$work/read.db" --out "$work/out" --quiet
token=$("$bin" token create --db "$work/read.db" --name bench --role security-administrator)

start_server() {  # db
  rm -f "$work/port"
  "$bin" serve --db "$1" --listen 127.0.0.1:0 --port-file "$work/port" --quiet \
    --directory "$work/tenant/users.ndjson" 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.1; done
  port=$(cat "$work/port")
}

start_server "$work/read.db"
echo "== wrk GET /healthz (1 thread, 32 connections, 10 s)"
wrk -t1 -c32 -d10s "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|Latency|requests in"
echo "== wrk GET riskyUsers first page, \$top=20, with a token (1 thread, 32 connections, 10 s)"
wrk -t1 -c32 -d10s -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/v1.0/identityProtection/riskyUsers?\$top=20" |
  grep -E "Requests/sec|Latency|requests in"
kill "$server"; wait "$server" 2>/dev/null || true

echo "== POST /v1/signins into an empty store ($(wc -l < "$work/tenant/signIns.ndjson") sign-ins)"
"$bin" token create --db "$work/ingest.db" --name bench --role security-administrator > "$work/ingest.token"
start_server "$work/ingest.db"
node bench/ingest_load.mjs "http://127.0.0.1:$port" "$(cat "$work/ingest.token")" \
  "$work/tenant/signIns.ndjson" 10000 2
kill "$server"; wait "$server" 2>/dev/null || true
