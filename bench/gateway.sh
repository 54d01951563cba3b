#!/usr/bin/env bash
# Benchmark: what the gateway adds. The same request (GET /v1/projects/{id} with alice's token) through the gateway
# and straight to project-service, side by side in one run, with bench/HttpLoad.java (JDK only, like wrk2): a fixed
# BENCH_RATE requests/s for BENCH_SECONDS; successful requests/s and p50/p99 from each request's scheduled time.
# The default rate (40/s) stays under the gateway's per-caller rate limit (capydb.gateway.rate-limit, 50/s; a GET
# costs 1 token): above it the gateway answers 429 by design, which would measure the limit, not the hop.
# Prints gateway_throughput_vs_direct=<ratio> and gateway_p99_added_ms=<ms>; the project is deleted afterwards.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/env.sh
source "$REPO_ROOT/dev/env.sh"
# shellcheck source=lib.sh
source "$REPO_ROOT/bench/lib.sh"

SECONDS_EACH="${BENCH_SECONDS:-10}"
RATE="${BENCH_RATE:-40}"
CAPYDB_GATEWAY_URL="${CAPYDB_GATEWAY_URL:-http://127.0.0.1:$CAPYDB_GATEWAY_PORT}"
BODY="$(mktemp)"
PROJECT_ID=""
BENCH_NAME_PREFIX=bench-gw

cleanup() {
  [[ -n $PROJECT_ID ]] && { refresh_token; delete_project || true; }
  rm -f "$BODY"
}

load() {  # load URL -> "throughput p50 p99 errors"
  java "$REPO_ROOT/bench/HttpLoad.java" "$1" "$TOKEN" "$SECONDS_EACH" "$RATE" |
    awk -F= '{ v[$1] = $2 } END { print v["throughput_rps"], v["p50_ms"], v["p99_ms"], v["errors"] }'
}

main() {
  need_jq
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  refresh_token
  create_project
  local path="/v1/projects/$PROJECT_ID" gw direct
  say "GET $path at $RATE req/s for ${SECONDS_EACH}s: straight to project-service, then through the gateway"
  read -r -a direct <<<"$(load "http://127.0.0.1:$CAPYDB_PROJECT_PORT$path")"
  read -r -a gw <<<"$(load "$CAPYDB_GATEWAY_URL$path")"
  printf 'direct_rps=%s direct_p50_ms=%s direct_p99_ms=%s errors=%s\n' "${direct[@]}"
  printf 'gateway_rps=%s gateway_p50_ms=%s gateway_p99_ms=%s errors=%s\n' "${gw[@]}"
  printf 'gateway_throughput_vs_direct=%s\n' "$(awk -v g="${gw[0]}" -v d="${direct[0]}" 'BEGIN { printf "%.2f", g / d }')"
  printf 'gateway_p99_added_ms=%s\n' "$(awk -v g="${gw[2]}" -v d="${direct[2]}" 'BEGIN { printf "%.1f", g - d }')"
}

main "$@"
