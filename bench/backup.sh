#!/usr/bin/env bash
# Benchmark: how much slower is a backup through the CapyDB API than running pg_dump by hand?
#
#   bench/backup.sh                       # on a running local stack (dev/stack up)
#   BENCH_SCALE=30 BENCH_ROUNDS=5 bench/backup.sh   # 30 is the most the free plan's 512 MiB holds
#
# It creates a throw-away project as alice, seeds it with pgbench, then times
#   raw: pg_dump -Fc of the project database to a local file, and
#   api: POST /v1/projects/{id}/backups, polled until status=completed
# alternately, BENCH_ROUNDS times each after one untimed warm-up of each, and prints
# backup_vs_raw_pg_dump=<API median / raw median>. The target is <= 1.05, but this is a
# benchmark, not a test: it prints the figure whatever it is and exits 0. It exits non-zero
# only when it cannot measure (stack down, an API call answers unexpectedly, a backup fails).
# The project (and the backups it made) are deleted on the way out, also on failure.
set -euo pipefail

# --- settings ------------------------------------------------------------------------------
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/env.sh
source "$REPO_ROOT/dev/env.sh"

SCALE="${BENCH_SCALE:-20}"      # pgbench scale factor: 1 = 100,000 rows in pgbench_accounts (~15 MB on disk)
ROUNDS="${BENCH_ROUNDS:-3}"     # timed runs of each kind; the median is reported
POLL_INTERVAL=${BENCH_POLL:-0.02} # how often the backup's status is polled (adds up to this to each API run)
KNOWN_TIMEOUT=20                # seconds to wait for backup-service to learn of the new project
BACKUP_TIMEOUT=3600             # seconds one backup may take before we give up
TARGET=1.05

WORK="$(mktemp -d)"             # response bodies and the raw dump; private to this run
BODY="$WORK/body.json"          # body of the last API response
RAW_DUMP="$WORK/raw.dump"

PROJECT_ID=""                   # set once the project exists, so cleanup knows what to delete
TOKEN=""
BACKUP_IDS=()                   # every backup we made, deleted again in cleanup
LAST_BACKUP_SIZE=""             # size_bytes of the last completed backup
LAST_RAW_SIZE=""                # bytes of the last raw dump
LAST_BACKUP_PHASES=""           # where the last backup's time went, by the service's own timestamps

# --- output --------------------------------------------------------------------------------
say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# --- tools ---------------------------------------------------------------------------------
# jq parses every API response; install it when we can (root on Debian), else say how.
need_jq() {
  command -v jq >/dev/null && return
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing jq"
    apt-get install -y jq >/dev/null || die "apt-get install -y jq failed"
  else
    die "jq is missing: install it (e.g. sudo apt-get install -y jq) and run again"
  fi
}

# Path of a PostgreSQL client tool. $CAPYDB_PG_BIN comes first because backup-service runs
# pg_dump from there too: the raw run must use the very same binary (and skip Debian's
# pg_wrapper, a Perl script that would add its start-up time to the raw side only).
pg_tool() {
  local name=$1
  if [[ -x "$CAPYDB_PG_BIN/$name" ]]; then
    printf '%s\n' "$CAPYDB_PG_BIN/$name"
  elif command -v "$name" >/dev/null; then
    command -v "$name"
  else
    die "$name not found in \$CAPYDB_PG_BIN ($CAPYDB_PG_BIN) nor on PATH: install postgresql-client-15"
  fi
}

# --- arithmetic (bash has integers only) -------------------------------------------------------
now() { printf '%s\n' "$EPOCHREALTIME"; }                     # seconds, microsecond resolution
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'; }
median() {                                                    # median of the arguments
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }

# --- the API ---------------------------------------------------------------------------------
refresh_token() { TOKEN="$("$REPO_ROOT/dev/stack" token alice)"; }

# call METHOD PATH [JSON]: the body goes to $BODY, the HTTP status to stdout.
# Not `curl -f`: it throws the body away, and the problem+json body is what explains a failure.
# Transport errors (stack down) still fail, through -sS and set -e.
call() {
  local method=$1 path=$2 data=${3-}
  local args=(-sS -X "$method" -o "$BODY" -w '%{http_code}' -H "Authorization: Bearer $TOKEN")
  [[ -n $data ]] && args+=(-H 'Content-Type: application/json' --data "$data")
  curl "${args[@]}" "$CAPYDB_GATEWAY_URL$path"
}

