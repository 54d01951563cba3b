#!/usr/bin/env bash
# Benchmark: API throughput of one list endpoint per service, at a fixed concurrency.
#
#   bench/list_throughput.sh                              # on a running local stack (dev/stack up)
#   BENCH_CONNECTIONS=16 BENCH_SECONDS=20 bench/list_throughput.sh
#
# As alice it creates a throw-away project with BENCH_BACKUPS (3) backups, then loads, one after the other,
#   project-service  GET /v1/projects
#   backup-service   GET /v1/projects/{id}/backups
#   restore-service  GET /v1/projects/{id}/restores
#   import-service   GET /v1/projects/{id}/imports
#   cutover-service  GET /v1/projects/{id}/cutover-requests
#   webhook-service  GET /v1/projects/{id}/webhooks
# straight at each service's port with `wrk` (closed loop: BENCH_CONNECTIONS connections on one thread, each sending
# its next request when the last one answered), for an untimed BENCH_WARMUP_SECONDS (3) and then BENCH_SECONDS (10),
# BENCH_ROUNDS (3) times. It prints, per service, the median requests/s and the median p99 (wrk --latency), and how
# many answers were not 2xx (they must be 0, or the figure measures errors).
# Not through the gateway: its per-caller rate limit (50/s for one user) would be what is measured; the gateway's own
# cost is bench/gateway.sh's figure. wrk rather than bench/HttpLoad.java: one C thread takes far less of the 2 shared
# cores than a JVM client would, so more of them is left to the service being measured.
# A benchmark, not a test: it exits non-zero only when it cannot measure. The project is deleted on the way out.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/env.sh
source "$REPO_ROOT/dev/env.sh"
# shellcheck source=lib.sh
source "$REPO_ROOT/bench/lib.sh"

CONNECTIONS="${BENCH_CONNECTIONS:-8}"
SECONDS_EACH="${BENCH_SECONDS:-10}"
WARMUP_S="${BENCH_WARMUP_SECONDS:-3}"
ROUNDS="${BENCH_ROUNDS:-3}"
BACKUPS="${BENCH_BACKUPS:-3}"
CAPYDB_GATEWAY_URL="${CAPYDB_GATEWAY_URL:-http://127.0.0.1:$CAPYDB_GATEWAY_PORT}"
WORK="$(mktemp -d)"
BODY="$WORK/body.json"
PROJECT_ID=""
BENCH_NAME_PREFIX=bench-list
BENCH_PLAN=free

cleanup() {
  [[ -n $PROJECT_ID ]] && { refresh_token; delete_project || true; }
  rm -rf "$WORK"
}

# wrk's latency figures come as 1.23ms, 456.78us or 1.02s: in ms.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000;
    printf "%.2f\n", n }'
}

# load URL SECONDS -> "requests/s p99_ms non_2xx" of one wrk run
load() {
  local out rps p99 bad
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${2}s" --latency -H "Authorization: Bearer $TOKEN" "$1")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  # Non-2xx answers and socket errors (connect, read, write, timeout) are failed requests.
  bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
    END { print n + 0 }' <<<"$out")
  printf '%s %s %s\n' "$rps" "$(to_ms "$p99")" "$bad"
}

main() {
  need_jq
  need_tool wrk
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  refresh_token
  create_project
  local i
  for (( i = 0; i < BACKUPS; i++ )); do
    run_job "/v1/projects/$PROJECT_ID/backups" '{"label":"bench-list"}'
  done
  local targets=(
    "project-service:$CAPYDB_PROJECT_PORT:/v1/projects"
    "backup-service:$CAPYDB_BACKUP_PORT:/v1/projects/$PROJECT_ID/backups"
    "restore-service:$CAPYDB_RESTORE_PORT:/v1/projects/$PROJECT_ID/restores"
    "import-service:$CAPYDB_IMPORT_PORT:/v1/projects/$PROJECT_ID/imports"
    "cutover-service:$CAPYDB_CUTOVER_PORT:/v1/projects/$PROJECT_ID/cutover-requests"
    "webhook-service:$CAPYDB_WEBHOOK_PORT:/v1/projects/$PROJECT_ID/webhooks"
  )
  local t name port path url r rps p99 bad all_bad=0
  say "${CONNECTIONS} connections, ${WARMUP_S}s warm-up + ${SECONDS_EACH}s, ${ROUNDS} rounds per endpoint; load $(cut -d' ' -f1-3 /proc/loadavg)"
  for t in "${targets[@]}"; do
    IFS=: read -r name port path <<<"$t"
    url="http://127.0.0.1:$port$path"
    # A fresh token per endpoint: a run outlasts an access token.
    refresh_token
    local code
    code=$(curl -sS -o "$BODY" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$url")
    expect 200 "$code" "GET $path on $name"
    rps=(); p99=()
    for (( r = 1; r <= ROUNDS; r++ )); do
      load "$url" "$WARMUP_S" >/dev/null
      read -r a b c <<<"$(load "$url" "$SECONDS_EACH")"
      rps+=("$a"); p99+=("$b"); all_bad=$(( all_bad + c ))
    done
    printf '%s list_rps=%.0f list_p99_ms=%s (GET %s; runs: %s / p99 %s) load=%s\n' "$name" "$(median "${rps[@]}")" \
      "$(median "${p99[@]}")" "${path/$PROJECT_ID/\{id\}}" "${rps[*]}" "${p99[*]}" "$(cut -d' ' -f1-3 /proc/loadavg)"
  done
  printf 'list_non_2xx=%s (must be 0)\n' "$all_bad"
}

main "$@"
