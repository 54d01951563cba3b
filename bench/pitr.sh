#!/usr/bin/env bash
# Benchmark: a point-in-time restore through the CapyDB API, against doing the same recovery by hand.
#
#   bench/pitr.sh                           # on a running local stack (dev/stack up)
#   BENCH_SCALE=10 BENCH_ROUNDS=3 bench/pitr.sh
#
# It creates a throw-away project (plan pro) as alice on local-1 (the host that archives WAL), seeds it with
# pgbench, notes a time T, then deletes some rows after T. Then, alternately, BENCH_ROUNDS times each:
#   api:    POST /v1/projects/{id}/restores {restore_time: T} (a new preview), polled until completed;
#   manual: what an operator does by hand with the same tools and storage: end the WAL segment and wait for it
#           to be archived; fetch the newest base backup that started before T from object storage and unpack it
#           into a scratch directory; set restore_command (curl from the WAL bucket), recovery_target_time = T
#           and promotion; start the cluster on a free port and wait for promotion; createdb; pg_dump the
#           project's database out of it into pg_restore; stop the scratch cluster and delete it.
# Both results are checked: the rows deleted after T are back. It prints pitr_vs_manual_recovery=<API median /
# manual median> (no target is set for it; lower is better, 1.0 means no overhead). Like the other benchmarks
# it exits non-zero only when it cannot measure. The previews, scratch clusters, raw databases and the project
# are deleted on the way out, also on failure.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/env.sh
source "$REPO_ROOT/dev/env.sh"

SCALE="${BENCH_SCALE:-5}"
ROUNDS="${BENCH_ROUNDS:-3}"
JOB_TIMEOUT=1800

WORK="$(mktemp -d)"
BODY="$WORK/body.json"
ADMIN_ENV=(PGHOST=127.0.0.1 "PGPORT=$CAPYDB_HOST1_PORT" PGUSER=postgres "PGPASSWORD=$CAPYDB_HOST_ADMIN_PASSWORD")
# restore-service's catalogue of base backups (from base_backup.completed events): the manual run starts from the
# same base backup the service picks.
CP_URL="postgresql://postgres:$CAPYDB_PG_PASSWORD@127.0.0.1:$CAPYDB_PG_PORT/capydb_restore"
CURLRC="$CAPYDB_HOME/state/pg/local-1/s3.curlrc"   # the host's own WAL-archiving credentials (dev/stack)
RAW_DB_PREFIX="bench_pitr_$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
CLUSTER_USER=postgres                               # pg_ctl refuses to run as root

PROJECT_ID=""
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

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
  local t0 dir port segment db pgbin key
  pgbin="$CAPYDB_PG_BIN"
  # Which base backup: the operator looks it up (not timed, like knowing where the backups are).
  key=$("$PSQL" -X -At "$CP_URL" -c "SELECT object_key FROM known_base_backup WHERE host_id = 'local-1' \
    AND object_key IS NOT NULL AND start_time <= '$TARGET_TIME' ORDER BY start_time DESC LIMIT 1")
  [[ -n $key ]] || die "no completed base backup of local-1 before $TARGET_TIME"
  RAW_N=$(( ${RAW_N:-0} + 1 )); db="${RAW_DB_PREFIX}_$RAW_N"
  dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-pitr-XXXXXX"); SCRATCH_DIRS+=("$dir")
  chmod 700 "$dir"; [[ $(id -u) -eq 0 ]] && chown "$CLUSTER_USER" "$dir"
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
  curl -sS --fail -K "$CURLRC" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" --aws-sigv4 "aws:amz:$CAPYDB_S3_REGION:s3" "$CAPYDB_S3_ENDPOINT/$CAPYDB_S3_BUCKET_WAL/$key" \
    | as_cluster_user tar --extract --gzip --file=- --directory="$dir"
  cp "$CURLRC" "$dir/s3.curlrc"; [[ $(id -u) -eq 0 ]] && chown "$CLUSTER_USER" "$dir/s3.curlrc"
  cat >>"$dir/postgresql.auto.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
