# shellcheck shell=bash
# CapyDB local stack: ports, credentials and derived URLs, in one place.
#
#   source dev/env.sh
#
# Used by dev/stack (which starts the stack) and by dev/test and anything else
# that talks to it. Rules:
#   * every value uses ${VAR:-default}, so whatever is already in the environment
#     wins (e.g. `CAPYDB_PG_PORT=25432 dev/stack up`);
#   * sourceable under `set -euo pipefail` (no unset reads, no failing commands);
#   * everything is exported, so child processes (the Quarkus services read e.g.
#     ${CAPYDB_PG_PORT:15432} in application.properties) see the same values.
# All credentials here are for the local development stack only.

# --- locations ---------------------------------------------------------------
# The repository root = the parent of the directory holding this file.
# (BASH_SOURCE works whether this file is sourced or run.)
# Always this checkout's: a value inherited from a shell that sourced another checkout's env.sh would make
# this checkout's scripts run that one's stack and jars (a "clean clone" CI run would silently reuse old state).
_capydb_inherited_repo="${CAPYDB_REPO:-}"
CAPYDB_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "$_capydb_inherited_repo" && "${CAPYDB_HOME:-}" == "$_capydb_inherited_repo/.stack" ]]; then
  unset CAPYDB_HOME   # the other checkout's default, not a deliberate choice
fi
unset _capydb_inherited_repo
# All state of the local stack (downloaded runtimes, data dirs, logs, pid files).
CAPYDB_HOME="${CAPYDB_HOME:-$CAPYDB_REPO/.stack}"
export CAPYDB_REPO CAPYDB_HOME

# --- ports -------------------------------------------------------------------
export CAPYDB_PG_PORT="${CAPYDB_PG_PORT:-15432}"                     # control-plane PostgreSQL (one db per service)
export CAPYDB_HOST1_PORT="${CAPYDB_HOST1_PORT:-15433}"               # data-plane host local-1 (region local-1, PITR)
export CAPYDB_HOST2_PORT="${CAPYDB_HOST2_PORT:-15434}"               # data-plane host local-2 (region local-2)
# Where dev/stack's data-plane clusters keep their Unix sockets (unix_socket_directories); the services and tests
# run on this machine, so their client tools connect through them (capydb.dataplane.hosts.*.socket-directory).
export CAPYDB_HOST1_SOCKET_DIR="$CAPYDB_HOME/state/pg/local-1"
export CAPYDB_HOST2_SOCKET_DIR="$CAPYDB_HOME/state/pg/local-2"
# local-1's data directory: the services run pgBackRest (PITR base backups) on this machine, next to the host.
export CAPYDB_HOST1_DATA_DIR="$CAPYDB_HOME/state/pg/local-1/data"
export CAPYDB_KAFKA_PORT="${CAPYDB_KAFKA_PORT:-9092}"
export CAPYDB_KAFKA_CONTROLLER_PORT="${CAPYDB_KAFKA_CONTROLLER_PORT:-9093}"
export CAPYDB_S3_PORT="${CAPYDB_S3_PORT:-9000}"
# The same s3proxy over HTTPS, for pgBackRest (it speaks S3 only over TLS); dev/stack makes its certificate.
export CAPYDB_S3_TLS_PORT="${CAPYDB_S3_TLS_PORT:-9443}"
export CAPYDB_KEYCLOAK_PORT="${CAPYDB_KEYCLOAK_PORT:-18080}"
# Keycloak's management interface (health/metrics). Its default is 9000, the
# same as s3proxy, so it gets its own port even though we do not enable it.
export CAPYDB_KEYCLOAK_MANAGEMENT_PORT="${CAPYDB_KEYCLOAK_MANAGEMENT_PORT:-19000}"
export CAPYDB_GATEWAY_PORT="${CAPYDB_GATEWAY_PORT:-8080}"
export CAPYDB_PROJECT_PORT="${CAPYDB_PROJECT_PORT:-8081}"
export CAPYDB_BACKUP_PORT="${CAPYDB_BACKUP_PORT:-8082}"
export CAPYDB_RESTORE_PORT="${CAPYDB_RESTORE_PORT:-8083}"
export CAPYDB_IMPORT_PORT="${CAPYDB_IMPORT_PORT:-8084}"
export CAPYDB_CUTOVER_PORT="${CAPYDB_CUTOVER_PORT:-8085}"
export CAPYDB_WEBHOOK_PORT="${CAPYDB_WEBHOOK_PORT:-8086}"
# dev/test points the Vercel/Netlify integrations here, where the e2e suite runs a fake of their REST APIs.
export CAPYDB_FAKE_PROVIDERS_PORT="${CAPYDB_FAKE_PROVIDERS_PORT:-18091}"

