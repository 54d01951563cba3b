#!/usr/bin/env bash
# Footprint of the services: resident memory (RSS) of each with the whole stack up and idle, and how long one
# service takes to be ready when started alone on a warm machine (its JVM launched -> /q/health/ready answers 200).
# Needs the full stack (dev/stack up). Prints one line per service, then rss_max_mb and ready_max_s.
#   BENCH_ROUNDS (3)          restarts per service; the median is printed
#   BENCH_IDLE_SECONDS (30)   how long the stack idles before RSS is read
#   BENCH_SETTLE_SECONDS (20) how long the stack idles before each restart (a restarted JVM compiles for a while)
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=dev/env.sh
source "$REPO_ROOT/dev/env.sh"
source "$REPO_ROOT/bench/lib.sh"
ROUNDS=${BENCH_ROUNDS:-3}
IDLE_S=${BENCH_IDLE_SECONDS:-30}
SETTLE_S=${BENCH_SETTLE_SECONDS:-20}
PIDS="$CAPYDB_HOME/state/pids"
SERVICES=(project-service:CAPYDB_PROJECT_PORT backup-service:CAPYDB_BACKUP_PORT restore-service:CAPYDB_RESTORE_PORT
  import-service:CAPYDB_IMPORT_PORT cutover-service:CAPYDB_CUTOVER_PORT webhook-service:CAPYDB_WEBHOOK_PORT
  gateway:CAPYDB_GATEWAY_PORT)

ready() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/q/health/ready") == 200 ]]; }
pid_of() { local p; p=$(cat "$PIDS/$1.pid" 2>/dev/null) && kill -0 "$p" 2>/dev/null && echo "$p"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }

# When a process started, in epoch seconds: boot time plus its start in clock ticks (field 22 of /proc/PID/stat).
started_at() {
  local ticks btime hz
  ticks=$(sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $20 }')
  btime=$(awk '/^btime/ { print $2 }' /proc/stat)
  hz=$(getconf CLK_TCK)
  awk -v b="$btime" -v t="$ticks" -v h="$hz" 'BEGIN { printf "%.3f\n", b + t / h }'
}

for s in "${SERVICES[@]}"; do
  name=${s%%:*}; var=${s##*:}; port=${!var}
  pid_of "$name" >/dev/null && ready "$port" || die "$name is not running and ready: start the stack (dev/stack up)"
done

say "idling ${IDLE_S}s before reading RSS"
sleep "$IDLE_S"
rss_max=0
declare -A RSS
for s in "${SERVICES[@]}"; do
  name=${s%%:*}
  RSS[$name]=$(rss_mb "$(pid_of "$name")")
  (( RSS[$name] > rss_max )) && rss_max=${RSS[$name]}
done

ready_max=0
for s in "${SERVICES[@]}"; do
  name=${s%%:*}; var=${s##*:}; port=${!var}
  times=()
  for ((r = 1; r <= ROUNDS; r++)); do
    sleep "$SETTLE_S"
    old=$(pid_of "$name")
    kill -TERM "$old"
    while kill -0 "$old" 2>/dev/null; do sleep 0.1; done
    "$REPO_ROOT/dev/stack" up >/dev/null 2>&1 &
    up=$!
    new=""
    until [[ -n $new && $new != "$old" ]]; do sleep 0.05; new=$(pid_of "$name" || true); done
    until ready "$port"; do sleep 0.05; done
    t=$(elapsed "$(started_at "$new")" "$(now)")
    times+=("$t")
    wait "$up"
  done
  med=$(median "${times[@]}")
  printf '%s rss_idle_mb=%s ready_alone_s=%s\n' "$name" "${RSS[$name]}" "$med"
  ready_max=$(awk -v a="$ready_max" -v b="$med" 'BEGIN { print (b > a) ? b : a }')
done
printf 'rss_max_mb=%s (target < 200) ready_max_s=%s (target < 3)\n' "$rss_max" "$ready_max"
