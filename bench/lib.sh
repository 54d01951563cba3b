# Helpers shared by the benchmarks: output, tools, arithmetic, and the API through the gateway.
# Sourced after the caller set REPO_ROOT, BODY (file for the last response body), TOKEN, PROJECT_ID and SCALE;
# BENCH_NAME_PREFIX names the project (default bench).

say() { printf '==> %s\n' "$*" >&2; }

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# need_tool NAME: a Debian package of the same name (jq, wrk) the bench runs; installed when we can (root on
# Debian), else say how. A machine whose package lists were never fetched gets them once.
need_tool() {
  local tool=$1
  command -v "$tool" >/dev/null && return
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing $tool"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$tool" >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "$tool" >/dev/null; } \
      || die "apt-get install -y $tool failed"
  else
    die "$tool is missing: install it (e.g. sudo apt-get install -y $tool) and run again"
  fi
}

# jq parses every API response.
need_jq() { need_tool jq; }

# Path of a PostgreSQL client tool. $CAPYDB_PG_BIN comes first because the services run the
# tools from there too: the raw run must use the very same binary (and skip Debian's
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

now() { printf '%s\n' "$EPOCHREALTIME"; }                     # seconds, microsecond resolution

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'; }

median() {                                                    # median of the arguments
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }

epoch() { date -d "$1" +%s.%N; }                              # an API timestamp, as epoch seconds

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
  name="${BENCH_NAME_PREFIX:-bench}-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
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

# The port of a postgresql:// URL (user:password@host:port/db).
url_port() { sed -E 's|^[^@]*@[^:/]*:([0-9]+)/.*$|\1|' <<<"$1"; }

# seed URL: pgbench -i -s $SCALE into the project database, then quiesce its host.
seed() {
  local url=$1
  say "pgbench -i -s $SCALE"
  # client_min_messages: hide the "table does not exist, skipping" notices of the first drop.
  PGOPTIONS="-c client_min_messages=warning" "$(pg_tool pgbench)" -i -q -s "$SCALE" "$url" >&2
  quiesce "$(url_port "$url")"
}

# quiesce PORT: let the host finish what seeding left behind before anything is timed: write its dirty buffers
# (CHECKPOINT) and archive the WAL it wrote (local-1 uploads every 16 MB segment to S3; scale 20 leaves ~20).
# Otherwise a checkpoint or a burst of WAL uploads lands in some rounds and not in others. Needs the host's admin,
# which dev/stack's hosts have; elsewhere it says so and the rounds run anyway.
quiesce() {
  local port=$1 psql ready="" i
  psql=(env PGHOST=127.0.0.1 "PGPORT=$port" PGUSER=postgres "PGPASSWORD=$CAPYDB_HOST_ADMIN_PASSWORD"
        "$(pg_tool psql)" -X -d postgres -Atq)
  if ! "${psql[@]}" -c CHECKPOINT 2>/dev/null; then
    say "cannot CHECKPOINT the host on port $port as its admin; timing without waiting for it"
    return 0
  fi
  for (( i = 0; i < 300; i++ )); do
    ready=$("${psql[@]}" -c "SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'") || return 0
    [[ $ready == 0 ]] && return 0
    (( i % 10 )) || say "waiting for the host to archive $ready WAL segments"
    sleep 1
  done
  say "the host still has $ready WAL segments to archive; timing anyway"
}

delete_project() {
  local code
  code=$(call DELETE "/v1/projects/$PROJECT_ID")
  expect 204 "$code" "DELETE /v1/projects/$PROJECT_ID"
}

# How often bench/JobClock.java polls a job, in ms. Only the client-observed time depends on it; each poll
# costs a few ms of CPU through the gateway and the service, taken from the job being timed.
BENCH_POLL_MS="${BENCH_POLL_MS:-500}"

# The client must not compete with what it times: the scale-20 jobs take under a second on 2 cores.
# `java JobClock.java` compiles the source in the timing JVM, whose JIT then keeps a core busy with javac's
# methods during the job (≈70 ms more per backup, measured). So: javac once per run into $WORK, then a JVM that
# only interprets and C1-compiles, with the serial collector (no GC threads beside the job).
JOB_CLOCK_JVM_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto)
JOB_CLOCK_CLASSES=""
job_clock_compiled() {
  [[ -n $JOB_CLOCK_CLASSES ]] && return
  JOB_CLOCK_CLASSES="$WORK/job-clock"
  javac -d "$JOB_CLOCK_CLASSES" "$REPO_ROOT/bench/JobClock.java" || die "cannot compile bench/JobClock.java"
}

# run_job PATH JSON: POST a job (backup or restore) and wait until it is completed, with
# bench/JobClock.java: one JVM polls every BENCH_POLL_MS on a kept-alive connection.
# ELAPSED = seconds from sending the POST to the job's completed_at (the job's duration as its client started
# it; client and services share this machine's clock); OBSERVED = seconds until the poll that saw it completed.
# Polling faster is not free: a request every 20 ms through the gateway took enough of the 2 cores to slow a
# scale-20 dump by a third. The POST's answer is left in $BODY.post, the completed job in $BODY.done.
# Dies when the job fails or takes longer than JOB_TIMEOUT seconds (default 3600).
run_job() {
  local path=$1 data=$2 out
  job_clock_compiled
  out=$(java "${JOB_CLOCK_JVM_OPTS[@]}" -cp "$JOB_CLOCK_CLASSES" JobClock "$CAPYDB_GATEWAY_URL" "$TOKEN" "$path" "$data" \
    "$BENCH_POLL_MS" "${JOB_TIMEOUT:-3600}" "$BODY.done") || die "job POST $path $data did not complete"
  read -r ELAPSED OBSERVED <<<"$out"
  mv "$BODY.done.post" "$BODY.post"
}
