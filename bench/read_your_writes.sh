#!/usr/bin/env bash
# Benchmark: read-your-writes as a client sees it, on the running local stack (docs/consistency.md).
#
#   bench/read_your_writes.sh                 # BENCH_ROUNDS=100 by default
#
# bench/ReadYourWritesBench.java creates a project and at once lists its backups (another service, which learns of
# projects from Kafka), BENCH_ROUNDS times, and prints p50/p99 of: creating the project, that first read (must be
# 200: first_read_misses counts those that were not), the same read again (a known project: no catch-up), and a
# read of a project that does not exist (a real 404, whose catch-up is the most a miss can cost).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/env.sh
source "$REPO_ROOT/dev/env.sh"
# shellcheck source=lib.sh
source "$REPO_ROOT/bench/lib.sh"

ROUNDS="${BENCH_ROUNDS:-100}"
CAPYDB_GATEWAY_URL="${CAPYDB_GATEWAY_URL:-http://127.0.0.1:$CAPYDB_GATEWAY_PORT}"

refresh_token
say "read-your-writes: $ROUNDS rounds of create project -> list its backups at once"
java "$REPO_ROOT/bench/ReadYourWritesBench.java" "$CAPYDB_GATEWAY_URL" "$TOKEN" "$ROUNDS"
