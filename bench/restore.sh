#!/usr/bin/env bash
# Benchmark: restores through the CapyDB API, against doing it by hand.
#
#   bench/restore.sh                       # on a running local stack (dev/stack up)
#   BENCH_SCALE=50 BENCH_ROUNDS=5 bench/restore.sh
#
# It creates a throw-away project (plan pro) as alice, seeds it with pgbench, takes one API backup, then
#   1. restore_vs_raw_pg_restore: alternately, BENCH_ROUNDS times each after untimed warm-ups (BENCH_WARMUPS API ones),
#      raw: createdb + pg_restore --no-owner --no-acl of a pg_dump -Fc of the project (made once, untimed),
#           on the same host, as its admin, and
#      api: POST /v1/projects/{id}/restores {backup_key} (a new preview), polled until status=completed;
#      prints the API median / raw median (target <= 1.05);
#   2. overwrite_downtime_ms: restores the backup over the project itself (target_kind project) while a
#      background client connects with the project's own database_url and runs SELECT 1 every 10 ms,
#      and prints the longest run of failed attempts, first failure -> first success after it (target < 1000).
# Like backup.sh it is a benchmark, not a test: it prints the figures whatever they are and exits 0. It
# exits non-zero only when it cannot measure (stack down, an API call answers unexpectedly, a job fails).
# The previews, the backup, the scratch databases and the project are deleted on the way out, also on failure.
set -euo pipefail

# --- settings ------------------------------------------------------------------------------
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/env.sh
source "$REPO_ROOT/dev/env.sh"

SCALE="${BENCH_SCALE:-20}"      # pgbench scale factor: 1 = 100,000 rows in pgbench_accounts (~15 MB on disk)
ROUNDS="${BENCH_ROUNDS:-5}"     # timed runs of each kind; the median is reported
# Untimed API restores before the rounds, so restore-service's JIT has compiled the restore path as a running
# service has (a freshly started stack gave 1.08 with one warm-up, then 1.01 on the next run).
WARMUPS="${BENCH_WARMUPS:-3}"
PROBE_INTERVAL=${BENCH_PROBE:-0.01} # pause between two connection attempts of the downtime poller
JOB_TIMEOUT=3600                # seconds one backup or restore may take before we give up
TARGET=1.05
DOWNTIME_TARGET_MS=1000

WORK="$(mktemp -d)"             # response bodies, the raw dump, the poller's log; private to this run
BODY="$WORK/body.json"          # body of the last API response
RAW_DUMP="$WORK/raw.dump"
PROBE_LOG="$WORK/probe.log"     # the downtime poller: "<start epoch> <end epoch> ok|fail [error]" per attempt
PROBE_STOP="$WORK/probe.stop"   # the poller ends when this file exists

# The data-plane host the project lives on (projects land on local-1), reached as its admin for the raw side.
ADMIN_ENV=(PGHOST=127.0.0.1 "PGPORT=$CAPYDB_HOST1_PORT" PGUSER=postgres "PGPASSWORD=$CAPYDB_HOST_ADMIN_PASSWORD")
RAW_DB_PREFIX="bench_raw_$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"

PROJECT_ID=""                   # set once the project exists, so cleanup knows what to delete
TOKEN=""
BACKUP_ID=""                    # the one backup we made, deleted again in cleanup
PREVIEW_IDS=()                  # previews still to delete (normally each is deleted right after its round)
RAW_DBS=()                      # raw databases that may still exist
PROBE_PID=""
LAST_RESTORE_PHASES=""          # where the last restore's time went, by the service's own timestamps
BENCH_NAME_PREFIX=bench-r

# shellcheck source=lib.sh
source "$REPO_ROOT/bench/lib.sh"

# --- the API ---------------------------------------------------------------------------------

# The restore in $BODY.done: pending (created_at -> started_at) and running (started_at -> completed_at).
restore_phases() {
  local f=$BODY.done created started completed
  created=$(epoch "$(jq -er .created_at "$f")")
  started=$(epoch "$(jq -er .started_at "$f")")
  completed=$(epoch "$(jq -er .completed_at "$f")")
  LAST_RESTORE_PHASES="pending $(elapsed "$created" "$started")s, running $(elapsed "$started" "$completed")s"
}

delete_preview() {
  local id=$1 code i
  # Right after completed the preview is ready; a 409 preview_busy would only mean the restore has not
  # let go yet, so give it a moment.
  for i in 1 2 3 4 5; do
    code=$(call DELETE "/v1/projects/$PROJECT_ID/previews/$id")
    [[ $code == 409 ]] || break
    sleep 0.5
  done
  expect 204 "$code" "DELETE /v1/projects/$PROJECT_ID/previews/$id"
  local keep=() p
  for p in "${PREVIEW_IDS[@]}"; do [[ $p == "$id" ]] || keep+=("$p"); done
  PREVIEW_IDS=("${keep[@]}")
}

