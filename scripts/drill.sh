#!/usr/bin/env bash
# The operations drill (docs/operations.md, "Drill"): starts the platform as scripts/up.sh does in a database of its own
# (vneid_drill, recreated each run), drives declarations and status reads through the gateway while scripts/cluster.sh
# adds a silo, removes one gracefully, restarts every silo in turn, SIGKILLs one, stops PostgreSQL for ten seconds and
# freezes a silo for thirty; then reports each phase (requests, failures by answer, latency, acknowledged writes lost)
# into docs/operations.md. About five minutes. Leaves the platform stopped; scripts/up.sh starts the normal one again.
#
#   scripts/drill.sh [--write-rate 50] [--read-rate 200] [--settle-seconds 10]
set -euo pipefail
export VNEID_DATABASE=vneid_drill
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"
STARTED=$(date +%s)

say "Stopping the platform if it runs, and recreating the drill database vneid_drill"
stop_platform >/dev/null
trap 'stop_platform >/dev/null' EXIT
ensure_postgres_running
pg_admin -c "drop database if exists vneid_drill with (force)"
# One load driver from one address: the per-address limits would refuse it after 60 requests a minute.
export VNEID_RateLimits__PerAddressPerMinute=1000000 VNEID_RateLimits__PerAccountPerMinute=1000000
export VNEID_SEED_COUNT="${VNEID_SEED_COUNT:-60000}"
export VNEID_SEED_CHIPS="${VNEID_SEED_CHIPS:-100}"
# The separate topology: the drill churns the silos behind one fixed HTTP edge. With nodes (the default) every node serves
# HTTP and a load balancer in front of them (Kubernetes' Service) takes a leaving node out of rotation; this machine has none,
# so removing or restarting the node the driver talks to would cut the driver off, which is no finding about the cluster.
say "Starting the platform (scripts/up.sh --topology separate, two silos and the gateway)"
bash scripts/up.sh --silos 2 --topology separate >"$LOG_DIR/drill-up.log" 2>&1 || { tail -n 30 "$LOG_DIR/drill-up.log" >&2; die "scripts/up.sh failed"; }
dotnet build benchmarks/Orleans.VNeID.LoadDriver -c Release -v q -nologo >/dev/null
say "Drilling (about five minutes)"
dotnet benchmarks/Orleans.VNeID.LoadDriver/bin/Release/net10.0/vneid-load.dll drill "$@"
say "Done in $(( ($(date +%s) - STARTED) / 60 )) min $(( ($(date +%s) - STARTED) % 60 )) s: docs/operations.md (the platform is stopped; scripts/up.sh starts it again)"
