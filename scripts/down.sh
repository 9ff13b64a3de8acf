#!/usr/bin/env bash
# Stops what scripts/up.sh started: the gateway, the silos and the local PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

for name in gateway silo-2 silo-1; do
  pidfile="$RUN_DIR/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    say "Stopping $name (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
done
[ "${1:-}" = "--keep-db" ] || stop_postgres
