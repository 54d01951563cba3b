#!/usr/bin/env bash
# Benchmark: point-in-time restores through the CapyDB API, (1) against the same recovery by hand with pgBackRest and
# (2) on a host that also holds gigabytes of other databases against the same host without them.
#
#   bench/pitr.sh                                       # on a running local stack (dev/stack up)
#   BENCH_SCALE=100 BENCH_ROUNDS=3 BENCH_BALLAST_GB=6 bench/pitr.sh
#
# It creates a throw-away project (plan pro) as alice on local-1 (the PITR host), seeds it with pgbench, waits for
# backup-service's next base backup (an incremental every 10 min on the local stack; a PITR starts from the newest set
# that ended before its target), notes a time T and deletes rows after it.
#   pitr_vs_pgbackrest: alternately, BENCH_ROUNDS times each,
#     api:    POST /v1/projects/{id}/restores {restore_time: T} (a new preview), polled until completed;
#     manual: what an operator does by hand with the same tools and repository: end the WAL segment and wait for it
#             to be archived; `pgbackrest restore --set=<the same set> --db-include=<project db> --type=time
#             --target=T --target-action=promote` into a scratch directory; start it on a free port and wait for
#             promotion; createdb; pg_dump the project's database out of it into pg_restore; stop it and delete it.
#     Both results are checked (the rows deleted after T are back). Target: <= 1.1.
#   pitr_small_on_big_host_vs_empty_host: a small project (pgbench scale 1) restored through the API
#     BENCH_ROUNDS times on the host as it is, then again after BENCH_BALLAST_GB (6) GB of other databases were
#     written to the host and a base backup holding them was taken. Target: <= 1.5 (the old engine copied and
#     replayed the whole host: proportional to it).
# Figures: pitr_vs_pgbackrest=<API median / manual median>, pitr_small_on_big_host_vs_empty_host=<big / small host
# medians>, with the host's size in both phases. Like the other benchmarks it exits non-zero only when it cannot
# measure. Previews, scratch clusters, raw and ballast databases and the projects are deleted on the way out, also on
# failure. Disk: the ballast is written twice more as WAL and into the repository (lz4): keep 3× BENCH_BALLAST_GB free.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/env.sh
source "$REPO_ROOT/dev/env.sh"

SCALE="${BENCH_SCALE:-5}"
ROUNDS="${BENCH_ROUNDS:-3}"
BALLAST_GB="${BENCH_BALLAST_GB:-6}"
JOB_TIMEOUT=1800
BASE_BACKUP_WAIT=1500   # seconds: an incremental interval (10 min locally) plus the backup itself

WORK="$(mktemp -d)"
BODY="$WORK/body.json"
ADMIN_ENV=(PGHOST=127.0.0.1 "PGPORT=$CAPYDB_HOST1_PORT" PGUSER=postgres "PGPASSWORD=$CAPYDB_HOST_ADMIN_PASSWORD")
# restore-service's catalogue of base backups (from base_backup.completed events): the manual run starts from the
# same set the service picks.
CP_URL="postgresql://postgres:$CAPYDB_PG_PASSWORD@127.0.0.1:$CAPYDB_PG_PORT/capydb_restore"
HOST_CONF="$CAPYDB_HOME/state/pg/local-1/pgbackrest.conf"   # the host's own repository settings (dev/stack)
RAW_DB_PREFIX="bench_pitr_$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
CLUSTER_USER=postgres                                      # pg_ctl refuses to run as root

PROJECT_ID=""
PROJECT_IDS=()
TOKEN=""
PREVIEW_IDS=()
RAW_DBS=()
SCRATCH_DIRS=()
BENCH_NAME_PREFIX=bench-pitr

# shellcheck source=lib.sh
source "$REPO_ROOT/bench/lib.sh"

as_cluster_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$CLUSTER_USER" -- "$@"; else "$@"; fi
}