# --- the backup everything restores ------------------------------------------------------------
take_backup() {
  refresh_token
  run_job "/v1/projects/$PROJECT_ID/backups" '{"label":"bench-restore"}'
  BACKUP_ID=$(jq -er .id "$BODY.done")
  BACKUP_KEY=$(jq -er .backup_key "$BODY.done")
  say "backup $BACKUP_ID completed in ${ELAPSED}s ($(jq -r .size_bytes "$BODY.done") bytes)"
}

# --- the two things compared: each leaves its wall-clock seconds in ELAPSED ----------------------
ELAPSED=""
RAW_N=0

# createdb + pg_restore of the dump, as the host's admin, on the project's host; the database is dropped
# afterwards, outside the timing.
time_raw_restore() {
  local db t0
  RAW_N=$(( RAW_N + 1 ))
  db="${RAW_DB_PREFIX}_$RAW_N"
  RAW_DBS+=("$db")
  t0=$(now)
  env "${ADMIN_ENV[@]}" "$CREATEDB" "$db"
  env "${ADMIN_ENV[@]}" "$PG_RESTORE" --no-owner --no-acl -d "$db" "$RAW_DUMP"
  ELAPSED=$(elapsed "$t0" "$(now)")
  env "${ADMIN_ENV[@]}" "$DROPDB" "$db"
  RAW_DBS=("${RAW_DBS[@]:0:${#RAW_DBS[@]}-1}")
}

# From just before the POST to the poll that sees completed (a new preview), then the preview is deleted
# outside the timing.
time_api_restore() {
  local preview
  refresh_token                           # outside the timing; tokens expire
  run_job "/v1/projects/$PROJECT_ID/restores" "{\"backup_key\":\"$BACKUP_KEY\"}"
  preview=$(jq -er .preview_id "$BODY.post")
  PREVIEW_IDS+=("$preview")
  restore_phases
  delete_preview "$preview"
}

# --- overwrite downtime --------------------------------------------------------------------------
# The poller: a new connection with the project's own connection string and SELECT 1, PROBE_INTERVAL
# apart. Each log line: start and end of the attempt (epoch seconds), ok|fail, the error.
# psycopg2 is not installed here and one psql per attempt takes ~40 ms (too coarse for a swap that
# refuses connections for tens of ms), so this is a single Python process speaking the wire protocol
# itself (startup, SCRAM-SHA-256 or cleartext/trust, simple query): ~2-4 ms per attempt.
# Without python3 it falls back to one psql per attempt.
write_probe_py() {
  cat >"$WORK/probe.py" <<'PY'
import base64, hashlib, hmac, os, socket, struct, sys, time
from urllib.parse import urlparse, unquote

url, stop, interval = sys.argv[1], sys.argv[2], float(sys.argv[3])
u = urlparse(url)
host, port = u.hostname or "127.0.0.1", u.port or 5432
user, password, db = unquote(u.username or ""), unquote(u.password or ""), unquote(u.path.lstrip("/"))
salted_cache = {}

def msg(t, payload):
    return t + struct.pack("!I", len(payload) + 4) + payload

def read(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk
    return buf

def recv(sock):
    t, n = struct.unpack("!cI", read(sock, 5))
    return t, read(sock, n - 4)

def error_text(body):
    fields = dict((f[:1], f[1:].decode(errors="replace")) for f in body.split(b"\0") if f)
    return "%s: %s" % (fields.get(b"S", "ERROR"), fields.get(b"M", "?"))

def attempt():
    with socket.create_connection((host, port), timeout=2) as s:
        params = b"user\0" + user.encode() + b"\0database\0" + db.encode() + b"\0\0"
        s.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = "n=,r=" + nonce
        auth_msg = None
        while True:
            t, body = recv(s)
            if t == b"E":
                raise RuntimeError(error_text(body))
            if t == b"R":
                code = struct.unpack("!I", body[:4])[0]
                if code == 0:
                    pass
                elif code == 3:
                    s.sendall(msg(b"p", password.encode() + b"\0"))
                elif code == 10:
                    first = ("n,," + first_bare).encode()
                    s.sendall(msg(b"p", b"SCRAM-SHA-256\0" + struct.pack("!I", len(first)) + first))
                elif code == 11:
                    server_first = body[4:].decode()
                    a = dict(kv.split("=", 1) for kv in server_first.split(","))
                    salt, it = base64.b64decode(a["s"]), int(a["i"])
                    key = (salt, it)
                    if key not in salted_cache:
                        salted_cache[key] = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, it)
                    client_key = hmac.new(salted_cache[key], b"Client Key", hashlib.sha256).digest()
                    stored = hashlib.sha256(client_key).digest()
                    final_wo = "c=biws,r=" + a["r"]
                    auth_msg = ",".join([first_bare, server_first, final_wo]).encode()
                    sig = hmac.new(stored, auth_msg, hashlib.sha256).digest()
                    proof = base64.b64encode(bytes(x ^ y for x, y in zip(client_key, sig))).decode()
                    s.sendall(msg(b"p", (final_wo + ",p=" + proof).encode()))
                elif code == 12:
                    pass
                else:
                    raise RuntimeError("unsupported authentication request %d" % code)
            elif t == b"Z":
                break
        s.sendall(msg(b"Q", b"SELECT 1\0"))
        err = None
        while True:
            t, body = recv(s)
            if t == b"E":
                err = error_text(body)
            elif t == b"Z":
                break
        s.sendall(msg(b"X", b""))
        if err:
            raise RuntimeError(err)

out = sys.stdout
while not os.path.exists(stop):
    t0 = time.time()
    try:
        attempt()
        out.write("%.6f %.6f ok\n" % (t0, time.time()))
    except Exception as e:
        out.write("%.6f %.6f fail %s\n" % (t0, time.time(), " ".join(str(e).split()) or type(e).__name__))
    out.flush()
    time.sleep(interval)
PY
}

