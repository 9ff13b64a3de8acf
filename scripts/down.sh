#!/usr/bin/env bash
# Stops what scripts/up.sh started: the gateway, the silos and the local PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

stop_started portal gateway silo-2 silo-1
[ "${1:-}" = "--keep-db" ] || stop_postgres