# expect WANTED GOT WHAT: stop with the response body unless the status is the wanted one.
expect() {
  local want=$1 got=$2 what=$3
  [[ $got == "$want" ]] || die "$what: HTTP $got (wanted $want): $(cat "$BODY")"
}

create_project() {
  local name code
  name="bench-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
  # The pro plan, so scales past the free plan's 512 MiB fit.
  code=$(call POST /v1/projects "{\"name\":\"$name\",\"plan\":\"${BENCH_PLAN:-pro}\"}")
  expect 201 "$code" "POST /v1/projects"
  PROJECT_ID=$(jq -er .id "$BODY")
  say "project $name ($PROJECT_ID)"
}

# The full connection string (with password), which only this endpoint returns.
database_url() {
  local code
  code=$(call GET "/v1/projects/$PROJECT_ID/connection")
  expect 200 "$code" "GET /v1/projects/$PROJECT_ID/connection"
  jq -er .database_url "$BODY"
}

delete_project() {
  local code
  code=$(call DELETE "/v1/projects/$PROJECT_ID")
  expect 204 "$code" "DELETE /v1/projects/$PROJECT_ID"
}

# post_backup RETRY_404: POST a backup; prints its id. backup-service learns of new projects
# from Kafka (project.created), about a second after project-service answered 201; until then
# it answers 404, so the first (untimed) backup retries for up to KNOWN_TIMEOUT seconds.
# Timed backups pass 0: by then a 404 would be a real error.
post_backup() {
  local retry=$1 deadline code
  deadline=$(( SECONDS + KNOWN_TIMEOUT ))
  while true; do
    code=$(call POST "/v1/projects/$PROJECT_ID/backups" '{"label":"bench"}')
    [[ $code == 404 && $retry == 1 && $SECONDS -lt $deadline ]] || break
    sleep 0.2
  done
  expect 202 "$code" "POST /v1/projects/$PROJECT_ID/backups"
  jq -er .id "$BODY"
}

# wait_backup ID: polls every POLL_INTERVAL until completed (sets LAST_BACKUP_SIZE); dies on failed.
wait_backup() {
  local id=$1 deadline code status
  deadline=$(( SECONDS + BACKUP_TIMEOUT ))
  while true; do
    code=$(call GET "/v1/projects/$PROJECT_ID/backups/$id")
    expect 200 "$code" "GET /v1/projects/$PROJECT_ID/backups/$id"
    status=$(jq -er .status "$BODY")
    case $status in
      completed)
        # Only keep the body here: parsing it costs process spawns that must not count as API time.
        cp "$BODY" "$BODY.done"
        return ;;
      failed) die "backup $id failed: $(jq -r .error "$BODY")" ;;
    esac
    (( SECONDS < deadline )) || die "backup $id still $status after ${BACKUP_TIMEOUT}s"
    sleep "$POLL_INTERVAL"
  done
}

# The service's timestamps of the backup in $BODY split its time in two: pending (waiting for a
# worker to claim it; the worker looks every second) and running (pg_dump + S3 upload + bookkeeping).
phases() {
  local created started completed
  created=$(date -d "$(jq -er .created_at "$BODY")" +%s.%N)
  started=$(date -d "$(jq -er .started_at "$BODY")" +%s.%N)
  completed=$(date -d "$(jq -er .completed_at "$BODY")" +%s.%N)
  printf 'pending %ss, running %ss\n' "$(elapsed "$created" "$started")" "$(elapsed "$started" "$completed")"
}

# --- the two things measured: each leaves its wall-clock seconds in ELAPSED ----------------------
# (Globals rather than $(...) output: a subshell would lose BACKUP_IDS and the sizes.)
ELAPSED=""

time_raw_dump() {
  local url=$1 t0
  t0=$(now)
  "$PG_DUMP" -Fc -f "$RAW_DUMP" "$url"
  ELAPSED=$(elapsed "$t0" "$(now)")
  LAST_RAW_SIZE=$(stat -c %s "$RAW_DUMP")
  rm -f "$RAW_DUMP"                       # not part of the timing; keeps /tmp from filling up
}

# From just before the POST to the poll that sees completed, i.e. what a client experiences.
time_api_backup() {
  local retry=${1:-0} t0 id
  refresh_token                           # outside the timing; tokens expire, big scales run long
  t0=$(now)
  id=$(post_backup "$retry")
  BACKUP_IDS+=("$id")
  wait_backup "$id"
  ELAPSED=$(elapsed "$t0" "$(now)")
  LAST_BACKUP_SIZE=$(jq -er .size_bytes "$BODY.done")
  BODY_SAVED=$BODY; BODY=$BODY.done
  LAST_BACKUP_PHASES=$(phases)
  LAST_SERVICE_SECONDS=$(service_seconds)
  BODY=$BODY_SAVED
}

