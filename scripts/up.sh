#!/usr/bin/env bash
# Brings the whole platform up on this machine: PostgreSQL (installed if missing), schema, demo population,
# two silos and the HTTP gateway on http://127.0.0.1:8080. Safe to run again; scripts/down.sh stops it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

SEED_COUNT="${VNEID_SEED_COUNT:-10000}"
GATEWAY_URL="http://127.0.0.1:8080"
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
mkdir -p "$RUN_DIR" "$LOG_DIR"

is_running() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

ensure_postgres_running
ensure_database "$PG_DATABASE"

say "Building (Release)"
if ! dotnet build "$REPO_ROOT/Orleans.VNeID.sln" -c Release -v q -nologo >"$LOG_DIR/build.log" 2>&1; then
  grep -E "error" "$LOG_DIR/build.log" | sort -u >&2 || tail -n 30 "$LOG_DIR/build.log" >&2
  die "The build failed (full log: $LOG_DIR/build.log); nothing was started."
fi
SILO="$REPO_ROOT/src/Silo/bin/Release/net10.0/vneid-silo.dll"
GATEWAY="$REPO_ROOT/src/Gateway/bin/Release/net10.0/vneid-gateway.dll"
[ -f "$SILO" ] && [ -f "$GATEWAY" ] || die "The build did not produce the silo and the gateway."

say "Applying the schema"
dotnet "$SILO" migrate
say "Seeding the population registry ($SEED_COUNT citizens)"
dotnet "$SILO" seed --count "$SEED_COUNT"

# A process started before its program was last built runs old code: stop it so that it starts again below.
restart_if_rebuilt() { # name, program
  if is_running "$1" && [ "$2" -nt "$RUN_DIR/$1.pid" ]; then
    say "$1 runs binaries older than the build; restarting it"
    stop_started "$1"
  fi
}
restart_if_rebuilt gateway "$GATEWAY"
restart_if_rebuilt silo-1 "$SILO"
restart_if_rebuilt silo-2 "$SILO"

start() { # name, then environment assignments, then the program
  local name="$1"; shift
  if is_running "$name"; then say "$name is already running (pid $(cat "$RUN_DIR/$name.pid"))"; return; fi
  say "Starting $name"
  nohup env "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}
# A 64 MiB gen-0 budget per GC heap: the request paths allocate briskly, and with the default budget the gateway spent a
# fifth of its CPU waiting on collections under load (docs/benchmarks.md, "Profile findings"). Override by exporting it.
GC_GEN0="DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000}"
start silo-1 "$GC_GEN0" VNEID_Silo__SiloPort=11111 VNEID_Silo__GatewayPort=30000 dotnet "$SILO"
start silo-2 "$GC_GEN0" VNEID_Silo__SiloPort=11112 VNEID_Silo__GatewayPort=30001 dotnet "$SILO"
start gateway "$GC_GEN0" dotnet "$GATEWAY"

say "Waiting for the gateway to report healthy"
for _ in $(seq 1 90); do
  if curl -fsS "$GATEWAY_URL/health" >/dev/null 2>&1; then
    cat <<TXT

Orleans.VNeID is up: two silos and the gateway on $GATEWAY_URL (logs in .local/logs, stop with scripts/down.sh).

  API reference (interactive):  $GATEWAY_URL/scalar/v1
  OpenAPI document:             $GATEWAY_URL/openapi/v1.json
  Health:                       $GATEWAY_URL/health

Try a level-1 registration for the demo citizen Nguyễn Văn An:
  curl -s -X POST $GATEWAY_URL/api/v1/accounts -H 'content-type: application/json' \\
    -d '{"idNumber":"001090012345","fullName":"Nguyễn Văn An","dateOfBirth":"1990-05-15","gender":"male","phone":"0912345678"}'
  curl -s '$GATEWAY_URL/api/v1/dev/messages?recipient=0912345678'
The README walks through activation, login, lock and unlock.
TXT
    exit 0
  fi
  for name in silo-1 silo-2 gateway; do
    is_running "$name" || { tail -n 30 "$LOG_DIR/$name.log" >&2; die "$name stopped; see $LOG_DIR/$name.log"; }
  done
  sleep 1
done
die "The gateway did not become healthy in 90 s; see $LOG_DIR."