archive_mode = off
shared_buffers = '32MB'
restore_command = 'curl -sS --fail -K $dir/s3.curlrc -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" --aws-sigv4 "aws:amz:$CAPYDB_S3_REGION:s3" --output "%p" "$CAPYDB_S3_ENDPOINT/$CAPYDB_S3_BUCKET_WAL/local-1/%f"'
recovery_target_time = '$PG_TARGET_TIME'
recovery_target_action = 'promote'
EOF
  as_cluster_user touch "$dir/recovery.signal"
  step unpack
  as_cluster_user "$pgbin/pg_ctl" --pgdata="$dir" --log="$dir/recovery.log" --wait start >/dev/null
  step start
  until [[ "$(env "${ADMIN_ENV[@]}" PGPORT="$port" "$PSQL" -X -At -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]]; do
    sleep 0.1
  done
  step promote
  env "${ADMIN_ENV[@]}" "$pgbin/createdb" "$db"; RAW_DBS+=("$db")
  env "${ADMIN_ENV[@]}" PGPORT="$port" "$pgbin/pg_dump" --format=custom --no-owner --no-acl --dbname="$PROJECT_DB" \
    | env "${ADMIN_ENV[@]}" "$pgbin/pg_restore" --no-owner --no-acl --exit-on-error --dbname="$db"
  as_cluster_user "$pgbin/pg_ctl" --pgdata="$dir" --mode=immediate --wait stop >/dev/null
  step dump_restore
  grep -E "redo done" "$dir/recovery.log" | sed -E 's/.*(redo done)/  \1/' >&2
  rm -rf "$dir"
  step cleanup
  ELAPSED=$(elapsed "$t0" "$(now)")
  say "manual steps: ${steps%, }"
  check_rows "$(env "${ADMIN_ENV[@]}" "$PSQL" -X -At -d "$db" -c 'SELECT count(*) FROM pgbench_branches')" "manual"
  env "${ADMIN_ENV[@]}" "$pgbin/dropdb" "$db"
}

check_rows() {  # check_rows COUNT WHAT: the rows deleted after T must be back
  [[ $1 == "$SCALE" ]] || die "$2: $1 rows in pgbench_branches at T, expected $SCALE"
}

cleanup() {
  local id dir db
  for dir in "${SCRATCH_DIRS[@]}"; do
    [[ -d $dir ]] || continue
    [[ -f $dir/recovery.log ]] && { say "scratch cluster log ($dir):"; tail -5 "$dir/recovery.log" >&2; }
    as_cluster_user "$CAPYDB_PG_BIN/pg_ctl" --pgdata="$dir" --mode=immediate --wait stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  done
  for db in "${RAW_DBS[@]}"; do env "${ADMIN_ENV[@]}" "$CAPYDB_PG_BIN/dropdb" --if-exists "$db" 2>/dev/null || true; done
  if [[ -n $PROJECT_ID ]]; then
    refresh_token 2>/dev/null || true
    for id in "${PREVIEW_IDS[@]}"; do [[ -n $id ]] && call DELETE "/v1/projects/$PROJECT_ID/previews/$id" >/dev/null 2>&1; done
    if (delete_project); then say "deleted project $PROJECT_ID"; else printf 'WARNING: project %s was not deleted\n' "$PROJECT_ID" >&2; fi
  fi
  rm -rf "$WORK"
}

main() {
  local url api_times=() manual_times=() i
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  need_jq
  PSQL=$(pg_tool psql)
  refresh_token
  create_project
  url=$(database_url)
  PROJECT_DB=$(sed -E 's#.*/([^/?]+)(\?.*)?$#\1#' <<<"$url")
  say "pgbench -i -s $SCALE"
  PGOPTIONS="-c client_min_messages=warning" "$(pg_tool pgbench)" -i -q -s "$SCALE" "$url" >&2
  [[ -n "$("$PSQL" -X -At "$CP_URL" -c "SELECT 1 FROM known_base_backup WHERE host_id = 'local-1' AND object_key IS NOT NULL LIMIT 1")" ]] \
    || die "local-1 has no base backup yet (backup-service takes one at start)"
  sleep 1
  TARGET_TIME=$("$PSQL" -X -At "$url" -c "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
  PG_TARGET_TIME="$(sed -E 's/T/ /; s/Z$/+00/' <<<"$TARGET_TIME")"   # recovery_target_time refuses 'T' and 'Z'
  sleep 1
  "$PSQL" -X -At "$url" -c "DELETE FROM pgbench_branches WHERE bid > 1" >/dev/null
  say "target time $TARGET_TIME; rows of pgbench_branches deleted after it"

  say "warm-up: manual"; time_manual
  say "warm-up: API";    time_api
  for (( i = 1; i <= ROUNDS; i++ )); do
    time_manual; manual_times+=("$ELAPSED"); say "round $i/$ROUNDS manual: ${ELAPSED}s"
    time_api;    api_times+=("$ELAPSED");    say "round $i/$ROUNDS API: ${ELAPSED}s"
  done
  printf 'scale=%s rounds=%s database=%s\n' "$SCALE" "$ROUNDS" "$(database_size "$url" 2>/dev/null || echo '?')"
  printf 'manual_pitr_seconds=%s (runs: %s)\n' "$(median "${manual_times[@]}")" "${manual_times[*]}"
  printf 'api_pitr_seconds=%s (runs: %s)\n' "$(median "${api_times[@]}")" "${api_times[*]}"
  printf 'pitr_vs_manual_recovery=%s\n' "$(ratio "$(median "${api_times[@]}")" "$(median "${manual_times[@]}")")"
}

database_size() { "$PSQL" -X -At "$1" -c 'SELECT pg_size_pretty(pg_database_size(current_database()))'; }

main "$@"