# created_at -> completed_at of the backup in $BODY: the service's own time, without the client's.
service_seconds() {
  elapsed "$(date -d "$(jq -er .created_at "$BODY")" +%s.%N)" "$(date -d "$(jq -er .completed_at "$BODY")" +%s.%N)"
}

# --- setup and cleanup -------------------------------------------------------------------------
seed() {
  local url=$1
  say "pgbench -i -s $SCALE"
  # client_min_messages: hide the "table does not exist, skipping" notices of the first drop.
  PGOPTIONS="-c client_min_messages=warning" "$(pg_tool pgbench)" -i -q -s "$SCALE" "$url" >&2
}

database_size() {
  "$(pg_tool psql)" "$1" -Atc 'SELECT pg_size_pretty(pg_database_size(current_database()))'
}

# On every exit: drop the backups (they would otherwise sit in S3) and the project, then the
# scratch directory. Failures here are reported but do not hide the benchmark's own result.
cleanup() {
  local id code
  if [[ -n $PROJECT_ID ]]; then
    refresh_token 2>/dev/null || true
    for id in "${BACKUP_IDS[@]}"; do
      code=$(call DELETE "/v1/projects/$PROJECT_ID/backups/$id" 2>/dev/null) || code=000
      [[ $code == 204 ]] || printf 'WARNING: could not delete backup %s: HTTP %s %s\n' "$id" "$code" "$(cat "$BODY" 2>/dev/null)" >&2
    done
    if (delete_project); then
      say "deleted project $PROJECT_ID"
    else
      printf 'WARNING: project %s was not deleted\n' "$PROJECT_ID" >&2
    fi
  fi
  rm -rf "$WORK"
}

# --- main --------------------------------------------------------------------------------------
main() {
  local url raw_times=() api_times=() service_times=() raw_median api_median i started=$SECONDS
  trap cleanup EXIT
  trap 'exit 130' INT TERM                # so Ctrl-C still runs cleanup
  [[ $SCALE =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || die "BENCH_SCALE and BENCH_ROUNDS must be positive integers (got '$SCALE', '$ROUNDS')"
  need_jq
  PG_DUMP=$(pg_tool pg_dump)
  refresh_token

  create_project
  url=$(database_url)
  seed "$url"
  say "database size: $(database_size "$url")"

  # Warm-up, untimed: fills the OS page cache and shared buffers for both sides, warms the JIT
  # of backup-service, and absorbs backup-service learning of the project (404 retry).
  say "warm-up: raw pg_dump"; time_raw_dump "$url"
  say "warm-up: API backup";  time_api_backup 1

  # Alternate so that drift (page cache, checkpoints, other load on 2 cores) hits both alike.
  for (( i = 1; i <= ROUNDS; i++ )); do
    time_raw_dump "$url"; raw_times+=("$ELAPSED"); say "round $i/$ROUNDS raw pg_dump: ${ELAPSED}s"
    time_api_backup;      api_times+=("$ELAPSED"); service_times+=("$LAST_SERVICE_SECONDS"); say "round $i/$ROUNDS API backup: ${ELAPSED}s ($LAST_BACKUP_PHASES)"
  done

  raw_median=$(median "${raw_times[@]}")
  api_median=$(median "${api_times[@]}")
  service_median=$(median "${service_times[@]}")
  printf 'scale=%s rounds=%s\n' "$SCALE" "$ROUNDS"
  printf 'raw_pg_dump_seconds=%s (runs: %s)\n' "$raw_median" "${raw_times[*]}"
  printf 'api_backup_seconds=%s (runs: %s)\n' "$api_median" "${api_times[*]}"
  printf 'backup_size_bytes=%s raw_dump_size_bytes=%s\n' "$LAST_BACKUP_SIZE" "$LAST_RAW_SIZE"
  printf 'service_backup_seconds=%s (created_at -> completed_at, runs: %s)\n' "$service_median" "${service_times[*]}"
  printf 'service_backup_vs_raw_pg_dump=%s (the service alone, without client polling)\n' \
    "$(ratio "$service_median" "$raw_median")"
  printf 'backup_vs_raw_pg_dump=%s (target <= %s)\n' "$(ratio "$api_median" "$raw_median")" "$TARGET"
  say "took $(( SECONDS - started ))s"
}

main "$@"
