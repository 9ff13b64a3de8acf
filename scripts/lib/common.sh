# Shared by the platform scripts: where things live, and a PostgreSQL of our own on a private port.
# Sourced, not run. Every function is safe to call twice.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="$REPO_ROOT/.local"
RUN_DIR="$LOCAL_DIR/run"
LOG_DIR="$LOCAL_DIR/logs"
PG_PORT="${VNEID_PG_PORT:-55432}"
# Two roles: the application's (silos, gateways: no DDL, insert-only on the audit trail) and the owner's (migrations,
# the registry seed). The passwords are public Development values; scripts/up.sh --production generates its own.
PG_APP_USER="${VNEID_PG_APP_USER:-vneid}"
PG_APP_PASSWORD="${VNEID_PG_APP_PASSWORD:-vneid-dev}"
PG_OWNER_USER="${VNEID_PG_OWNER_USER:-vneid_owner}"
PG_OWNER_PASSWORD="${VNEID_PG_OWNER_PASSWORD:-vneid-owner-dev}"
PG_DATABASE="${VNEID_DATABASE:-vneid}"
# Connections per pool; suits this 2-core machine (docs/benchmarks.md). Raise it with the database host's cores.
PG_POOL_SIZE="${VNEID_PG_POOL_SIZE:-6}"
export VNEID_CONFIG_DIR="$REPO_ROOT/config"
# The connection string of a database of the local cluster: the port and names chosen above, in one place.
platform_connection() {
  echo "Host=127.0.0.1;Port=$PG_PORT;Database=${1:-$PG_DATABASE};Username=$PG_APP_USER;Password=$PG_APP_PASSWORD;Maximum Pool Size=$PG_POOL_SIZE"
}
owner_connection() {
  echo "Host=127.0.0.1;Port=$PG_PORT;Database=${1:-$PG_DATABASE};Username=$PG_OWNER_USER;Password=$PG_OWNER_PASSWORD;Maximum Pool Size=2"
}
# Every silo, gateway and tool the scripts start reads these (they override config/appsettings*.json); only the
# migrate and seed commands use the owner's.
export VNEID_ConnectionStrings__VNeID="$(platform_connection)"
export VNEID_ConnectionStrings__VNeIDOwner="$(owner_connection)"
# Storage shards (README, "Storage shards"): VNEID_SHARDS=N spreads the grain states over N databases of this cluster,
# <database>_shard0 to _shard<N-1>. Unset: the count scripts/up.sh last ran this database with (1 at first, every state
# in the platform's database), so that every later command sees the states where they are.
SHARDS_FILE="$LOCAL_DIR/shards/$PG_DATABASE"
PG_SHARDS="${VNEID_SHARDS:-$(cat "$SHARDS_FILE" 2>/dev/null || echo 1)}"
case "$PG_SHARDS" in ''|*[!0-9]*|0) echo "VNEID_SHARDS takes a number of shards, 1 or more" >&2; exit 2 ;; esac
shard_databases() { local i; [ "$PG_SHARDS" -gt 1 ] || return 0; for ((i = 0; i < PG_SHARDS; i++)); do echo "${PG_DATABASE}_shard$i"; done; }
_shard=0
for _db in $(shard_databases); do export "VNEID_Shards__ConnectionStrings__${_shard}=$(platform_connection "$_db")"; _shard=$((_shard + 1)); done
unset _shard _db
# For processes that choose their own databases (the tests): no shard settings inherited.
forget_shards() { local v; for v in $(compgen -e | grep '^VNEID_Shards__' || true); do unset "$v"; done; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs a command as the PostgreSQL owner: the postgres user when we are root (initdb refuses root), else ourselves.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_postgres_installed() {
  if [ -n "$(pg_bin_dir)" ] && [ -x "$(pg_bin_dir)/initdb" ]; then return; fi
  say "Installing PostgreSQL from Debian's packages"
  [ "$(id -u)" = 0 ] || die "PostgreSQL is missing and installing it needs root (apt-get install postgresql)."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  [ -x "$(pg_bin_dir)/initdb" ] || die "PostgreSQL installation failed."
}

# Debian's Chromium, which the browser tests drive through Playwright (never a browser download).
CHROMIUM="${VNEID_CHROMIUM:-/usr/bin/chromium}"
ensure_chromium() {
  if [ -x "$CHROMIUM" ]; then return; fi
  say "Installing Chromium from Debian's packages (for the browser tests)"
  [ "$(id -u)" = 0 ] || die "Chromium is missing and installing it needs root (apt-get install chromium)."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  [ -x "$CHROMIUM" ] || die "Chromium installation failed."
}

# What the manifest tests run: Node.js with deploy/kubernetes/validate's npm packages (kubernetes-models), and yamllint,
# from Debian's packages where missing.
# The independent relying-party checks (tests/oidc-client: panva's openid-client), run by the integration tests with Node.js.
# The npm packages of an independent check (tests/<folder>), installed from its lock file when missing or older.
ensure_npm_checks() {
  local folder="$REPO_ROOT/tests/$1" what="$2"
  command -v node >/dev/null && command -v npm >/dev/null || ensure_manifest_tools
  if [ ! -f "$folder/node_modules/.package-lock.json" ] || [ "$folder/package-lock.json" -nt "$folder/node_modules/.package-lock.json" ]; then
    say "Installing the $what npm packages (npm ci in tests/$1)"
    (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in $folder"
  fi
}

ensure_oidc_client_checks() { ensure_npm_checks oidc-client "relying-party checks' (openid-client)"; }

ensure_credential_checks() { ensure_npm_checks credentials "credential checks' (@sd-jwt/sd-jwt-vc)"; }

# The OpenAPI document's checks (tests/openapi: Redocly's lint, openapi-typescript and tsc), run by the unit tests.
ensure_openapi_checks() { ensure_npm_checks openapi "OpenAPI checks' (@redocly/cli, openapi-typescript)"; }

ensure_manifest_tools() {
  local missing=() validate="$REPO_ROOT/deploy/kubernetes/validate"
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  command -v yamllint >/dev/null || missing+=(yamllint)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]} from Debian's packages (for the Kubernetes manifest tests)"
    [ "$(id -u)" = 0 ] || die "${missing[*]} missing and installing needs root (apt-get install ${missing[*]})."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
  fi
  if [ ! -f "$validate/node_modules/.package-lock.json" ] || [ "$validate/package-lock.json" -nt "$validate/node_modules/.package-lock.json" ]; then
    say "Installing the manifest validator's npm packages (npm ci)"
    (cd "$validate" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in $validate"
  fi
}

# The data folder must be reachable by the postgres user through every parent; fall back to /var/tmp when it is not.
pg_data_dir() {
  local preferred="$LOCAL_DIR/postgres"
  mkdir -p "$LOCAL_DIR"
  if [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$LOCAL_DIR" 2>/dev/null; then
    echo "$preferred"
  else
    echo "/var/tmp/vneid-postgres-$(printf '%s' "$REPO_ROOT" | md5sum | cut -c1-8)"
  fi
}

postgres_is_running() {
  local bin data
  bin="$(pg_bin_dir)"; data="$(pg_data_dir)"
  [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

ensure_postgres_running() {
  ensure_postgres_installed
  local bin data
  bin="$(pg_bin_dir)"
  data="$(pg_data_dir)"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "Creating a PostgreSQL cluster in $data (port $PG_PORT)"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    chmod 700 "$data"
    as_pg "$bin/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
      || as_pg "$bin/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null \
      || die "initdb failed"
    cat >> "$data/postgresql.conf" <<CONF
# Orleans.VNeID local cluster
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$data'
max_connections = 300
shared_buffers = 512MB
synchronous_commit = on
CONF
  fi
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
      die "Port $PG_PORT is already taken by another program (another clone's PostgreSQL? stop it with its scripts/down.sh)."
    fi
    say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  PG_SOCKET_DIR="$data"
}

# psql as the superuser over the cluster's own socket.
pg_admin() {
  as_pg "$(pg_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

# The roles (passwords set to the current ones) and the named database, owned by the owner role. A database made before
# the roles were separated is handed over: every object the application role owned passes to the owner role.
ensure_database() {
  local db="$1" role password
  for role in "$PG_APP_USER:$PG_APP_PASSWORD" "$PG_OWNER_USER:$PG_OWNER_PASSWORD"; do
    password="${role#*:}"; role="${role%%:*}"
    pg_admin -c "do \$\$ begin
      if not exists (select from pg_roles where rolname = '$role') then create role \"$role\" login; end if;
      execute format('alter role %I login password %L', '$role', '$password');
    end \$\$;"
  done
  if [ -z "$(pg_admin -tA -c "select 1 from pg_database where datname = '$db'")" ]; then
    say "Creating database $db"
    pg_admin -c "create database \"$db\" owner \"$PG_OWNER_USER\" encoding 'UTF8' template template0"
  fi
  pg_admin -c "alter database \"$db\" owner to \"$PG_OWNER_USER\""
  pg_admin -d "$db" -c "reassign owned by \"$PG_APP_USER\" to \"$PG_OWNER_USER\"; alter schema public owner to \"$PG_OWNER_USER\""
}

stop_postgres() {
  local bin data
  bin="$(pg_bin_dir)"; data="$(pg_data_dir)"
  [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] || return 0
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "Stopping PostgreSQL"
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

# Stops processes started by up.sh, by name (gateway, silo-1, silo-2, ...): SIGTERM, then up to 60 s to leave gracefully
# (a silo hands its directory over and marks itself dead in the membership table), then SIGKILL.
stop_started() {
  local name pidfile pid
  for name in "$@"; do
    pidfile="$RUN_DIR/$name.pid"
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      say "Stopping $name (pid $pid)"
      kill -CONT "$pid" 2>/dev/null || true  # a frozen process cannot act on SIGTERM
      kill "$pid"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

# --- The platform's processes (scripts/up.sh, scripts/cluster.sh) --------------------------------------------------
SILO="$REPO_ROOT/src/Silo/bin/Release/net10.0/vneid-silo.dll"
GATEWAY="$REPO_ROOT/src/Gateway/bin/Release/net10.0/vneid-gateway.dll"
NODE="$REPO_ROOT/src/Node/bin/Release/net10.0/vneid-node.dll"
# The topology scripts/up.sh started (README, "Topology"): nodes (each silo a vneid-node with the gateway co-hosted, the
# default) or separate (vneid-silo processes and one vneid-gateway). cluster.sh's silos follow it.
TOPOLOGY_FILE="$RUN_DIR/topology"
# Without the file (processes a version before it started), a running gateway process means the separate topology.
topology() { if [ -f "$TOPOLOGY_FILE" ]; then cat "$TOPOLOGY_FILE"; elif is_running gateway; then echo separate; else echo nodes; fi; }
# A node's HTTP address: the first node serves the platform's public address, node N (N > 1) http://127.0.0.1:(8100+N).
node_http_url() { local n="${1#silo-}"; if [ "$n" = 1 ]; then echo "http://127.0.0.1:8080"; else echo "http://127.0.0.1:$((8100 + n))"; fi; }
# What every node gets besides its ports (scripts/up.sh --production: the service accounts).
NODE_ARGS=()
# A 64 MiB gen-0 budget per GC heap: the request paths allocate briskly, and with the default budget the gateway spent a
# fifth of its CPU waiting on collections under load (docs/benchmarks.md, "Profile findings"). Override by exporting it.
GC_GEN0="DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000}"
# Hot methods recompiled optimised as soon as they have run 30 times, not 100 ms after the last new method was compiled:
# under load new methods keep arriving, and the default delay kept a fresh silo at half speed for its first ~10,000
# declarations (issue 32: 408, 610, 847/s in three runs after a start; 505, 1,371/s with no delay). Override by exporting it.
TIERING="DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}"

is_running() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

start() { # name, then environment assignments, then the program
  local name="$1"; shift
  if is_running "$name"; then say "$name is already running (pid $(cat "$RUN_DIR/$name.pid"))"; return; fi
  say "Starting $name"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  nohup env "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# Silo N listens on 11110+N (silo to silo), 29999+N (the gateway's connections) and 9400+N (management: health, metrics).
silo_management_url() { echo "http://127.0.0.1:$((9400 + ${1#silo-}))"; }
# A node serves the gateway on node_http_url and health and metrics on its management port 9400+N.
start_silo() { # number
  local n="$1"
  if [ "$(topology)" = nodes ]; then
    start "silo-$n" "$GC_GEN0" "$TIERING" "VNEID_Silo__SiloPort=$((11110 + n))" "VNEID_Silo__GatewayPort=$((29999 + n))" \
      "VNEID_Gateway__Urls=$(node_http_url "$n")" "VNEID_Gateway__ManagementPort=$((9400 + n))" "VNEID_Oidc__Issuer=${ISSUER_URL:-http://localhost:8080}" ${NODE_ARGS[@]+"${NODE_ARGS[@]}"} dotnet "$NODE"
  else
    start "silo-$n" "$GC_GEN0" "$TIERING" "VNEID_Silo__SiloPort=$((11110 + n))" "VNEID_Silo__GatewayPort=$((29999 + n))" \
      "VNEID_Silo__ManagementPort=$((9400 + n))" dotnet "$SILO"
  fi
}
silo_program() { if [ "$(topology)" = nodes ]; then echo "$NODE"; else echo "$SILO"; fi; }

# The silos started here, by number (silo-1 silo-2 ...), running or not.
started_silos() {
  local f
  for f in "$RUN_DIR"/silo-*.pid; do [ -e "$f" ] && basename "$f" .pid; done | sort -t- -k2 -n
}

# Waits until the silo reports ready on its management port (an active member of the cluster, its database reachable).
wait_silo_ready() { # name [seconds]
  local name="$1" limit="${2:-90}" url
  url="$(silo_management_url "$name")/health/ready"
  for _ in $(seq 1 $((limit * 4))); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    is_running "$name" || { tail -n 20 "$LOG_DIR/$name.log" >&2; die "$name stopped; see $LOG_DIR/$name.log"; }
    sleep 0.25
  done
  die "$name did not become ready in $limit s; see $LOG_DIR/$name.log"
}

# Stops everything scripts/up.sh started except PostgreSQL: the portal, the gateway, then every silo (the last first).
stop_platform() {
  stop_started identity-check portal gateway
  stop_silos
}
stop_silos() { stop_started $(started_silos | sort -t- -k2 -rn); }
