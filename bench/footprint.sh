#!/usr/bin/env bash
# Footprint of the services: resident memory (RSS) of each with the whole stack up and idle, and how long one
# service takes to be ready when started alone on a warm machine (its JVM launched -> /q/health/ready answers 200).
# Between the two, BENCH_JOBS backups of a small throw-away project go through the gateway one after the other, as
# alice, and RSS is read again: what a service holds once it has done some work (heap grown, JIT-compiled code,
# pools filled), not only after its start. The project and its backups are deleted afterwards.
# Needs the full stack (dev/stack up). Prints one line per service, then rss_max_mb, rss_jobs_max_mb and ready_max_s.
#   BENCH_ROUNDS (3)          restarts per service; the median is printed
#   BENCH_IDLE_SECONDS (30)   how long the stack idles before RSS is read
#   BENCH_JOBS (100)          backups before RSS is read again (0: skip)
#   BENCH_SETTLE_SECONDS (20) how long the stack idles before each restart (a restarted JVM compiles for a while)
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=dev/env.sh
source "$REPO_ROOT/dev/env.sh"
source "$REPO_ROOT/bench/lib.sh"
ROUNDS=${BENCH_ROUNDS:-3}
IDLE_S=${BENCH_IDLE_SECONDS:-30}
JOBS=${BENCH_JOBS:-100}
SETTLE_S=${BENCH_SETTLE_SECONDS:-20}
PIDS="$CAPYDB_HOME/state/pids"
CAPYDB_GATEWAY_URL="${CAPYDB_GATEWAY_URL:-http://127.0.0.1:$CAPYDB_GATEWAY_PORT}"
WORK="$(mktemp -d)"
BODY="$WORK/body.json"
PROJECT_ID=""
BACKUP_IDS=()
BENCH_NAME_PREFIX=bench-fp
BENCH_PLAN=free
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

cleanup() {
  if [[ -n $PROJECT_ID ]]; then
    refresh_token
    local id
    for id in "${BACKUP_IDS[@]}"; do call DELETE "/v1/projects/$PROJECT_ID/backups/$id" >/dev/null || true; done
    delete_project || true
  fi
  rm -rf "$WORK"
}

# backup_and_wait: one backup of $PROJECT_ID, polled with curl every 200 ms until it is completed. Not JobClock: here
# nothing is timed, and one JVM started per job would itself be most of the machine's load.
backup_and_wait() {
  local code id status i
  code=$(call POST "/v1/projects/$PROJECT_ID/backups" '{"label":"bench-footprint"}')
  expect 202 "$code" "POST /v1/projects/$PROJECT_ID/backups"
  id=$(jq -er .id "$BODY")
  BACKUP_IDS+=("$id")
  for (( i = 0; i < 600; i++ )); do
    code=$(call GET "/v1/projects/$PROJECT_ID/backups/$id")
    expect 200 "$code" "GET /v1/projects/$PROJECT_ID/backups/$id"
    status=$(jq -er .status "$BODY")
    case $status in
      completed) return 0 ;;
      failed) die "backup $id failed: $(cat "$BODY")" ;;
    esac
    sleep 0.2
  done
  die "backup $id not completed after 120 s"
}

need_jq
trap cleanup EXIT
trap 'exit 130' INT TERM
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

rss_jobs_max=0
declare -A RSS_JOBS
if (( JOBS > 0 )); then
  refresh_token
  create_project
  say "$JOBS backups through the gateway, one after the other (load $(cut -d' ' -f1-3 /proc/loadavg))"
  for ((j = 1; j <= JOBS; j++)); do
    # A slow run may outlast an access token: a new one every 50 jobs.
    (( j % 50 )) || refresh_token
    backup_and_wait
  done
  say "idling ${IDLE_S}s before reading RSS again"
  sleep "$IDLE_S"
  for s in "${SERVICES[@]}"; do
    name=${s%%:*}
    RSS_JOBS[$name]=$(rss_mb "$(pid_of "$name")")
    (( RSS_JOBS[$name] > rss_jobs_max )) && rss_jobs_max=${RSS_JOBS[$name]}
  done
fi

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
  printf '%s rss_idle_mb=%s rss_after_jobs_mb=%s ready_alone_s=%s (runs: %s; load %s)\n' "$name" "${RSS[$name]}" \
    "${RSS_JOBS[$name]:--}" "$med" "${times[*]}" "$(cut -d' ' -f1-3 /proc/loadavg)"
  ready_max=$(awk -v a="$ready_max" -v b="$med" 'BEGIN { print (b > a) ? b : a }')
done
printf 'rss_max_mb=%s rss_jobs_max_mb=%s (after %s backups; target < 200) ready_max_s=%s (target < 3)\n' "$rss_max" \
  "$rss_jobs_max" "$JOBS" "$ready_max"
