#!/usr/bin/env bash
# The policy impact preview over a month of a 10,000-user tenant, release build: the tenant is
# simulated and replayed into a store, served, and POST /v1/policies/impact is timed (curl, three
# calls each) for a sign-in risk policy, a user risk policy (plus the risk history), a
# legacy-client and a browser policy (the client app column) and a compliant-device policy (the
# device columns of schema version 7).
#   bench/policy_impact.sh [USERS] [DAYS]     (default 10000 users, 30 days)
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-10000}"
days="${2:-30}"
bin=build/release/idguard
[ -x "$bin" ] || { echo "build the release preset first (scripts/setup)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" simulate --users "$users" --days "$days" --seed 1 --attacks --out "$work/tenant" >/dev/null
"$bin" replay --input "$work/tenant/signIns.ndjson" --db "$work/store.db" --out "$work/out" \
  --directory "$work/tenant/users.ndjson" --named-locations "$work/tenant/namedLocations.json" --quiet
reader=$("$bin" token create --db "$work/store.db" --name bench --role security-reader)
"$bin" serve --db "$work/store.db" --listen 127.0.0.1:0 --port-file "$work/port" --quiet \
  --directory "$work/tenant/users.ndjson" --named-locations "$work/tenant/namedLocations.json" \
  2>"$work/serve.log" &
server=$!
for _ in $(seq 1 600); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
period='"from":"2026-10-01T00:00:00Z","to":"2026-10-31T00:00:00Z"'
common='"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]}'
preview() {  # name policy-conditions grant
  local body="{\"policy\":{\"displayName\":\"$1\",\"state\":\"disabled\",\"conditions\":{$common,$2},\"grantControls\":$3},$period}"
  for run in 1 2 3; do
    curl -sf -o "$work/answer.json" -w "%{time_total}" -H "Authorization: Bearer $reader" \
      -H "Content-Type: application/json" --data "$body" "http://127.0.0.1:$port/v1/policies/impact"
    echo " s  $1 (run $run)"
  done
  grep -oE '"signIns":\{[^}]*\}' "$work/answer.json"
}
echo "== POST /v1/policies/impact over $days days of $users users"
preview "sign-in risk" '"signInRiskLevels":["medium","high"]' '{"operator":"OR","builtInControls":["mfa"]}'
preview "user risk" '"userRiskLevels":["high"]' '{"operator":"AND","builtInControls":["mfa","passwordChange"]}'
preview "legacy clients" '"clientAppTypes":["exchangeActiveSync","other"]' '{"operator":"OR","builtInControls":["block"]}'
preview "browser clients" '"clientAppTypes":["browser"]' '{"operator":"OR","builtInControls":["block"]}'
preview "compliant device" '"clientAppTypes":["all"]' '{"operator":"OR","builtInControls":["compliantDevice"]}'
kill "$server"; wait "$server" 2>/dev/null || true