probe_loop() {
  local url=$1 t0 out
  if command -v python3 >/dev/null; then
    exec python3 "$WORK/probe.py" "$url" "$PROBE_STOP" "$PROBE_INTERVAL" >"$PROBE_LOG"
  fi
  while [[ ! -e $PROBE_STOP ]]; do
    t0=$EPOCHREALTIME
    if out=$(PGCONNECT_TIMEOUT=2 "$PSQL" -X -Atqc 'SELECT 1' "$url" 2>&1); then
      printf '%s %s ok\n' "$t0" "$EPOCHREALTIME"
    else
      printf '%s %s fail %s\n' "$t0" "$EPOCHREALTIME" "$(printf '%s' "$out" | head -n1 | tr -s ' ')"
    fi
    sleep "$PROBE_INTERVAL"
  done >"$PROBE_LOG"
}

stop_probe() {
  [[ -n $PROBE_PID ]] || return 0
  touch "$PROBE_STOP"
  wait "$PROBE_PID" 2>/dev/null || true
  PROBE_PID=""
}

# Longest window of failed attempts: start of its first failure -> start of the first success after it.
# Prints "<ms> <failed attempts> <attempts> <median attempt period ms> <windows>".
downtime_from_log() {
  local period
  # mawk has no asort: the median gap between attempts goes through median() instead.
  period=$(median $(awk 'NR > 1 { printf "%.1f\n", ($1 - prev) * 1000 } { prev = $1 }' "$PROBE_LOG"))
  awk -v period="$period" '
    { t = $1 * 1000; n++ }
    $3 == "fail" { failed++; if (!in_fail) { in_fail = 1; start = t; windows++ } }
    $3 == "ok"   { if (in_fail) { w = t - start; if (w > best) best = w; in_fail = 0 } }
    END {
      if (in_fail) { w = t - start; if (w > best) best = w }   # still failing at the end: up to the last attempt
      printf "%d %d %d %s %d\n", best + 0.5, failed, n, period, windows
    }' "$PROBE_LOG"
}

measure_overwrite() {
  local url=$1
  rm -f "$PROBE_STOP"
  write_probe_py
  probe_loop "$url" &
  PROBE_PID=$!
  sleep 1                                 # a baseline of successful attempts before the restore
  refresh_token
  run_job "/v1/projects/$PROJECT_ID/restores" \
    "{\"backup_key\":\"$BACKUP_KEY\",\"target_kind\":\"project\",\"confirm_project_overwrite\":true}"
  OVERWRITE_SECONDS=$ELAPSED
  restore_phases
  sleep 1                                 # and a tail of them after it
  stop_probe
  grep -q ' ok' "$PROBE_LOG" || die "the poller never connected: $(head -n3 "$PROBE_LOG")"
}

# --- setup and cleanup -------------------------------------------------------------------------
database_size() {
  "$PSQL" -X "$1" -Atc 'SELECT pg_size_pretty(pg_database_size(current_database()))'
}