# --- credentials (dev only) --------------------------------------------------
export CAPYDB_PG_PASSWORD="${CAPYDB_PG_PASSWORD:-capydb}"                 # control plane: user postgres
export CAPYDB_HOST_ADMIN_PASSWORD="${CAPYDB_HOST_ADMIN_PASSWORD:-capydb-admin}" # data-plane hosts: user postgres
export CAPYDB_S3_ACCESS_KEY="${CAPYDB_S3_ACCESS_KEY:-capydb}"
export CAPYDB_S3_SECRET_KEY="${CAPYDB_S3_SECRET_KEY:-capydb-secret}"
export CAPYDB_S3_REGION="${CAPYDB_S3_REGION:-us-east-1}"
export CAPYDB_KEYCLOAK_ADMIN_PASSWORD="${CAPYDB_KEYCLOAK_ADMIN_PASSWORD:-admin}" # master realm user "admin"
export CAPYDB_KEYCLOAK_REALM="${CAPYDB_KEYCLOAK_REALM:-capydb}"
export CAPYDB_MACHINE_CLIENT_ID="${CAPYDB_MACHINE_CLIENT_ID:-capydb-machine}"
export CAPYDB_MACHINE_CLIENT_SECRET="${CAPYDB_MACHINE_CLIENT_SECRET:-capydb-machine-secret}" # must match dev/keycloak/capydb-realm.json
export CAPYDB_SERVICES_CLIENT_ID="${CAPYDB_SERVICES_CLIENT_ID:-capydb-services}"          # services calling internal endpoints
export CAPYDB_SERVICES_CLIENT_SECRET="${CAPYDB_SERVICES_CLIENT_SECRET:-capydb-services-secret}" # must match dev/keycloak/capydb-realm.json
export CAPYDB_CLI_CLIENT_ID="${CAPYDB_CLI_CLIENT_ID:-capydb-cli}"

# Origins the dashboard is opened from (space-separated): s3proxy allows them to PUT uploads (CORS).
export CAPYDB_UI_ORIGINS="${CAPYDB_UI_ORIGINS:-http://127.0.0.1:$CAPYDB_GATEWAY_PORT http://localhost:$CAPYDB_GATEWAY_PORT}"

# Development-only egress switch (docs/architecture.md, "Egress"): 1 admits loopback targets for
# imports/webhooks. Anything else means strict.
export CAPYDB_ALLOW_LOOPBACK="${CAPYDB_ALLOW_LOOPBACK:-0}"

# --- derived -----------------------------------------------------------------
export KEYCLOAK_URL="${KEYCLOAK_URL:-http://127.0.0.1:$CAPYDB_KEYCLOAK_PORT}"
export CAPYDB_OIDC_ISSUER="${CAPYDB_OIDC_ISSUER:-$KEYCLOAK_URL/realms/$CAPYDB_KEYCLOAK_REALM}"
export CAPYDB_KAFKA_BOOTSTRAP="${CAPYDB_KAFKA_BOOTSTRAP:-127.0.0.1:$CAPYDB_KAFKA_PORT}"
export CAPYDB_S3_ENDPOINT="${CAPYDB_S3_ENDPOINT:-http://127.0.0.1:$CAPYDB_S3_PORT}"
# pgBackRest checks the certificate's DNS names (not IP addresses): hence localhost, which the certificate names.
export CAPYDB_S3_TLS_ENDPOINT="${CAPYDB_S3_TLS_ENDPOINT:-https://localhost:$CAPYDB_S3_TLS_PORT}"
export CAPYDB_S3_CA_FILE="${CAPYDB_S3_CA_FILE:-$CAPYDB_HOME/state/s3tls/ca.pem}"
export CAPYDB_S3_BUCKET_BACKUPS="${CAPYDB_S3_BUCKET_BACKUPS:-capydb-backups}"
export CAPYDB_S3_BUCKET_WAL="${CAPYDB_S3_BUCKET_WAL:-capydb-wal}"
export CAPYDB_S3_BUCKET_IMPORTS="${CAPYDB_S3_BUCKET_IMPORTS:-capydb-imports}"
export CAPYDB_GATEWAY_URL="${CAPYDB_GATEWAY_URL:-http://127.0.0.1:$CAPYDB_GATEWAY_PORT}"
# PostgreSQL binaries (Debian's PostgreSQL 15; the whole plane is 15, docs/runtime.md).
export CAPYDB_PG_BIN="${CAPYDB_PG_BIN:-/usr/lib/postgresql/15/bin}"

# --- Kafka user of the test suites -------------------------------------------
# The local broker authenticates every client and holds it to ACLs (dev/README.md, "Kafka"). Module tests (Quarkus
# maps KAFKA_* onto kafka.*) and the e2e suite connect as capydb-test, which may read and write every topic and group;
# dev/stack gives each service its own user instead. The password is the one dev/stack made in the state dir, taken
# from there on every source rather than kept from the environment: `reset` makes a new one. Before the first
# `dev/stack up` there is none yet: source this file again after it.
capydb_kafka_jaas() {  # USER PASSWORD_FILE: the sasl.jaas.config logging in as USER (dev/stack's, for every user)
  printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' "$1" "$(<"$2")"
}
if [[ -s "$CAPYDB_HOME/state/kafka/users/capydb-test.password" ]]; then
  export KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT
  export KAFKA_SASL_MECHANISM=SCRAM-SHA-512
  KAFKA_SASL_JAAS_CONFIG=$(capydb_kafka_jaas capydb-test "$CAPYDB_HOME/state/kafka/users/capydb-test.password")
  export KAFKA_SASL_JAAS_CONFIG
fi