host_sql() { env "${ADMIN_ENV[@]}" "$PSQL" -X -At -d postgres -c "$1"; }
cp_sql() { "$PSQL" -X -At "$CP_URL" -c "$1"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

host_size() { host_sql "SELECT pg_size_pretty(sum(pg_database_size(oid))) FROM pg_database"; }

# Waits until restore-service knows a base backup of local-1 that ended after now, so a target after it restores
# from a set holding everything written so far.
await_base_backup() {
  local since deadline
  since=$(cp_sql "SELECT now()")
  deadline=$(( SECONDS + BASE_BACKUP_WAIT ))
  say "waiting for backup-service's next base backup of local-1 (up to ${BASE_BACKUP_WAIT}s)"
  until [[ -n "$(cp_sql "SELECT label FROM known_base_backup WHERE host_id = 'local-1' AND label IS NOT NULL \
        AND expired_at IS NULL AND end_time > '$since' LIMIT 1")" ]]; do
    (( SECONDS < deadline )) || die "no base backup of local-1 within ${BASE_BACKUP_WAIT}s"
    sleep 5
  done
  sleep 1
}

# Notes T (TARGET_TIME, PG_TARGET_TIME) and the rows of pgbench_branches then (ROWS_AT_T), and adds rows after it:
# a restore to T must bring back exactly ROWS_AT_T.
mark_target() {
  sleep 1
  ROWS_AT_T=$("$PSQL" -X -At "$1" -c "SELECT count(*) FROM pgbench_branches")
  TARGET_TIME=$("$PSQL" -X -At "$1" -c "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
  PG_TARGET_TIME="$(sed -E 's/T/ /; s/Z$/+00/' <<<"$TARGET_TIME")"   # recovery_target_time refuses 'T' and 'Z'
  sleep 1
  "$PSQL" -X -At "$1" -c "INSERT INTO pgbench_branches (bid, bbalance)
    SELECT max(bid) + g, 0 FROM pgbench_branches, generate_series(1, 3) g GROUP BY g" >/dev/null
  say "target time $TARGET_TIME ($ROWS_AT_T rows in pgbench_branches); 3 rows added after it"
}

# --- api ---------------------------------------------------------------------------------------------
time_api() {
  refresh_token
  run_job "/v1/projects/$PROJECT_ID/restores" "{\"restore_time\":\"$TARGET_TIME\"}"
  local preview url code
  preview=$(jq -er .preview_id "$BODY.post")
  PREVIEW_IDS+=("$preview")
  code=$(call GET "/v1/projects/$PROJECT_ID/previews/$preview/connection")
  expect 200 "$code" "GET preview connection"
  url=$(jq -er .database_url "$BODY")
  check_rows "$("$PSQL" -X -At "$url" -c 'SELECT count(*) FROM pgbench_branches')" "API preview"
  code=$(call DELETE "/v1/projects/$PROJECT_ID/previews/$preview")
  [[ $code == 204 ]] && PREVIEW_IDS=("${PREVIEW_IDS[@]/$preview}")
}

# --- by hand -----------------------------------------------------------------------------------------
time_manual() {
  local t0 dir port segment db pgbin label
  pgbin="$CAPYDB_PG_BIN"
  # Which backup set: the operator looks it up (not timed, like knowing where the backups are).
  label=$(cp_sql "SELECT label FROM known_base_backup WHERE host_id = 'local-1' AND label IS NOT NULL \
    AND expired_at IS NULL AND end_time <= '$TARGET_TIME' ORDER BY end_time DESC LIMIT 1")
  [[ -n $label ]] || die "no base backup of local-1 ended before $TARGET_TIME"
  RAW_N=$(( ${RAW_N:-0} + 1 )); db="${RAW_DB_PREFIX}_$RAW_N"
  dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-pitr-XXXXXX"); SCRATCH_DIRS+=("$dir")
  chmod 700 "$dir"; [[ $(id -u) -eq 0 ]] && chown "$CLUSTER_USER" "$dir"
  as_cluster_user mkdir -m 700 "$dir/data" "$dir/lock"
  port=$(free_port)

  t0=$(now)
  local steps="" ts=$t0
  step() { local t; t=$(now); steps+="$1 $(elapsed "$ts" "$t")s, "; ts=$t; }
  segment=$(host_sql "SELECT pg_walfile_name(pg_switch_wal())")
  until [[ "$(host_sql "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")" > "$segment" \
        || "$(host_sql "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")" == "$segment" ]]; do
    sleep 0.1
  done
  step archive
  as_cluster_user pgbackrest --config="$HOST_CONF" --stanza=local-1 --lock-path="$dir/lock" --pg1-path="$dir/data" \
    --set="$label" --db-include="$PROJECT_DB" --type=time --target="$PG_TARGET_TIME" --target-action=promote \
    --process-max=2 restore
  cat >>"$dir/data/postgresql.auto.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
archive_mode = off
shared_buffers = '32MB'
EOF
  step pgbackrest_restore
  as_cluster_user "$pgbin/pg_ctl" --pgdata="$dir/data" --log="$dir/recovery.log" --wait start >/dev/null
  step start
  until [[ "$(env "${ADMIN_ENV[@]}" PGPORT="$port" "$PSQL" -X -At -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]]; do
    sleep 0.1
  done
  step promote
  env "${ADMIN_ENV[@]}" "$pgbin/createdb" "$db"; RAW_DBS+=("$db")
  env "${ADMIN_ENV[@]}" PGPORT="$port" "$pgbin/pg_dump" --format=custom --no-owner --no-acl --dbname="$PROJECT_DB" \
    | env "${ADMIN_ENV[@]}" "$pgbin/pg_restore" --no-owner --no-acl --exit-on-error --dbname="$db"
  as_cluster_user "$pgbin/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null
  step dump_restore
  grep -E "redo done" "$dir/recovery.log" | sed -E 's/.*(redo done)/  \1/' >&2
  rm -rf "$dir"
  step cleanup
  ELAPSED=$(elapsed "$t0" "$(now)")
  say "manual steps: ${steps%, }"
  check_rows "$(env "${ADMIN_ENV[@]}" "$PSQL" -X -At -d "$db" -c 'SELECT count(*) FROM pgbench_branches')" "manual"
  env "${ADMIN_ENV[@]}" "$pgbin/dropdb" "$db"
}

check_rows() {  # check_rows COUNT WHAT: exactly the rows there were at T
  [[ $1 == "$ROWS_AT_T" ]] || die "$2: $1 rows in pgbench_branches at T, expected $ROWS_AT_T"
}

# Writes BALLAST_GB GB of other databases (1 GB each, hex text that compresses about as well as real data) as the
# admin: a host full of neighbours.
write_ballast() {
  local i db
  for (( i = 1; i <= BALLAST_GB; i++ )); do
    db="${RAW_DB_PREFIX}_ballast_$i"
    env "${ADMIN_ENV[@]}" "$CAPYDB_PG_BIN/createdb" "$db"; RAW_DBS+=("$db")
    env "${ADMIN_ENV[@]}" "$PSQL" -X -q -d "$db" -c "CREATE TABLE neighbour AS SELECT g AS id,
      md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || md5((g + 3)::text) AS payload
      FROM generate_series(1, 6000000) g" >/dev/null
    say "ballast $i/$BALLAST_GB written ($(host_size) on the host)"
  done
}

cleanup() {
  local id dir db
  for dir in "${SCRATCH_DIRS[@]}"; do
    [[ -d $dir ]] || continue
    [[ -f $dir/recovery.log ]] && { say "scratch cluster log ($dir):"; tail -5 "$dir/recovery.log" >&2; }
    as_cluster_user "$CAPYDB_PG_BIN/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  done
  for db in "${RAW_DBS[@]}"; do env "${ADMIN_ENV[@]}" "$CAPYDB_PG_BIN/dropdb" --if-exists "$db" 2>/dev/null || true; done
  refresh_token 2>/dev/null || true
  for PROJECT_ID in "${PROJECT_IDS[@]}"; do
    for id in "${PREVIEW_IDS[@]}"; do [[ -n $id ]] && call DELETE "/v1/projects/$PROJECT_ID/previews/$id" >/dev/null 2>&1; done
    if (delete_project); then say "deleted project $PROJECT_ID"; else printf 'WARNING: project %s was not deleted\n' "$PROJECT_ID" >&2; fi
  done
  rm -rf "$WORK"
}

# A fresh seeded project on local-1: PROJECT_ID, PROJECT_DB, URL.
new_project() {  # new_project SCALE
  create_project
  PROJECT_IDS+=("$PROJECT_ID")
  URL=$(database_url)
  PROJECT_DB=$(sed -E 's#.*/([^/?]+)(\?.*)?$#\1#' <<<"$URL")
  say "pgbench -i -s $1 into $PROJECT_DB"
  PGOPTIONS="-c client_min_messages=warning" "$(pg_tool pgbench)" -i -q -s "$1" "$URL" >&2
}

main() {
  local api_times=() manual_times=() small_times=() big_times=() i empty_size big_size
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  need_jq
  command -v pgbackrest >/dev/null || die "pgbackrest is not installed (dev/stack up installs it)"
  PSQL=$(pg_tool psql)
  refresh_token

  # 1. The API against pgBackRest by hand, on the project of BENCH_SCALE.
  new_project "$SCALE"
  await_base_backup
  mark_target "$URL"
  say "warm-up: manual"; time_manual
  say "warm-up: API";    time_api
  for (( i = 1; i <= ROUNDS; i++ )); do
    time_manual; manual_times+=("$ELAPSED"); say "round $i/$ROUNDS manual: ${ELAPSED}s"
    time_api; api_times+=("$ELAPSED"); say "round $i/$ROUNDS API: ${ELAPSED}s"
  done
  printf 'scale=%s rounds=%s database=%s\n' "$SCALE" "$ROUNDS" "$(database_size "$URL" 2>/dev/null || echo '?')"
  printf 'manual_pitr_seconds=%s (runs: %s)\n' "$(median "${manual_times[@]}")" "${manual_times[*]}"
  printf 'api_pitr_seconds=%s (runs: %s)\n' "$(median "${api_times[@]}")" "${api_times[*]}"
  printf 'pitr_vs_pgbackrest=%s\n' "$(ratio "$(median "${api_times[@]}")" "$(median "${manual_times[@]}")")"

  # 2. A small project on the host as it is, then on the same host grown by BENCH_BALLAST_GB of neighbours (written
  #    before the next base backup, so the restore starts from a set that holds them).
  new_project 1
  await_base_backup
  mark_target "$URL"
  empty_size=$(host_size)
  for (( i = 1; i <= ROUNDS; i++ )); do
    time_api; small_times+=("$ELAPSED"); say "round $i/$ROUNDS small project, host of $empty_size: ${ELAPSED}s"
  done
  write_ballast
  await_base_backup
  mark_target "$URL"
  big_size=$(host_size)
  for (( i = 1; i <= ROUNDS; i++ )); do
    time_api; big_times+=("$ELAPSED"); say "round $i/$ROUNDS small project, host of $big_size: ${ELAPSED}s"
  done
  printf 'small_project_pitr_seconds host=%s: %s (runs: %s)\n' "$empty_size" "$(median "${small_times[@]}")" "${small_times[*]}"
  printf 'small_project_pitr_seconds host=%s: %s (runs: %s)\n' "$big_size" "$(median "${big_times[@]}")" "${big_times[*]}"
  printf 'pitr_small_on_big_host_vs_empty_host=%s\n' "$(ratio "$(median "${big_times[@]}")" "$(median "${small_times[@]}")")"
}

database_size() { "$PSQL" -X -At "$1" -c 'SELECT pg_size_pretty(pg_database_size(current_database()))'; }

main "$@"