# On every exit: stop the poller, drop leftover raw databases, delete previews, the backup and the
# project, then the scratch directory. Failures here are reported but do not hide the results.
cleanup() {
  local id code db
  stop_probe
  for db in "${RAW_DBS[@]}"; do
    env "${ADMIN_ENV[@]}" "$DROPDB" --if-exists "$db" 2>/dev/null \
      || printf 'WARNING: could not drop database %s\n' "$db" >&2
  done
  if [[ -n $PROJECT_ID ]]; then
    refresh_token 2>/dev/null || true
    for id in "${PREVIEW_IDS[@]}"; do
      code=$(call DELETE "/v1/projects/$PROJECT_ID/previews/$id" 2>/dev/null) || code=000
      [[ $code == 204 ]] || printf 'WARNING: could not delete preview %s: HTTP %s %s\n' "$id" "$code" "$(cat "$BODY" 2>/dev/null)" >&2
    done
    if [[ -n $BACKUP_ID ]]; then
      code=$(call DELETE "/v1/projects/$PROJECT_ID/backups/$BACKUP_ID" 2>/dev/null) || code=000
      [[ $code == 204 ]] || printf 'WARNING: could not delete backup %s: HTTP %s %s\n' "$BACKUP_ID" "$code" "$(cat "$BODY" 2>/dev/null)" >&2
    fi
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
  local url raw_times=() api_times=() observed_times=() raw_median api_median observed_median i started=$SECONDS
  local dt dt_ms dt_failed dt_attempts dt_period dt_windows
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  [[ $SCALE =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || die "BENCH_SCALE and BENCH_ROUNDS must be positive integers (got '$SCALE', '$ROUNDS')"
  need_jq
  PG_DUMP=$(pg_tool pg_dump); PG_RESTORE=$(pg_tool pg_restore); PSQL=$(pg_tool psql)
  CREATEDB=$(pg_tool createdb); DROPDB=$(pg_tool dropdb)
  refresh_token

  create_project
  url=$(database_url)
  [[ $url == *":$CAPYDB_HOST1_PORT/"* ]] \
    || say "WARNING: the project is not on port $CAPYDB_HOST1_PORT (local-1); the raw side runs there anyway"
  seed "$url"
  say "database size: $(database_size "$url")"

  take_backup
  say "raw pg_dump -Fc (untimed)"
  "$PG_DUMP" -Fc -f "$RAW_DUMP" "$url"

  # Warm-up, untimed: page cache and restore-service's JIT.
  say "warm-up: raw pg_restore"; time_raw_restore
  say "warm-up: API restore";    time_api_restore
  for (( i = 2; i <= WARMUPS; i++ )); do say "warm-up: API restore $i/$WARMUPS"; time_api_restore; done

  # Alternate so that drift (page cache, checkpoints, WAL archiving, other load on 2 cores) hits both alike.
  for (( i = 1; i <= ROUNDS; i++ )); do
    time_raw_restore; raw_times+=("$ELAPSED"); say "round $i/$ROUNDS raw pg_restore: ${ELAPSED}s"
    time_api_restore; api_times+=("$ELAPSED"); observed_times+=("$OBSERVED")
    say "round $i/$ROUNDS API restore: ${ELAPSED}s ($LAST_RESTORE_PHASES)"
  done

  say "overwrite of the project while polling SELECT 1 every ${PROBE_INTERVAL}s"
  measure_overwrite "$url"
  dt=$(downtime_from_log)
  read -r dt_ms dt_failed dt_attempts dt_period dt_windows <<<"$dt"
  say "overwrite restore: ${OVERWRITE_SECONDS}s ($LAST_RESTORE_PHASES)"
  if (( dt_failed > 0 )); then
    say "poller errors (first): $(grep -m1 ' fail ' "$PROBE_LOG" | cut -d' ' -f4-)"
  fi

  raw_median=$(median "${raw_times[@]}")
  api_median=$(median "${api_times[@]}")
  observed_median=$(median "${observed_times[@]}")
  printf 'scale=%s rounds=%s\n' "$SCALE" "$ROUNDS"
  printf 'raw_pg_restore_seconds=%s (createdb + pg_restore, runs: %s)\n' "$raw_median" "${raw_times[*]}"
  printf 'api_restore_seconds=%s (new preview, POST -> completed_at, runs: %s)\n' "$api_median" "${api_times[*]}"
  printf 'client_observed_restore_seconds=%s (POST -> the poll that saw it completed, every %s ms; runs: %s)\n' \
    "$observed_median" "$BENCH_POLL_MS" "${observed_times[*]}"
  printf 'restore_vs_raw_pg_restore=%s (target <= %s)\n' "$(ratio "$api_median" "$raw_median")" "$TARGET"
  printf 'overwrite_restore_seconds=%s (%s)\n' "$OVERWRITE_SECONDS" "$LAST_RESTORE_PHASES"
  printf 'overwrite_failed_attempts=%s of %s (in %s window(s); median attempt period %s ms)\n' \
    "$dt_failed" "$dt_attempts" "$dt_windows" "$dt_period"
  printf 'overwrite_downtime_ms=%s (target < %s)\n' "$dt_ms" "$DOWNTIME_TARGET_MS"
  say "took $(( SECONDS - started ))s"
}

main "$@"
