#!/usr/bin/env bash
# Benchmark: webhook delivery latency and throughput on the running local stack.
#
#   bench/webhook.sh                            # stack started in development egress mode:
#                                               # CAPYDB_ALLOW_LOOPBACK=1 dev/stack up (receivers are local)
#   BENCH_RATE=200 BENCH_SECONDS=10 BENCH_BURST=3000 bench/webhook.sh
#
# As alice it creates a throw-away project, then bench/WebhookBench.java (run with Kafka's client jars):
#   1. registers a webhook at a local receiver and puts BENCH_RATE job.completed events per second on
#      capydb.webhooks (read by webhook-service alone, so no other service acts on these made-up jobs) for
#      BENCH_SECONDS; prints the event -> delivered latency
#      webhook_p50_ms / webhook_p99_ms (event produced -> request received);
#   2. puts BENCH_BURST events as fast as Kafka takes them: webhook_deliveries_per_s;
#   3. adds a second endpoint that hangs on every request and repeats 2:
#      webhook_hanging_endpoint_throughput_ratio (target >= 0.90).
# It prints the figures whatever they are; it fails only when it cannot measure. The project (and with it its
# webhooks and deliveries) is deleted on the way out.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/env.sh
source "$REPO_ROOT/dev/env.sh"
# shellcheck source=lib.sh
source "$REPO_ROOT/bench/lib.sh"

RATE="${BENCH_RATE:-200}"
SECONDS_STEADY="${BENCH_SECONDS:-10}"
BURST="${BENCH_BURST:-3000}"
CAPYDB_GATEWAY_URL="${CAPYDB_GATEWAY_URL:-http://127.0.0.1:$CAPYDB_GATEWAY_PORT}"
KAFKA_LIB="$CAPYDB_HOME/runtime/kafka/lib"
# The broker admits authenticated users only: the benchmark produces as the test suites' user (dev/stack writes its config).
KAFKA_CLIENT="$CAPYDB_HOME/state/kafka/users/capydb-test.properties"
BODY="$(mktemp)"
PROJECT_ID=""
BENCH_NAME_PREFIX=bench-wh

cleanup() {
  [[ -n $PROJECT_ID ]] && { refresh_token; delete_project || true; }
  rm -f "$BODY"
}

main() {
  need_jq
  [[ -d $KAFKA_LIB ]] || die "no Kafka client jars in $KAFKA_LIB: run dev/stack up first"
  [[ -f $KAFKA_CLIENT ]] || die "no Kafka client config in $KAFKA_CLIENT: run dev/stack up first"
  grep -q allow-loopback <("$REPO_ROOT/dev/stack" status 2>&1) ||
    die "the services run in strict egress mode; the receivers are local: dev/stack down, then CAPYDB_ALLOW_LOOPBACK=1 dev/stack up"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  refresh_token
  create_project
  say "webhooks: $RATE events/s for ${SECONDS_STEADY}s, then bursts of $BURST (alone, then beside a hanging endpoint)"
  java -cp "$KAFKA_LIB/*" "$REPO_ROOT/bench/WebhookBench.java" "$CAPYDB_GATEWAY_URL" "$TOKEN" "$PROJECT_ID" \
    "$KAFKA_CLIENT" "$RATE" "$SECONDS_STEADY" "$BURST"
}

main "$@"
