#!/usr/bin/env bash
# Stops what scripts/up.sh started: the portal, the gateway, every silo and the local PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

stop_platform
[ "${1:-}" = "--keep-db" ] || stop_postgres
